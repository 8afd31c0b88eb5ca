"""The network guard checks what report.html loads (parsed), not what its text says.

A paragraph that merely mentioned ``URL(http://…)`` passed ``check`` and then failed ``run``
with "would load a network resource": the guard searched the escaped page text. Now text is
never a resource, and what a browser would fetch is found however it is written.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.checks import check_report
from reportkit.cli import main
from reportkit.errors import RenderError
from reportkit.model import Report
from reportkit.model.params import dump_report, load_report
from reportkit.render.combine import combine_notebooks
from reportkit.render.html import network_resources, notebook_to_html
from reportkit.render.sections import report_body_html

from .conftest import SEED_PARAMS

SEED = load_report(SEED_PARAMS)


def _page(body: str) -> str:
    """report.html as ``run`` makes it, around ``body`` (one report cell of section 1)."""
    cell = nbformat.v4.new_code_cell("display(HTML(x))")
    cell.id, cell.metadata["tags"] = "body", ["report"]
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": body})]
    section = nbformat.v4.new_notebook(cells=[cell])
    combined = combine_notebooks(
        [(1, section)], {"title": "某局报告", "agency_id": "x", "year": 2024}
    )
    return notebook_to_html(combined)


def _with_intro(text: str) -> Report:
    return SEED.model_copy(update={"overview": SEED.overview.model_copy(update={"intro": text})})


MENTIONS = [
    "详见政府网站 URL(http://www.example.gov.cn/xxgk) 栏目。",
    'src="http://example.com/a.png" 与 href="//cdn.example.com/x.css" 只是文字',
    "<img src=http://example.com/a.png> 是一段文字，不是图片",
    "background: url('https://example.com/bg.png'); @import 'http://x.css';",
    "&lt;link href=https://example.com&gt; &#104;ttp://example.com",
]


@pytest.mark.parametrize("text", MENTIONS)
def test_a_paragraph_mentioning_urls_renders_and_checks(text: str, tmp_path: Path) -> None:
    report = _with_intro(text + "\n")
    page = _page(report_body_html(report))
    assert text in BeautifulSoup(page, "html.parser").get_text(), "printed as text"
    assert network_resources(page) == []
    path = tmp_path / "params" / "xigong-education" / "2024.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(dump_report(report), encoding="utf-8")
    assert main(["check", str(path)]) == 0


@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=120)
)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_check_and_run_agree_on_any_narrative(text: str) -> None:
    """Whatever a paragraph says, ``run``'s guard finds nothing to load: ``check`` is right."""
    report = _with_intro(text)
    assert not [f for f in check_report(report) if "network" in f.message]
    assert network_resources(_page(report_body_html(report))) == []


LOADS = [
    ('<img src="http://example.com/a.png">', "<img src='http://example.com/a.png'>"),
    ('<img src="&#104;ttp://example.com/a.png">', "<img src='http://example.com/a.png'>"),
    ('<img src="ht\ttp://example.com/a.png">', "<img src="),
    ('<img src=" //example.com/a.png">', "<img src="),
    ('<img srcset="a.png 1x, https://example.com/b.png 2x">', "srcset='https://example.com/b.png'"),
    ('<link rel="stylesheet" href="//cdn.example.com/x.css">', "<link href="),
    ('<div style="background:url(&quot;http://example.com/bg&quot;)">x</div>', "url(http"),
    ("<style>p { background: url( 'https://example.com/bg' ) }</style>", "url(https"),
    ('<style>@import "http://example.com/x.css";</style>', "url(http://example.com/x.css)"),
    ("<style>p { background: u\\72l(http://example.com/bg) }</style>", "url(http"),
    ('<svg><image xlink:href="http://example.com/a.png"/></svg>', "<image xlink:href="),
    ('<table background="http://example.com/bg.png"></table>', "<table background="),
    ('<video poster="https://example.com/p.png"></video>', "<video poster="),
    ('<object data="http://example.com/x.swf"></object>', "<object data="),
    ('<meta http-equiv="refresh" content="0; url=http://example.com">', "<meta content="),
]


@pytest.mark.parametrize(("html", "names"), LOADS)
def test_what_would_load_is_found_however_written(html: str, names: str) -> None:
    found = network_resources(html)
    assert len(found) == 1 and names in found[0], found
    with pytest.raises(RenderError, match=r"report\.html would load a network resource: "):
        _page(f"<p>正文</p>{html}")


@pytest.mark.parametrize(
    "html",
    [
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        '<a href="https://www.gov.cn/">中国政府网</a>',
        "<style>p { color: red } /* url(http://example.com) */</style>",
        '<img src="charts/a.png">',
    ],
)
def test_what_loads_nothing_from_the_network_passes(html: str) -> None:
    assert network_resources(html) == []
