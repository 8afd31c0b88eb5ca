"""The data model of one agency-year report (2021 format and the 2019 trial format).

A params file is parsed into :class:`Report`. Table cells are non-negative integers, or blank
(``None``, printed empty) or ``"/"`` (printed as a slash) so that imported published reports keep
their blanks; rule R8 reports those. Totals may be left out (a row written as a mapping without
``total``, or no ``total`` row at all) and are then computed; totals that are given are kept as
given and checked by R1–R4.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)

from . import labels as L
from .labels import Format
from .numbers import FEE_10K_YUAN_PLACES, FEE_YUAN_PLACES, MAX_AMOUNT, MAX_COUNT, no_negative_zero

if TYPE_CHECKING:
    from .ledger.sources import TableSources

AGENCY_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"

Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
Cell = Annotated[
    Count | Literal["/"] | None,
    Field(description="a non-negative integer; null for a blank cell, '/' for a slashed cell"),
]


def _money(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("must be a number (a decimal such as 633.8612), not text")
    return no_negative_zero(Decimal(value))


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    Field(ge=0, le=MAX_AMOUNT, description="a non-negative decimal amount"),
]
Fee10kYuan = Annotated[
    Money, Field(decimal_places=FEE_10K_YUAN_PLACES, description="万元, to the 分 at most")
]
FeeYuan = Annotated[Money, Field(decimal_places=FEE_YUAN_PLACES, description="元, to the 分")]
Text = Annotated[str, Field(description="paragraphs, one per line")]


def cell_value(cell: Cell) -> int:
    """The value a cell has in the 勾稽 sums: a blank or slashed cell counts as 0."""
    return cell if isinstance(cell, int) else 0


def is_blank(cell: object) -> bool:
    """True for a blank (``None``) or slashed (``"/"``) cell."""
    return cell is None or cell == "/"


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a narrative field: its non-empty lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=True)


class Agency(_Strict):
    """The issuing agency."""

    id: Annotated[
        str,
        Field(
            pattern=AGENCY_ID_PATTERN,
            description="lower-case letters, digits and '-' only; the folder name under params/",
        ),
    ]
    name: Annotated[str, Field(min_length=1, description="the agency's official name")]
    region: str | None = Field(default=None, description="district, city or province")


# ---------------------------------------------------------------- section 一


class OverviewItem(_Strict):
    """One numbered item of section 一: （一）主动公开 …"""

    heading: Annotated[str, Field(min_length=1, description="e.g. 主动公开 (no numbering)")]
    text: Text = ""
    run_in: bool = Field(
        default=True,
        description="true: the heading runs into the first paragraph (（一）主动公开。全年…); "
        "false: the heading stands on its own line",
    )


class Overview(_Strict):
    """Section 一、总体情况."""

    intro: Text = ""
    items: list[OverviewItem] = Field(default_factory=list)


# ---------------------------------------------------------------- section 二


class DocumentCounts(_Strict):
    """第二十条第（一）项 row: 规章 or 行政规范性文件."""

    issued: Cell
    repealed: Cell
    in_force: Cell


class Proactive(_Strict):
    """Table 二 in the 2021 format."""

    rules: DocumentCounts
    normative_documents: DocumentCounts
    licensing: Cell
    penalty: Cell
    enforcement: Cell
    fees_10k_yuan: Fee10kYuan | Literal["/"] | None = Field(
        description="行政事业性收费, 本年收费金额（单位：万元）"
    )


class TrialDocumentCounts(_Strict):
    """2019 trial 第二十条第（一）项 row."""

    new_made: Cell
    new_published: Cell
    total_published: Cell


SignedCell = Annotated[int, Field(strict=True, ge=-MAX_COUNT, le=MAX_COUNT)] | Literal["/"] | None


class TrialItemCounts(_Strict):
    """2019 trial 第二十条第（五）（六）项 row; 本年增/减 may be negative."""

    previous_count: Cell
    change: SignedCell
    decisions: Cell


class TrialFeeCounts(_Strict):
    """2019 trial 第二十条第（八）项 row."""

    previous_count: Cell
    change: SignedCell


class TrialProcurement(_Strict):
    """2019 trial 第二十条第（九）项 政府集中采购; the amount as printed (e.g. ``251000元``)."""

    projects: Cell
    amount: str | None = None


class TrialProactive(_Strict):
    """Table 二 in the 2019 trial format (国办公开办函〔2019〕60号)."""

    rules: TrialDocumentCounts
    normative_documents: TrialDocumentCounts
    licensing: TrialItemCounts
    other_services: TrialItemCounts
    penalty: TrialItemCounts
    enforcement: TrialItemCounts
    fees: TrialFeeCounts
    procurement: TrialProcurement


def _proactive_kind(value: Any) -> str:
    if isinstance(value, TrialProactive):
        return "2019-trial"
    if isinstance(value, dict):
        if {"other_services", "fees", "procurement"} & value.keys():
            return "2019-trial"
        rules = value.get("rules")
        if isinstance(rules, dict) and "new_made" in rules:
            return "2019-trial"
    return "2021"


ProactiveTable = Annotated[
    Annotated[Proactive, Tag("2021")] | Annotated[TrialProactive, Tag("2019-trial")],
    Discriminator(_proactive_kind),
]

# ---------------------------------------------------------------- section 三


Row7 = list[Cell]
Row5 = list[Cell]


def _rows_from_mappings(data: Any, columns: tuple[str, ...], noun: str) -> Any:
    """Rows written as mappings of column keys become lists; a left-out ``total`` is computed."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key, value in data.items():
        if not isinstance(value, dict):
            continue
        unknown = [k for k in value if k not in columns]
        if unknown and "：" in str(unknown[0]):  # {commercial：3} is one key to YAML
            name, _, written = str(unknown[0]).partition("：")
            raise ValueError(
                f"{unknown[0]!r} in {noun} {key} has a full-width colon — write "
                f"{name.strip()}: {written.strip()} (half-width, 半角)"
            )
        if unknown:
            raise ValueError(
                f"unknown column {unknown[0]!r} in {noun} {key} — use {', '.join(columns)}"
            )
        missing = [k for k in columns[:-1] if k not in value]
        if missing:
            raise ValueError(f"column {missing[0]!r} missing in {noun} {key} — add it")
        parts = [value[k] for k in columns[:-1]]
        out[key] = [*parts, value["total"] if "total" in value else _computed_total(parts)]
    return out


