"""图解: charts of one agency-year with matplotlib (Agg), and their deterministic bytes.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot state). Text is set
in the CJK sans face of :mod:`reportkit.fonts`; SVG output draws text as paths with a fixed hash
salt and no date, so the same report always gives the same bytes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Cell, Report, cell_value
from ..model import labels as L
from .fonts import configure_matplotlib, matplotlib_rc

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NO_REQUESTS = "本年度未收到政府信息公开申请"
NO_RESULTS = "本年度没有办结的政府信息公开申请"
CHARTS_TITLE = "图解"

NATURAL_COLOR = "#b5312c"  # 自然人: the red of official documents
LEGAL_COLOR = "#3d6a99"  # 法人或其他组织
LINE_COLORS = ("#b5312c", "#3d6a99", "#5b8c3a", "#8a6d3b")
WIDTH_IN = 6.3  # the A4 text width at 2.2 cm side margins, in inches
PRINT_DPI = 300  # PNG for print (the Word document's charts)

_SAVE_META: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "png": {"Software": None},
}


@dataclass(frozen=True)
class Chart:
    """One chart of the 图解 block: a stable name, its title (alt text) and the figure."""

    name: str
    title: str
    figure: Figure


# ---------------------------------------------------------------- data


def _applicant_sum(cells: Sequence[Cell]) -> int:
    """自然人 + the five 法人 columns (the printed 总计 may be blank or wrong)."""
    return sum(cell_value(c) for c in cells[:6])


def _row_total(cells: Sequence[Cell]) -> int:
    """A row's 总计 as printed, or the sum of its parts when the 总计 is blank."""
    last = cells[-1]
    return last if isinstance(last, int) else sum(cell_value(c) for c in cells[:-1])


def applicant_values(report: Report) -> list[tuple[str, int]]:
    """一、本年新收 by applicant: 自然人 and the five 法人或其他组织 columns."""
    new = report.request_row("new")
    keys = ("natural_person", *L.LEGAL_PERSON_COLUMN_KEYS)
    return [(L.REQUEST_COLUMNS[k], cell_value(new[i])) for i, k in enumerate(keys)]


def _short(label: str) -> str:
    """``部分公开`` from ``部分公开（区分处理的，…）``."""
    return label.split("（", 1)[0]


def outcome_values(report: Report) -> list[tuple[str, int]]:
    """（一）… （六） of 三、本年度办理结果, each summed over its sub-rows and applicant columns."""
    out: dict[str, int] = {}
    for key in L.result_row_keys(report.format):
        row = L.request_row(key, report.format)
        name = (
            f"{row.number}{_short(row.label)}"
            if row.group in (None, L.RESULTS_GROUP)
            else (row.group or "")
        )
        out[name] = out.get(name, 0) + _applicant_sum(report.request_row(key))
    return list(out.items())


def monthly_values(report: Report) -> list[tuple[str, int]] | None:
    """一、本年新收 by month of 收到日期 — only when 表三 is computed from a ledger (else None)."""
    sources = report.sources
    if sources is None or sources.ledger is None or not sources.ledger.view.monthly:
        return None
    return [(f"{m}月", n) for m, n in enumerate(sources.ledger.view.monthly, start=1)]


def yearly_values(report: Report, history: Sequence[Report]) -> dict[int, dict[str, int]]:
    """Per year (earlier years of ``history`` and this one): the series of the 历年 chart."""
    years = {r.year: r for r in history if r.year < report.year}
    years[report.year] = report
    series: dict[int, dict[str, int]] = {}
    for year in sorted(years):
        r = years[year]
        rl = r.review_litigation
        series[year] = {
            "本年新收申请": _row_total(r.request_row("new")),
            "予以公开": _row_total(r.request_row("granted")),
            L.REVIEW: _row_total(rl.review),
            L.LITIGATION: _row_total(rl.litigation_direct) + _row_total(rl.litigation_after_review),
        }
    return series


