"""Two reports compared: what changed since last year, and what was copied.

Owns:

- ``text``       — folding punctuation and width variants, the character diff of two
  paragraphs (diff-match-patch with its semantic clean-up);
- ``align``      — the narrative of sections 一, 五, 六 paragraph by paragraph (unchanged,
  changed, added, removed, moved) and the unchanged share;
- ``cells``      — the table cells that differ (paths of the normalized JSON) and the key
  figures;
- ``comparison`` — :func:`compare_reports`, :func:`compare_files`, the JSON of
  ``reportkit compare --json``;
- ``page`` and ``templates/`` — the comparison as one self-contained HTML page in the look of
  the report (``compare.html``).

May import: :mod:`reportkit.render` (the report's tables, stylesheet and Jinja helpers),
:mod:`reportkit.checks`, :mod:`reportkit.model`, :mod:`reportkit.errors`. :mod:`reportkit.batch`
and :mod:`reportkit.cli` import this package.
"""

from .comparison import COPIED_SHARE, Comparison, Side, compare_files, compare_reports

__all__ = ["COPIED_SHARE", "Comparison", "Side", "compare_files", "compare_reports"]
