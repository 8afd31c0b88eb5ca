"""R11: numbers typed in a params file equal the ones computed from its ledger files.

When a params file references a ledger (表三) or a case register (表四) *and* types the table
too, the report prints the computed numbers — the office's records win — and every typed cell
that differs is a finding, so two sources of one number never disagree in silence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Report
from ..model import labels as L
from .finding import COLS, Finding, finding, show


def _differences(
    typed: Mapping[str, Sequence[Any]],
    computed: Mapping[str, Sequence[Any]],
    columns: Sequence[str],
) -> list[tuple[str, str, Any, Any]]:
    out = []
    for row, cells in typed.items():
        for col, mine, theirs in zip(columns, cells, computed[row], strict=True):
            if mine != theirs:
                out.append((row, col, mine, theirs))
    return out


def rule_r11(report: Report, previous: Report | None = None) -> list[Finding]:
    """表三/表四: every typed cell equals the ledger's (the ledger's number is printed).

    A blank or slashed typed cell differs from the computed count and is reported too.
    """
    sources = report.sources
    if sources is None:
        return []
    out = []
    if sources.ledger is not None and sources.typed_requests is not None:
        computed = {k: report.request_row(k) for k in sources.typed_requests}
        file = sources.ledger.path
        for row, col, typed, value in _differences(sources.typed_requests, computed, COLS):
            out.append(
                finding(
                    "R11",
                    L.request_cell(row, col, report.format),
                    f"手填 {show(typed)} ≠ 台账 {file} 计算 {value}（报告采用台账数字）；"
                    "请核对台账，或删去参数文件中手填的 requests",
                    cells=(f"requests.{row}.{col}",),
                    value=typed,
                    expected=value,
                    extra={"row": row, "column": col, "source": file},
                )
            )
    if sources.register is not None and sources.typed_review is not None:
        computed = {g: report.review_litigation.group(g) for g in sources.typed_review}
        file = sources.register.path
        for group, col, typed, value in _differences(
            sources.typed_review, computed, L.REVIEW_COLUMN_KEYS
        ):
            out.append(
                finding(
                    "R11",
                    L.review_cell(group, col),
                    f"手填 {show(typed)} ≠ 案件登记 {file} 计算 {value}（报告采用登记数字）；"
                    "请核对登记，或删去参数文件中手填的 review_litigation",
                    cells=(f"review_litigation.{group}.{col}",),
                    value=typed,
                    expected=value,
                    extra={"group": group, "column": col, "source": file},
                )
            )
    return out
