"""report.docx opened by a real Word-compatible application: LibreOffice (headless) converts it
to PDF, and pdftotext of that PDF holds every paragraph and every table number."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reportkit.model import Report
from reportkit.model import labels as L
from reportkit.render.docx import write_report_docx
from reportkit.render.tables import cell_text
from tests.docsamples import numbered_report, seed_paragraphs, seed_report, squash
from tests.test_pdf_fit import DIGITS, URL, _long_report, _words

HANGING = "，。、；：？！”’）》」』】"
pytestmark = [
    pytest.mark.docx,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="needs libreoffice-writer-nogui"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]


def _libreoffice_pdf(docx: Path, work: Path) -> Path:
    """``docx`` converted by LibreOffice, with a private profile (no user settings, no lock)."""
    profile = work / "lo-profile"
    out = work / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pdf = out / (docx.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice made no PDF of {docx}"
    return pdf


def _pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _numbers_in_reading_order(report: Report) -> list[str]:
    """Tables 二, 三, 四's numbers, row by row (table 二's label rows hold no number)."""
    pro = report.proactive
    numbers = [
        cell_text(getattr(getattr(pro, key), col)) for key in L.DOC_ROWS for col in L.DOC_COLUMNS
    ]
    numbers += [cell_text(getattr(pro, k)) for k in ("licensing", "penalty", "enforcement")]
    numbers.append(cell_text(pro.fees_10k_yuan))
    for row in L.request_rows(report.format):
        numbers += [cell_text(v) for v in report.request_row(row.key)]
    numbers += [cell_text(v) for g in L.REVIEW_GROUPS for v in report.review_litigation.group(g)]
    return numbers


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("libreoffice")
    docs = {
        "seed": write_report_docx(seed_report(), work / "seed.docx"),
        "numbered": write_report_docx(numbered_report(), work / "numbered.docx"),
        "long": write_report_docx(_long_report(), work / "long.docx"),
    }
    return {name: _libreoffice_pdf(path, work) for name, path in docs.items()}


def test_every_seed_paragraph_survives_libreoffice(converted: dict[str, Path]) -> None:
    text = squash(_pdftotext(converted["seed"]))
    missing = [p for p in seed_paragraphs() if squash(p) not in text]
    assert missing == []
    for number in _numbers_in_reading_order(seed_report()):
        assert number in text


def test_every_table_number_in_its_place_after_libreoffice(converted: dict[str, Path]) -> None:
    """The numbered seed (every cell of 三 and 四 distinct): LibreOffice prints each number
    whole, in the tables' reading order."""
    report = numbered_report()
    words = _pdftotext(converted["numbered"], "-layout").split()
    expected = _numbers_in_reading_order(report)
    numeric = [w for w in words if re.fullmatch(r"\d+(?:\.\d+)?", w)]
    # page numbers and years in the text are numbers too: the table numbers are a subsequence
    position = 0
    for number in expected:
        while position < len(numeric) and numeric[position] != number:
            position += 1
        assert position < len(numeric), f"{number} missing or out of order"
        position += 1


def test_page_numbers_and_a4(converted: dict[str, Path]) -> None:
    info = subprocess.run(
        ["pdfinfo", str(converted["seed"])], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    text = squash(_pdftotext(converted["seed"]))
    assert [f"—{n}—" in text for n in range(1, pages + 1)] == [True] * pages


def test_long_strings_and_numbers_stay_on_the_page_in_word(converted: dict[str, Path]) -> None:
    """The 200-digit string and the 120-character URL wrap inside the GB/T 9704 text block
    (28 mm and 26 mm margins), every 9-digit number is one word, whole, on the page.

    A line may end in one full-width punctuation mark hanging in the margin (标点溢出边界, on
    by default in Word and LibreOffice for Chinese text): that is typesetting, not a cut."""
    pdf = converted["long"]
    left, right = 28 / 25.4 * 72, (210 - 26) / 25.4 * 72
    body_pt = 16

    def hanging(word: tuple[int, str, float, float, float, float]) -> bool:
        return word[1][-1] in HANGING and word[4] <= right + body_pt + 1

    words = _words(pdf)
    outside = [w for w in words if w[2] < left - 3 or (w[4] > right + 3 and not hanging(w))]
    assert outside == []
    flat = squash(_pdftotext(pdf))
    assert DIGITS in flat and URL in flat
    report = _long_report()
    numbers = {str(v) for g in L.REVIEW_GROUPS for v in report.review_litigation.group(g)}
    numbers |= {
        str(v) for row in L.request_rows(report.format) for v in report.request_row(row.key)
    }
    assert numbers <= {w[1] for w in words}
