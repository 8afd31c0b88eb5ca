"""Nothing cut, nothing substituted in the PDF: a 200-digit string and a 120-character URL wrap
inside the text block, 9-digit table numbers stay inside their cells (the PDF's word boxes from
``pdftotext -bbox`` against the cell borders drawn in the PDF, read with pdfplumber), and rare
characters print as themselves when their fonts are installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reportkit.checks.glyphs import installed_faces, resolve_family
from reportkit.model import Report, parse_report
from reportkit.render.html import standalone_html
from reportkit.render.pdf import html_to_pdf
from reportkit.render.sections import report_body_html
from reportkit.render.tables import PDF_TEXT_WIDTH_PT
from tests.docsamples import seed_data, squash

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]

DIGITS = "".join(str(i % 10) for i in range(200))
URL = ("https://www.qinghe.gov.cn/zwgk/xxgk/" + "2024" * 30)[:120]
PAGE_WIDTH_PT = 595.28
MARGIN_PT = (PAGE_WIDTH_PT - PDF_TEXT_WIDTH_PT) / 2
TOLERANCE = 0.6


def _long_report() -> Report:
    data = seed_data()
    data["overview"]["intro"] += f"{DIGITS}\n网址：{URL}\n"
    for i, key in enumerate(data["requests"]):
        data["requests"][key] = [100_000_000 + 1000 * i + j for j in range(7)]
    for i, key in enumerate(data["review_litigation"]):
        data["review_litigation"][key] = [900_000_000 + 10 * i + j for j in range(5)]
    return parse_report(data)


def _pdf(report: Report, path: Path) -> Path:
    return html_to_pdf(standalone_html(report_body_html(report), report.display_title), path)


def _words(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """Every word of the text layer: (page, text, xMin, yMin, xMax, yMax) in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for page, body in enumerate(out.split("<page ")[1:]):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            body,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            words.append((page, m.group(5), x0, y0, x1, y1))
    return words


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pdf(_long_report(), tmp_path_factory.mktemp("fit") / "long.pdf")


def test_every_word_stays_inside_the_text_block(long_pdf: Path) -> None:
    words = _words(long_pdf)
    assert words
    outside = [
        w
        for w in words
        if w[2] < MARGIN_PT - TOLERANCE or w[4] > PAGE_WIDTH_PT - MARGIN_PT + TOLERANCE
    ]
    assert outside == []


def test_long_strings_appear_whole_in_the_text_layer(long_pdf: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(long_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = squash(text)
    assert DIGITS in flat
    assert URL in flat


def _edges(pdf: Path) -> list[list[dict[str, Any]]]:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return [list(page.edges) for page in doc.pages]


def test_nine_digit_numbers_stay_inside_their_cells(long_pdf: Path) -> None:
    report = _long_report()
    expected = {
        str(v)
        for key in type(report.requests).model_fields
        for v in (getattr(report.requests, key) or [])
    }
    expected |= {
        str(v)
        for g in ("review", "litigation_direct", "litigation_after_review")
        for v in report.review_litigation.group(g)
    }
    edges = _edges(long_pdf)
    found: set[str] = set()
    for page, text, x0, y0, x1, y1 in _words(long_pdf):
        if text not in expected:
            continue
        found.add(text)
        vertical = [
            e for e in edges[page] if e["orientation"] == "v" and e["top"] < y1 and e["bottom"] > y0
        ]
        crossing = [e for e in vertical if x0 + TOLERANCE < e["x0"] < x1 - TOLERANCE]
        assert crossing == [], f"a cell border runs through {text}"
        assert any(e["x0"] <= x0 + TOLERANCE for e in vertical), f"{text}: no border on its left"
        assert any(e["x0"] >= x1 - TOLERANCE for e in vertical), f"{text}: no border on its right"
        horizontal = [
            e for e in edges[page] if e["orientation"] == "h" and e["x0"] < x1 and e["x1"] > x0
        ]
        assert not [e for e in horizontal if y0 + TOLERANCE < e["top"] < y1 - TOLERANCE], text
    assert found == expected, "every number printed whole, as one word"


def _installed(family: str) -> bool:
    return resolve_family(family, installed_faces()) is not None


@pytest.mark.skipif(
    not (_installed("HanaMinB") and _installed("Noto Color Emoji")),
    reason="needs fonts-hanazono and fonts-noto-color-emoji (./dev test installs them)",
)
def test_rare_characters_are_themselves_in_the_text_layer(tmp_path: Path) -> None:
    data = seed_data()
    data["agency"]["name"] = "西工区\U00020000教育局"
    data["title"] = None
    data["problems"]["intro"] = "群众留言点赞👍，我们继续努力😀。"
    pdf = _pdf(parse_report(data), tmp_path / "rare.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "西工区\U00020000教育局" in squash(text)
    assert "点赞👍" in squash(text) and "努力😀" in squash(text)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Emoji" in fonts and "Hana" in fonts, fonts
