"""The files a params file takes its tables from, and what one year takes from each.

A params file may say ``ledger: 台账.xlsx`` (表三) and ``case_register: 案件登记.csv`` (表四),
paths relative to its folder, or ``{file: …, sheet: …}`` to pick a worksheet. :func:`load_sources`
reads them (once per file version: parsed files are cached by path, size and modification
time), validates every row, and returns the year's :class:`TableSources`; :func:`year_digest` is
what the incremental key of a batch uses: a digest of everything the year's report shows from
the files, so editing a row of 2024 re-renders 2024 and not 2022.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ...errors import LedgerError, ReportkitError
from .. import labels as L
from ..references import referenced_path
from .read import RawTable, read_bytes, read_raw
from .view import YearView
from .vocabulary import PARAMS_KEYS, Kind

KINDS: Final[tuple[Kind, ...]] = ("ledger", "register")


@dataclass(frozen=True)
class SourceFile:
    """One referenced file and what the report year takes from it.

    ``path`` is the file as the params file writes it; ``sha256`` the digest of the bytes read
    (recorded in the manifest); ``view`` the year's rows and counts. Nothing here holds a cell
    of the file: only counts derived from it.
    """

    kind: Kind
    path: str
    sheet: str | None
    sha256: str
    view: YearView
    year: int

    @property
    def digest(self) -> str:
        """A digest of what the year shows from the file (the batch's incremental key).

        It covers the table, the rows used and ignored, and the monthly receipts — not the
        file's own hash, which changes with rows of other years.
        """
        data: list[Any] = [self.kind, self.path, self.sheet, self.year, self.view.rows]
        data += [self.view.used, self.view.ignored, list(self.view.monthly)]
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def as_json(self) -> dict[str, Any]:
        """The manifest's record of the file: path, hash, and the year's counts."""
        return {
            "kind": PARAMS_KEYS[self.kind],
            "path": self.path,
            "sheet": self.sheet,
            "sha256": self.sha256,
            "year_digest": self.digest,
            "used": dict(self.view.used),
            "ignored": dict(self.view.ignored),
        }


@dataclass(frozen=True)
class TableSources:
    """Where an agency-year's 表三/表四 come from, and the numbers typed beside them.

    ``typed_requests``/``typed_review``: the rows the params file also typed (validated, with
    totals), when it did; rule R11 compares them with the computed ones (the files win).
    """

    ledger: SourceFile | None = None
    register: SourceFile | None = None
    typed_requests: dict[str, list[Any]] | None = None
    typed_review: dict[str, list[Any]] | None = None

    def files(self) -> list[SourceFile]:
        """The referenced files, ledger first."""
        return [f for f in (self.ledger, self.register) if f is not None]


def reference(value: Any) -> tuple[str, str | None] | None:
    """``(file, sheet)`` of a params file's ``ledger:``/``case_register:`` value, or None when
    it is not a reference (the params validation reports that)."""
    if isinstance(value, str) and value.strip():
        return value.strip(), None
    if isinstance(value, Mapping):
        file, sheet = value.get("file"), value.get("sheet")
        if isinstance(file, str) and file.strip() and (sheet is None or isinstance(sheet, str)):
            return file.strip(), sheet
    return None


# pandas is imported when a ledger is read, not with reportkit.model: the CLI starts fast
# pandas is imported when a ledger is read, not with reportkit.model: the CLI starts fast
_CACHE: dict[tuple[str, str, str | None, str], tuple[RawTable, Any]] = {}
_LOCK = threading.Lock()
_CACHE_SIZE = 64


def records(kind: Kind, path: Path, shown: str, sheet: str | None) -> tuple[RawTable, Any]:
    """The validated records of one file (cached by the file's content: one ledger read for
    many years, or many agency-years of a batch, is parsed once).

    Raises :class:`~reportkit.errors.LedgerError` with every problem of the file.
    """
    from .validate import ledger_records, register_records

    data = read_bytes(path, shown)
    key = (kind, hashlib.sha256(data).hexdigest(), sheet, shown)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    raw = read_raw(kind, path, shown, sheet, data)
    frame = ledger_records(raw) if kind == "ledger" else register_records(raw)
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (raw, frame)
    return raw, frame


def source_file(
    kind: Kind, ref: tuple[str, str | None], base: Path, year: int, fmt: L.Format
) -> SourceFile:
    """Read one referenced file (relative to ``base``) and take ``year``'s view of it."""
    from .compute import requests_view, review_view

    written, sheet = ref
    path = referenced_path(base, written)
    raw, frame = records(kind, path, str(path), sheet)
    view = requests_view(frame, year, fmt) if kind == "ledger" else review_view(frame, year)
    return SourceFile(kind, written, raw.sheet, raw.sha256, view, year)


def load_sources(data: Mapping[str, Any], base: Path, year: int, fmt: L.Format) -> TableSources:
    """The files ``data`` (a params mapping) references, read for ``year``.

    Raises :class:`~reportkit.errors.LedgerError` holding the problems of every referenced file
    (both files' problems when both have some).
    """
    found: dict[Kind, SourceFile] = {}
    problems: list[str] = []
    first_path = ""
    for kind in KINDS:
        ref = reference(data.get(PARAMS_KEYS[kind]))
        if ref is None:
            continue
        try:
            found[kind] = source_file(kind, ref, base, year, fmt)
        except LedgerError as err:
            problems.extend(err.problems)
            first_path = first_path or err.path
    if problems:
        raise LedgerError(first_path, problems)
    return TableSources(found.get("ledger"), found.get("register"))


def year_digest(params_path: str | Path) -> str:
    """A digest of what ``params_path``'s year shows from its ledger files ("" when none).

    Reads only the params file's ``year``, ``format``, ``ledger`` and ``case_register``; a file
    that cannot be read or validated gives a digest of the error (the render reports it), so
    fixing the file changes the digest too.
    """
    from ..yamlfile import read_yaml

    path = Path(params_path)
    try:
        data = read_yaml(path)
    except ReportkitError:
        return ""
    if not isinstance(data, dict) or not any(data.get(PARAMS_KEYS[k]) for k in KINDS):
        return ""
    year, fmt = data.get("year"), data.get("format", "2021")
    if not isinstance(year, int) or fmt not in L.FORMATS:
        return ""
    try:
        sources = load_sources(data, path.parent, year, fmt)
    except ReportkitError as err:
        return "error:" + hashlib.sha256(str(err).encode()).hexdigest()
    return hashlib.sha256("\n".join(f.digest for f in sources.files()).encode()).hexdigest()
