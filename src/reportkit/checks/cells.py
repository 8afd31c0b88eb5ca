"""R8: every cell of tables 二, 三, 四 is present; blank, "/" and import-uncertain cells are reported."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Proactive, Report, is_blank
from ..model import labels as L
from .finding import COLS, Finding, finding, show


def all_cells(report: Report) -> Iterable[tuple[str, str, Any]]:
    """(cell path, official label, value) for every cell of tables 二, 三, 四."""
    fmt = report.format
    pro = report.proactive
    if isinstance(pro, Proactive):
        for key in L.DOC_ROWS:
            docs = getattr(pro, key)
            for col in L.DOC_COLUMNS:
                yield f"proactive.{key}.{col}", L.proactive_cell(key, col), getattr(docs, col)
        for key in L.DECISION_ROWS:
            yield f"proactive.{key}", L.proactive_cell(key), getattr(pro, key)
        yield "proactive.fees_10k_yuan", L.proactive_cell("fees_10k_yuan"), pro.fees_10k_yuan
    else:
        for key in L.TRIAL_DOC_ROWS:
            docs = getattr(pro, key)
            for col in L.TRIAL_DOC_COLUMNS:
                yield f"proactive.{key}.{col}", L.proactive_cell(key, col), getattr(docs, col)
        for key in L.TRIAL_ITEM_ROWS:
            item = getattr(pro, key)
            for col in L.TRIAL_ITEM_COLUMNS:
                yield f"proactive.{key}.{col}", L.proactive_cell(key, col), getattr(item, col)
        for col in L.TRIAL_FEE_COLUMNS:
            yield f"proactive.fees.{col}", L.proactive_cell("fees", col), getattr(pro.fees, col)
        yield (
            "proactive.procurement.projects",
            L.proactive_cell("procurement", "projects"),
            pro.procurement.projects,
        )
    for key in L.request_row_keys(fmt):
        for i, col in enumerate(COLS):
            yield f"requests.{key}.{col}", L.request_cell(key, col, fmt), report.request_row(key)[i]
    for group in L.REVIEW_GROUPS:
        for i, col in enumerate(L.REVIEW_COLUMN_KEYS):
            yield (
                f"review_litigation.{group}.{col}",
                L.review_cell(group, col),
                report.review_litigation.group(group)[i],
            )


def rule_r8(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every cell present; blank and "/" cells, and cells import was unsure of, are reported."""
    out = []
    uncertain = set(report.uncertain)
    for path, where, value in all_cells(report):
        if is_blank(value):
            shown = "“/”" if value == "/" else "空白"
            out.append(
                finding(
                    "R8",
                    where,
                    f"单元格为{shown}；请填写数字（没有则填 0）",
                    cells=(path,),
                    value=value,
                    extra={"kind": "blank"},
                )
            )
        if path in uncertain:
            out.append(
                finding(
                    "R8",
                    where,
                    f"导入时无法确定此单元格（当前值 {show(value)}）；请对照原文核实后从 uncertain 中删除",
                    cells=(path,),
                    value=value,
                    extra={"kind": "uncertain"},
                )
            )
    return out
