"""The words of a ledger: its columns and the values of its fixed vocabularies, in Chinese.

Two kinds of file (:data:`KINDS`): the 依申请公开台账 (one row per application; 表三) and the
行政复议、行政诉讼案件登记 (one row per case; 表四). Values are matched after :func:`normalize`
(NFKC, no spaces, one kind of dash), so ``不予公开—属于国家秘密``, ``（三）不予公开 1.属于国家秘密``
and ``属于国家秘密`` are the same outcome; anything else is an error with the nearest valid value
suggested — never a guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal

from .. import labels as L

Kind = Literal["ledger", "register"]

# ---------------------------------------------------------------- columns

ID: Final = "编号"
RECEIVED: Final = "收到日期"
APPLICANT: Final = "申请人类型"
OUTCOME: Final = "办理结果"
FINISHED: Final = "办结日期"
CATEGORY: Final = "类别"
RESULT: Final = "结果"

#: The columns each kind of file must have (others, such as 申请人姓名, are ignored unread).
REQUIRED: Final[dict[Kind, tuple[str, ...]]] = {
    "ledger": (ID, RECEIVED, APPLICANT, OUTCOME, FINISHED),
    "register": (ID, CATEGORY, RECEIVED, RESULT, FINISHED),
}
#: What each kind of file is called, in messages and templates.
TITLES: Final[dict[Kind, str]] = {
    "ledger": "依申请公开台账",
    "register": "行政复议、行政诉讼案件登记",
}
#: The params-file key that references each kind of file.
PARAMS_KEYS: Final[dict[Kind, str]] = {"ledger": "ledger", "register": "case_register"}
#: The table each kind of file computes.
TABLES: Final[dict[Kind, str]] = {"ledger": "表三", "register": "表四"}
#: The worksheet of an XLSX file read by default (else the first whose header fits).
SHEETS: Final[dict[Kind, str]] = {"ledger": "台账", "register": "案件登记"}
#: Worksheets of the templates that are never data.
NOT_DATA_SHEETS: Final = frozenset({"示例", "说明", "取值"})

# ---------------------------------------------------------------- values

#: 申请人类型 → the table 三 column key.
APPLICANT_TYPES: Final[dict[str, str]] = {
    label: key for key, label in L.REQUEST_COLUMNS.items() if key != "total"
}


def _outcome_values() -> dict[str, str]:
    """办理结果 as the template writes it → the table 三 row key (2021 format)."""
    out = {"予以公开": "granted", "部分公开": "partially_granted"}
    for rows in (L.WITHHELD_ROWS, L.UNAVAILABLE_ROWS, L.NOT_PROCESSED_ROWS, L.OTHER_ROWS):
        for row in rows:
            group = (row.group or "").split("）", 1)[-1]
            out[f"{group}-{row.label}"] = row.key
    return out


#: 办理结果 (canonical spelling, as in the template's list) → table 三 row key.
OUTCOMES: Final[dict[str, str]] = _outcome_values()

#: 类别 → table 四 group key.
CATEGORIES: Final[dict[str, str]] = {
    "行政复议": "review",
    "直接起诉": "litigation_direct",
    "复议后起诉": "litigation_after_review",
}
#: 结果 → table 四 column key.
RESULTS: Final[dict[str, str]] = {
    "维持": "upheld",
    "纠正": "corrected",
    "其他": "other",
    "尚未审结": "pending",
}

# Other spellings that mean exactly the same thing (official labels of the table).
_CATEGORY_ALIASES: Final = {
    "未经复议直接起诉": "直接起诉",
    "行政诉讼-未经复议直接起诉": "直接起诉",
    "行政诉讼-直接起诉": "直接起诉",
    "行政诉讼-复议后起诉": "复议后起诉",
}
_RESULT_ALIASES: Final = {"结果维持": "维持", "结果纠正": "纠正", "其他结果": "其他"}
# Words people use that are *not* accepted, but point at the value they probably meant.
_HINTS: Final[dict[str, str]] = {
    "个人": "自然人",
    "公民": "自然人",
    "群众": "自然人",
    "企业": "商业企业",
    "公司": "商业企业",
    "律师": "法律服务机构",
    "律所": "法律服务机构",
    "律师事务所": "法律服务机构",
    "高校": "科研机构",
    "研究所": "科研机构",
    "公开": "予以公开",
    "同意公开": "予以公开",
    "部分": "部分公开",
    "不公开": "不予公开-属于国家秘密",
    "信息不存在": "无法提供-本机关不掌握相关政府信息",
    "不掌握": "无法提供-本机关不掌握相关政府信息",
    "复议": "行政复议",
    "诉讼": "直接起诉",
    "驳回": "其他",
    "撤销": "纠正",
    "确认违法": "纠正",
    "审理中": "尚未审结",
    "未审结": "尚未审结",
}


def normalize(text: str) -> str:
    """The form values are compared in: NFKC, without spaces, dashes, colons, official
    numbering (``（三）``, ``1.``) and end punctuation — ``（三）不予公开 1.属于国家秘密`` and
    ``不予公开—属于国家秘密`` are the same."""
    value = unicodedata.normalize("NFKC", text)
    value = re.sub(r"\([一二三四五六七八九十]+\)", "", value)
    value = re.sub(r"(?<![\d])\d{1,2}[.、](?!\d)", "", value)
    value = re.sub(r"[\s—–－―‐‑~～:：/／·・|\-]+", "", value)
    value = value.replace("“", '"').replace("”", '"')
    return value.strip("。.;；,，")


@dataclass(frozen=True)
class Vocabulary:
    """One column's fixed values: how to read a cell and what to suggest when it is wrong."""

    column: str
    values: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def _table(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for value in self.values:
            table[normalize(value)] = value
            if "-" in value:  # 不予公开-属于国家秘密 may be written 属于国家秘密
                table.setdefault(normalize(value.split("-", 1)[1]), value)
        for alias, value in self.aliases.items():
            table[normalize(alias)] = value
        # 部分公开（区分处理的，只计这一情形，不计其他情形）, the full official label
        for value in self.values:
            if value == "部分公开":
                table[normalize(L.ROW_PARTIAL.label)] = value
        return table

    def canonical(self, text: str) -> str | None:
        """The canonical value ``text`` stands for, or None when it is not one of them."""
        return self._table.get(normalize(text))

    def key(self, text: str) -> str | None:
        """The table key of ``text`` (``withheld_1`` …), or None."""
        value = self.canonical(text)
        return None if value is None else self.values[value]

    def suggestion(self, text: str) -> str | None:
        """The valid value ``text`` probably meant, when there is one close enough."""
        norm = normalize(text)
        if not norm:
            return None
        hint = _HINTS.get(norm)
        if hint in self.values:
            return hint
        table = self._table
        near = difflib.get_close_matches(norm, list(table), n=1, cutoff=0.6)
        if near:
            return table[near[0]]
        contained = [v for k, v in table.items() if len(norm) >= 2 and (norm in k or k in norm)]
        return contained[0] if len(set(contained)) == 1 else None


APPLICANT_VOCABULARY: Final = Vocabulary(APPLICANT, APPLICANT_TYPES, {"其他组织": "其他"})
OUTCOME_VOCABULARY: Final = Vocabulary(OUTCOME, OUTCOMES)
CATEGORY_VOCABULARY: Final = Vocabulary(CATEGORY, CATEGORIES, _CATEGORY_ALIASES)
RESULT_VOCABULARY: Final = Vocabulary(RESULT, RESULTS, _RESULT_ALIASES)


def column_suggestion(name: str, found: list[str]) -> str | None:
    """The column among ``found`` that is probably ``name`` misspelled (``办理 结果``, ``办结时间``)."""
    wanted = normalize(name)
    by_norm = {normalize(f): f for f in found}
    near = difflib.get_close_matches(wanted, list(by_norm), n=1, cutoff=0.5)
    return by_norm[near[0]] if near else None
