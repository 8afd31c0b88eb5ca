"""A finding: one rule violation, naming the cell in official labels, the values and the fix.

Rule ids (R1–R11) and their severities are part of the interface (DESIGN.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..model import Cell
from ..model import labels as L

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
    "R10": "warning",
    "R11": "error",
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
    "R10": "每个字符都有已安装的字体可以显示（否则 PDF 印成方框）",
    "R11": "表三/表四 手填数字与台账、案件登记计算结果一致（报告采用台账数字）",
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


def finding(rule: str, where: str, message: str, **kw: Any) -> Finding:
    return Finding(rule, SEVERITY[rule], where, message, **kw)


def show(cell: Cell) -> str:
    return "空白" if cell is None else str(cell)


COLS = L.REQUEST_COLUMN_KEYS
TOTAL_COL = 6
