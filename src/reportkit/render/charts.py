"""图解: charts of one agency-year with matplotlib (Agg), and their deterministic bytes.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot state), at the size
they are printed (:data:`WIDTH_IN` wide). Text is set in the CJK sans face of
:mod:`reportkit.fonts`. Each chart of a render is drawn once, in the section notebook, as a PNG
at print resolution (:data:`PRINT_DPI`, RGB without alpha, no date or software chunk): the same
image is shown by ``report.html``, embedded by WeasyPrint in ``report.pdf`` and placed in
``report.docx`` (:func:`charts_from_html` takes it back out of the page). Laying a figure out
(constrained layout) happens in that one drawing; the layout is then kept, so any later save of
the same figure has the same geometry. SVG output (:func:`figure_svg`) draws text as paths with a
fixed hash salt and no date.

Count axes never show an offset or scientific notation (``1e8``) and never fractional ticks:
ticks are whole numbers, written in full below 10,000 and with 万/亿 above
(:func:`count_label`).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping, Sequence
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
PRINT_DPI = 300  # PNG for print: the report's charts in HTML, PDF and Word
PNG_COMPRESS_LEVEL = 1  # zlib level: WeasyPrint re-encodes the image data anyway

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


def _keep_layout(fig: Figure) -> None:
    """After a drawing has laid ``fig`` out, keep that layout for every later save."""
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")


# ---------------------------------------------------------------- count axes

_UNITS = ((100_000_000, "亿"), (10_000, "万"))


def count_label(value: float) -> str:
    """A whole count as an axis tick: ``9999``, ``1万``, ``2.5万``, ``1200万``, ``1.5亿``.

    Ticks come from an integer locator at round steps, so the shortest exact decimal of the
    value in 万 or 亿 is short; it is exact (``repr`` of the quotient), never rounded, so two
    ticks never read the same. A value that is not a whole number is written as it is (it
    cannot be a tick of a count axis).
    """
    if value != int(value):
        return f"{value:g}"
    number = int(value)
    for unit, name in _UNITS:
        if abs(number) >= unit:
            whole, rest = divmod(abs(number), unit)
            sign = "-" if number < 0 else ""
            if rest == 0:
                return f"{sign}{whole}{name}"
            fraction = f"{rest:0{len(str(unit)) - 1}d}".rstrip("0")
            return f"{sign}{whole}.{fraction}{name}"
    return str(number)


def _count_axis(axis: Any) -> None:
    """Whole-number ticks labelled by :func:`count_label`: no offset, no ``1e8``."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: count_label(value)))


def note_figure(title: str, note: str) -> Figure:
    """A small figure that only says ``note`` (used when there is nothing to draw)."""
    fig = _figure(1.2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    ax.text(0.5, 0.4, note, ha="center", va="center", fontsize=10, color="#444444")
    return fig


def _bars(fig: Figure, title: str, items: Sequence[tuple[str, int]], colors: Sequence[str]) -> None:
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
    _count_axis(ax.xaxis)
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
    return fig


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
    return fig


def monthly_figure(report: Report) -> Figure:
    """每月收到申请: 一、本年新收 by month of 收到日期 (needs a ledger: see :func:`monthly_values`)."""
    items = monthly_values(report)
    if items is None:
        raise ValueError("a monthly chart needs 表三 computed from a ledger (report.sources)")
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
    _count_axis(ax.yaxis)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"每月收到申请（本年新收{total}件，按收到日期）", fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def yoy_figure(report: Report, history: Sequence[Report]) -> Figure:
    """历年情况: new requests, 予以公开, 行政复议 and 行政诉讼 per year (needs earlier years)."""
    series = yearly_values(report, history)
    if len(series) < 2:
        raise ValueError("a year-over-year chart needs at least one earlier year in history")
    years = list(series)
    names = list(series[years[0]])
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
    _count_axis(ax.yaxis)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"历年情况（{years[0]}—{years[-1]}年）", fontsize=11)
    fig.legend(fontsize=8, frameon=False, ncols=len(names), loc="outside lower center")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def chart_plan(report: Report, history: Sequence[Report] = ()) -> tuple[list[tuple[str, str]], str]:
    """The charts of the 图解 block as ``(name, title)`` in printed order, and the note printed
    above them (``""`` for none) — without drawing anything.

    When nothing was received, one sentence replaces the empty applicant and outcome charts;
    每月 only when 表三 comes from a ledger; 历年 only when earlier years exist.
    """
    nothing = all(v == 0 for _, v in applicant_values(report)) and all(
        v == 0 for _, v in outcome_values(report)
    )
    plan: list[tuple[str, str]] = []
    if not nothing:
        plan += [("applicants", "申请人构成"), ("outcomes", "办理结果")]
        if monthly_values(report) is not None:
            plan.append(("months", "每月收到申请"))
    if any(r.year < report.year for r in history):
        plan.append(("years", "历年情况"))
    return plan, f"{NO_REQUESTS}。" if nothing else ""


