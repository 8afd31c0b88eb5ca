"""图解 charts: CJK glyphs present, deterministic bytes, zero tables, year-over-year only with
history, and a clear error without CJK fonts."""

from __future__ import annotations

import base64
import io
import logging
import pickle
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from reportkit.errors import FontError
from reportkit.model.params import parse_report
from reportkit.render import charts, fonts
from reportkit.render.sections import report_body_html
from tests.docsamples import demo_report, seed_data, seed_report, trial_report


def _all_charts_bytes() -> list[str]:
    report = demo_report()
    history = (demo_report(2023, new=8), demo_report(2022, new=3))
    return [charts.figure_svg(c.figure) for c in charts.report_charts(report, history)] + [
        charts.figure_svg(c.figure) for c in charts.report_charts(seed_report())
    ]


def test_no_glyph_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svgs = _all_charts_bytes()
        for c in charts.report_charts(trial_report()):
            charts.figure_png_base64(c.figure)
    assert len(svgs) == 5
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


def test_font_is_the_cjk_sans_face() -> None:
    assert fonts.configure_matplotlib() == "Noto Sans CJK SC"
    assert fonts.cjk_family("serif") == "Noto Serif CJK SC"
    assert fonts.cjk_font_path().endswith((".ttc", ".otf", ".ttf"))


def test_svg_is_deterministic_within_a_process() -> None:
    fig = charts.applicant_mix_figure(demo_report())
    svg = charts.figure_svg(fig)
    assert svg == charts.figure_svg(fig)
    assert svg == charts.figure_svg(charts.applicant_mix_figure(demo_report()))
    history = (demo_report(2023, new=8),)
    assert charts.figure_svg(charts.yoy_figure(demo_report(), history)) == charts.figure_svg(
        charts.yoy_figure(demo_report(), history)
    )
    assert "<dc:date>" not in svg


def test_png_is_a_png() -> None:
    data = base64.b64decode(charts.figure_png_base64(charts.outcome_figure(demo_report())))
    assert data.startswith(b"\x89PNG")


def test_zero_table_gives_note_not_crash() -> None:
    report = seed_report()
    assert all(v == 0 for _, v in charts.applicant_values(report))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in (charts.applicant_mix_figure(report), charts.outcome_figure(report)):
            assert isinstance(fig, Figure)
            texts = [t.get_text() for ax in fig.axes for t in ax.texts]
            assert charts.NO_REQUESTS in texts
            charts.figure_svg(fig)
    html = charts.report_figures_html(report)
    assert "<img" not in html
    assert charts.NO_REQUESTS in html


def test_outcome_values_group_sub_rows() -> None:
    values = dict(charts.outcome_values(demo_report()))
    assert list(values) == [
        "（一）予以公开",
        "（二）部分公开",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]
    assert values["（一）予以公开"] == 7
    assert values["（四）无法提供"] == 7
    trial = dict(charts.outcome_values(trial_report()))
    assert trial["（六）其他处理"] == 1


def test_year_over_year_only_with_history() -> None:
    report = demo_report()
    assert [c.name for c in charts.report_charts(report)] == ["applicants", "outcomes"]
    assert [c.name for c in charts.report_charts(report, (report,))] == [
        "applicants",
        "outcomes",
    ]
    with pytest.raises(ValueError, match="earlier year"):
        charts.yoy_figure(report, ())
    history = (demo_report(2023, new=8),)
    assert [c.name for c in charts.report_charts(report, history)] == [
        "applicants",
        "outcomes",
        "years",
    ]
    series = charts.yearly_values(report, history)
    assert list(series) == [2023, 2024]
    assert series[2023]["本年新收申请"] == 14
    assert series[2024]["本年新收申请"] == 18


def test_charts_in_body_only_when_asked_and_switched_on() -> None:
    report = demo_report()
    with_charts = report_body_html(report, charts=True)
    assert with_charts.count('<img alt="') == 2
    assert "data:image/png;base64," in with_charts
    assert "<img" not in report_body_html(report)
    off = report.model_copy(update={"charts": False})
    assert "<img" not in report_body_html(off, charts=True)
    with_years = report_body_html(report, (demo_report(2023, new=8),), charts=True)
    assert 'id="chart-years"' in with_years
    # charts follow the tables: after table 四, before section 五
    assert with_years.index("rk-charts") > with_years.index("rk-table4")
    assert with_years.index("rk-charts") < with_years.index('id="section-5"')


def test_missing_cjk_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"DejaVu Sans"}))
    with pytest.raises(FontError, match="fonts-noto-cjk") as info:
        fonts.cjk_family()
    again = pickle.loads(pickle.dumps(info.value))
    assert isinstance(again, FontError) and str(again) == str(info.value)
    with pytest.raises(FontError):
        charts.applicant_mix_figure(demo_report())


def test_zero_report_with_history_draws_only_the_years() -> None:
    report = seed_report()
    earlier = report.model_copy(update={"year": 2023})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = charts.report_figures_html(report, (earlier,))
    assert charts.NO_REQUESTS in html
    assert html.count("<img") == 1 and 'id="chart-years"' in html


