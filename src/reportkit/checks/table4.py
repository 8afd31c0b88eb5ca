"""Table 四 within one year: R4, each group's 总计 = 维持 + 纠正 + 其他 + 尚未审结."""

from __future__ import annotations

from ..model import Report, cell_value
from ..model import labels as L
from .finding import Finding, finding, show


def rule_r4(report: Report, previous: Report | None = None) -> list[Finding]:
    """表四 each group: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    out = []
    for group in L.REVIEW_GROUPS:
        cells = report.review_litigation.group(group)
        parts = sum(cell_value(c) for c in cells[:4])
        if parts != cell_value(cells[4]):
            out.append(
                finding(
                    "R4",
                    L.review_cell(group, "total"),
                    f"总计 {show(cells[4])} ≠ 维持 + 纠正 + 其他 + 尚未审结 = {parts}",
                    cells=tuple(f"review_litigation.{group}.{c}" for c in L.REVIEW_COLUMN_KEYS),
                    value=cells[4],
                    expected=parts,
                    extra={"group": group},
                )
            )
    return out
