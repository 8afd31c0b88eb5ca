"""Find tables 二, 三 and 四 in a section's lines and read their cells.

Rows are anchored by their labels. Rows printed without a readable label (PDF extraction
splits labels from numbers) are given to the missing rows between two anchors only when
their count matches exactly; anything else is left blank and flagged uncertain.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import labels as L
from ..model.labels import Format
from .cells import CellValue, Fit, cell_label, field_value, fit_row, refusal, row_sum
from .columns import number_centres, place
from .lines import Field, Line, cjk_key, normalize_width, split_line, strip_numbering


@dataclass
class TableRead:
    """Cells read from one table: values by cell path, the uncertain paths, and notes."""

    cells: dict[str, CellValue] = field(default_factory=dict)
    uncertain: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    end: int | None = None  # index of the line after the table's last data line
    fmt: Format = "2021"

    def put(self, path: str, value: CellValue, certain: bool, source: Field | None = None) -> None:
        """Record one cell, flagged unless ``certain``.

        A cell printed as something no number can be (``4O``, ``source`` garbled), or holding a
        value the model refuses for that cell (:func:`refusal`: a negative count, a fractional
        one, one beyond the model's bounds, a fee finer than one 分) is left blank and flagged
        with a note naming it; the rest of the table is unaffected.
        """
        if source is not None and source.kind == "garbled":
            self.notes.append(
                f"{path} ({cell_label(path, self.fmt)}): “{source.raw.strip()}” is not a "
                "number (letters or other characters where digits belong); left blank"
            )
            value, certain = None, False
        else:
            why = refusal(path, value, self.fmt)
            if why is not None:
                self.notes.append(
                    f"{path}: {value} {why} ({cell_label(path, self.fmt)}); left blank — "
                    "fill it in from the published report"
                )
                value, certain = None, False
        self.cells[path] = value
        if not certain and path not in self.uncertain:
            self.uncertain.append(path)


def _parse(lines: Sequence[str]) -> list[Line]:
    return [split_line(normalize_width(x)) for x in lines]


def split_run_together(lines: Sequence[str], markers: Sequence[str]) -> list[str]:
    """Break lines without separators that hold two or more row labels before each label."""
    pattern = re.compile("|".join(f"(?:{m})" for m in markers))
    out: list[str] = []
    for line in lines:
        if "\t" in line or line.strip().startswith("|") or len(pattern.findall(line)) < 2:
            out.append(line)
            continue
        out.extend(pattern.sub(lambda m: "\n" + m.group(0), line).split("\n"))
    return out


def _cell_note(path: str, label: str, f: Field) -> str:
    return f"{path} ({label}): “{f.raw.strip()}” read as {f.value}, note kept: {f.note}"


# ---------------------------------------------------------------- table 三

_HEADER_WORDS = frozenset(
    cjk_key(w)
    for w in (
        *L.REQUEST_COLUMNS.values(),
        L.APPLICANT,
        L.LEGAL_PERSON,
        L.INFO_CONTENT,
        "商业",
        "科研",
    )
) - {"总计", "其他"}
_GROUPS_2021 = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")
_GROUP_PREFIX = {
    "不予公开": "withheld",
    "无法提供": "unavailable",
    "不予处理": "not_processed",
    "其他处理": "other",
}
_OTHER_2021 = {"other_1", "other_2", "other_3"}
_GROUP_LABEL = {
    "withheld": L.WITHHELD_GROUP,
    "unavailable": L.UNAVAILABLE_GROUP,
    "not_processed": L.NOT_PROCESSED_GROUP,
    "other": L.OTHER_GROUP,
}


def _row_markers(fmt: Format) -> list[str]:
    marks = []
    for row in L.request_rows(fmt):
        head = r"\W{0,2}".join(re.escape(ch) for ch in cjk_key(row.label)[:4])
        if row.number[:1].isdigit():
            marks.append(rf"{row.number[0]}\s*[.、．]\s*{head}")
        else:
            marks.append(rf"(?:{re.escape(row.number)})?{head}")
    marks.append(r"[（(][三四五六][）)]\s*(?:不予公开|无法提供|不予处理|其他处理)")
    marks.append(r"三、\s*本年度")
    return marks


@dataclass
class _DataRow:
    index: int
    line: Line
    cands: set[str] | None
    values: list[Field]
    group: str | None = None  # a group printed as one row (（六）其他处理 without 1. 2. 3.)


class _RowLabels:
    """Which rows of table 三 a label (or a fragment of one) can name."""

    def __init__(self, fmt: Format) -> None:
        self.keys = L.request_row_keys(fmt)
        self.norms = {r.key: cjk_key(r.label) for r in L.request_rows(fmt)}
        self.groups = set(_GROUPS_2021 if fmt == "2021" else _GROUPS_2021[:4])

    def of_text(self, text: str) -> set[str] | None:
        k = cjk_key(strip_numbering(text))
        if len(k) < 2 or k in self.groups:
            return None
        exact = {key for key in self.keys if self.norms[key] == k}
        cands = exact or {
            key
            for key in self.keys
            if k in self.norms[key] or (len(self.norms[key]) >= 4 and self.norms[key] in k)
        }
        m = re.match(r"^\s*(\d)\s*[.、．]", text)
        if m and len(cands) > 1:
            numbered = {c for c in cands if c.endswith(f"_{m.group(1)}")}
            cands = numbered or cands
        return cands or None

    def group_of(self, texts: list[str]) -> str | None:
        """The sub-row prefix (``other``) of a line labelled only with a group's name."""
        for t in texts:
            prefix = _GROUP_PREFIX.get(cjk_key(strip_numbering(t)))
            if prefix and prefix in {k.rsplit("_", 1)[0] for k in self.keys if "_" in k}:
                return prefix
        return None

    def of_line(self, texts: list[str]) -> set[str] | None:
        sets = [s for s in (self.of_text(t) for t in texts) if s]
        if not sets:
            return None
        both = set.intersection(*sets)
        return both or set.union(*sets)


def _is_header(texts: list[str]) -> bool:
    for t in texts:
        k = cjk_key(t)
        if k in _HEADER_WORDS or "勾稽" in k or k.startswith("本列数据"):
            return True
    return False


def _value_fields(line: Line) -> list[Field]:
    last_text = max((i for i, f in enumerate(line.fields) if f.kind == "text"), default=-1)
    return line.fields[last_text + 1 :]


def read_requests(lines: Sequence[str], fmt: Format) -> TableRead:
    """Table 三: every row of ``fmt`` with its seven cells, or flagged uncertain."""
    out = TableRead(fmt=fmt)
    index = _RowLabels(fmt)
    lines = split_run_together(lines, _row_markers(fmt))
    rows: list[_DataRow] = []
    # a trial report printing the 2021 sub-rows of （六）: they are summed, never mapped
    index21 = _RowLabels("2021")
    split_other = fmt == "2019-trial" and any(
        w in cjk_key(x) for x in lines for w in ("逾期不补正", "缴纳费用", "收费通知")
    )
    for i, line in enumerate(_parse(lines)):
        texts = line.labels
        if _is_header(texts):
            continue
        values = _value_fields(line)
        has_number = any(f.kind in ("number", "slash") for f in values)
        cands = index.of_line(texts)
        separated = line.sep != "space"
        if not has_number and not (separated and cands and len(cands) == 1 and len(values) >= 7):
            continue
        if not texts and line.sep == "space" and len(values) == 1 and len(values[0].raw) < 7:
            out.notes.append(
                f"表三: ignored a lone number “{values[0].raw.strip()}” (line {i + 1})"
            )
            continue
        group = index.group_of(texts) if cands is None else None
        if (
            split_other
            and (index21.of_line(texts) or set()) <= _OTHER_2021
            and (index21.of_line(texts))
        ):
            cands, group = None, "other-split"
        rows.append(_DataRow(i, line, cands, values, group))
    fits = _fit_rows(rows)
    assigned = _assign(rows, index.keys, out)
    merged = _merged_groups(rows, fits, assigned, fmt, out)
    for key in index.keys:
        row_label = L.request_row(key, fmt).full_label
        d = assigned.get(key)
        fit = merged.get(key) or (fits[d] if d is not None else Fit.unknown(7, "row not found"))
        behind = fit.fields or [None] * 7
        for col, value, certain, f in zip(
            L.REQUEST_COLUMN_KEYS, fit.cells, fit.certain, behind, strict=True
        ):
            out.put(f"requests.{key}.{col}", value, certain, f)
        if d is not None:
            for f, col in zip(fit.fields, L.REQUEST_COLUMN_KEYS, strict=False):
                if f is not None and f.note and f.kind == "number":
                    out.notes.append(_cell_note(f"requests.{key}.{col}", row_label, f))
            out.notes.extend(f"requests.{key} ({row_label}): {n}" for n in fit.notes)
    out.end = rows[-1].index + 1 if rows else None
    return out


def _fit_rows(rows: list[_DataRow]) -> list[Fit]:
    check = row_sum(6)
    first = [fit_row(r.values, 7, separated=r.line.sep != "space", check=check) for r in rows]
    # padded rows read without doubt show where this table's layout puts its cells; two or
    # more of them agreeing settle rows whose blank cells sit at both ends
    seen = [
        f.pad for r, f in zip(rows, first, strict=True) if f.pad is not None and len(r.values) > 7
    ]
    learned = set(seen) if len(set(seen)) == 1 and len(seen) >= 2 else None
    fits = [
        fit
        if all(fit.certain) or r.line.sep == "space"
        else fit_row(r.values, 7, separated=True, check=check, pads=learned)
        for r, fit in zip(rows, first, strict=True)
    ]
    complete = [
        i
        for i, (r, f) in enumerate(zip(rows, fits, strict=True))
        if r.line.sep == "space" and len(r.values) == 7 and all(f.certain)
    ]
    for i, row in enumerate(rows):
        if row.line.sep == "space" and 0 < len(row.values) < 7:
            fits[i] = _by_position(rows, i, complete) or fits[i]
    return fits


def _merged_groups(
    rows: list[_DataRow],
    fits: list[Fit],
    assigned: dict[str, int],
    fmt: Format,
    out: TableRead,
) -> dict[str, Fit]:
    """Groups printed as one row (（六）其他处理 with its numbers, no 1. 2. 3.): the sub-rows'
    cells. A row of zeros gives zeros; any other row cannot be divided among its sub-rows, so
    its cells are written under the first sub-row (R2 still sums them) and every cell of the
    group is flagged. A group row printed beside its sub-rows is a subtotal, and is skipped.

    The 2019 trial format's one （六） row, when the 2021 sub-rows are printed instead, is
    their sum, flagged.
    """
    result: dict[str, Fit] = {}
    split = [d for d, r in enumerate(rows) if r.group == "other-split"]
    if split:
        parts = [fits[d] for d in split]
        sums: list[CellValue] = []
        for col in range(7):
            cells = [p.cells[col] for p in parts]
            nums = [c for c in cells if isinstance(c, int)]
            sums.append(sum(nums) if nums else None)
        result["other"] = Fit(sums, [False] * 7, [f"{len(split)} sub-rows of （六） summed"])
        out.notes.append(
            f"表三: （六）其他处理 is printed as {len(split)} sub-rows (the 2021 format's) in a "
            "2019 trial report: their sum is written under （六）其他处理 and flagged"
        )
    for d, row in enumerate(rows):
        group = row.group
        if group is None or group == "other-split":
            continue
        subs = [k for k in L.request_row_keys(fmt) if k.startswith(f"{group}_")]
        name = _GROUP_LABEL[group]
        if any(k in assigned for k in subs):
            out.notes.append(f"表三: {name} printed with a subtotal row; the subtotal is skipped")
            continue
        fit = fits[d]
        zeros = all(fit.certain) and all(c == 0 for c in fit.cells)
        for j, key in enumerate(subs):
            if zeros:
                result[key] = Fit([0] * 7, [True] * 7)
            else:
                cells = list(fit.cells) if j == 0 else [None] * 7
                result[key] = Fit(cells, [False] * 7)
        if zeros:
            out.notes.append(f"表三: {name} printed as one row of zeros: each sub-row is 0")
        else:
            out.notes.append(
                f"表三: {name} printed as one row: its cells cannot be divided among the "
                f"{len(subs)} sub-rows with certainty — written under {subs[0]} and flagged "
                "with the others; split them by hand from the source"
            )
    return result


def _by_position(rows: list[_DataRow], i: int, complete: list[int]) -> Fit | None:
    """A layout row with blank cells, its numbers placed by the columns of its neighbours."""
    row = rows[i]
    if not all(f.kind == "number" and not f.note for f in row.values):
        return None
    above = [j for j in complete if j < i][-3:]
    below = [j for j in complete if j > i][:3]
    refs = {j: number_centres(rows[j].line.text, 7) for j in (*above, *below)}
    if any(c is None for c in refs.values()):
        return None
    columns = place(
        number_centres(row.line.text, len(row.values)) or [],
        [c for j, c in refs.items() if j < i and c is not None],
        [c for j, c in refs.items() if j > i and c is not None],
    )
    if columns is None or len(columns) != len(row.values):
        return None
    fields: list[Field | None] = [None] * 7
    for col, f in zip(columns, row.values, strict=True):
        fields[col] = f
    return Fit(
        [field_value(f) if f is not None else None for f in fields],
        [True] * 7,
        notes=[f"{7 - len(columns)} blank cell(s): numbers placed by their column positions"],
        fields=fields,
    )


def _assign(rows: list[_DataRow], keys: tuple[str, ...], out: TableRead) -> dict[str, int]:
    """Row key → index into ``rows``: anchors by label, gaps filled only when counts match."""
    order = {k: i for i, k in enumerate(keys)}
    anchors: list[tuple[int, str]] = []
    for d, row in enumerate(rows):
        if row.group is not None:
            continue
        if row.cands and len(row.cands) == 1:
            key = next(iter(row.cands))
            if anchors and order[key] <= order[anchors[-1][1]]:
                out.notes.append(
                    f"表三: a row labelled “{' '.join(row.line.labels)}” is out of order; "
                    "read as unlabelled"
                )
                continue
            anchors.append((d, key))
    result = {key: d for d, key in anchors}
    bounds = [(-1, -1), *((d, order[k]) for d, k in anchors), (len(rows), len(keys))]
    anchored = {d for d, _ in anchors}
    for (d0, k0), (d1, k1) in itertools.pairwise(bounds):
        missing = list(keys[k0 + 1 : k1])
        loose = [d for d in range(d0 + 1, d1) if d not in anchored and rows[d].group is None]
        merged = {r.group for r in rows[d0 + 1 : d1] if r.group}
        missing = [k for k in missing if k.rsplit("_", 1)[0] not in merged]
        if not missing and not loose:
            continue
        fits = len(missing) == len(loose) and all(
            rows[d].cands is None or key in (rows[d].cands or set())
            for d, key in zip(loose, missing, strict=True)
        )
        if fits:
            result.update(zip(missing, loose, strict=True))
        elif missing:
            names = "、".join(keys_label(k) for k in missing)
            out.notes.append(
                f"表三: {len(loose)} unlabelled row(s) for {len(missing)} missing row(s) "
                f"({names}); left blank and flagged"
            )
        else:
            for d in loose:
                out.notes.append(
                    f"表三: ignored an unlabelled row “{rows[d].line.text.strip()[:60]}”"
                )
    return result


def keys_label(key: str) -> str:
    """The printed label of a table 三 row (2021 labels; the trial ``other`` row too)."""
    fmt: Format = "2019-trial" if key == "other" else "2021"
    return L.request_row(key, fmt).full_label


# ---------------------------------------------------------------- table 四

_NARRATIVE_CJK = 15
_REVIEW_HEADER = re.compile(
    "|".join(
        [
            "行政复议",
            "行政诉讼",
            "未经复议直接起诉",
            "复议后起诉",
            "结果",
            "维持",
            "纠正",
            "其他",
            "尚未",
            "审结",
            "总计",
        ]
    )
)


def read_review(lines: Sequence[str]) -> TableRead:
    """Table 四: the fifteen cells, from all the number rows between its header and the text
    that follows (more or fewer than fifteen cells: flagged, never truncated)."""
    out = TableRead()
    rows: list[list[Field]] = []
    separated = True
    end = None
    for i, line in enumerate(_parse(lines)):
        texts = [t for t in line.labels if _REVIEW_HEADER.sub("", cjk_key(t))]
        if not texts and line.labels:
            row = _value_fields(line)
            if not any(f.kind == "number" for f in row):
                continue
            line = Line(line.text, line.sep, row)
        if texts:
            if rows and max(len(cjk_key(t)) for t in texts) >= _NARRATIVE_CJK:
                break
            if rows and any(f.kind == "number" for f in line.fields):
                break
            continue
        row = list(line.fields) if line.sep != "space" else list(line.numbers)
        if not any(f.kind == "number" for f in row):
            continue
        separated = separated and line.sep != "space"
        rows.append(row)
        end = i + 1
    out.end = end
    values = [f for row in rows for f in row]
    if not rows:
        fit = Fit.unknown(15, "table 四 not found")
    elif len(values) == 15 or len(rows) == 1:
        fit = fit_row(values, 15, separated=separated, check=row_sum(4))
    else:
        fit = Fit.unknown(15, f"{len(rows)} number rows with {len(values)} cells for 15 cells")
    paths = [f"review_litigation.{g}.{c}" for g in L.REVIEW_GROUPS for c in L.REVIEW_COLUMN_KEYS]
    behind = fit.fields or [None] * 15
    for path, value, certain, f in zip(paths, fit.cells, fit.certain, behind, strict=True):
        out.put(path, value, certain, f)
    out.notes.extend(f"表四: {n}" for n in fit.notes)
    return out


# ---------------------------------------------------------------- table 二

_T2_2021: dict[str, tuple[str, int]] = {
    "规章": ("rules", 3),
    "行政规范性文件": ("normative_documents", 3),
    "规范性文件": ("normative_documents", 3),
    "行政许可": ("licensing", 1),
    "行政处罚": ("penalty", 1),
    "行政强制": ("enforcement", 1),
    "行政事业性收费": ("fees_10k_yuan", 1),
}
_T2_TRIAL: dict[str, tuple[str, int]] = {
    "规章": ("rules", 3),
    "行政规范性文件": ("normative_documents", 3),
    "规范性文件": ("normative_documents", 3),
    "行政许可": ("licensing", 3),
    "其他对外管理服务事项": ("other_services", 3),
    "行政处罚": ("penalty", 3),
    "行政强制": ("enforcement", 3),
    "行政事业性收费": ("fees", 2),
    "政府集中采购": ("procurement", 2),
}
_T2_MARKERS = [
    "第二十条",
    "规章",
    "(?<!行政)规范性文件",
    "行政规范性文件",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
]


def _t2_columns(fmt: Format, key: str) -> tuple[str, ...]:
    if fmt == "2021":
        return tuple(L.DOC_COLUMNS) if key in L.DOC_ROWS else ("",)
    if key in L.TRIAL_DOC_ROWS:
        return tuple(L.TRIAL_DOC_COLUMNS)
    if key in L.TRIAL_ITEM_ROWS:
        return tuple(L.TRIAL_ITEM_COLUMNS)
    if key == "fees":
        return tuple(L.TRIAL_FEE_COLUMNS)
    return ("projects", "amount")


def read_proactive(lines: Sequence[str], fmt: Format) -> TableRead:
    """Table 二: each row found by its label; cells flagged when the count does not fit."""
    out = TableRead(fmt=fmt)
    table = _T2_2021 if fmt == "2021" else _T2_TRIAL
    seen: set[str] = set()
    for line in _parse(split_run_together(lines, _T2_MARKERS)):
        for pos, f in enumerate(line.fields):
            if f.kind != "text" or cjk_key(f.raw) not in table:
                continue
            key, n = table[cjk_key(f.raw)]
            if key in seen:
                break
            after = line.fields[pos + 1 :]
            stop = next((j for j, g in enumerate(after) if g.kind == "text"), len(after))
            values = after[:stop]
            if key == "procurement" and stop < len(after):
                values = [*after[:stop], after[stop]]
            separated = line.sep != "space"
            if separated:
                while len(values) > n and values[-1].kind == "blank":
                    values.pop()
            seen.add(key)
            _put_proactive(out, fmt, key, values, n, separated)
            break
    for label, (key, n) in table.items():
        if key not in seen:
            seen.add(key)
            _put_proactive(out, fmt, key, [], n, True)
            out.notes.append(f"表二: row {label} not found; left blank and flagged")
    return out


def _put_procurement_spaced(out: TableRead, values: list[Field]) -> None:
    """政府集中采购 in space-separated text: the amount is the number its unit (元) follows;
    the project count is the number before it — when none is printed, the cell may be blank
    or lost, so it is flagged."""
    numbers = [f for f in values if f.kind == "number"]
    unit = next((f.raw.strip() for f in values if f.kind == "text"), "")
    glued = any(f.glued for f in numbers)
    garbled = next((f for f in values if f.kind == "garbled"), None)
    if garbled is not None:  # which of the two cells it is cannot be told: both are flagged
        out.put("proactive.procurement.projects", None, False, garbled)
        out.put("proactive.procurement.amount", None, False)
        return
    if (unit in ("元", "万元") and numbers) or len(numbers) == 2:
        amount_field = numbers[-1]
        out.put("proactive.procurement.amount", amount_field.raw.strip() + unit, not glued)
        rest = numbers[:-1]
    else:
        out.put("proactive.procurement.amount", None, False)
        rest = numbers
    projects = field_value(rest[0]) if len(rest) == 1 else None
    readable = len(rest) == 1 and not glued and not rest[0].doubtful
    out.put("proactive.procurement.projects", projects if readable else None, readable)


def _put_proactive(
    out: TableRead, fmt: Format, key: str, values: list[Field], n: int, separated: bool
) -> None:
    cols = _t2_columns(fmt, key)
    if key == "procurement" and not separated:
        _put_procurement_spaced(out, values)
        return
    if key == "procurement" and len(values) == 2:
        projects = field_value(values[0])
        # glued to its label, the digits may hold the amount's too (政府集中采购0251000元)
        readable = not values[0].glued and not values[0].doubtful
        out.put("proactive.procurement.projects", projects, readable, values[0])
        amount = values[1].raw.strip()
        plain = re.fullmatch(r"[\d.,，]*\s*(?:万元|元)?", amount) is not None
        out.put("proactive.procurement.amount", amount or None, plain and not values[0].glued)
        return
    fit = fit_row(values, n, separated=separated) if values else Fit.unknown(n, "no cells")
    behind = fit.fields or [None] * n
    for col, value, certain, f in zip(cols, fit.cells, fit.certain, behind, strict=True):
        path = f"proactive.{key}.{col}" if col else f"proactive.{key}"
        if key == "fees_10k_yuan" and isinstance(value, int):
            value = Decimal(value)
        out.put(path, value, certain, f)
        if f is not None and f.note and f.kind == "number":
            out.notes.append(_cell_note(path, L.proactive_cell(key, col or None), f))
    out.notes.extend(f"表二 {key}: {n_}" for n_ in fit.notes)
