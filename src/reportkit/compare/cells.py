"""The tables of two reports, cell by cell, and the key figures a reviewer compares first.

Cells are named by their paths in the normalized JSON of DESIGN.md
(:func:`reportkit.model.export.normalized`): ``requests.<ROW>.<COL>``,
``review_litigation.<GROUP>.<COL>``, ``proactive.<KEY>`` or ``proactive.<KEY>.<COL>``, and
compared by their normalized values, so :func:`cell_changes` lists exactly the cells whose
values differ in ``reportkit export --json`` of the two files (a blank and a slashed cell are
both ``null`` there, and so are the same here). Reports of different formats (a 2019-trial year
against a 2021 one) share tables 三 and 四 but for （六）其他处理; a cell only one of them has is
listed with ``only_in``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..model import Report
from ..model import labels as L
from ..model.export import normalized

Side = Literal["old", "new"]
Value = int | Decimal | str | None


def cell_paths(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every table cell of a normalized report (``export --json``) by path, in printed order
    (table 二, 三 row by row, 四), with its normalized value."""
    out: dict[str, Any] = {}
    for key, value in data["proactive"].items():
        if isinstance(value, dict):
            for col, cell in value.items():
                out[f"proactive.{key}.{col}"] = cell
        else:
            out[f"proactive.{key}"] = value
    for row, cells in data["requests"].items():
        for col, cell in zip(L.REQUEST_COLUMN_KEYS, cells, strict=True):
            out[f"requests.{row}.{col}"] = cell
    for group, cells in data["review_litigation"].items():
        for col, cell in zip(L.REVIEW_COLUMN_KEYS, cells, strict=True):
            out[f"review_litigation.{group}.{col}"] = cell
    return out


def cell_label(path: str, fmt: L.Format) -> str:
    """The official name of a cell: ``表三 （三）不予公开 1.属于国家秘密 × 总计``."""
    table, key, *rest = path.split(".")
    col = rest[0] if rest else None
    if table == "requests" and col is not None:
        return L.request_cell(key, col, fmt)
    if table == "review_litigation" and col is not None:
        return L.review_cell(key, col)
    if fmt == "2019-trial" and key in L.TRIAL_ITEM_ROWS and col in L.TRIAL_ITEM_COLUMNS:
        return f"表二 {L.TRIAL_ITEM_ROWS[key]} × {L.TRIAL_ITEM_COLUMNS[col]}"
    return L.proactive_cell(key, col)


def raw_cell(report: Report, path: str) -> Value:
    """A cell as the params file holds it (``None`` blank, ``"/"`` slashed, a decimal amount)."""
    table, key, *rest = path.split(".")
    if table == "requests":
        return report.request_row(key)[L.REQUEST_COLUMN_KEYS.index(rest[0])]
    if table == "review_litigation":
        return report.review_litigation.group(key)[L.REVIEW_COLUMN_KEYS.index(rest[0])]
    value: Any = getattr(report.proactive, key)
    for part in rest:
        value = getattr(value, part)
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class CellChange:
    """One table cell whose value differs: normalized values (``old``, ``new``: JSON numbers or
    ``null``), the values as printed (``old_text``, ``new_text``: ``""`` blank, ``"/"``), its
    official name, whether only one report has it, and whether import marked it uncertain."""

    path: str
    label: str
    old: Any
    new: Any
    old_raw: Value
    new_raw: Value
    only_in: Side | None = None
    uncertain: bool = False

    def as_json(self) -> dict[str, Any]:
        """``{"path", "old", "new", "label"}`` (+ ``only_in``, ``uncertain`` when they apply)."""
        data: dict[str, Any] = {
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "label": self.label,
        }
        if self.only_in is not None:
            data["only_in"] = self.only_in
        if self.uncertain:
            data["uncertain"] = True
        return data


def cell_changes(old: Report, new: Report) -> tuple[CellChange, ...]:
    """Every table cell whose normalized value differs, in the new report's printed order
    (then the cells only the old report has)."""
    old_cells, new_cells = cell_paths(normalized(old)), cell_paths(normalized(new))
    unsure = {*old.uncertain, *new.uncertain}
    out: list[CellChange] = []
    for path, value in new_cells.items():
        if path in old_cells and old_cells[path] == value:
            continue
        here = path in old_cells
        out.append(
            CellChange(
                path,
                cell_label(path, new.format),
                old_cells.get(path),
                value,
                raw_cell(old, path) if here else None,
                raw_cell(new, path),
                None if here else "new",
                path in unsure,
            )
        )
    for path, value in old_cells.items():
        if path not in new_cells:
            out.append(
                CellChange(
                    path,
                    cell_label(path, old.format),
                    value,
                    None,
                    raw_cell(old, path),
                    None,
                    "old",
                    path in unsure,
                )
            )
    return tuple(out)


# ---------------------------------------------------------------- key figures


def _totals(*rows: str) -> list[str]:
    return [f"requests.{row}.total" for row in rows]


def _by_format(
    key_2021: Sequence[str], key_trial: Sequence[str]
) -> Callable[[L.Format], Sequence[str]]:
    return lambda fmt: key_2021 if fmt == "2021" else key_trial


def _other(fmt: L.Format) -> Sequence[str]:
    return _totals("other_1", "other_2", "other_3") if fmt == "2021" else _totals("other")


