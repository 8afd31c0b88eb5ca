"""Table 三 within one year: R1 (rows), R2 (（七）总计), R3 (the printed note 一 + 二 = 三 + 四).

A blank or slashed cell counts as 0 here; R8 reports the blank itself.
"""

from __future__ import annotations

from ..model import Report, cell_value, is_blank
from ..model import labels as L
from .finding import COLS, TOTAL_COL, Finding, finding, show


def rule_r1(report: Report, previous: Report | None = None) -> list[Finding]:
    """表三 every row: 总计 = 自然人 + the five 法人 columns."""
    out = []
    for key in L.request_row_keys(report.format):
        row = report.request_row(key)
        parts = sum(cell_value(c) for c in row[:TOTAL_COL])
        total = cell_value(row[TOTAL_COL])
        if parts != total:
            blank = " (总计 is blank)" if is_blank(row[TOTAL_COL]) else ""
            out.append(
                finding(
                    "R1",
                    L.request_cell(key, "total", report.format),
                    f"总计 {show(row[TOTAL_COL])}{blank} ≠ 自然人 + 法人或其他组织 = {parts}",
                    cells=tuple(f"requests.{key}.{c}" for c in COLS),
                    value=row[TOTAL_COL],
                    expected=parts,
                    extra={"row": key, "column": "total"},
                )
            )
    return out


def rule_r2(report: Report, previous: Report | None = None) -> list[Finding]:
    """表三 every column: （七）总计 = （一）+（二）+Σ（三）+Σ（四）+Σ（五）+Σ（六）."""
    out = []
    results = L.result_row_keys(report.format)
    total_row = report.request_row("total")
    for i, col in enumerate(COLS):
        parts = sum(cell_value(report.request_row(k)[i]) for k in results)
        total = cell_value(total_row[i])
        if parts != total:
            out.append(
                finding(
                    "R2",
                    L.request_cell("total", col, report.format),
                    f"（七）总计 {show(total_row[i])} ≠ （一）至（六）之和 {parts}",
                    cells=tuple(f"requests.{k}.{col}" for k in (*results, "total")),
                    value=total_row[i],
                    expected=parts,
                    extra={"row": "total", "column": col},
                )
            )
    return out


def rule_r3(report: Report, previous: Report | None = None) -> list[Finding]:
    """表三 every column: 一 + 二 = 三（七） + 四 (the printed note)."""
    out = []
    new, carried = report.request_row("new"), report.request_row("carried_over")
    total, forward = report.request_row("total"), report.request_row("carried_forward")
    for i, col in enumerate(COLS):
        left = cell_value(new[i]) + cell_value(carried[i])
        right = cell_value(total[i]) + cell_value(forward[i])
        if left != right:
            out.append(
                finding(
                    "R3",
                    L.request_column_name(col),
                    f"一 + 二 = {left} ≠ 三（七）+ 四 = {right}",
                    cells=tuple(
                        f"requests.{r}.{col}"
                        for r in ("new", "carried_over", "total", "carried_forward")
                    ),
                    value=right,
                    expected=left,
                    extra={"column": col},
                )
            )
    return out