# ---------------------------------------------------------------- figures


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure  # imported on first drawing: reportkit imports fast

    configure_matplotlib()
    return Figure(figsize=(WIDTH_IN, height), dpi=100, layout="constrained")


def _frozen(fig: Figure) -> Figure:
    """Lay the figure out once and keep that layout, so every later save gives the same bytes."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


def note_figure(title: str, note: str) -> Figure:
    """A small figure that only says ``note`` (used when there is nothing to draw)."""
    fig = _figure(1.2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    ax.text(0.5, 0.4, note, ha="center", va="center", fontsize=10, color="#444444")
    return _frozen(fig)


def _bars(fig: Figure, title: str, items: Sequence[tuple[str, int]], colors: Sequence[str]) -> None:
    from matplotlib.ticker import MaxNLocator

    ax = fig.add_subplot()
    names = [name for name, _ in items]
    values = [value for _, value in items]
    positions = list(range(len(items)))
    ax.barh(positions, values, color=list(colors), height=0.6)
    ax.set_yticks(positions, names, fontsize=9)
    ax.invert_yaxis()
    top = max(values)
    ax.set_xlim(0, top * 1.15 if top else 1)
    for pos, value in zip(positions, values, strict=True):
        ax.text(value, pos, f" {value}", va="center", ha="left", fontsize=8)
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def applicant_mix_figure(report: Report) -> Figure:
    """申请人构成: 一、本年新收 by 自然人 and each 法人或其他组织 column."""
    items = applicant_values(report)
    total = sum(v for _, v in items)
    title = f"申请人构成（本年新收申请{total}件）"
    if total == 0:
        return note_figure(title, NO_REQUESTS)
    fig = _figure(2.6)
    _bars(fig, title, items, [NATURAL_COLOR] + [LEGAL_COLOR] * (len(items) - 1))
    return _frozen(fig)


def outcome_figure(report: Report) -> Figure:
    """办理结果: （一）予以公开 … （六）其他处理, over all applicants."""
    items = outcome_values(report)
    total = sum(v for _, v in items)
    title = f"办理结果（本年度办结{total}件）"
    if total == 0:
        received = _applicant_sum(report.request_row("new")) + _applicant_sum(
            report.request_row("carried_over")
        )
        return note_figure(title, NO_RESULTS if received else NO_REQUESTS)
    fig = _figure(2.6)
    _bars(fig, title, items, [LEGAL_COLOR] * len(items))
    return _frozen(fig)


def monthly_figure(report: Report) -> Figure:
    """每月收到申请: 一、本年新收 by month of 收到日期 (needs a ledger: see :func:`monthly_values`)."""
    items = monthly_values(report)
    if items is None:
        raise ValueError("a monthly chart needs 表三 computed from a ledger (report.sources)")
    from matplotlib.ticker import MaxNLocator

    total = sum(v for _, v in items)
    fig = _figure(2.4)
    ax = fig.add_subplot()
    positions = list(range(len(items)))
    values = [v for _, v in items]
    ax.bar(positions, values, color=NATURAL_COLOR, width=0.6)
    ax.set_xticks(positions, [name for name, _ in items], fontsize=8)
    top = max(values)
    ax.set_ylim(0, top * 1.2 if top else 1)
    for pos, value in zip(positions, values, strict=True):
        if value:
            ax.text(pos, value, str(value), ha="center", va="bottom", fontsize=7)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"每月收到申请（本年新收{total}件，按收到日期）", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _frozen(fig)


def yoy_figure(report: Report, history: Sequence[Report]) -> Figure:
    """历年情况: new requests, 予以公开, 行政复议 and 行政诉讼 per year (needs earlier years)."""
    series = yearly_values(report, history)
    if len(series) < 2:
        raise ValueError("a year-over-year chart needs at least one earlier year in history")
    years = list(series)
    names = list(series[years[0]])
    from matplotlib.ticker import MaxNLocator

    fig = _figure(2.8)
    ax = fig.add_subplot()
    top = 0
    for name, color in zip(names, LINE_COLORS, strict=True):
        values = [series[y][name] for y in years]
        top = max(top, *values)
        ax.plot(years, values, marker="o", color=color, label=name, linewidth=1.5)
        for year, value in zip(years, values, strict=True):
            ax.annotate(
                str(value),
                (year, value),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize=7,
                color=color,
            )
    ax.set_xticks(years, [f"{y}年" for y in years], fontsize=8)
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    ax.set_ylim(0, top * 1.2 if top else 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"历年情况（{years[0]}—{years[-1]}年）", fontsize=11)
    fig.legend(fontsize=8, frameon=False, ncols=len(names), loc="outside lower center")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _frozen(fig)


def report_charts(report: Report, history: Sequence[Report] = ()) -> list[Chart]:
    """Every chart of the 图解 block, in printed order (每月 only when 表三 comes from a ledger,
    历年 only when earlier years exist)."""
    charts = [
        Chart("applicants", "申请人构成", applicant_mix_figure(report)),
        Chart("outcomes", "办理结果", outcome_figure(report)),
    ]
    if monthly_values(report) is not None:
        charts.append(Chart("months", "每月收到申请", monthly_figure(report)))
    if any(r.year < report.year for r in history):
        charts.append(Chart("years", "历年情况", yoy_figure(report, history)))
    return charts


# ---------------------------------------------------------------- bytes


def _save(fig: Figure, fmt: str, **kwargs: Any) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(matplotlib_rc()):
        fig.savefig(buf, format=fmt, metadata=_SAVE_META[fmt], **kwargs)
    return buf.getvalue()


def figure_svg(fig: Figure) -> str:
    """The figure as SVG text: text as paths, no date, fixed ids — identical on every run."""
    return _save(fig, "svg").decode("utf-8")


def figure_png_base64(fig: Figure, dpi: int = 150) -> str:
    """The figure as base64 PNG without the Software/date chunks."""
    return base64.b64encode(_save(fig, "png", dpi=dpi)).decode("ascii")


def svg_data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,…`` for an ``<img src>`` that needs no network."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def figure_block(report: Report, history: Sequence[Report] = ()) -> tuple[list[Chart], str]:
    """The charts of the 图解 block and the note printed above them (``""`` for none).

    When nothing was received, one sentence replaces the empty applicant and outcome charts
    (and matplotlib is not even imported unless there are earlier years to draw).
    """
    nothing = all(v == 0 for _, v in applicant_values(report)) and all(
        v == 0 for _, v in outcome_values(report)
    )
    charts: list[Chart] = []
    if not nothing:
        charts += [
            Chart("applicants", "申请人构成", applicant_mix_figure(report)),
            Chart("outcomes", "办理结果", outcome_figure(report)),
        ]
        if monthly_values(report) is not None:
            charts.append(Chart("months", "每月收到申请", monthly_figure(report)))
    if any(r.year < report.year for r in history):
        charts.append(Chart("years", "历年情况", yoy_figure(report, history)))
    return charts, f"{NO_REQUESTS}。" if nothing else ""


def figure_png(fig: Figure, dpi: int = PRINT_DPI) -> bytes:
    """The figure as PNG bytes at print resolution, without the Software/date chunks."""
    return _save(fig, "png", dpi=dpi)


def report_figures_html(report: Report, history: Sequence[Report] = ()) -> str:
    """The 图解 block as HTML: a heading, then each chart as an embedded SVG image."""
    from .templating import part_macro

    charts, note = figure_block(report, history)
    figures = []
    for chart in charts:
        figures.append(
            {
                "name": chart.name,
                "title": chart.title,
                "uri": svg_data_uri(figure_svg(chart.figure)),
            }
        )
        chart.figure.clear()
    return str(part_macro("sections.html.j2", "charts")(CHARTS_TITLE, note, figures))
