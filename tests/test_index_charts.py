"""The index's cross-agency charts with any data: 70-character agency names (3 and 60 of them)
and all-zero tables — tick labels inside the figure and never overlapping, count axes from 0
with integer ticks, the full name on hover. Tested on the figure objects, drawn."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportkit.batch.index_charts import (
    ELLIPSIS,
    LABEL_LINES,
    LABEL_WIDTH,
    _columns,
    chart_figures,
    charts,
    short_label,
)
from reportkit.batch.summary import AgencyRow, collect_year
from reportkit.model import parse_report
from reportkit.render.fonts import matplotlib_rc
from tests.test_batch_helpers import make_params

LONG = "青禾区" + "市场监督管理综合行政执法" * 5 + "第一分局"  # 70 characters


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[AgencyRow]:
    root = tmp_path_factory.mktemp("charts")
    return collect_year(make_params(root), root / "outputs", 2024)


def _long_names(rows: list[AgencyRow], n: int) -> list[AgencyRow]:
    out = []
    for i in range(n):
        base = rows[i % len(rows)]
        name = f"{LONG[: 70 - len(str(i))]}{i}"
        out.append(replace(base, agency_id=f"agency-{i:03d}", name=name))
    return out


def _zero(row: AgencyRow) -> AgencyRow:
    assert row.report is not None
    data = row.report.model_dump()
    for key, value in data["requests"].items():
        if value is not None:
            data["requests"][key] = [0] * 7
    for key in data["review_litigation"]:
        data["review_litigation"][key] = [0] * 5
    figures = {**row.figures, "new_requests": 0, "results_total": 0}
    return replace(row, report=parse_report(data), figures=figures, findings=[])


def _drawn(rows: list[AgencyRow]) -> list[tuple[str, Any]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figures = chart_figures(rows)
    with matplotlib.rc_context(matplotlib_rc()):
        for _, _, fig in figures:
            FigureCanvasAgg(fig)
            fig.draw_without_rendering()
    return [(prefix, fig) for _, prefix, fig in figures]


def _overlap(a: Any, b: Any) -> bool:
    return a.x0 < b.x1 - 0.5 and b.x0 < a.x1 - 0.5 and a.y0 < b.y1 - 0.5 and b.y0 < a.y1 - 0.5


def _check_labels(fig: Any) -> None:
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            labels = [
                t
                for t, loc in zip(axis.get_majorticklabels(), axis.get_majorticklocs(), strict=True)
                if t.get_visible() and t.get_text() and low - 1e-9 <= loc <= high + 1e-9
            ]
            extents = [t.get_window_extent(renderer) for t in labels]
            for t, e in zip(labels, extents, strict=True):
                assert e.x0 >= box.x0 - 0.5 and e.x1 <= box.x1 + 0.5, f"clipped: {t.get_text()}"
                assert e.y0 >= box.y0 - 0.5 and e.y1 <= box.y1 + 0.5, f"clipped: {t.get_text()}"
            for i, a in enumerate(extents):
                for b in extents[i + 1 :]:
                    assert not _overlap(a, b), "overlapping tick labels"
        label = ax.xaxis.label
        if label.get_text():
            e = label.get_window_extent(renderer)
            assert e.y0 >= box.y0 - 0.5 and e.x0 >= box.x0 - 0.5 and e.x1 <= box.x1 + 0.5


@pytest.mark.parametrize("n", [3, 60])
def test_seventy_character_names_never_overlap_or_clip(rows: list[AgencyRow], n: int) -> None:
    for _, fig in _drawn(_long_names(rows, n)):
        _check_labels(fig)
        ax = fig.axes[0]
        width = ax.get_window_extent(fig.canvas.get_renderer()).width
        assert width > fig.bbox.width * 0.4, "the bars keep most of the width"


def test_full_name_on_hover(rows: list[AgencyRow]) -> None:
    long_rows = _long_names(rows, 3)
    svgs = [svg for _, svg in charts(long_rows)]
    for svg in svgs:
        for row in long_rows:
            assert f"<title>{row.name}</title>" in svg
    assert all(ELLIPSIS in short_label(r.name) for r in long_rows)


def test_all_zero_data_from_zero_with_integer_ticks(rows: list[AgencyRow]) -> None:
    zero = [_zero(r) for r in rows]
    for prefix, fig in _drawn(zero):
        _check_labels(fig)
        ax = fig.axes[0]
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and min(ticks) >= 0, (prefix, ticks)
        assert ax.get_xlim()[0] == pytest.approx(-0.5 if prefix == "c3" else 0)
        if prefix != "c3":
            assert all(float(t).is_integer() for t in ticks), (prefix, ticks)


def test_before_the_fix_zero_data_would_go_negative() -> None:
    """The figure check above can fail: matplotlib's own limits for all-zero bars."""
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.barh([0, 1], [0, 0])
    assert min(ax.get_xticks()) < 0


@given(st.text(min_size=1, max_size=120))
def test_short_label_fits_and_keeps_the_start(name: str) -> None:
    label = short_label(name)
    name = " ".join(name.split())
    lines = label.split("\n")
    assert len(lines) <= LABEL_LINES
    assert all(sum(map(_columns, line)) <= LABEL_WIDTH for line in lines)
    shown = "".join(lines)
    if shown != name:
        assert shown.endswith(ELLIPSIS), "shortened, and says so"
        assert name.startswith(shown[:-1]) and len(shown) - 1 < len(name)


def test_index_page_charts_readable_in_a_file(rows: list[AgencyRow], tmp_path: Path) -> None:
    """The SVGs of 60 long-named agencies are one inline figure each, ids unique per chart."""
    svgs = [svg for _, svg in charts(_long_names(rows, 60))]
    assert len(svgs) == 3
    for prefix, svg in zip(("c1", "c2", "c3"), svgs, strict=True):
        assert f'id="{prefix}-name-59"' in svg
