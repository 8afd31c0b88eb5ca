"""R9: section 六 states the 信息处理费 (国办函〔2020〕109号); section 五 is not empty."""

from __future__ import annotations

import re

from ..model import Report, paragraphs
from ..model import labels as L
from .finding import Finding, finding

_FEE_WORDS = re.compile(r"处理费|收费|收取.{0,6}费")


def rule_r9(report: Report, previous: Report | None = None) -> list[Finding]:
    """Section 六 states 信息处理费; section 五 is not empty."""
    out = []
    six = "\n".join(paragraphs(report.other_matters.text))
    if report.other_matters.processing_fee_yuan is None and not _FEE_WORDS.search(six):
        out.append(
            finding(
                "R9",
                L.section_heading(6),
                "未说明信息处理费收取情况（国办函〔2020〕109号）；请写明收取金额或“未收取信息处理费”",
                value=six or None,
            )
        )
    if report.problems.is_empty():
        out.append(
            finding("R9", L.section_heading(5), "第五部分为空；请写明存在的主要问题及改进情况")
        )
    return out
