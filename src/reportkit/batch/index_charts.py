"""The cross-agency charts of a year's reviewers' page, as inline SVG (matplotlib, CJK fonts).

With more than :data:`MAX_CHART_ROWS` agencies each chart shows the ones that matter most for it
(most requests, most handled, most findings); the page's table lists them all.

Readable with any data: an agency name longer than :data:`LABEL_WIDTH` columns is wrapped onto
two lines and shortened with an ellipsis (:func:`short_label`; the full name shows on hover, an
SVG ``<title>``), so long names never squash the bars; a count axis starts at 0 with integer
ticks, also when every value is 0.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from ..checks import RULE_TITLES, SEVERITY
from .summary import OUTCOME_GROUPS, AgencyRow, outcome_mix

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_CHART_ROWS = 60
LABEL_WIDTH = 24  # display columns per label line (a CJK character takes 2)
LABEL_LINES = 2
ELLIPSIS = "…"
RULES = tuple(RULE_TITLES)
OUTCOME_COLORS = ("#3d6a99", "#7fa7cf", "#b5312c", "#d9a441", "#8a8a8a", "#c9c9c9")
RED = "#b5312c"
WARNING_COLOR = "#9a6700"


def _columns(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def short_label(name: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """``name`` on at most ``lines`` lines of ``width`` display columns, ending in ``…`` when
    it had to be shortened (runs of whitespace, line breaks included, count as one space)."""
    name = " ".join(name.split())
    out: list[str] = []
    line, used = "", 0
    for i, char in enumerate(name):
        if used + _columns(char) > width:
            out.append(line)
            line, used = "", 0
            if len(out) == lines:
                rest = name[i:]
                last = out[-1]
                while last and sum(map(_columns, last)) + _columns(ELLIPSIS) > width:
                    last = last[:-1]
                out[-1] = last + ELLIPSIS if rest else last
                return "\n".join(out)
        line += char
        used += _columns(char)
    out.append(line)
    return "\n".join(out)


def _label_ticks(ax: Any, names: Sequence[str]) -> None:
    """Y tick labels from agency names: shortened, each with the full name for hover."""
    ax.set_yticks(range(len(names)), [short_label(n) for n in names])
    for i, tick in enumerate(ax.get_yticklabels()):
        tick.set_gid(f"name-{i}")
        tick.set_linespacing(1.3)
    ax.figure.reportkit_titles = {f"name-{i}": n for i, n in enumerate(names)}


def _height(names: Sequence[str]) -> float:
    """Figure height (in) for one bar per name: more room when a label takes two lines."""
    per_row = 0.42 if any("\n" in short_label(n) for n in names) else 0.34
    return max(2.4, per_row * len(names) + 1.1)


def _svg(fig: object, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element with ids made unique by ``prefix``; a
    shortened agency name carries its full name as an SVG ``<title>`` (shown on hover)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # Inline SVG in HTML needs no namespaces or RDF metadata: drop them (and their URLs).
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = text.replace("xlink:href=", "href=")
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1class="chart"', text)
    for gid, full in getattr(fig, "reportkit_titles", {}).items():
        text = text.replace(
            f'<g id="{prefix}-{gid}">', f'<g id="{prefix}-{gid}"><title>{escape(full)}</title>', 1
        )
    return text


def _labels(rows: Sequence[AgencyRow]) -> list[str]:
    return [r.name if r.name and r.name != r.agency_id else r.agency_id for r in rows]


def _top(rows: Sequence[AgencyRow], score: Callable[[AgencyRow], float]) -> list[AgencyRow]:
    """At most :data:`MAX_CHART_ROWS` rows (the highest ``score``), in agency-id order."""
    if len(rows) <= MAX_CHART_ROWS:
        return list(rows)
    chosen = sorted(rows, key=lambda r: (-score(r), r.agency_id))[:MAX_CHART_ROWS]
    return sorted(chosen, key=lambda r: r.agency_id)


def _capped(title: str, shown: int, total: int, what: str) -> str:
    return title if shown == total else f"{title}（{what}最多的 {shown} 个，共 {total} 个机关）"


def _requests_chart(rows: Sequence[AgencyRow]) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    ordered = list(reversed(rows))  # barh draws bottom-up; keep agency-id order top-down
    names = _labels(ordered)
    fig = Figure(figsize=(7.2, _height(names)), layout="constrained")
    ax = fig.add_subplot()
    values = [int(r.figures.get("new_requests") or 0) for r in ordered]
    bars = ax.barh(range(len(ordered)), values, color=RED, height=0.6)
    _label_ticks(ax, names)
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.set_xlabel("本年新收政府信息公开申请（件）")
    # from 0, integer ticks, room for the bar labels — also when every count is 0
    ax.set_xlim(0, max(values, default=0) * 1.12 or 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    _tidy(ax)
    return fig


def _outcome_chart(rows: Sequence[AgencyRow]) -> Figure:
    from matplotlib.figure import Figure

    ordered = list(reversed(rows))
    names = _labels(ordered)
    fig = Figure(figsize=(7.2, _height(names) + 0.3), layout="constrained")
    ax = fig.add_subplot()
    mixes = [outcome_mix(r.report) for r in ordered if r.report is not None]
    totals = [sum(m.values()) for m in mixes]
    left = [0.0] * len(ordered)
    for (key, label), color in zip(OUTCOME_GROUPS.items(), OUTCOME_COLORS, strict=True):
        shares = [m[key] / t * 100 if t else 0.0 for m, t in zip(mixes, totals, strict=True)]
        ax.barh(range(len(names)), shares, left=left, color=color, height=0.6, label=label)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    for i, total in enumerate(totals):
        ax.text(101, i, f"{total} 件" if total else "无办结", va="center", fontsize=8)
    ax.set_xlim(0, 115)
    _label_ticks(ax, names)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("办理结果构成（%），右侧为办理结果总计")
    fig.legend(ncols=6, loc="outside upper center", frameon=False, fontsize=8)
    _tidy(ax)
    return fig


def _heatmap(rows: Sequence[AgencyRow]) -> Figure:
    from matplotlib.figure import Figure

    ordered = list(reversed(rows))
    names = _labels(ordered)
    fig = Figure(figsize=(7.2, _height(names)), layout="constrained")
    ax = fig.add_subplot()
    counts = [[sum(f.rule == rule for f in r.findings) for rule in RULES] for r in ordered]
    top = max((c for row in counts for c in row), default=0)
    ax.pcolormesh(
        [x - 0.5 for x in range(len(RULES) + 1)],
        [y - 0.5 for y in range(len(names) + 1)],
        counts,
        cmap="Reds",
        vmin=0,
        vmax=max(top, 1) * 1.25,
        edgecolors="#d8d2c8",
        linewidth=0.6,
    )
    # one line per rule id, coloured by severity (two-line labels were measured short by the
    # layout now and then, and their second line clipped)
    ax.set_xticks(range(len(RULES)), list(RULES))
    for tick, rule in zip(ax.get_xticklabels(), RULES, strict=True):
        tick.set_color(RED if SEVERITY[rule] == "error" else WARNING_COLOR)
    ax.set_xlabel("规则（红色为错误，棕色为警告）", fontsize=9)
    _label_ticks(ax, names)
    for y, row in enumerate(counts):
        for x, count in enumerate(row):
            if count:
                color = "white" if count > top / 2 else "black"
                ax.text(x, y, str(count), ha="center", va="center", fontsize=8, color=color)
    ax.tick_params(length=0, labelsize=9)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def chart_figures(rows: Sequence[AgencyRow]) -> list[tuple[str, str, Figure]]:
    """(title, id prefix, figure) of each cross-agency chart; empty when no agency has valid
    params. Built with reportkit's CJK fonts (:func:`~reportkit.render.fonts.matplotlib_rc`).

    With more than :data:`MAX_CHART_ROWS` agencies each chart shows the ones that matter most
    for it (most requests, most handled, most findings); the table lists them all.
    """
    import matplotlib

    from ..render.fonts import matplotlib_rc

    valid = [r for r in rows if r.report is not None]
    if not valid:
        return []
    n = len(valid)
    by_requests = _top(valid, lambda r: float(r.figures.get("new_requests") or 0))
    by_results = _top(valid, lambda r: float(r.figures.get("results_total") or 0))
    by_findings = _top(valid, lambda r: float(len(r.findings)))
    heatmap_title = "规则检查热力图（机关 × 规则，数字为发现的问题数）"
    with matplotlib.rc_context(matplotlib_rc()):
        return [
            (
                _capped("各机关本年新收申请数量", len(by_requests), n, "新收申请"),
                "c1",
                _requests_chart(by_requests),
            ),
            (
                _capped("各机关办理结果构成", len(by_results), n, "办理结果"),
                "c2",
                _outcome_chart(by_results),
            ),
            (_capped(heatmap_title, len(by_findings), n, "问题"), "c3", _heatmap(by_findings)),
        ]


def charts(rows: Sequence[AgencyRow]) -> list[tuple[str, str]]:
    """(title, inline svg) of the cross-agency charts (:func:`chart_figures`)."""
    import matplotlib

    from ..render.fonts import matplotlib_rc

    figures = chart_figures(rows)
    with matplotlib.rc_context(matplotlib_rc()):
        return [(title, _svg(fig, prefix)) for title, prefix, fig in figures]


def _tidy(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.tick_params(labelsize=9)  # type: ignore[attr-defined]