def test_blank_and_slashed_cells_count_as_zero() -> None:
    data = seed_data()
    data["requests"]["new"] = [4, None, "/", 0, 1, None, None]
    data["requests"]["granted"] = [3, "/", None, 0, 0, 0, "/"]
    report = parse_report(data)
    assert dict(charts.applicant_values(report))["自然人"] == 4
    assert sum(v for _, v in charts.applicant_values(report)) == 5
    earlier = report.model_copy(update={"year": 2023})
    assert charts.yearly_values(report, (earlier,))[2024]["予以公开"] == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = charts.report_figures_html(report, (earlier,))
    assert html.count("<img") == 3


# ---------------------------------------------------------------- count axes (no 1e8 offset)

_UNIT_VALUES = {"万": 10_000, "亿": 100_000_000}


def _parse_count(label: str) -> int:
    """The inverse of :func:`charts.count_label` (exact: no float arithmetic)."""
    unit = _UNIT_VALUES.get(label[-1:])
    if unit is None:
        return int(label)
    whole, _, fraction = label[:-1].partition(".")
    digits = len(str(unit)) - 1
    return int(whole) * unit + (int(fraction.ljust(digits, "0")) if fraction else 0)


@given(st.integers(min_value=0, max_value=10**14))
def test_count_label_is_exact(value: int) -> None:
    label = charts.count_label(value)
    assert _parse_count(label) == value
    assert "e" not in label and (value < 10_000) == label.isdigit()


def _tick_labels(axis: Any) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


@settings(max_examples=15, deadline=None)
@given(
    top=st.integers(min_value=1, max_value=999_999_999),  # the largest count params allow
    shares=st.lists(st.integers(0, 100), min_size=6, max_size=6),
)
def test_count_axes_show_whole_counts_without_offset(top: int, shares: list[int]) -> None:
    """Any size of count: integer ticks in full or in 万/亿, never `1e8` and never `0.2`."""
    data = seed_data()
    total = max(1, sum(shares))
    new = [top * s // total for s in shares]
    new[0] = top if not any(new) else new[0]
    data["requests"]["new"] = [*new, sum(new)]
    data["requests"]["carried_forward"] = [*new, sum(new)]
    report = parse_report(data)
    earlier = report.model_copy(update={"year": report.year - 1})
    for fig, axis_name in (
        (charts.applicant_mix_figure(report), "xaxis"),
        (charts.yoy_figure(report, (earlier,)), "yaxis"),
    ):
        charts.figure_png(fig, dpi=20)  # lay out and draw, as a render does
        axis = getattr(fig.axes[0], axis_name)
        assert axis.get_offset_text().get_text() == ""
        labels = _tick_labels(axis)
        values = [_parse_count(label) for label in labels]  # raises on `0.2` or `1e8`
        assert values == sorted(set(values)) and len(values) >= 2
        assert all(v == int(t) for v, t in zip(values, axis.get_ticklocs(), strict=False))


# ---------------------------------------------------------------- drawn once


def test_png_is_rgb_at_print_resolution() -> None:
    from PIL import Image

    png = charts.figure_png(charts.outcome_figure(demo_report()))
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB"  # no alpha: WeasyPrint would split it into a second image
    assert image.info["dpi"] == pytest.approx((charts.PRINT_DPI,) * 2, abs=0.01)
    assert image.size[0] == round(charts.WIDTH_IN * charts.PRINT_DPI)
    assert b"tEXt" not in png and b"tIME" not in png


def test_page_images_are_the_docx_images() -> None:
    """report.docx places the PNGs of report.html: the same bytes a fresh drawing gives."""
    from reportkit.render.docx import report_docx_bytes

    report = demo_report()
    history = (demo_report(2023, new=8),)
    page = charts.report_figures_html(report, history)
    drawn = charts.charts_from_html(page)
    assert list(drawn) == ["applicants", "outcomes", "years"]
    for chart in charts.report_charts(report, history):
        assert drawn[chart.name] == charts.figure_png(chart.figure)
    from_page = report_docx_bytes(report, history, charts=drawn)
    assert from_page == report_docx_bytes(report, history)
    # a chart the page lacks is drawn
    partial = {k: v for k, v in drawn.items() if k != "outcomes"}
    assert report_docx_bytes(report, history, charts=partial) == from_page


def test_charts_from_a_page_without_charts() -> None:
    assert charts.charts_from_html(report_body_html(seed_report(), charts=True)) == {}


def test_chart_images_survive_nbconvert() -> None:
    """The page nbconvert writes (``<img …/>``) still gives back every chart's PNG."""
    import nbformat

    from reportkit.render.html import notebook_to_html

    report = demo_report()
    history = (demo_report(2023, new=8),)
    block = charts.report_figures_html(report, history)
    cell = nbformat.v4.new_code_cell("display(HTML(block))")
    cell.metadata = {"tags": ["report"], "reportkit": {"section": 4}}
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": block})]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"title": "t"})
    page = notebook_to_html(nb)
    assert charts.charts_from_html(page) == charts.charts_from_html(block)
    assert len(charts.charts_from_html(page)) == 3
