"""The comparison pages of a batch: ``outputs/<year>/<agency-id>/compare.html`` for every
agency-year whose previous year's params file exists.

A step after rendering, with its own key, kept in the stamp ``.compare-key`` beside the page. A
comparison reads this year's and last year's params (and the year before last, whose R5/R6
findings the page shows for last year) and runs the code and templates of ``model``,
``checks``, ``render`` and ``compare``; it does not read the rendered report. So:

- a no-change rerun rewrites nothing; a changed year (this, last, or the one before, its
  params file or what it takes from a ledger) rewrites the page, and so does a change of that
  code or of the reportkit version;
- a comparison is written even when the report's render failed (in a notebook, say), and a
  render of the report alone (``reportkit run``) does not rewrite it;
- when a page cannot be made (a params file became invalid), the last good page and its stamp
  stay; the index then links it as the last comparison, because the stamp's hashes no longer
  match the params (:func:`comparison_record`).

The stamp also carries what the index and ``summary.csv`` show — the unchanged share, the
paragraph counts, the number of changed cells — so they read it instead of comparing again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import __version__
from ..errors import ReportkitError
from ..model.params import check_same_agency
from ..render.manifest import sha256_file
from .discover import AgencyYear
from .freshness import ABSENT, PACKAGE_DIR, out_dir, read_stamp

COMPARE_NAME = "compare.html"
COMPARE_STAMP = ".compare-key"
# the sub-packages whose code a comparison runs; modules directly in the package count too
COMPARE_PACKAGES = frozenset({"model", "checks", "render", "compare"})

CompareStatus = Literal["written", "up to date", "failed"]


@dataclass(frozen=True)
class CompareOutcome:
    """What happened to one agency-year's comparison page in this batch."""

    agency_id: str
    year: int
    status: CompareStatus
    path: str
    message: str = ""


@dataclass(frozen=True)
class CompareRecord:
    """The stamp of a comparison page: its key and parts, and the figures the index shows."""

    key: str
    parts: dict[str, str]
    unchanged_share: float | None
    largely_copied: bool
    paragraphs: dict[str, int] = field(default_factory=dict)
    cells: int = 0

    def as_json(self) -> dict[str, Any]:
        """The stamp file's content."""
        return {
            "key": self.key,
            "parts": dict(sorted(self.parts.items())),
            "unchanged_share": self.unchanged_share,
            "largely_copied": self.largely_copied,
            "paragraphs": self.paragraphs,
            "cells": self.cells,
        }


def _file_part(path: Path) -> str:
    return sha256_file(path) if path.is_file() else ABSENT


def code_part() -> str:
    """A digest of what a comparison runs: the sources of :data:`COMPARE_PACKAGES` and the
    package's root modules, every template and stylesheet under them, and the version."""
    digest = hashlib.sha256(__version__.encode())
    files = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        parts = path.relative_to(PACKAGE_DIR).parts
        if "__pycache__" in parts or not path.is_file():
            continue
        if (len(parts) == 1 and path.suffix == ".py") or parts[0] in COMPARE_PACKAGES:
            files.append(path)
    for path in files:
        digest.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}:{sha256_file(path)}\n".encode())
    return digest.hexdigest()


def compare_parts(item: AgencyYear, code: str, directory: Path) -> dict[str, str]:
    """The parts of one agency-year's comparison key: the three params files, what those years
    take from their ledgers, and the code.

    The ledgers' part is the one the render's stamp in ``directory`` holds (the render ran
    first and read them; reading them again here would cost a no-change rerun ~0.5 s an
    agency): a ledger edit that changes this year's or an earlier year's tables re-renders the
    report and so rewrites its comparison. Without a stamp (the render failed) the part is
    empty, and the page is written again once the render succeeds.
    """
    stamp = read_stamp(directory)
    return {
        "params": _file_part(item.params),
        "previous": _file_part(item.previous_params()),
        "year_before_previous": _file_part(item.params.with_name(f"{item.year - 2}.yaml")),
        "ledgers": stamp.parts.get("ledgers", "") if stamp is not None else "",
        "code": code,
    }


