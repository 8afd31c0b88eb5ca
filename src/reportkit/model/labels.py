"""The official labels of 国办公开办函〔2021〕30号 (and the 2019 trial format), defined once.

Checks, error messages, rendering and import all name table cells through this module, so
a label is spelled the same everywhere. Keys (``new``, ``withheld_1`` …) are the JSON names of
DESIGN.md; labels are the Chinese text printed in the official template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Format = Literal["2021", "2019-trial"]
FORMATS: Final[tuple[Format, ...]] = ("2021", "2019-trial")

SECTION_TITLES: Final[tuple[str, ...]] = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)
CN_NUMERALS: Final[str] = "一二三四五六七八九十"

OVERVIEW_ITEMS: Final[tuple[str, ...]] = (
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
)


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二 (enough for section and item numbering)."""
    if n <= 0 or n >= 100:
        raise ValueError(f"cannot number {n} in Chinese numerals")
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return head + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def section_heading(n: int) -> str:
    """``一、总体情况`` for n = 1."""
    return f"{cn_number(n)}、{SECTION_TITLES[n - 1]}"


def item_number(n: int) -> str:
    """``（一）`` for n = 1."""
    return f"（{cn_number(n)}）"


# ---------------------------------------------------------------- table 二 (2021)

TABLE2_TITLE: Final = "主动公开政府信息情况"
ARTICLE_1: Final = "第二十条第（一）项"
ARTICLE_5: Final = "第二十条第（五）项"
ARTICLE_6: Final = "第二十条第（六）项"
ARTICLE_8: Final = "第二十条第（八）项"
ARTICLE_9: Final = "第二十条第（九）项"
INFO_CONTENT: Final = "信息内容"

DOC_COLUMNS: Final[dict[str, str]] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
}
DOC_ROWS: Final[dict[str, str]] = {"rules": "规章", "normative_documents": "行政规范性文件"}
DECISIONS_COLUMN: Final = "本年处理决定数量"
DECISION_ROWS: Final[dict[str, str]] = {
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "enforcement": "行政强制",
}
FEES_COLUMN: Final = "本年收费金额（单位：万元）"
FEES_ROW: Final = "行政事业性收费"

# ---------------------------------------------------------------- table 二 (2019 trial)

TRIAL_DOC_COLUMNS: Final[dict[str, str]] = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
}
TRIAL_DOC_ROWS: Final[dict[str, str]] = {"rules": "规章", "normative_documents": "规范性文件"}
TRIAL_ITEM_COLUMNS: Final[dict[str, str]] = {
    "previous_count": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
}
TRIAL_ITEM_ROWS: Final[dict[str, str]] = {
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "enforcement": "行政强制",
}
TRIAL_FEE_COLUMNS: Final[dict[str, str]] = {
    "previous_count": "上一年项目数量",
    "change": "本年增/减",
}
TRIAL_PROCUREMENT_ROW: Final = "政府集中采购"
TRIAL_PROCUREMENT_COLUMNS: Final[dict[str, str]] = {
    "projects": "采购项目数量",
    "amount": "采购总金额",
}

# ---------------------------------------------------------------- table 三

TABLE3_NOTE: Final = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT: Final = "申请人情况"
NATURAL_PERSON: Final = "自然人"
LEGAL_PERSON: Final = "法人或其他组织"
TOTAL: Final = "总计"

REQUEST_COLUMNS: Final[dict[str, str]] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other": "其他",
    "total": "总计",
}
REQUEST_COLUMN_KEYS: Final[tuple[str, ...]] = tuple(REQUEST_COLUMNS)
LEGAL_PERSON_COLUMN_KEYS: Final[tuple[str, ...]] = REQUEST_COLUMN_KEYS[1:6]

RESULTS_GROUP: Final = "三、本年度办理结果"


@dataclass(frozen=True)
class RequestRow:
    """One row of table 三: its JSON key and the labels printed for it."""

    key: str
    label: str
    group: str | None = None  # （三）不予公开 … for the numbered sub-rows
    number: str = ""  # "1." for sub-rows; "（一）" / "一、" for the others

    @property
    def full_label(self) -> str:
        """The row as a reader names it: ``（三）不予公开 1.属于国家秘密``."""
        own = f"{self.number}{self.label}"
        return f"{self.group} {own}" if self.group else own


def _subrows(prefix: str, group: str, labels: tuple[str, ...]) -> list[RequestRow]:
    return [RequestRow(f"{prefix}_{i}", label, group, f"{i}.") for i, label in enumerate(labels, 1)]


WITHHELD_GROUP: Final = "（三）不予公开"
UNAVAILABLE_GROUP: Final = "（四）无法提供"
NOT_PROCESSED_GROUP: Final = "（五）不予处理"
OTHER_GROUP: Final = "（六）其他处理"

WITHHELD_LABELS: Final = (
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "危及“三安全一稳定”",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
)
UNAVAILABLE_LABELS: Final = (
    "本机关不掌握相关政府信息",
    "没有现成信息需要另行制作",
    "补正后申请内容仍不明确",
)
NOT_PROCESSED_LABELS: Final = (
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
)
OTHER_LABELS: Final = (
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他",
)

