"""Tables 二, 三 and 四 in the official structure (merged headers, 勾稽 note), as data and HTML.

:func:`table2_tables`, :func:`table3_table` and :func:`table4_table` build each table as a
:class:`Table` — rows of :class:`Cell` with rowspan/colspan — which both writers print: the
Jinja part ``templates/parts/table.html.j2`` (HTML, PDF) and :mod:`reportkit.render.docx`
(Word). Every label comes from :mod:`reportkit.model.labels`. Header rows sit in ``<thead>``
so a PDF repeats them on each page; numbers carry the ``num`` class (right-aligned by
``report.css``); a blank cell prints empty, a slashed cell prints ``/``, an amount prints
exactly as given. :func:`number_font_size` says how small the numbers must be set for the
longest one to fit its column (up to 9 digits and beyond), the same rule for PDF and Word.
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

    @property
    def is_number(self) -> bool:
        """A data cell (right-aligned, set to fit its column)."""
        return "num" in self.cls.split()


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


@dataclass(frozen=True)
class Table:
    """One official table: header rows, body rows and column widths (CSS percentages).

    ``cls`` is its CSS class (``rk-table3``); ``widths`` has one entry per grid column and
    adds up to 100 %.
    """

    cls: str
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    widths: tuple[str, ...]

    @property
    def fractions(self) -> tuple[float, ...]:
        """Each column's share of the table width (``"9.4%"`` → 0.094)."""
        return tuple(float(w.rstrip("%")) / 100 for w in self.widths)

    @property
    def columns(self) -> int:
        """The number of grid columns."""
        return len(self.widths)

    def placed(self, rows: Sequence[Row]) -> list[list[tuple[int, Cell]]]:
        """``rows`` with each cell's first grid column (cells merged from above skipped)."""
        taken: set[tuple[int, int]] = set()
        out: list[list[tuple[int, Cell]]] = []
        for r, row in enumerate(rows):
            c = 0
            placed: list[tuple[int, Cell]] = []
            for cell in row:
                while (r, c) in taken:
                    c += 1
                placed.append((c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
            out.append(placed)
        return out

    def number_cells(self) -> list[tuple[int, Cell]]:
        """Every number cell of the body with its first grid column."""
        return [(c, cell) for row in self.placed(self.body) for c, cell in row if cell.is_number]


def table_html(
    head: Iterable[Row],
    body: Iterable[Row],
    *,
    cls: str,
    widths: Sequence[str] = (),
) -> str:
    """A ``<table class="rk-table …">`` with ``<colgroup>``, ``<thead>`` and ``<tbody>``."""
    return render_part("table.html.j2", cls=cls, widths=widths, head=head, body=body)


# ---------------------------------------------------------------- numbers that fit

# The widest digit of the print faces, in em: Noto Serif CJK SC's digits are 0.471–0.562 em,
# Noto Sans CJK SC's 0.555 em, Times New Roman's (Word) 0.5 em.
DIGIT_EM = 0.57
# Word: Times New Roman's digits are 0.5 em, but a machine without it substitutes wider ones
# (LibreOffice on Linux: DejaVu Serif, 0.636 em)
WORD_DIGIT_EM = 0.65
# report.css: A4 less 2.2 cm on each side; numbers at the table's 9.5 pt; cell padding 3 pt a
# side (1.5 pt in a table whose numbers are set smaller) and a 0.5 pt border.
PDF_TEXT_WIDTH_PT = (210 - 2 * 22) / 25.4 * 72
PDF_NUMBER_PT = 9.5
PDF_PADDING_PT = 6.5
PDF_FITTED_PADDING_PT = 3.5
SMALLEST_NUMBER_PT = 4.0
_SAFETY_PT = 0.5


def number_font_size(
    table: Table,
    text_width_pt: float,
    base_pt: float,
    padding_pt: float,
    digit_em: float = DIGIT_EM,
) -> float:
    """The size (pt, at most ``base_pt``) at which every number of ``table`` fits its column.

    A number of n characters needs ``n × digit_em × size`` points; its column (or columns, when
    it spans several) is its share of ``text_width_pt`` less ``padding_pt`` (both sides'
    padding and the border).
    """
    size = base_pt
    fractions = table.fractions
    for first, cell in table.number_cells():
        room = (
            sum(fractions[first : first + cell.colspan]) * text_width_pt - padding_pt - _SAFETY_PT
        )
        if cell.text:
            size = min(size, room / (len(cell.text) * digit_em))
    return size


def fitted_class(table: Table) -> str:
    """The CSS class that sets ``table``'s numbers small enough to fit (``""`` when they do).

    ``rk-num-65`` sets them at 6.5 pt (sizes in 0.5 pt steps down to 4 pt, ``report.css``);
    a number too long even at 4 pt also gets ``rk-num-wrap``: it breaks inside its cell
    instead of running over its neighbours.
    """
    args = (PDF_TEXT_WIDTH_PT, PDF_NUMBER_PT)
    if number_font_size(table, *args, PDF_PADDING_PT) >= PDF_NUMBER_PT:
        return ""
    size = number_font_size(table, *args, PDF_FITTED_PADDING_PT)
    steps = max(SMALLEST_NUMBER_PT, int(size * 2) / 2)
    cls = f"rk-num-{round(steps * 10)}"
    return f"{cls} rk-num-wrap" if size < SMALLEST_NUMBER_PT else cls


def render_table(table: Table) -> str:
    """``table`` as HTML (with its fitted class when its numbers are long)."""
    cls = " ".join(c for c in (table.cls, fitted_class(table)) if c)
    return table_html(table.head, table.body, cls=cls, widths=table.widths)


# ---------------------------------------------------------------- table 二

_T2_WIDTHS = ("31%", "23%", "23%", "23%")


def _t2_part(article: str, columns: Sequence[Cell], rows: Iterable[Row]) -> Table:
    head = ([th(article, colspan=4, cls="rk-article")], [th(L.INFO_CONTENT), *columns])
    return Table("rk-table2", head, tuple(rows), _T2_WIDTHS)


def _table2_2021(pro: Proactive) -> list[Table]:
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


def _table2_trial(pro: TrialProactive) -> list[Table]:
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


def table2_tables(report: Report) -> list[Table]:
    """Table 二 主动公开政府信息情况: one sub-table per 第二十条 item, in the report's format."""
    pro = report.proactive
    return _table2_trial(pro) if isinstance(pro, TrialProactive) else _table2_2021(pro)


def table2_html(report: Report) -> str:
    """Table 二 as HTML: its sub-tables printed as one."""
    parts = [render_table(t) for t in table2_tables(report)]
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


def table3_table(report: Report) -> Table:
    """Table 三 收到和处理政府信息公开申请情况, with the 勾稽 note and merged headers."""
    return Table("rk-table3", tuple(_table3_head()), tuple(_table3_body(report)), _T3_WIDTHS)


def table3_html(report: Report) -> str:
    """Table 三 as HTML."""
    return render_table(table3_table(report))


# ---------------------------------------------------------------- table 四


def table4_table(report: Report) -> Table:
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
    body = ([num(v) for group in L.REVIEW_GROUPS for v in rl.group(group)],)
    return Table("rk-table4", tuple(head), body, ("6.66%",) * 15)


def table4_html(report: Report) -> str:
    """Table 四 as HTML."""
    return render_table(table4_table(report))
