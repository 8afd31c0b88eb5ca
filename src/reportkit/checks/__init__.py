"""The 勾稽 checks R1–R9 of DESIGN.md, R10 (glyph coverage) and R11 (typed tables vs the
ledger): findings only, never a changed number.

Where each rule lives:

- R1, R2, R3 (table 三 within one year) — ``table3``;
- R4 (table 四) — ``table4``;
- R5, R6 (across years of one agency) — ``cross_year``;
- R7 (the narrative's numbers vs the tables) — ``narrative``, which reads the text with the
  vocabulary of ``statements`` (what can be stated, tied to which cells) and ``numbers`` (numbers
  as people write them);
- R8 (every cell present) — ``cells``;
- R9 (sections 五 and 六 say what they must) — ``sections``;
- R10 (every printed character has a glyph in the report's fonts; the optional fonts for rare
  characters, :func:`~reportkit.checks.glyphs.optional_fonts`) — ``glyphs``;
- R11 (numbers typed beside a ledger equal the ones computed from it) — ``ledger``;
- :class:`Finding`, rule ids, severities and titles — ``finding``; the registry and
  :func:`check_report` — ``rules``.

May import: :mod:`reportkit.model` and :mod:`reportkit.errors` (and fontTools, ``fc-list``).
"""

from .finding import RULE_TITLES, SEVERITY, Finding, Severity
from .rules import RULES, TABLE_RULES, check_report, has_errors

__all__ = [
    "RULES",
    "RULE_TITLES",
    "SEVERITY",
    "TABLE_RULES",
    "Finding",
    "Severity",
    "check_report",
    "has_errors",
]