def _key(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(parts.items())).encode()).hexdigest()


def read_record(directory: Path) -> CompareRecord | None:
    """The stamp in ``directory``, or None when missing or damaged."""
    try:
        data = json.loads((directory / COMPARE_STAMP).read_text(encoding="utf-8"))
        share = data["unchanged_share"]
        record = CompareRecord(
            key=str(data["key"]),
            parts={str(k): str(v) for k, v in data["parts"].items()},
            unchanged_share=None if share is None else float(share),
            largely_copied=bool(data["largely_copied"]),
            paragraphs={str(k): int(v) for k, v in data["paragraphs"].items()},
            cells=int(data["cells"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return record


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _page_ok(page: Path) -> bool:
    return page.is_file() and page.stat().st_size > 0


def write_comparison(
    item: AgencyYear, out_root: str | Path, code: str, force: bool
) -> CompareOutcome:
    """Write (or keep) one agency-year's comparison page. Never raises for a bad agency-year."""
    directory = out_dir(out_root, item)
    page = directory / COMPARE_NAME
    parts = compare_parts(item, code, directory)
    key = _key(parts)
    record = read_record(directory)
    if not force and record is not None and record.key == key and _page_ok(page):
        return CompareOutcome(item.agency_id, item.year, "up to date", str(page))
    # imported only to write a page: a no-change rerun does not load the comparer
    from ..compare import compare_files
    from ..compare.page import write_comparison_html

    try:
        comparison = compare_files(item.previous_params(), item.params)
        # last year's page of this agency: never another agency's file left in its folder
        check_same_agency(item.previous_params(), comparison.old.report, comparison.new.report)
        directory.mkdir(parents=True, exist_ok=True)
        write_comparison_html(comparison, page)
        counts = comparison.narrative.counts
        share = comparison.unchanged_share
        _write_json_atomic(
            directory / COMPARE_STAMP,
            CompareRecord(
                key,
                parts,
                None if share is None else round(share, 4),
                comparison.largely_copied,
                {status: counts[status] for status in counts},
                len(comparison.cells),
            ).as_json(),
        )
    except ReportkitError as err:
        return CompareOutcome(item.agency_id, item.year, "failed", str(page), str(err))
    except Exception as err:  # a bug in the comparison must not stop the batch
        message = f"{type(err).__name__}: {err}".splitlines()[0]
        return CompareOutcome(item.agency_id, item.year, "failed", str(page), message)
    return CompareOutcome(item.agency_id, item.year, "written", str(page))


def write_comparisons(
    items: Iterable[AgencyYear], out_root: str | Path, *, force: bool = False
) -> list[CompareOutcome]:
    """The comparison page of every agency-year in ``items`` whose previous year exists."""
    chosen = [item for item in items if item.previous_params().is_file()]
    if not chosen:
        return []
    code = code_part()
    return [write_comparison(item, out_root, code, force) for item in chosen]


@dataclass(frozen=True)
class ComparisonLink:
    """What the index shows of an agency-year's comparison: the page, its record, and whether
    it still matches the params (``current``; False: the last good page of earlier params)."""

    page: Path
    record: CompareRecord
    current: bool


def comparison_record(item: AgencyYear, directory: Path) -> ComparisonLink | None:
    """The comparison page of ``item`` in ``directory`` when its previous year exists and a
    page with a readable stamp is there."""
    if not item.previous_params().is_file():
        return None
    page = directory / COMPARE_NAME
    record = read_record(directory)
    if record is None or not _page_ok(page):
        return None
    now = {
        "params": _file_part(item.params),
        "previous": _file_part(item.previous_params()),
    }
    current = all(record.parts.get(k) == v for k, v in now.items())
    return ComparisonLink(page, record, current)


def counts_line(outcomes: Sequence[CompareOutcome]) -> str:
    """``comparison pages: 4 written, 2 up to date, 0 failed``."""
    n = {s: sum(o.status == s for o in outcomes) for s in ("written", "up to date", "failed")}
    return f"comparison pages: {n['written']} written, {n['up to date']} up to date, {n['failed']} failed"