def chart_figure(name: str, report: Report, history: Sequence[Report] = ()) -> Figure:
    """The figure of the chart ``name`` of :func:`chart_plan`."""
    if name == "applicants":
        return applicant_mix_figure(report)
    if name == "outcomes":
        return outcome_figure(report)
    if name == "months":
        return monthly_figure(report)
    if name == "years":
        return yoy_figure(report, history)
    raise ValueError(f"no chart named {name!r}; charts are applicants, outcomes, months, years")


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
    _keep_layout(fig)
    return buf.getvalue()


def figure_svg(fig: Figure) -> str:
    """The figure as SVG text: text as paths, no date, fixed ids — identical on every run."""
    return _save(fig, "svg").decode("utf-8")


def figure_png(fig: Figure, dpi: int = PRINT_DPI) -> bytes:
    """The figure as an RGB PNG at ``dpi`` (print resolution by default), with no alpha channel
    (the page is white; WeasyPrint would split an alpha channel into a second image) and no
    Software/date chunks: the same figure gives the same bytes on every run."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    with matplotlib.rc_context(matplotlib_rc()):
        canvas = FigureCanvasAgg(fig)
        shown_dpi = fig.dpi
        fig.dpi = dpi
        try:
            canvas.draw()  # type: ignore[no-untyped-call]
            size = canvas.get_width_height(physical=True)
            buffer = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
            rgba = Image.frombuffer("RGBA", size, buffer, "raw", "RGBA", 0, 1)
            image = rgba.convert("RGB")
        finally:
            fig.dpi = shown_dpi
    _keep_layout(fig)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
    return buf.getvalue()


def figure_png_base64(fig: Figure, dpi: int = 150) -> str:
    """The figure as base64 PNG (see :func:`figure_png`)."""
    return base64.b64encode(figure_png(fig, dpi)).decode("ascii")


def svg_data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,…`` for an ``<img src>`` that needs no network."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


PNG_URI_PREFIX = "data:image/png;base64,"


def png_data_uri(png: bytes) -> str:
    """``data:image/png;base64,…`` for an ``<img src>`` that needs no network."""
    return PNG_URI_PREFIX + base64.b64encode(png).decode("ascii")


def figure_block(report: Report, history: Sequence[Report] = ()) -> tuple[list[Chart], str]:
    """The charts of the 图解 block, drawn, and the note printed above them (see
    :func:`chart_plan`; matplotlib is not even imported when there is nothing to draw)."""
    plan, note = chart_plan(report, history)
    charts = [Chart(name, title, chart_figure(name, report, history)) for name, title in plan]
    return charts, note


def report_chart_images(
    report: Report, history: Sequence[Report] = ()
) -> tuple[list[tuple[str, str, bytes]], str]:
    """Each chart of the 图解 block as ``(name, title, PNG at print resolution)``, and the note;
    every figure is drawn once and then released."""
    charts, note = figure_block(report, history)
    images = []
    for chart in charts:
        images.append((chart.name, chart.title, figure_png(chart.figure)))
        chart.figure.clear()
    return images, note


def report_figures_html(report: Report, history: Sequence[Report] = ()) -> str:
    """The 图解 block as HTML: a heading, then each chart as an embedded PNG at print
    resolution (``<figure class="rk-figure" id="chart-NAME">``)."""
    from .templating import part_macro

    images, note = report_chart_images(report, history)
    figures = [{"name": n, "title": t, "uri": png_data_uri(png)} for n, t, png in images]
    return str(part_macro("sections.html.j2", "charts")(CHARTS_TITLE, note, figures))


_FIGURE = re.compile(
    r'<figure class="rk-figure" id="chart-(?P<name>[a-z]+)"><img alt="[^"]*" '
    r'src="data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)"\s*/?>'
)


def charts_from_html(page: str) -> dict[str, bytes]:
    """The PNG of every chart a report page shows, by chart name (``applicants`` …): the
    images :func:`report_figures_html` drew, taken back out of ``report.html`` so that
    ``report.docx`` places the very same images without drawing them again (nbconvert writes
    the ``<img>`` as ``<img …/>``; both forms are read)."""
    return {m["name"]: base64.b64decode("".join(m["data"].split())) for m in _FIGURE.finditer(page)}


def chart_images(
    report: Report,
    history: Sequence[Report] = (),
    drawn: Mapping[str, bytes] | None = None,
) -> tuple[list[tuple[str, str, bytes]], str]:
    """Like :func:`report_chart_images`, taking each chart from ``drawn`` (by name) when it is
    there and drawing only those that are not."""
    plan, note = chart_plan(report, history)
    images = []
    for name, title in plan:
        png = (drawn or {}).get(name)
        if png is None:
            fig = chart_figure(name, report, history)
            png = figure_png(fig)
            fig.clear()
        images.append((name, title, png))
    return images, note