def _computed_total(parts: list[Any]) -> int | None:
    values = [p for p in parts if isinstance(p, int)]
    return sum(values) if values or not parts else None


class Requests(_Strict):
    """Table 三: ROW → [自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计]."""

    new: Row7
    carried_over: Row7
    granted: Row7
    partially_granted: Row7
    withheld_1: Row7
    withheld_2: Row7
    withheld_3: Row7
    withheld_4: Row7
    withheld_5: Row7
    withheld_6: Row7
    withheld_7: Row7
    withheld_8: Row7
    unavailable_1: Row7
    unavailable_2: Row7
    unavailable_3: Row7
    not_processed_1: Row7
    not_processed_2: Row7
    not_processed_3: Row7
    not_processed_4: Row7
    not_processed_5: Row7
    other_1: Row7 | None = None
    other_2: Row7 | None = None
    other_3: Row7 | None = None
    other: Row7 | None = Field(default=None, description="2019 trial format only: （六）其他处理")
    total: Row7 | None = Field(default=None, description="（七）总计; computed when left out")
    carried_forward: Row7

    @model_validator(mode="before")
    @classmethod
    def _rows_as_mappings(cls, data: Any) -> Any:
        return _rows_from_mappings(data, L.REQUEST_COLUMN_KEYS, "row")

    @field_validator("*", mode="before")
    @classmethod
    def _seven_cells(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) != 7:
            raise ValueError(
                f"has {len(value)} cells, needs 7 "
                f"({'、'.join(L.REQUEST_COLUMNS.values())}) — give 7 numbers, "
                "or write the row as a mapping and leave out total to have it computed"
            )
        return value

    def row(self, key: str) -> list[Cell]:
        """The cells of one row (the ``total`` row computed if it was left out)."""
        value = getattr(self, key)
        if value is None:
            raise KeyError(key)
        return list(value)


class ReviewLitigation(_Strict):
    """Table 四: each group [结果维持, 结果纠正, 其他结果, 尚未审结, 总计]."""

    review: Row5
    litigation_direct: Row5
    litigation_after_review: Row5

    @model_validator(mode="before")
    @classmethod
    def _groups_as_mappings(cls, data: Any) -> Any:
        return _rows_from_mappings(data, L.REVIEW_COLUMN_KEYS, "group")

    @field_validator("*", mode="before")
    @classmethod
    def _five_cells(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) != 5:
            raise ValueError(
                f"has {len(value)} cells, needs 5 ({'、'.join(L.REVIEW_COLUMNS.values())}) — "
                "give 5 numbers, or write the group as a mapping and leave out total"
            )
        return value

    def group(self, key: str) -> list[Cell]:
        """The five cells of one group."""
        return list(getattr(self, key))


class LedgerFile(_Strict):
    """A ledger in a workbook of several sheets: the file and the sheet to read."""

    file: Annotated[str, Field(min_length=1, description="path relative to the params file")]
    sheet: str | None = Field(
        default=None,
        description="the worksheet; default: 台账 / 案件登记, else the first that fits",
    )