ROW_NEW = RequestRow("new", "本年新收政府信息公开申请数量", None, "一、")
ROW_CARRIED_OVER = RequestRow("carried_over", "上年结转政府信息公开申请数量", None, "二、")
ROW_GRANTED = RequestRow("granted", "予以公开", RESULTS_GROUP, "（一）")
ROW_PARTIAL = RequestRow(
    "partially_granted",
    "部分公开（区分处理的，只计这一情形，不计其他情形）",
    RESULTS_GROUP,
    "（二）",
)
ROW_TOTAL = RequestRow("total", "总计", RESULTS_GROUP, "（七）")
ROW_CARRIED_FORWARD = RequestRow("carried_forward", "结转下年度继续办理", None, "四、")
ROW_TRIAL_OTHER = RequestRow("other", "其他处理", RESULTS_GROUP, "（六）")

WITHHELD_ROWS: Final = tuple(_subrows("withheld", WITHHELD_GROUP, WITHHELD_LABELS))
UNAVAILABLE_ROWS: Final = tuple(_subrows("unavailable", UNAVAILABLE_GROUP, UNAVAILABLE_LABELS))
NOT_PROCESSED_ROWS: Final = tuple(
    _subrows("not_processed", NOT_PROCESSED_GROUP, NOT_PROCESSED_LABELS)
)
OTHER_ROWS: Final = tuple(_subrows("other", OTHER_GROUP, OTHER_LABELS))


def request_rows(fmt: Format) -> tuple[RequestRow, ...]:
    """Every row of table 三 in printed order, for one format."""
    other: tuple[RequestRow, ...] = OTHER_ROWS if fmt == "2021" else (ROW_TRIAL_OTHER,)
    return (
        ROW_NEW,
        ROW_CARRIED_OVER,
        ROW_GRANTED,
        ROW_PARTIAL,
        *WITHHELD_ROWS,
        *UNAVAILABLE_ROWS,
        *NOT_PROCESSED_ROWS,
        *other,
        ROW_TOTAL,
        ROW_CARRIED_FORWARD,
    )


def request_row_keys(fmt: Format) -> tuple[str, ...]:
    """The JSON row keys of table 三 in printed order."""
    return tuple(row.key for row in request_rows(fmt))


def result_row_keys(fmt: Format) -> tuple[str, ...]:
    """Rows summed into （七）总计: （一） … （六）."""
    keys = request_row_keys(fmt)
    return keys[keys.index("granted") : keys.index("total")]


def request_row(key: str, fmt: Format = "2021") -> RequestRow:
    """Look up a row of table 三 by its key."""
    for row in request_rows(fmt):
        if row.key == key:
            return row
    raise KeyError(key)


# ---------------------------------------------------------------- table 四

REVIEW: Final = "行政复议"
LITIGATION: Final = "行政诉讼"
REVIEW_GROUPS: Final[dict[str, str]] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼 未经复议直接起诉",
    "litigation_after_review": "行政诉讼 复议后起诉",
}
LITIGATION_SUBGROUPS: Final[dict[str, str]] = {
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_review": "复议后起诉",
}
REVIEW_COLUMNS: Final[dict[str, str]] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
REVIEW_COLUMN_KEYS: Final[tuple[str, ...]] = tuple(REVIEW_COLUMNS)

# ---------------------------------------------------------------- cell names for messages


def request_cell(row_key: str, col_key: str, fmt: Format = "2021") -> str:
    """``表三 （三）不予公开 1.属于国家秘密 × 总计``."""
    return f"表三 {request_row(row_key, fmt).full_label} × {REQUEST_COLUMNS[col_key]}"


def request_column_name(col_key: str) -> str:
    """``表三 总计列`` — a whole column, for column rules (R2, R3, R5)."""
    return f"表三 {REQUEST_COLUMNS[col_key]}列"


def review_cell(group: str, col_key: str) -> str:
    """``表四 行政诉讼 复议后起诉 × 总计``."""
    return f"表四 {REVIEW_GROUPS[group]} × {REVIEW_COLUMNS[col_key]}"


def proactive_cell(row_key: str, col_key: str | None = None) -> str:
    """``表二 规章 × 现行有效件数`` or ``表二 行政许可 × 本年处理决定数量``."""
    if row_key in DOC_ROWS and col_key in TRIAL_DOC_COLUMNS:
        return f"表二 {TRIAL_DOC_ROWS[row_key]} × {TRIAL_DOC_COLUMNS[col_key]}"
    if row_key in DOC_ROWS:
        return f"表二 {DOC_ROWS[row_key]} × {DOC_COLUMNS[col_key or 'in_force']}"
    if row_key in DECISION_ROWS and col_key is None:
        return f"表二 {DECISION_ROWS[row_key]} × {DECISIONS_COLUMN}"
    if row_key == "fees_10k_yuan":
        return f"表二 {FEES_ROW} × {FEES_COLUMN}"
    if row_key in TRIAL_ITEM_ROWS:
        col = TRIAL_ITEM_COLUMNS.get(col_key or "decisions", col_key or "")
        return f"表二 {TRIAL_ITEM_ROWS[row_key]} × {col}"
    if row_key == "fees":
        return f"表二 {FEES_ROW} × {TRIAL_FEE_COLUMNS.get(col_key or '', col_key or '')}"
    if row_key == "procurement":
        col = TRIAL_PROCUREMENT_COLUMNS.get(col_key or "", col_key or "")
        return f"表二 {TRIAL_PROCUREMENT_ROW} × {col}"
    return f"表二 {row_key}"
