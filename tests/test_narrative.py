"""Narrative sections and the whole body: every seed paragraph printed verbatim, escaped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import Tag

from reportkit.model import labels as L
from reportkit.model.params import parse_report
from reportkit.render.narrative import (
    other_html,
    overview_html,
    problems_html,
    run_in_heading,
    title_html,
)
from reportkit.render.sections import SECTION_COUNT, report_body_html, section_html
from tests.docsamples import normalize, seed_data, seed_paragraphs, seed_report, soup


def _text(html: str) -> str:
    """The text of an HTML fragment, one line per block element."""
    return soup(html).get_text("\n")


def test_every_seed_paragraph_is_in_the_body_text() -> None:
    body = report_body_html(seed_report())
    lines = {normalize(line) for line in _text(body).splitlines() if line.strip()}
    # run-in items are two inline pieces of one <p>: compare whole blocks too
    blocks = {normalize(el.get_text()) for el in soup(body).find_all(["p", "h1", "h2", "h3"])}
    missing = [p for p in seed_paragraphs() if normalize(p) not in lines | blocks]
    assert missing == []


def test_seed_paragraphs_are_blocks_of_their_own() -> None:
    blocks = [
        normalize(el.get_text())
        for el in soup(report_body_html(seed_report())).find_all(["p", "h1", "h2", "h3"])
    ]
    for paragraph in seed_paragraphs():
        assert normalize(paragraph) in blocks, paragraph
    assert "（一）主动公开。全年累计公开各类信息 232 条，" in "".join(blocks)
    assert "(一) 存在的主要问题" in blocks
    assert "1.内容规范有待进一步加强。" in blocks


def test_sections_in_order_with_official_headings() -> None:
    headings = [h.get_text() for h in soup(report_body_html(seed_report())).find_all("h2")]
    assert headings == [L.section_heading(n) for n in range(1, SECTION_COUNT + 1)]


def test_title_is_display_title() -> None:
    report = seed_report()
    h1 = soup(title_html(report)).find("h1")
    assert isinstance(h1, Tag)
    assert h1.get_text() == "西工区教育局 2024 年政府信息公开工作年度报告"


def test_title_with_date_prints_agency_and_date() -> None:
    data = seed_data()
    data["title"] = None
    data["date"] = "2025年1月20日"
    html = title_html(parse_report(data))
    assert "西工区教育局2024年政府信息公开工作年度报告" in html
    meta = soup(html).find("p", class_="rk-meta")
    assert isinstance(meta, Tag)
    assert meta.get_text() == "西工区教育局　2025年1月20日"


def test_html_is_escaped_everywhere() -> None:
    data = seed_data()
    data["agency"]["name"] = "A&B<局>"
    data["title"] = None
    data["overview"]["intro"] = "<script>alert(1)</script> a < b & c\n"
    data["overview"]["items"][0]["heading"] = "主动<公开>"
    data["problems"]["subsections"][0]["heading"] = "(一) <b>问题</b>"
    data["other_matters"]["text"] = "x > y\n"
    body = report_body_html(parse_report(data))
    assert "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a &lt; b &amp; c" in body
    assert "A&amp;B&lt;局&gt;" in body
    assert "（一）主动&lt;公开&gt;。" in body
    assert "(一) &lt;b&gt;问题&lt;/b&gt;" in body
    assert "x &gt; y" in body


def test_run_in_and_standalone_item_headings() -> None:
    data = seed_data()
    data["overview"]["items"][1]["run_in"] = False
    data["overview"]["items"][2]["text"] = "第一段。\n\n第二段。\n"
    html = overview_html(parse_report(data))
    s = soup(html)
    h3 = s.find("h3")
    assert isinstance(h3, Tag) and h3.get_text() == "（二）依申请公开"
    paras = [p.get_text() for p in s.find_all("p")]
    assert "本年度未接到政府信息公开申请件。" in paras
    assert "（三）政府信息管理。第一段。" in paras
    assert "第二段。" in paras


@pytest.mark.parametrize(
    ("heading", "printed"),
    [
        ("主动公开", "（一）主动公开。"),
        ("主动公开。", "（一）主动公开。"),
        ("公开：", "（一）公开："),
    ],
)
def test_run_in_heading_punctuation(heading: str, printed: str) -> None:
    assert run_in_heading("（一）", heading) == printed


def test_problems_headings_as_written() -> None:
    s = soup(problems_html(seed_report()))
    assert [h.get_text() for h in s.find_all("h3")] == ["(一) 存在的主要问题", "(二) 改进情况"]
    assert [p.get_text() for p in s.find_all("p")][:2] == [
        "1.内容规范有待进一步加强。",
        "2.相关工作人员业务能力有待提升。",
    ]


def test_other_matters_text_or_fee_statement() -> None:
    assert _text(other_html(seed_report())).strip() == "无"
    data = seed_data()
    data["other_matters"] = {"text": "", "processing_fee_yuan": Decimal("0")}
    assert "本年度未收取信息处理费。" in other_html(parse_report(data))
    data["other_matters"] = {"text": "", "processing_fee_yuan": Decimal("120.50")}
    assert "本年度收取信息处理费120.50元。" in other_html(parse_report(data))


def test_section_numbers_checked() -> None:
    for n in (0, 7):
        with pytest.raises(ValueError, match="1 to 6"):
            section_html(n, seed_report())


def test_section_three_is_heading_and_table() -> None:
    s = soup(section_html(3, seed_report()))
    section = s.find("section")
    assert isinstance(section, Tag) and section.get("id") == "section-3"
    h2 = section.find("h2")
    assert isinstance(h2, Tag) and h2.get_text() == "三、收到和处理政府信息公开申请情况"
    assert len(section.find_all("table")) == 1


def test_body_without_charts_has_no_images_and_is_stable() -> None:
    report = seed_report()
    body = report_body_html(report)
    assert "<img" not in body
    assert body == report_body_html(seed_report())
