"""pdftotext -layout rows with blank cells: put each number in its column by position.

A blank cell prints nothing, so a layout row with blanks has fewer numbers than cells. The
columns are where the complete rows just above and below put their numbers; a number is
placed only when those two rows agree and the number sits clearly in one column.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from .lines import normalize_width

_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
SPREAD = 4.0  # the reference rows may put a column's numbers this far apart (widths differ)
SLACK = 1.0  # a number may sit this far outside the span the references give its column
GAP = 2.0  # columns whose spans come closer than this are not told apart


def number_centres(line: str, count: int) -> list[float] | None:
    """The centre positions of the last ``count`` numbers of a layout line."""
    spans = [m.span() for m in _NUMBER.finditer(normalize_width(line))]
    if len(spans) < count:
        return None
    return [(a + b) / 2 for a, b in spans[len(spans) - count :]]


def place(
    centres: Sequence[float], above: Sequence[Sequence[float]], below: Sequence[Sequence[float]]
) -> list[int] | None:
    """The column of each number, or None when the placement is not beyond doubt.

    ``above`` and ``below``: the centres of complete rows on either side (both sides are
    needed, so a page break between them shows as columns that do not line up).
    """
    refs = [*above, *below]
    if not above or not below or len({len(r) for r in refs}) != 1:
        return None
    spans = [(min(col), max(col)) for col in zip(*refs, strict=True)]
    if any(hi - lo > SPREAD for lo, hi in spans):
        return None
    if any(b[0] - a[1] < GAP for a, b in itertools.pairwise(spans)):
        return None
    columns = []
    for x in centres:
        inside = [j for j, (lo, hi) in enumerate(spans) if lo - SLACK <= x <= hi + SLACK]
        if len(inside) != 1:
            return None
        columns.append(inside[0])
    if any(b <= a for a, b in itertools.pairwise(columns)):
        return None
    return columns
