"""Tables 二, 三 and 四 as HTML in the official structure (merged headers, 勾稽 note).

Every label comes from :mod:`reportkit.labels`. Header rows sit in ``<thead>`` so a PDF repeats
them on each page; numbers carry the ``num`` class (right-aligned by ``report.css``); a blank
cell prints empty, a slashed cell prints ``/``, an amount prints exactly as given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import (
    Proactive,
    Report,
    TrialItemCounts,
    TrialProactive,
)
from ..model import labels as L
from .templating import render_part


def cell_text(value: object) -> str:
    """A cell as printed: ints and decimals as given, blank as ``""``, ``"/"`` as ``/``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(f"not a table cell: {value!r}")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass(frozen=True)
class Cell:
    """One ``<th>``/``<td>``: text, span and kind (``num`` cells are right-aligned)."""

    text: str
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    cls: str = ""

    @property
    def tag(self) -> str:
        """``th`` for header and label cells, ``td`` for numbers."""
        return "th" if self.header else "td"

    @property
    def lines(self) -> list[str]:
        """The text's lines (printed with ``<br>`` between them)."""
        return self.text.split("\n")


def th(text: str, rowspan: int = 1, colspan: int = 1, cls: str = "") -> Cell:
    """A header cell; a ``\n`` in ``text`` prints as a line break."""
    return Cell(text, header=True, rowspan=rowspan, colspan=colspan, cls=cls)


def broken(label: str, width: int) -> str:
    """``结果\n维持`` for width 2: a narrow column header broken where the template breaks it."""
    if len(label) <= width:
        return label
    return label[:width] + "\n" + label[width:]


def label(text: str, rowspan: int = 1, colspan: int = 1, cls: str = "rk-label") -> Cell:
    """A row label (a ``<th>`` in the body, left-aligned)."""
    return Cell(text, header=True, rowspan=rowspan, colspan=colspan, cls=cls)


def num(value: object, colspan: int = 1) -> Cell:
    """A data cell, right-aligned (a slashed cell centred, as the template prints it)."""
    return Cell(cell_text(value), colspan=colspan, cls="num rk-slash" if value == "/" else "num")


Row = Sequence[Cell]


def table_html(
    head: Iterable[Row],
    body: Iterable[Row],
    *,
    cls: str,
    widths: Sequence[str] = (),
) -> str:
    """A ``<table class="rk-table …">`` with ``<colgroup>``, ``<thead>`` and ``<tbody>``."""
    return render_part("table.html.j2", cls=cls, widths=widths, head=head, body=body)


# ---------------------------------------------------------------- table 二

_T2_WIDTHS = ("31%", "23%", "23%", "23%")


def _t2_part(article: str, columns: Sequence[Cell], rows: Iterable[Row]) -> str:
    head = [[th(article, colspan=4, cls="rk-article")], [th(L.INFO_CONTENT), *columns]]
    return table_html(head, rows, cls="rk-table2", widths=_T2_WIDTHS)


def _table2_2021(pro: Proactive) -> list[str]:
    docs = [
        [label(name), *(num(getattr(getattr(pro, key), col)) for col in L.DOC_COLUMNS)]
        for key, name in L.DOC_ROWS.items()
    ]
    decisions = [th(L.DECISIONS_COLUMN, colspan=3)]
    return [
        _t2_part(L.ARTICLE_1, [th(c) for c in L.DOC_COLUMNS.values()], docs),
        _t2_part(
            L.ARTICLE_5, decisions, [[label(L.DECISION_ROWS["licensing"]), num(pro.licensing, 3)]]
        ),
        _t2_part(
            L.ARTICLE_6,
            decisions,
            [
                [label(L.DECISION_ROWS[key]), num(getattr(pro, key), 3)]
                for key in ("penalty", "enforcement")
            ],
        ),
        _t2_part(
            L.ARTICLE_8,
            [th(L.FEES_COLUMN, colspan=3)],
            [[label(L.FEES_ROW), num(pro.fees_10k_yuan, 3)]],
        ),
    ]


def _trial_item_row(key: str, counts: TrialItemCounts) -> list[Cell]:
    return [
        label(L.TRIAL_ITEM_ROWS[key]),
        *(num(getattr(counts, col)) for col in L.TRIAL_ITEM_COLUMNS),
    ]


