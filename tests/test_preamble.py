"""The preamble (issue 14) is read wherever the narrative is: R7 checks its numbers, R10 its
characters, and report.docx prints it between the title and 一."""

from __future__ import annotations

import io

import docx
import pytest

from reportkit.checks import check_report
from reportkit.checks import glyphs as G
from reportkit.model import parse_report
from reportkit.render.docx import report_docx_bytes
from tests.docsamples import seed_data

PREAMBLE = "本报告依据《中华人民共和国政府信息公开条例》编制，本年度共收到政府信息公开申请5件。"


def _seed_with_preamble(text: str = PREAMBLE) -> object:
    data = seed_data()
    data["preamble"] = text + "\n"
    return parse_report(data)


def test_r7_reads_the_preamble() -> None:
    report = _seed_with_preamble()
    (finding,) = [f for f in check_report(report) if f.rule == "R7"]  # type: ignore[arg-type]
    assert finding.value == 5 and finding.expected == 0
    assert "requests.new.total" in finding.cells
    assert "收到政府信息公开申请5件" in finding.message


@pytest.mark.skipif(not G.print_fonts().cjk, reason="needs fonts-noto-cjk")
def test_r10_reads_the_preamble() -> None:
    report = _seed_with_preamble("本报告由西工区\U0001f600教育局编制。")
    # hidden: the optional fonts, as on a machine without them
    optional = {f for font in G.OPTIONAL_FONTS for f in font.families}
    fonts = G.print_fonts([f for f in G.installed_faces() if not set(f.families) & optional])
    findings = G.rule_r10(report, fonts=fonts)  # type: ignore[arg-type]
    assert [f.cells for f in findings] == [("preamble",)]


def test_docx_prints_the_preamble_after_the_title() -> None:
    report = _seed_with_preamble()
    doc = docx.Document(io.BytesIO(report_docx_bytes(report)))  # type: ignore[arg-type]
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    at = texts.index(PREAMBLE)
    assert any("年度报告" in t for t in texts[:at])
    assert texts[at + 1].startswith("一、")


def test_a_byline_under_the_title_is_the_date_not_the_preamble() -> None:
    """reportkit prints the agency and the date on one line under the title; import read it
    into the preamble (``…保障局 2025年1月14日本报告根据…``) and lost the date."""
    from reportkit.importer import import_text
    from reportkit.model.params import load_report
    from reportkit.render.sections import report_body_html
    from tests.conftest import SEED_PARAMS
    from tests.reporttext import browser_text

    report = load_report(SEED_PARAMS).model_copy(
        update={
            "preamble": "本报告根据《中华人民共和国政府信息公开条例》编制，数据统计期限为2024年1月1日至12月31日。\n"
        }
    )
    body = browser_text(report_body_html(report))
    title, rest = body.split("\n", 1)
    text = f"{title}\n西工区教育局    2025年1月14日\n{rest}"
    result = import_text(text, "xigong-education")
    assert result.report.date == "2025年1月14日"
    assert result.report.preamble == report.preamble
