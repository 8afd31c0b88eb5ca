"""Two agency-years compared: :func:`compare_reports` (in memory), :func:`compare_files`
(two params files), and the JSON of ``reportkit compare --json``.

Usually one agency's two consecutive years; two agencies of one year (peers), or two versions of
one agency-year, work the same way. Each side is checked with R1–R9 against its own previous
year, so the findings shown are the ones its report and the year index show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import Finding, check_report
from ..errors import ReportkitError
from ..model import Report
from ..model.params import load_previous, load_report
from .align import Alignment, compare_narratives
from .cells import CellChange, Figure, cell_changes, key_figures

COPIED_SHARE = 0.9
"""A new narrative of which at least this share stands unchanged in the old one is flagged as
largely copied (照搬往年内容)."""


@dataclass(frozen=True)
class Side:
    """One of the two agency-years: the report, its file (when read from one), its findings and
    a note when its own previous year could not be used for R5/R6."""

    report: Report
    path: Path | None = None
    findings: tuple[Finding, ...] = ()
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """``{"agency": {"id", "name"}, "year", "format", "path"}``."""
        return {
            "agency": {"id": self.report.agency.id, "name": self.report.agency.name},
            "year": self.report.year,
            "format": self.report.format,
            "path": str(self.path) if self.path is not None else None,
        }


def side_labels(old: Report, new: Report) -> tuple[str, str]:
    """How the page names the two sides: ``2023年``/``2024年`` for one agency's years, the
    agencies' names for peers of one year, ``旧版``/``新版`` for two versions of one agency-year."""
    same_agency = old.agency.id == new.agency.id and old.agency.name == new.agency.name
    if same_agency and old.year == new.year:
        return "旧版", "新版"
    if same_agency:
        return f"{old.year}年", f"{new.year}年"
    if old.year == new.year:
        return old.agency.name, new.agency.name
    return f"{old.agency.name}{old.year}年", f"{new.agency.name}{new.year}年"


@dataclass(frozen=True)
class Comparison:
    """What changed from ``old`` to ``new``: table cells, key figures, the aligned narrative."""

    old: Side
    new: Side
    cells: tuple[CellChange, ...]
    figures: tuple[Figure, ...]
    narrative: Alignment

    @property
    def labels(self) -> tuple[str, str]:
        """The names of the two sides (:func:`side_labels`)."""
        return side_labels(self.old.report, self.new.report)

    @property
    def unchanged_share(self) -> float | None:
        """The share of the new narrative's characters that stand unchanged in the old one."""
        return self.narrative.unchanged_share

    @property
    def largely_copied(self) -> bool:
        """At least :data:`COPIED_SHARE` of the new narrative stands unchanged."""
        share = self.unchanged_share
        return share is not None and share >= COPIED_SHARE

    def as_json(self) -> dict[str, Any]:
        """The JSON of ``reportkit compare --json``.

        ``{"old": {"agency", "year", …}, "new": {…}, "cells": [{"path", "old", "new", …}],
        "paragraphs": {"added", "removed", "changed", "unchanged"}, "unchanged_share",
        "key_figures": [{"key", "label", "old", "new", "change", "percent"}], …}`` —
        ``unchanged_share`` is 0.0–1.0 rounded to 4 places (``null`` without narrative).
        """
        share = self.unchanged_share
        return {
            "old": self.old.as_json(),
            "new": self.new.as_json(),
            "cells": [c.as_json() for c in self.cells],
            "paragraphs": dict(self.narrative.counts),
            "moved_paragraphs": self.narrative.moved,
            "unchanged_share": None if share is None else round(share, 4),
            "largely_copied": self.largely_copied,
            "narrative_chars": {
                "old": self.narrative.old.chars,
                "new": self.narrative.new.chars,
                "unchanged": self.narrative.same_chars,
            },
            "key_figures": [f.as_json() for f in self.figures],
            "findings": {
                "old": [f.as_json() for f in self.old.findings],
                "new": [f.as_json() for f in self.new.findings],
            },
        }


def compare_reports(
    old: Report,
    new: Report,
    *,
    old_previous: Report | None = None,
    new_previous: Report | None = None,
    old_path: Path | None = None,
    new_path: Path | None = None,
    old_note: str = "",
    new_note: str = "",
) -> Comparison:
    """Compare two agency-years in memory; ``*_previous`` are their own previous years (R5/R6).

    When ``new`` has no previous year of its own and ``old`` is its agency's year before, ``old``
    serves as that previous year.
    """
    if new_previous is None and old.agency.id == new.agency.id and old.year == new.year - 1:
        new_previous = old
    return Comparison(
        Side(old, old_path, tuple(check_report(old, old_previous)), old_note),
        Side(new, new_path, tuple(check_report(new, new_previous)), new_note),
        cell_changes(old, new),
        key_figures(old, new),
        compare_narratives(old, new),
    )


def _previous(path: Path, report: Report) -> tuple[Report | None, str]:
    """The previous year beside ``path`` (for R5/R6), or None with a note when it is unusable."""
    try:
        return load_previous(path, report), ""
    except ReportkitError as err:
        return None, f"上年参数文件无法使用，未检查 R5、R6：{err}"


def compare_files(old_path: str | Path, new_path: str | Path) -> Comparison:
    """Compare two params files (``reportkit compare OLD NEW``).

    Raises :class:`~reportkit.errors.ParamsError` when either file cannot be used. A previous
    year beside either file that cannot be used only leaves R5/R6 of that side unchecked (noted
    on the side).
    """
    old_file, new_file = Path(old_path), Path(new_path)
    old = load_report(old_file)
    new = load_report(new_file)
    old_previous, old_note = _previous(old_file, old)
    new_previous, new_note = _previous(new_file, new)
    if new_previous is None and old.agency.id == new.agency.id and old.year == new.year - 1:
        new_previous, new_note = old, ""
    return compare_reports(
        old,
        new,
        old_previous=old_previous,
        new_previous=new_previous,
        old_path=old_file,
        new_path=new_file,
        old_note=old_note,
        new_note=new_note,
    )
