"""Read a ledger file (CSV or XLSX) into its header and raw rows, keeping Excel's row numbers.

Only the required columns (:data:`~.vocabulary.REQUIRED`) are kept; every other column —
申请人姓名, 联系方式, 申请内容 … — is dropped as the file is read and never reaches a message, a
table or an output. The header is the first of the first :data:`HEADER_SEARCH` rows that names
编号 and 收到日期 (a title row above it is fine). CSV files may be UTF-8 (with or without BOM)
or GB18030/GBK, as Excel and WPS save them on Chinese Windows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn

from .problems import Problem, fail
from .vocabulary import (
    APPLICANT,
    CATEGORY,
    ID,
    NOT_DATA_SHEETS,
    RECEIVED,
    REQUIRED,
    SHEETS,
    TITLES,
    Kind,
    column_suggestion,
    normalize,
)

HEADER_SEARCH: Final = 20
MAX_BYTES: Final = 256 * 1024 * 1024  # a million-row CSV ledger is ~100 MB
SUFFIXES: Final = (".csv", ".xlsx", ".xlsm")
TEMPLATE_HINT: Final = "see `reportkit ledger template`"


@dataclass(frozen=True)
class RawTable:
    """A ledger file's required columns, row by row.

    ``rows`` holds ``(row number as Excel shows it, values in the order of REQUIRED[kind])``;
    rows whose required cells are all empty are left out and counted in ``blank_rows``.
    """

    kind: Kind
    shown: str
    sheet: str | None
    sha256: str
    header_row: int
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    blank_rows: int


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fits(header: list[str], kind: Kind) -> bool:
    names = {normalize(h) for h in header}
    second = APPLICANT if kind == "ledger" else CATEGORY
    return {normalize(ID), normalize(RECEIVED), normalize(second)} <= names


def _header_index(rows: list[list[Any]], kind: Kind) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        if _fits([cell_text(v) for v in row], kind):
            return i
    return None


def _near_header_index(rows: list[list[Any]], kind: Kind) -> int | None:
    """The first row naming at least two required columns (a header with a column renamed)."""
    required = {normalize(n) for n in REQUIRED[kind]}
    best, best_count = None, 1
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        count = len(required & {normalize(cell_text(v)) for v in row})
        if count > best_count:
            best, best_count = i, count
    return best


def _table(
    kind: Kind, shown: str, sheet: str | None, digest: str, rows: list[list[Any]]
) -> RawTable:
    """The required columns of ``rows`` (the whole sheet, row 1 first)."""
    at = _header_index(rows, kind)
    if at is None:
        at = _near_header_index(rows, kind)
    if at is None:
        where = f"sheet {sheet}: " if sheet else ""
        if not any(not is_empty(v) for r in rows for v in r):
            fail(
                shown,
                [
                    Problem(
                        shown, f"{where}is empty", f"fill in the {TITLES[kind]} ({TEMPLATE_HINT})"
                    )
                ],
            )
        # a row that names no column is data, and data may be personal: never shown
        names = ", ".join(REQUIRED[kind])
        fail(
            shown,
            [
                Problem(
                    shown,
                    f"{where}no header row: none of the first {HEADER_SEARCH} rows names the "
                    f"columns of the {TITLES[kind]} ({names})",
                    f"add the header row above the data ({TEMPLATE_HINT})",
                )
            ],
        )
    header = [normalize(cell_text(v)) for v in rows[at]]
    found = [cell_text(v) for v in rows[at] if not is_empty(v)]
    missing = [name for name in REQUIRED[kind] if normalize(name) not in header]
    if missing:
        _missing_columns(kind, shown, sheet, found, missing)
    positions = [header.index(normalize(name)) for name in REQUIRED[kind]]
    kept: list[tuple[int, tuple[Any, ...]]] = []
    blank = 0
    for number, row in enumerate(rows[at + 1 :], start=at + 2):
        values = tuple(row[p] if p < len(row) else None for p in positions)
        if all(is_empty(v) for v in values):
            blank += 1
            continue
        kept.append((number, values))
    return RawTable(kind, shown, sheet, digest, at + 1, tuple(kept), blank)


def _missing_columns(
    kind: Kind, shown: str, sheet: str | None, found: list[str], missing: list[str]
) -> NoReturn:
    where = f"sheet {sheet}: " if sheet else ""
    listed = ", ".join(found) if found else "none"
    problems = []
    required = {normalize(n) for n in REQUIRED[kind]}
    spare = [f for f in found if normalize(f) not in required]  # a column no other name claims
    for name in missing:
        near = column_suggestion(name, spare)
        fix = (
            f"rename column {near!r} to {name}"
            if near
            else f"add a column {name} to the header row ({TEMPLATE_HINT})"
        )
        problems.append(
            Problem(
                shown,
                f"{where}the {TITLES[kind]} has no column {name} (columns found: {listed})",
                fix,
            )
        )
    fail(shown, problems)


def _decode_csv(data: bytes, shown: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    fail(
        shown,
        [Problem(shown, "is neither UTF-8 nor GB18030 text", "save it again as CSV (UTF-8)")],
    )


def _read_csv(kind: Kind, shown: str, digest: str, data: bytes) -> RawTable:
    text = _decode_csv(data, shown)
    if "\x00" in text:
        fail(shown, [Problem(shown, "is not a text file", "save the sheet as CSV or XLSX")])
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as err:
        fail(shown, [Problem(shown, f"is not a readable CSV file ({err})", "save it again")])
    return _table(kind, shown, None, digest, [list(r) for r in rows])


def _sheet_rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _read_xlsx(kind: Kind, shown: str, digest: str, data: bytes, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook  # imported when a workbook is read: check stays fast

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
        reason = "not a zip archive" if isinstance(err, zipfile.BadZipFile) else type(err).__name__
        fail(
            shown,
            [
                Problem(
                    shown,
                    f"cannot be read as an XLSX workbook ({reason})",
                    "open it in Excel or WPS and save it again as .xlsx, or save the sheet as CSV",
                )
            ],
        )
    try:
        names = list(book.sheetnames)
        if sheet is not None:
            if sheet not in names:
                fail(
                    shown,
                    [
                        Problem(
                            shown,
                            f"has no sheet {sheet!r} (sheets: {', '.join(names)})",
                            "correct sheet: in the params file",
                        )
                    ],
                )
            return _table(kind, shown, sheet, digest, _sheet_rows(book[sheet]))
        if SHEETS[kind] in names:
            return _table(kind, shown, SHEETS[kind], digest, _sheet_rows(book[SHEETS[kind]]))
        data_sheets = [n for n in names if n not in NOT_DATA_SHEETS] or names
        first_rows: list[list[Any]] = []
        for name in data_sheets:
            rows = _sheet_rows(book[name])
            if _header_index(rows, kind) is not None:
                return _table(kind, shown, name, digest, rows)
            first_rows = first_rows or rows
        return _table(kind, shown, data_sheets[0], digest, first_rows)
    finally:
        book.close()


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a ledger file, once its suffix says it is one reportkit reads.

    Raises :class:`~reportkit.errors.LedgerError` for another type (``.xls``: save as
    ``.xlsx``), a missing or unreadable file, or a folder.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        fix = (
            "save it as .xlsx (Excel 2007 or later) or .csv"
            if suffix in (".xls", ".et", ".ods", ".wps")
            else "give a .csv or .xlsx file"
        )
        fail(shown, [Problem(shown, f"is a {suffix or 'file without suffix'} file", fix)])
    try:
        with path.open("rb") as handle:  # at most MAX_BYTES + 1: a pipe or device may not end
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        fix = "check the path: it is relative to the params file's folder"
        fail(shown, [Problem(shown, "no such file", fix)])
    except IsADirectoryError:
        fail(shown, [Problem(shown, "is a folder", "give the ledger file itself")])
    except OSError as err:
        fail(shown, [Problem(shown, f"cannot be read ({err.strerror})", "check its permissions")])
    if len(data) > MAX_BYTES:
        fail(
            shown,
            [
                Problem(
                    shown,
                    f"is larger than {MAX_BYTES // 1024 // 1024} MB",
                    "a ledger of a million rows is far smaller; check that this is the ledger "
                    "(not a database dump or an archive)",
                )
            ],
        )
    return data


def read_raw(
    kind: Kind, path: Path, shown: str, sheet: str | None = None, data: bytes | None = None
) -> RawTable:
    """The required columns of the ledger at ``path`` (``shown`` names it in messages);
    ``data``, when given, are its bytes already read (:func:`read_bytes`).

    Raises :class:`~reportkit.errors.LedgerError` when the file is missing, unreadable, of
    another type, or lacks a required column (one problem per missing column, each listing
    the columns found).
    """
    if data is None:
        data = read_bytes(path, shown)
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".csv":
        return _read_csv(kind, shown, digest, data)
    return _read_xlsx(kind, shown, digest, data, sheet)
