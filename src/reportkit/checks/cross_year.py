"""Across years of one agency: R5 (上年结转 = last year's 结转下年度) and R6 (现行有效件数)."""

from __future__ import annotations

from ..model import Proactive, Report, cell_value, is_blank
from ..model import labels as L
from .finding import COLS, Finding, finding, show


def rule_r5(report: Report, previous: Report | None = None) -> list[Finding]:
    """This year's 二、上年结转 = last year's 四、结转下年度继续办理, every column."""
    if previous is None:
        return []
    out = []
    now = report.request_row("carried_over")
    before = previous.request_row("carried_forward")
    for i, col in enumerate(COLS):
        if cell_value(now[i]) != cell_value(before[i]):
            out.append(
                finding(
                    "R5",
                    L.request_cell("carried_over", col, report.format),
                    f"本年上年结转 {show(now[i])} ≠ {previous.year} 年结转下年度 {show(before[i])}",
                    cells=(f"requests.carried_over.{col}",),
                    value=now[i],
                    expected=before[i],
                    extra={"column": col, "previous_year": previous.year},
                )
            )
    return out


def rule_r6(report: Report, previous: Report | None = None) -> list[Finding]:
    """表二 现行有效 = last year's 现行有效 + 制发 − 废止 (a warning: 清理 can break it)."""
    if previous is None:
        return []
    now, before = report.proactive, previous.proactive
    if not isinstance(now, Proactive) or not isinstance(before, Proactive):
        return []
    out = []
    for key in L.DOC_ROWS:
        cur, old = getattr(now, key), getattr(before, key)
        if any(is_blank(c) for c in (cur.issued, cur.repealed, cur.in_force, old.in_force)):
            continue
        expected = old.in_force + cur.issued - cur.repealed
        if cur.in_force != expected:
            out.append(
                finding(
                    "R6",
                    L.proactive_cell(key, "in_force"),
                    f"现行有效 {cur.in_force} ≠ {previous.year} 年现行有效 {old.in_force} + "
                    f"制发 {cur.issued} − 废止 {cur.repealed} = {expected}（如有集中清理请在正文说明）",
                    cells=(f"proactive.{key}.in_force",),
                    value=cur.in_force,
                    expected=expected,
                    extra={"previous_year": previous.year},
                )
            )
    return out