_SUBROWS = {
    "withheld": [r.key for r in L.WITHHELD_ROWS],
    "unavailable": [r.key for r in L.UNAVAILABLE_ROWS],
    "not_processed": [r.key for r in L.NOT_PROCESSED_ROWS],
}

# key → (short label, the cells it adds up, per format)
KEY_FIGURES: dict[str, tuple[str, Callable[[L.Format], Sequence[str]]]] = {
    "new_requests": ("本年新收申请", lambda fmt: _totals("new")),
    "carried_over": ("上年结转申请", lambda fmt: _totals("carried_over")),
    "granted": ("予以公开", lambda fmt: _totals("granted")),
    "partially_granted": ("部分公开", lambda fmt: _totals("partially_granted")),
    "withheld": ("不予公开", lambda fmt: _totals(*_SUBROWS["withheld"])),
    "unavailable": ("无法提供", lambda fmt: _totals(*_SUBROWS["unavailable"])),
    "not_processed": ("不予处理", lambda fmt: _totals(*_SUBROWS["not_processed"])),
    "other": ("其他处理", _other),
    "results_total": ("办理结果总计", lambda fmt: _totals("total")),
    "carried_forward": ("结转下年度继续办理", lambda fmt: _totals("carried_forward")),
    "review": ("行政复议", lambda fmt: ["review_litigation.review.total"]),
    "litigation": (
        "行政诉讼",
        lambda fmt: [
            "review_litigation.litigation_direct.total",
            "review_litigation.litigation_after_review.total",
        ],
    ),
    "licensing": (
        "行政许可",
        _by_format(["proactive.licensing"], ["proactive.licensing.decisions"]),
    ),
    "penalty": ("行政处罚", _by_format(["proactive.penalty"], ["proactive.penalty.decisions"])),
    "enforcement": (
        "行政强制",
        _by_format(["proactive.enforcement"], ["proactive.enforcement.decisions"]),
    ),
    "normative_in_force": (
        "现行有效行政规范性文件",
        _by_format(["proactive.normative_documents.in_force"], []),
    ),
    "fees_10k_yuan": ("行政事业性收费（万元）", _by_format(["proactive.fees_10k_yuan"], [])),
}


@dataclass(frozen=True)
class Amount:
    """A key figure of one report: the sum of its cells (``None`` when the report has no such
    figure or every cell is blank), ``blank`` when some of its cells are blank or slashed (the
    sum is then a lower bound), ``uncertain`` when import could not read one with certainty."""

    value: int | Decimal | None
    blank: bool = False
    uncertain: bool = False


def amount(report: Report, key: str) -> Amount:
    """Key figure ``key`` of :data:`KEY_FIGURES` for one report."""
    paths = KEY_FIGURES[key][1](report.format)
    values = [raw_cell(report, p) for p in paths]
    numbers = [v for v in values if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    total: int | Decimal | None = sum(numbers) if numbers else None
    return Amount(
        total,
        blank=len(numbers) < len(values),
        uncertain=any(p in report.uncertain for p in paths),
    )


@dataclass(frozen=True)
class Figure:
    """A key figure in both reports, with the change (new − old) and the change in per cent of
    the old value (``None`` when either is unknown, or the old value is 0)."""

    key: str
    label: str
    old: Amount
    new: Amount

    @property
    def change(self) -> int | Decimal | None:
        """``new − old``."""
        if self.old.value is None or self.new.value is None:
            return None
        return self.new.value - self.old.value

    @property
    def percent(self) -> float | None:
        """``(new − old) / old × 100``, one decimal."""
        change = self.change
        if change is None or not self.old.value:
            return None
        return round(float(Decimal(change) / Decimal(self.old.value)) * 100, 1)

    @property
    def flagged(self) -> bool:
        """A side has blank or uncertain cells in this figure: the numbers may be wrong."""
        return any((s.blank or s.uncertain) for s in (self.old, self.new))

    def as_json(self) -> dict[str, Any]:
        """``{"key", "label", "old", "new", "change", "percent"}`` (+ ``blank`` and
        ``uncertain``: the sides whose cells are blank or uncertain, when any)."""
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "old": json_number(self.old.value),
            "new": json_number(self.new.value),
            "change": json_number(self.change),
            "percent": self.percent,
        }
        sides = {"old": self.old, "new": self.new}
        blank = [name for name, side in sides.items() if side.blank]
        unsure = [name for name, side in sides.items() if side.uncertain]
        if blank:
            data["blank"] = blank
        if unsure:
            data["uncertain"] = unsure
        return data


def json_number(value: int | Decimal | None) -> int | float | None:
    """An amount as JSON: ints stay ints, decimals become numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def key_figures(old: Report, new: Report) -> tuple[Figure, ...]:
    """Every key figure that at least one of the two reports has."""
    out = []
    for key, (label, _) in KEY_FIGURES.items():
        figure = Figure(key, label, amount(old, key), amount(new, key))
        paths = [KEY_FIGURES[key][1](r.format) for r in (old, new)]
        if any(paths):
            out.append(figure)
    return tuple(out)


def changed_paths(changes: Sequence[CellChange]) -> Iterator[str]:
    """The paths of ``changes``."""
    return (c.path for c in changes)
