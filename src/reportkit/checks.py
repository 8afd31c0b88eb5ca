"""The 勾稽 checks R1–R9 of DESIGN.md. Rule ids are part of the interface.

Each rule is one function ``rule_rN(report, previous) -> list[Finding]``. For R1–R4 a blank cell
counts as 0 and R8 reports the blank itself. Nothing here changes a number: findings only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

from . import labels as L
from .model import Cell, Proactive, Report, cell_value, is_blank, paragraphs

Severity = Literal["error", "warning"]
SEVERITY: dict[str, Severity] = {
    "R1": "error",
    "R2": "error",
    "R3": "error",
    "R4": "error",
    "R5": "error",
    "R6": "warning",
    "R7": "warning",
    "R8": "error",
    "R9": "warning",
}
RULE_TITLES: dict[str, str] = {
    "R1": "表三 每行：总计 = 自然人 + 法人或其他组织各列",
    "R2": "表三 每列：（七）总计 = （一）至（六）之和",
    "R3": "表三 每列：一 + 二 = 三（七）+ 四",
    "R4": "表四 每组：总计 = 维持 + 纠正 + 其他 + 尚未审结",
    "R5": "跨年：本年 二、上年结转 = 上年 四、结转下年度继续办理",
    "R6": "跨年：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
    "R7": "正文所述数字与表格一致",
    "R8": "每个单元格为非负整数（收费为非负小数），无空白或“/”",
    "R9": "第六部分说明信息处理费；第五部分不为空",
}


@dataclass(frozen=True)
class Finding:
    """One rule violation, naming the cell in official labels, the values and the expectation."""

    rule: str
    severity: Severity
    where: str
    message: str
    cells: tuple[str, ...] = ()
    value: Any = None
    expected: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The JSON form of ``check --json``."""
        data = asdict(self)
        data["cells"] = list(self.cells)
        data.pop("extra")
        data.update(self.extra)
        return _jsonable(data)  # type: ignore[no-any-return]

    def line(self) -> str:
        """One line for terminals: ``R3 error 表三 总计列: …``."""
        return f"{self.rule} {self.severity} {self.where}: {self.message}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _finding(rule: str, where: str, message: str, **kw: Any) -> Finding:
    return Finding(rule, SEVERITY[rule], where, message, **kw)


def _show(cell: Cell) -> str:
    return "空白" if cell is None else str(cell)


COLS = L.REQUEST_COLUMN_KEYS
TOTAL_COL = 6


# ---------------------------------------------------------------- R1–R4: one year's tables


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
                _finding(
                    "R1",
                    L.request_cell(key, "total", report.format),
                    f"总计 {_show(row[TOTAL_COL])}{blank} ≠ 自然人 + 法人或其他组织 = {parts}",
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
                _finding(
                    "R2",
                    L.request_cell("total", col, report.format),
                    f"（七）总计 {_show(total_row[i])} ≠ （一）至（六）之和 {parts}",
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
                _finding(
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


def rule_r4(report: Report, previous: Report | None = None) -> list[Finding]:
    """表四 each group: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    out = []
    for group in L.REVIEW_GROUPS:
        cells = report.review_litigation.group(group)
        parts = sum(cell_value(c) for c in cells[:4])
        if parts != cell_value(cells[4]):
            out.append(
                _finding(
                    "R4",
                    L.review_cell(group, "total"),
                    f"总计 {_show(cells[4])} ≠ 维持 + 纠正 + 其他 + 尚未审结 = {parts}",
                    cells=tuple(f"review_litigation.{group}.{c}" for c in L.REVIEW_COLUMN_KEYS),
                    value=cells[4],
                    expected=parts,
                    extra={"group": group},
                )
            )
    return out


# ---------------------------------------------------------------- R5, R6: across years


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
                _finding(
                    "R5",
                    L.request_cell("carried_over", col, report.format),
                    f"本年上年结转 {_show(now[i])} ≠ {previous.year} 年结转下年度 {_show(before[i])}",
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
                _finding(
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


# ---------------------------------------------------------------- R7: narrative vs tables

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
                _finding(
                    "R7",
                    where,
                    f"正文“{phrase.strip()}”为 {stated}，表格为 {value}",
                    value=stated,
                    expected=value,
                )
            )
    return out


# ---------------------------------------------------------------- R8: every cell present


def _all_cells(report: Report) -> Iterable[tuple[str, str, Any]]:
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
    for path, where, value in _all_cells(report):
        if is_blank(value):
            shown = "“/”" if value == "/" else "空白"
            out.append(
                _finding(
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
                _finding(
                    "R8",
                    where,
                    f"导入时无法确定此单元格（当前值 {_show(value)}）；请对照原文核实后从 uncertain 中删除",
                    cells=(path,),
                    value=value,
                    extra={"kind": "uncertain"},
                )
            )
    return out


# ---------------------------------------------------------------- R9: sections 五, 六

_FEE_WORDS = re.compile(r"处理费|收费|收取.{0,6}费")


def rule_r9(report: Report, previous: Report | None = None) -> list[Finding]:
    """Section 六 states 信息处理费; section 五 is not empty."""
    out = []
    six = "\n".join(paragraphs(report.other_matters.text))
    if report.other_matters.processing_fee_yuan is None and not _FEE_WORDS.search(six):
        out.append(
            _finding(
                "R9",
                L.section_heading(6),
                "未说明信息处理费收取情况（国办函〔2020〕109号）；请写明收取金额或“未收取信息处理费”",
                value=six or None,
            )
        )
    if report.problems.is_empty():
        out.append(
            _finding("R9", L.section_heading(5), "第五部分为空；请写明存在的主要问题及改进情况")
        )
    return out


RULES: dict[str, Callable[[Report, Report | None], list[Finding]]] = {
    "R1": rule_r1,
    "R2": rule_r2,
    "R3": rule_r3,
    "R4": rule_r4,
    "R5": rule_r5,
    "R6": rule_r6,
    "R7": rule_r7,
    "R8": rule_r8,
    "R9": rule_r9,
}
TABLE_RULES = ("R1", "R2", "R3", "R4")


def check_report(
    report: Report, previous: Report | None = None, rules: Iterable[str] | None = None
) -> list[Finding]:
    """Run the rules (all of them by default) and return every finding, in rule order."""
    if previous is not None and previous.agency.id != report.agency.id:
        previous = None
    if previous is not None and previous.year != report.year - 1:
        previous = None
    out: list[Finding] = []
    for rule in rules or RULES:
        out.extend(RULES[rule](report, previous))
    return out


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity == "error" for f in findings)
