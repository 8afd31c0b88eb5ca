"""Fit the value fields of one table row to the cells the official table has.

Nothing here guesses silently: every cell comes back with a flag saying whether it was read
with certainty. A cell is certain only when every reading of the fields that is consistent
with the layout gives it the same value; no 勾稽 rule is assumed to choose between readings
(the row's own sum may pick the value written, but the cell stays flagged).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from ..model import labels as L
from ..model.labels import Format
from ..model.numbers import FEE_10K_YUAN_PLACES
from ..model.report import Cell, Fee10kYuan, SignedCell
from .lines import Field

CellValue = int | Decimal | str | None
SumCheck = Callable[[Sequence[CellValue]], bool]
MAX_RUN = 40


@dataclass
class Fit:
    """The cells of one row and, for each, whether it is certain."""

    cells: list[CellValue]
    certain: list[bool]
    notes: list[str] = field(default_factory=list)
    pad: int | None = None  # trailing empty fields dropped (tab/pipe rows), when unique
    fields: list[Field | None] = field(default_factory=list)  # the field behind each cell

    @classmethod
    def unknown(cls, n: int, why: str) -> Fit:
        """Nothing could be read: every cell blank and uncertain."""
        return cls([None] * n, [False] * n, [why])


def field_value(f: Field) -> CellValue:
    """The cell a field holds: a number, None (blank) or "/"."""
    if f.kind == "number":
        return f.value
    if f.kind == "slash":
        return "/"
    return None


def _sure(fields: Sequence[Field]) -> list[bool]:
    """Per field: read with certainty (not a number written oddly, such as ``010``)."""
    return [not f.doubtful for f in fields]


@lru_cache(maxsize=4096)
def _splits(digits: str, n: int) -> tuple[tuple[int, ...], ...]:
    """Every way to cut ``digits`` into ``n`` numbers without leading zeros."""
    if n == 1:
        ok = digits and (digits == "0" or digits[0] != "0")
        return ((int(digits),),) if ok else ()
    out: list[tuple[int, ...]] = []
    max_len = len(digits) - (n - 1)
    for size in range(1, max_len + 1):
        head = digits[:size]
        if size > 1 and head[0] == "0":
            break
        out.extend((int(head), *rest) for rest in _splits(digits[size:], n - 1))
    return tuple(out)


def run_splits(digits: str, n: int) -> tuple[tuple[int, ...], ...]:
    """The readings of a run of digits printed without separators as ``n`` cells."""
    if len(digits) > MAX_RUN or len(digits) < n:
        return ()
    return _splits(digits, n)


@lru_cache(maxsize=4096)
def _can_split(digits: str, n: int) -> bool:
    """Can ``digits`` be cut into ``n`` numbers without leading zeros?"""
    if n == 1:
        return digits == "0" or (bool(digits) and digits[0] != "0")
    if len(digits) < n:
        return False
    if digits[0] == "0":
        return _can_split(digits[1:], n - 1)
    return any(_can_split(digits[size:], n - 1) for size in range(1, len(digits) - n + 2))


def blank_readings(digits: str, n: int) -> bool:
    """True when ``digits`` can also be read as ``n`` cells some of which are blank.

    Text that runs cells together prints nothing for a blank cell, so ``550`` under three
    columns may be 5 | 5 | 0 or 550 | blank | blank: no cell of it is certain.
    """
    return any(_can_split(digits, m) for m in range(1, min(n, len(digits) + 1)))


def _merge(readings: Sequence[Sequence[CellValue]], check: SumCheck | None) -> Fit:
    """Cells equal in every reading are certain; the others take the one reading that
    passes ``check`` (if exactly one does) and stay uncertain."""
    n = len(readings[0])
    certain = [all(r[i] == readings[0][i] for r in readings) for i in range(n)]
    passing = [r for r in readings if check is not None and check(r)]
    chosen = passing[0] if len(passing) == 1 else None
    cells = [
        readings[0][i] if certain[i] else (chosen[i] if chosen is not None else None)
        for i in range(n)
    ]
    return Fit(cells, certain)


def fit_row(
    values: Sequence[Field],
    n: int,
    *,
    separated: bool,
    check: SumCheck | None = None,
    pads: set[int] | None = None,
) -> Fit:
    """Read ``n`` cells from the value fields of a row.

    ``separated``: the fields came from tabs or pipes, so empty fields are blank cells (and
    extra empty fields at either end are layout padding); otherwise blanks are invisible.
    ``pads``: the trailing padding seen in the unambiguous rows of the same table.
    """
    fields = list(values)
    if len(fields) == n:
        return Fit([field_value(f) for f in fields], _sure(fields), pad=0, fields=[*fields])
    if len(fields) == 1 and fields[0].glued and fields[0].raw.strip().isdigit():
        return _run_together(fields[0].raw.strip(), n, check)
    if not separated and 0 < len(fields) < n:
        return short_row(fields, n)
    if separated and len(fields) > n:
        offsets = [
            o
            for o in range(len(fields) - n + 1)
            if all(f.kind == "blank" and not f.note for f in fields[:o] + fields[o + n :])
        ]
        if len(offsets) == 1:
            o = offsets[0]
            return Fit(
                [field_value(f) for f in fields[o : o + n]],
                _sure(fields[o : o + n]),
                pad=len(fields) - o - n,
                fields=[*fields[o : o + n]],
            )
        if offsets:
            by_pad = {len(fields) - o - n: o for o in offsets}
            if pads is not None and len(pads) == 1 and next(iter(pads)) in by_pad:
                o = by_pad[next(iter(pads))]
                chosen = fields[o : o + n]
                return Fit([field_value(f) for f in chosen], _sure(chosen), fields=[*chosen])
            shifted = [[field_value(f) for f in fields[o : o + n]] for o in offsets]
            fit = _merge(shifted, None)
            fit.notes.append("blank cells at both ends: the columns they belong to are unclear")
            return fit
    return Fit.unknown(n, f"{len(fields)} value fields for {n} cells")


def _run_together(digits: str, n: int, check: SumCheck | None) -> Fit:
    """A run of digits written against its label, read as ``n`` cells.

    Every cell is certain only when the run has exactly one reading, blank cells counted (a
    run of ``n`` zeros; any number against a one-cell row). Otherwise the reading written is
    the one the row's own sum allows (when exactly one does) and every cell is flagged.
    """
    readings = run_splits(digits, n)
    if not readings:
        fit = Fit.unknown(n, f"“{digits}” cannot be cut into {n} cells")
    elif len(readings) == 1 and not blank_readings(digits, n):
        return Fit([*readings[0]], [True] * n)
    else:
        fit = _merge(readings, check)
        fit.certain = [False] * n
        fit.notes.append(
            f"“{digits}” is {n} cells printed without separators; it has "
            f"{len(readings)} reading(s) without blank cells, and more with blank ones"
        )
    return fit


def short_row(fields: Sequence[Field], n: int) -> Fit:
    """Fewer numbers than cells, printed apart (the other cells left empty): each number is
    kept whole, written in order from the first cell, and every cell is flagged."""
    cells: list[CellValue] = [field_value(f) for f in fields] + [None] * (n - len(fields))
    shown = " ".join(f.raw.strip() for f in fields)
    return Fit(
        cells,
        [False] * n,
        [
            f"{len(fields)} number(s) ({shown}) for {n} cells; which columns they belong to is "
            "not certain — written from the first cell"
        ],
        # a cell that is no number is named by the note above, not under a column it may not be
        fields=[
            *(f if f.kind != "garbled" else None for f in fields),
            *([None] * (n - len(fields))),
        ],
    )


def row_sum(parts: int) -> SumCheck:
    """``sum(first parts cells) == the next cell``, repeated over the row (groups of parts+1)."""

    def check(cells: Sequence[CellValue]) -> bool:
        size = parts + 1
        for g in range(0, len(cells), size):
            group = cells[g : g + size]
            nums = [c if isinstance(c, int) else 0 for c in group]
            if sum(nums[:-1]) != nums[-1]:
                return False
        return True

    return check


_COUNT: TypeAdapter[Any] = TypeAdapter(Cell)
_SIGNED: TypeAdapter[Any] = TypeAdapter(SignedCell)
_FEE: TypeAdapter[Any] = TypeAdapter(Fee10kYuan | Literal["/"] | None)


def refusal(path: str, value: CellValue, fmt: Format) -> str | None:
    """Why the model (:mod:`reportkit.model.report`'s own cell types, so that the rules cannot
    drift apart) refuses ``value`` for the table cell ``path``, or None when it takes it.

    The text completes a sentence about the value: ``16.5`` "is not a whole number, …".
    """
    if path == "proactive.procurement.amount":
        return None  # the amount is kept as printed (text)
    if path == "proactive.fees_10k_yuan":
        adapter = _FEE
        value = Decimal(value) if isinstance(value, int) else value
    elif fmt == "2019-trial" and path.endswith(".change"):
        adapter = _SIGNED
    else:
        adapter = _COUNT
    try:
        adapter.validate_python(value)
    except ValidationError as err:
        kinds = {e["type"] for e in err.errors()}
        if isinstance(value, Decimal) and adapter is not _FEE:
            return "is not a whole number, which a count must be"
        if "greater_than_equal" in kinds:
            return (
                "is negative, which a count cannot be"
                if adapter is _COUNT
                else ("is negative, which this cell cannot be")
            )
        if "less_than_equal" in kinds:
            return "is implausibly large for one cell (digits of several cells run together?)"
        if "decimal_max_places" in kinds or "decimal_max_digits" in kinds:
            return (
                f"has more than {FEE_10K_YUAN_PLACES} decimal places, finer than one 分 "
                "(万元 to 6 places)"
            )
        return f"is not a value this cell can hold ({err.errors()[0]['msg']})"
    return None


def cell_label(path: str, fmt: Format) -> str:
    """The official name of a table cell, ``表三 一、本年新收政府信息公开申请数量 × 总计``."""
    parts = path.split(".")
    if parts[0] == "requests":
        return L.request_cell(parts[1], parts[2], fmt)
    if parts[0] == "review_litigation":
        return L.review_cell(parts[1], parts[2])
    return L.proactive_cell(parts[1], parts[2] if len(parts) > 2 else None)