LedgerRef = Annotated[
    Annotated[str, Field(min_length=1)] | LedgerFile,
    Field(description="a .csv or .xlsx file, relative to the params file (or {file, sheet})"),
]


# ---------------------------------------------------------------- sections 五, 六


class Subsection(_Strict):
    """A sub-heading of section 五 with its paragraphs; the heading is printed as written."""

    heading: Annotated[
        str, Field(min_length=1, description="printed as written, numbering included")
    ]
    text: Text = ""


class Problems(_Strict):
    """Section 五、存在的主要问题及改进情况."""

    intro: Text = ""
    subsections: list[Subsection] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the section says nothing at all."""
        return not paragraphs(self.intro) and not any(
            paragraphs(s.text) or s.heading.strip() for s in self.subsections
        )


class OtherMatters(_Strict):
    """Section 六、其他需要报告的事项."""

    text: Text = ""
    processing_fee_yuan: FeeYuan | None = Field(
        default=None,
        description="信息处理费 collected this year (元), under 国办函〔2020〕109号; 0 when none",
    )


# ---------------------------------------------------------------- the report


class Report(_Strict):
    """One agency-year: everything its six sections print."""

    agency: Agency
    year: Annotated[int, Field(strict=True, ge=2008, le=2100)]
    format: Format = "2021"
    title: str | None = Field(
        default=None,
        description="as printed; default: <agency name><year>年政府信息公开工作年度报告",
    )
    date: str | None = Field(
        default=None, description="publication date as printed, e.g. 2025年1月20日"
    )
    preamble: Text = Field(
        default="",
        description="the opening paragraphs printed between the title and 一、总体情况 (legal "
        "basis, statistics period, where to download, contact), one per line; often empty",
    )
    demo: bool = Field(default=False, description="true for fictional demonstration data")
    charts: bool = Field(default=True, description="print the 图解 charts after the tables")
    docx_template: str | None = Field(
        default=None,
        description="a Word file (.docx or .dotx; relative to this params file) whose styles, "
        "header, footer and page setup report.docx uses — the office's own 红头 look",
    )
    overview: Overview
    proactive: ProactiveTable
    ledger: LedgerRef | None = Field(
        default=None,
        description="依申请公开台账 (columns 编号, 收到日期, 申请人类型, 办理结果, 办结日期): 表三 is "
        "computed from it and requests may be left out; typed requests are checked against it (R11)",
    )
    requests: Requests
    case_register: LedgerRef | None = Field(
        default=None,
        description="行政复议、行政诉讼案件登记 (columns 编号, 类别, 收到日期, 结果, 办结日期): 表四 is "
        "computed from it and review_litigation may be left out (R11 as for ledger)",
    )
    review_litigation: ReviewLitigation
    problems: Problems
    other_matters: OtherMatters
    uncertain: list[str] = Field(
        default_factory=list,
        description="cells that import could not read with certainty; verify and remove",
    )
    _sources: TableSources | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _format_consistency(self) -> Report:
        trial = self.format == "2019-trial"
        if trial and not isinstance(self.proactive, TrialProactive):
            raise ValueError(
                "proactive: format 2019-trial needs the trial table 二 — use new_made, new_published, total_published"
            )
        if not trial and not isinstance(self.proactive, Proactive):
            raise ValueError(
                "proactive: format 2021 needs the 2021 table 二 — use issued, repealed, in_force (or set format: 2019-trial)"
            )
        req = self.requests
        if trial:
            if req.other is None:
                raise ValueError(
                    "requests.other: （六）其他处理 is missing — the 2019 trial format has one row other"
                )
            for key in ("other_1", "other_2", "other_3"):
                if getattr(req, key) is not None:
                    raise ValueError(
                        f"requests.{key}: format 2019-trial has no such row — use requests.other"
                    )
        else:
            if req.other is not None:
                raise ValueError(
                    "requests.other: format 2021 has no such row — use other_1, other_2, other_3"
                )
            for key in ("other_1", "other_2", "other_3"):
                if getattr(req, key) is None:
                    raise ValueError(f"requests.{key}: row is missing — add it (7 numbers)")
        if req.total is None:
            rows = [req.row(k) for k in L.result_row_keys(self.format)]
            req.total = [_computed_total([r[i] for r in rows]) for i in range(7)]
        return self

    @property
    def sources(self) -> TableSources | None:
        """Where 表三/表四 were computed from (ledger files), when the params file says so."""
        return self._sources

    @property
    def display_title(self) -> str:
        """The title as printed at the top of the report."""
        return self.title or f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    def request_row(self, key: str) -> list[Cell]:
        """One row of table 三."""
        return self.requests.row(key)


def slug_ok(agency_id: str) -> bool:
    """True when ``agency_id`` is a valid agency id (lower-case, digits, '-')."""
    return re.match(AGENCY_ID_PATTERN, agency_id) is not None
