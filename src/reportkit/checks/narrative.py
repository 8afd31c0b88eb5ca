"""R7: the counts the narrative states equal the tables."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Cell, Proactive, Report
from ..model import labels as L
from .finding import TOTAL_COL, Finding, finding

_NUM = r"\s*(\d+)\s*"


def _narrative_claims(report: Report) -> Iterable[tuple[str, str, int, Cell]]:
    """(phrase, where, stated number, table value) for statements the text makes."""
    text = "\n".join(
        [
            report.overview.intro,
            *(f"{item.heading}。{item.text}" for item in report.overview.items),
        ]
    )
    new_total = report.request_row("new")[TOTAL_COL]
    patterns: list[tuple[str, str, Cell]] = [
        (
            rf"(?:收到|受理|新收|接收)[^。；，]{{0,12}}政府信息公开申请(?:共|共计|总计)?{_NUM}件",
            L.request_cell("new", "total", report.format),
            new_total,
        ),
        (
            rf"办理行政许可{_NUM}件",
            L.proactive_cell("licensing"),
            getattr(report.proactive, "licensing", None)
            if isinstance(report.proactive, Proactive)
            else None,
        ),
        (
            rf"行政复议(?:案件)?{_NUM}件",
            L.review_cell("review", "total"),
            report.review_litigation.review[4],
        ),
    ]
    for pattern, where, value in patterns:
        for match in re.finditer(pattern, text):
            yield match.group(0), where, int(match.group(1)), value
    if re.search(r"(?:未|没有)(?:接|收)到[^。]{0,6}政府信息公开申请", text):
        yield "未收到政府信息公开申请", L.request_cell("new", "total", report.format), 0, new_total


def rule_r7(report: Report, previous: Report | None = None) -> list[Finding]:
    """Counts stated in the narrative equal the table values."""
    out = []
    for phrase, where, stated, value in _narrative_claims(report):
        if isinstance(value, int) and value != stated:
            out.append(
                finding(
                    "R7",
                    where,
                    f"正文“{phrase.strip()}”为 {stated}，表格为 {value}",
                    value=stated,
                    expected=value,
                )
            )
    return out
