"""The warm-up of a cold process: what it makes is handed over once, is the same as what a
render would make itself, and a failed warm-up costs nothing but the time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from reportkit.render import html, pdf, warm
from reportkit.render.sections import report_body_html
from tests.docsamples import demo_report


@pytest.fixture(autouse=True)
def _cold_process() -> Iterator[None]:
    """Each test starts as a new process would: no warm-up, nothing made in this thread."""

    def clear() -> None:
        warm._STARTED.clear()
        warm._PENDING.clear()
        for local, name in ((html._THREAD, "exporter"), (pdf._THREAD, "font_config")):
            if hasattr(local, name):
                delattr(local, name)

    clear()
    yield
    clear()


def _in_thread(fn: Any) -> Any:
    """``fn()`` in a new thread (a thread's own exporter and font configuration)."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_nothing_to_take_without_a_warm_up() -> None:
    assert warm.take("exporter") is None


def test_what_the_warm_up_makes_is_handed_over_once() -> None:
    made: list[str] = []
    warmers = {"exporter": lambda: made.append("e") or "the exporter"}
    warm.start(warmers)
    warm.start(warmers)  # once per process
    assert warm.take("exporter") == "the exporter"
    assert warm.take("exporter") is None
    assert made == ["e"]


def test_a_failed_warm_up_leaves_the_render_to_make_its_own() -> None:
    def broken() -> Any:
        raise OSError("cannot load library 'libpango-1.0-0'")

    warm.start({"exporter": broken})
    assert warm.take("exporter") is None
    assert html.exporter() is not None  # made here instead


def test_the_warm_exporter_converts_as_a_new_one() -> None:
    import nbformat

    report = demo_report()
    cell = nbformat.v4.new_code_cell("x")
    cell.metadata = {"tags": ["report"], "reportkit": {"section": 2}}
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": report_body_html(report)})
    ]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"title": report.display_title})
    cold = _in_thread(lambda: html.notebook_to_html(nb))
    warm.start({"exporter": html.warmed_exporter})
    warmed = html.notebook_to_html(nb)
    assert warm.take("exporter") is None  # this thread took it
    assert warmed == cold


@pytest.mark.pdf
def test_the_warm_font_configuration_gives_the_same_pdf() -> None:
    page = html.standalone_html(report_body_html(demo_report()), "t")
    cold = _in_thread(lambda: pdf.html_to_pdf_bytes(page))
    warm.start({"font_configuration": pdf.warmed_font_configuration})
    assert pdf.html_to_pdf_bytes(page) == cold
    assert warm.take("font_configuration") is None
