"""The rule registry and :func:`check_report`, which runs R1–R11 on one agency-year."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import Report
from .cells import rule_r8
from .cross_year import rule_r5, rule_r6
from .finding import Finding
from .glyphs import rule_r10
from .ledger import rule_r11
from .narrative import rule_r7
from .sections import rule_r9
from .table3 import rule_r1, rule_r2, rule_r3
from .table4 import rule_r4

RULES: dict[str, Callable[[Report, Report | None], list[Finding]]] = {
    "R1": rule_r1,
    "R2": rule_r2,
    "R3": rule_r3,
    "R4": rule_r4,
    "R5": rule_r5,
    "R6": rule_r6,
    "R7": rule_r7,
    "R8": rule_r8,
    "R9": rule_r9,
    "R10": rule_r10,
    "R11": rule_r11,
}
TABLE_RULES = ("R1", "R2", "R3", "R4")


def check_report(
    report: Report, previous: Report | None = None, rules: Iterable[str] | None = None
) -> list[Finding]:
    """Run the rules (all of them by default) and return every finding, in rule order."""
    if previous is not None and previous.agency.id != report.agency.id:
        previous = None
    if previous is not None and previous.year != report.year - 1:
        previous = None
    out: list[Finding] = []
    for rule in rules or RULES:
        out.extend(RULES[rule](report, previous))
    return out


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity == "error" for f in findings)