def _table2_trial(pro: TrialProactive) -> list[str]:
    docs = [
        [label(name), *(num(getattr(getattr(pro, key), col)) for col in L.TRIAL_DOC_COLUMNS)]
        for key, name in L.TRIAL_DOC_ROWS.items()
    ]
    items = [th(c) for c in L.TRIAL_ITEM_COLUMNS.values()]
    fee_cols = list(L.TRIAL_FEE_COLUMNS.values())
    proc_cols = list(L.TRIAL_PROCUREMENT_COLUMNS.values())
    return [
        _t2_part(L.ARTICLE_1, [th(c) for c in L.TRIAL_DOC_COLUMNS.values()], docs),
        _t2_part(
            L.ARTICLE_5,
            items,
            [_trial_item_row(k, getattr(pro, k)) for k in ("licensing", "other_services")],
        ),
        _t2_part(
            L.ARTICLE_6,
            items,
            [_trial_item_row(k, getattr(pro, k)) for k in ("penalty", "enforcement")],
        ),
        _t2_part(
            L.ARTICLE_8,
            [th(fee_cols[0]), th(fee_cols[1], colspan=2)],
            [[label(L.FEES_ROW), num(pro.fees.previous_count), num(pro.fees.change, 2)]],
        ),
        _t2_part(
            L.ARTICLE_9,
            [th(proc_cols[0]), th(proc_cols[1], colspan=2)],
            [
                [
                    label(L.TRIAL_PROCUREMENT_ROW),
                    num(pro.procurement.projects),
                    num(pro.procurement.amount, 2),
                ]
            ],
        ),
    ]


def table2_html(report: Report) -> str:
    """Table 二 主动公开政府信息情况: one sub-table per 第二十条 item, in the report's format."""
    pro = report.proactive
    parts = _table2_trial(pro) if isinstance(pro, TrialProactive) else _table2_2021(pro)
    return '<div class="rk-table2-group">\n' + "".join(parts) + "</div>\n"


# ---------------------------------------------------------------- table 三

# three label columns (38 %), then 自然人, the five 法人 columns and 总计 (62 %): wide
# enough for a four-character column header on one line at 9 pt
_T3_WIDTHS = ("5%", "10.5%", "22.5%", "7.5%", "9.4%", "9.4%", "9.4%", "9.4%", "9.4%", "7.5%")


def _table3_head() -> list[Row]:
    cols = L.REQUEST_COLUMNS
    return [
        [th(L.TABLE3_NOTE, rowspan=3, colspan=3, cls="rk-note"), th(L.APPLICANT, colspan=7)],
        [
            th(cols["natural_person"], rowspan=2),
            th(L.LEGAL_PERSON, colspan=5),
            th(cols["total"], rowspan=2),
        ],
        [th(broken(cols[k], 4)) for k in L.LEGAL_PERSON_COLUMN_KEYS],
    ]


def _table3_body(report: Report) -> list[Row]:
    rows = L.request_rows(report.format)
    results = [r for r in rows if r.group is not None]
    # sub-row groups (（三）… （六）) and their sizes, in order of first appearance
    group_sizes: dict[str, int] = {}
    for row in results:
        if row.group != L.RESULTS_GROUP and row.group is not None:
            group_sizes[row.group] = group_sizes.get(row.group, 0) + 1
    body: list[Row] = []
    seen_groups: set[str] = set()
    first_result = True
    for row in rows:
        numbers = [num(v) for v in report.request_row(row.key)]
        cells: list[Cell] = []
        if row.group is None:
            cells.append(label(f"{row.number}{row.label}", colspan=3))
        else:
            if first_result:
                cells.append(label(L.RESULTS_GROUP, rowspan=len(results), cls="rk-label rk-group"))
                first_result = False
            if row.group == L.RESULTS_GROUP:
                cells.append(label(f"{row.number}{row.label}", colspan=2))
            else:
                if row.group not in seen_groups:
                    seen_groups.add(row.group)
                    cells.append(label(row.group, rowspan=group_sizes[row.group]))
                cells.append(label(f"{row.number}{row.label}"))
        body.append([*cells, *numbers])
    return body


def table3_html(report: Report) -> str:
    """Table 三 收到和处理政府信息公开申请情况, with the 勾稽 note and merged headers."""
    return table_html(_table3_head(), _table3_body(report), cls="rk-table3", widths=_T3_WIDTHS)


# ---------------------------------------------------------------- table 四


def table4_html(report: Report) -> str:
    """Table 四 政府信息公开行政复议、行政诉讼情况: 15 numbers under three header rows."""
    cols = [broken(c, 2) for c in L.REVIEW_COLUMNS.values()]
    head: list[Row] = [
        [th(L.REVIEW, colspan=5), th(L.LITIGATION, colspan=10)],
        [
            *(th(c, rowspan=2) for c in cols),
            *(th(name, colspan=5) for name in L.LITIGATION_SUBGROUPS.values()),
        ],
        [th(c) for _ in L.LITIGATION_SUBGROUPS for c in cols],
    ]
    rl = report.review_litigation
    body = [[num(v) for group in L.REVIEW_GROUPS for v in rl.group(group)]]
    return table_html(head, body, cls="rk-table4", widths=["6.66%"] * 15)
