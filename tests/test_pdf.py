"""The PDF of a report body (WeasyPrint): text extractable, CJK fonts embedded, A4, page
numbers, repeated table headers, byte-identical renders, atomic writes."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportkit.errors import RenderError
from reportkit.render.html import standalone_html
from reportkit.render.pdf import html_to_pdf, html_to_pdf_bytes
from reportkit.render.sections import report_body_html
from tests.docsamples import REPO, demo_report, seed_paragraphs, seed_report, squash

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]

PAGE_NUMBER = re.compile(r"^\s*— \d+ —\s*$", re.MULTILINE)


def _seed_html() -> str:
    report = seed_report()
    return standalone_html(report_body_html(report, charts=True), report.display_title)


def _demo_html() -> str:
    report = demo_report()
    body = report_body_html(report, (demo_report(2023, new=8),), charts=True)
    return standalone_html(body, report.display_title)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    return html_to_pdf(_seed_html(), path)


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def test_every_seed_paragraph_in_pdftotext(seed_pdf: Path) -> None:
    text = PAGE_NUMBER.sub("", _run("pdftotext", "-layout", seed_pdf, "-"))
    flat = squash(text)
    missing = [p for p in seed_paragraphs() if squash(p) not in flat]
    assert missing == []
    assert "633.8612" in text


def test_cjk_font_embedded(seed_pdf: Path) -> None:
    lines = _run("pdffonts", seed_pdf).splitlines()[2:]
    cjk = [line for line in lines if "CJK" in line]
    assert cjk, lines
    # columns: name type encoding emb sub uni object ID — every CJK font embedded
    assert all(line.split()[-5] == "yes" for line in cjk), cjk


def test_a4_with_page_numbers(seed_pdf: Path) -> None:
    info = _run("pdfinfo", seed_pdf)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    text = squash(_run("pdftotext", seed_pdf, "-"))
    assert [f"—{n}—" in text for n in range(1, pages + 1)] == [True] * pages


def test_table_header_repeated_on_each_page(seed_pdf: Path) -> None:
    pages = [squash(p) for p in _run("pdftotext", seed_pdf, "-").split("\f")]
    rows = ("属于国家秘密", "结转下年度继续办理")
    with_table3 = [p for p in pages if any(row in p for row in rows)]
    assert len(with_table3) >= 2, "the seed's table 三 is expected to cross a page"
    assert all("申请人情况" in p and "法人或其他组织" in p for p in with_table3)


def test_two_renders_are_byte_identical(seed_pdf: Path, tmp_path: Path) -> None:
    again = html_to_pdf(_seed_html(), tmp_path / "again.pdf")
    assert again.read_bytes() == seed_pdf.read_bytes()
    assert b"/CreationDate" not in seed_pdf.read_bytes()


def test_charts_pdf_identical_across_processes() -> None:
    code = (
        "import hashlib, sys\n"
        "from reportkit.render.pdf import html_to_pdf_bytes\n"
        "from tests.test_pdf import _demo_html\n"
        "sys.stdout.write(hashlib.sha256(html_to_pdf_bytes(_demo_html())).hexdigest())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    pdf = html_to_pdf_bytes(_demo_html())
    assert hashlib.sha256(pdf).hexdigest() == other


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF- previous good report")

    def broken(html: str, base_url: str | None = None) -> bytes:
        raise RenderError("PDF could not be produced: boom")

    monkeypatch.setattr("reportkit.render.pdf.html_to_pdf_bytes", broken)
    with pytest.raises(RenderError):
        html_to_pdf("<p>x</p>", target)
    assert target.read_bytes() == b"%PDF- previous good report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]
    monkeypatch.undo()
    html_to_pdf(standalone_html("<p>新</p>", "新"), target)
    assert target.read_bytes().startswith(b"%PDF-1.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_network_resources_refused() -> None:
    with pytest.raises(RenderError, match="disallowed protocol"):
        html_to_pdf_bytes('<p>x</p><img src="http://127.0.0.1:9/x.png">')


def test_a_pdf_with_emoji_is_the_same_bytes_a_second_later(tmp_path: Path) -> None:
    """The color emoji face is subset by fontTools, which stamps it with the time unless
    SOURCE_DATE_EPOCH is set: two runs differed in that stamp (head.modified)."""
    import time

    html = (
        '<html lang="zh-CN"><body><p style="font-family: \'Noto Serif CJK SC\', '
        "'Noto Color Emoji'\">群众留言 😀 🎉</p></body></html>"
    )
    first = html_to_pdf_bytes(html)
    time.sleep(1.2)
    assert html_to_pdf_bytes(html) == first
    (tmp_path / "e.pdf").write_bytes(first)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "e.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Emoji" in fonts, fonts  # the emoji face is in it: the case the stamp broke
