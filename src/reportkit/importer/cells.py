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
    if len(fields) == 1 and fields[0].kind == "number" and fields[0].raw.strip().isdigit():
        digits = fields[0].raw.strip()
        readings = run_splits(digits, n)
        if not readings:
            return Fit.unknown(n, f"“{digits}” cannot be cut into {n} cells")
        fit = _merge(readings, check)
        if len(readings) > 1:
            fit.notes.append(
                f"“{digits}” has {len(readings)} readings as {n} cells (printed without separators)"
            )
        return fit
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
