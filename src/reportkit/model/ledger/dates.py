"""Dates as offices write them in a ledger, read exactly or not at all.

Accepted: ``2024-01-05``, ``2024/1/5``, ``2024.1.5``, ``2024年1月5日``, ``20240105`` (also with
full-width digits, and with a time after the date, as Excel's CSV export writes
``2024/1/5 0:00``), a date cell of an XLSX file, and Excel serial day numbers (``45296``, in a
cell Excel did not format as a date, or a CSV). Anything else — ``2024-13-01``, ``5/1/2024``,
``2024年1月`` — is :data:`None`: the caller reports it; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Final

#: Dates outside this span are typing mistakes (``2204-01-05``), not applications.
EARLIEST: Final = dt.date(2000, 1, 1)
LATEST: Final = dt.date(2099, 12, 31)
#: Day 0 of Excel's 1900 date system for serials ≥ 61 (Excel counts a 29 Feb 1900 that never was).
EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
#: The formats accepted, for messages.
FORMATS: Final = "2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105 or an Excel date"
FORMATS_ZH: Final = "2024-01-05、2024/1/5、2024.1.5、2024年1月5日、20240105 或 Excel 日期单元格"

_SEPARATED = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_SERIAL = re.compile(r"\d{4,5}(?:\.\d+)?")


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST else None


def from_serial(serial: float | int | Decimal) -> dt.date | None:
    """An Excel serial day number (the 1900 date system) as a date, when plausible.

    Any other number — infinite, not a number, or absurdly large (``1e20`` in a date cell) — is
    None, never an overflow."""
    try:
        whole = int(serial)
    except (OverflowError, ValueError):  # infinity, NaN
        return None
    if not 61 <= whole <= (LATEST - EXCEL_EPOCH).days:
        return None
    value = EXCEL_EPOCH + dt.timedelta(days=whole)
    return value if EARLIEST <= value <= LATEST else None


def parse_date(value: object) -> dt.date | None:
    """The date a ledger cell holds, or None when it is not one of the accepted forms.

    ``value`` is what the reader gives: ``str`` (CSV, or a text cell), ``datetime``/``date``
    (a date cell), ``int``/``float`` (a number cell: a serial, or ``20240105`` typed as a
    number). Empty cells are the caller's business (this returns None for them too).
    """
    if isinstance(value, dt.datetime):
        return _make(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _make(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        if value != value or value < 0:  # NaN
            return None
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            return parse_date(str(int(value)))
        return from_serial(value)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _SEPARATED.fullmatch(text) or _COMPACT.fullmatch(text)
    if match:
        return _make(int(match["y"]), int(match["m"]), int(match["d"]))
    if _SERIAL.fullmatch(text):
        return from_serial(Decimal(text))
    return None


def looks_like_a_date(value: object) -> bool:
    """True when ``value`` may be shown in a message: digits and date punctuation only, no run
    of digits a phone number could be (a bad cell is named; personal data never is)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or len(text) > 24 or not re.fullmatch(r"[\d\s\-/.:年月日T]+", text):
        return False
    runs = re.findall(r"\d+", text)
    return all(len(r) <= 4 or (len(r) == 8 and len(runs) == 1) for r in runs)
