"""report.docx (python-docx, in memory): the seed's every paragraph, the tables' official merged
headers and numbers in the same cells as the HTML, GB/T 9704 page and fonts, page numbers,
charts at print resolution, the office template, and the same bytes on every run."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from bs4 import Tag
from docx.document import Document
from docx.shared import Mm, Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.errors import ParamsError
from reportkit.model import Report, parse_report
from reportkit.model.inputs import load_inputs
from reportkit.model.numbers import MAX_COUNT
from reportkit.render import docx_layout as layout
from reportkit.render.docx import build_document, report_docx_bytes, write_report_docx, xml_text
from reportkit.render.tables import WORD_DIGIT_EM, table2_html, table3_html, table4_html
from tests.docsamples import (
    REPO,
    demo_report,
    grid,
    numbered_report,
    seed_data,
    seed_paragraphs,
    seed_report,
    soup,
    squash,
    trial_report,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _body_text(doc: Document) -> str:
    """Every paragraph of the body and every table cell, in order."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _docx_grid(table: Any) -> list[list[Any]]:
    """The table's grid slots: a merged cell's ``w:tc`` repeated in every slot it covers."""
    cells = table._cells
    cols = len(table.columns)
    return [[cells[r * cols + c]._tc for c in range(cols)] for r in range(len(cells) // cols)]


def _docx_texts(table: Any) -> list[list[str]]:
    return [[squash(_tc_text(tc)) for tc in row] for row in _docx_grid(table)]


def _tc_text(tc: Any) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


def _shape(rows: list[list[Any]]) -> list[list[tuple[int, int]]]:
    """Each slot as the first slot of its (merged) cell: the merge structure of a grid."""
    first: dict[int, tuple[int, int]] = {}
    return [
        [first.setdefault(id(cell), (r, c)) for c, cell in enumerate(row)]
        for r, row in enumerate(rows)
    ]


def _html_grid(html: str) -> list[list[Tag]]:
    rows: list[list[Tag]] = []
    for table in soup(html).find_all("table"):
        rows += grid(table)
    return rows


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    return _open(report_docx_bytes(seed_report()))


# ---------------------------------------------------------------- content


def test_every_seed_paragraph_is_in_the_document(seed_doc: Document) -> None:
    text = squash(_body_text(seed_doc))
    missing = [p for p in seed_paragraphs() if squash(p) not in text]
    assert missing == []
    assert "633.8612" in text


@pytest.mark.parametrize(
    "report", [seed_report(), numbered_report(), trial_report()], ids=["seed", "numbered", "trial"]
)
def test_tables_have_the_html_cells_and_merges(report: Report) -> None:
    """Tables 二, 三, 四: the same grid as the HTML — every text in the same slot, every merged
    cell (rowspan/colspan) a merged Word cell (gridSpan/vMerge) over the same slots."""
    doc = _open(report_docx_bytes(report))
    assert len(doc.tables) == 3
    for table, html in zip(
        doc.tables, (table2_html(report), table3_html(report), table4_html(report)), strict=True
    ):
        expected = _html_grid(html)
        assert _docx_texts(table) == [[squash(c.get_text()) for c in row] for row in expected]
        assert _shape(_docx_grid(table)) == _shape(expected)


def test_table3_header_is_merged_in_word(seed_doc: Document) -> None:
    table3 = seed_doc.tables[1]._tbl
    rows = table3.findall(f"{W}tr")
    spans = [
        [
            (tc.find(f"{W}tcPr/{W}gridSpan"), tc.find(f"{W}tcPr/{W}vMerge"))
            for tc in tr.findall(f"{W}tc")
        ]
        for tr in rows[:3]
    ]
    note_span, note_merge = spans[0][0]
    assert note_span is not None and note_span.get(f"{W}val") == "3"
    assert note_merge is not None and note_merge.get(f"{W}val") == "restart"
    assert spans[0][1][0] is not None and spans[0][1][0].get(f"{W}val") == "7"  # 申请人情况
    # header rows repeat on every page; no row splits across a page
    for i, tr in enumerate(rows):
        assert (tr.find(f"{W}trPr/{W}tblHeader") is not None) == (i < 3)
        assert tr.find(f"{W}trPr/{W}cantSplit") is not None


def test_numbers_right_aligned_labels_left(seed_doc: Document) -> None:
    table3 = seed_doc.tables[1]
    row = table3.rows[3]  # 一、本年新收政府信息公开申请数量
    assert row.cells[0].paragraphs[0].alignment == 0  # LEFT
    assert {c.paragraphs[0].alignment for c in row.cells[3:]} == {2}  # RIGHT


def test_long_numbers_are_set_to_fit_their_column() -> None:
    data = seed_data()
    data["review_litigation"]["review"] = [123456789, 0, 0, 0, 123456789]
    doc = _open(report_docx_bytes(parse_report(data)))
    table4 = doc.tables[2]
    width_pt = layout.text_width_pt(doc) / 15
    for cell in table4.rows[-1].cells:
        (run,) = cell.paragraphs[0].runs
        size = run.font.size.pt
        assert size < layout.SMALL_TABLE_PT
        assert len(run.text) * WORD_DIGIT_EM * size <= width_pt - 2 * layout.TABLE_PADDING_PT


def test_section_one_items_run_in_with_the_heading_font(seed_doc: Document) -> None:
    item = next(p for p in seed_doc.paragraphs if p.text.startswith("（一）主动公开。"))
    head, text = item.runs
    assert head.text == "（一）主动公开。"
    fonts = head._r.rPr.rFonts
    assert fonts.get(f"{W}eastAsia") == layout.KAITI.name
    assert text._r.rPr.rFonts.get(f"{W}eastAsia") == layout.FANGSONG.name


# ---------------------------------------------------------------- layout


def test_gbt9704_page(seed_doc: Document) -> None:
    section = seed_doc.sections[0]
    sizes = (section.page_width, section.page_height)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(x.mm, 1) for x in (*sizes, *margins)] == [210, 297, 37, 35, 28, 26]
    body = seed_doc.styles["reportkit 正文"]
    assert body.font.size == Pt(16)
    ind = body.element.find(f"{W}pPr/{W}ind")
    assert ind is not None and ind.get(f"{W}firstLineChars") == "200"


def test_every_run_names_its_east_asian_font(seed_doc: Document) -> None:
    parts = [seed_doc.element, *(s.footer._element for s in seed_doc.sections)]
    parts += [s.even_page_footer._element for s in seed_doc.sections]
    runs = [r for part in parts for r in part.iter(f"{W}r") if r.find(f"{W}t") is not None]
    assert runs
    named = {r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") for r in runs}
    assert None not in named
    assert named <= {f.name for f in layout.FACES}
    heading = seed_doc.styles["Heading 1"].element.find(f"{W}rPr/{W}rFonts")
    assert heading.get(f"{W}eastAsia") == layout.HEITI.name


def test_font_table_names_the_noto_stand_ins() -> None:
    data = report_docx_bytes(seed_report())
    table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    for face in layout.FACES:
        assert re.search(
            rf'w:name="{face.name}"><w:altName w:val="{face.english},{face.noto}"/>', table
        ), face


def test_page_numbers_in_the_footer_odd_right_even_left(seed_doc: Document) -> None:
    assert seed_doc.settings.odd_and_even_pages_header_footer
    for footer, align in (
        (seed_doc.sections[0].footer, 2),
        (seed_doc.sections[0].even_page_footer, 0),
    ):
        (p,) = footer.paragraphs
        assert p.alignment == align
        xml = p._p.xml
        assert "PAGE" in "".join(t.text or "" for t in p._p.iter(f"{W}instrText"))
        assert "fldChar" in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")


def test_charts_are_png_at_print_resolution() -> None:
    report = demo_report()
    data = report_docx_bytes(report, (demo_report(2023, new=8),))
    package = zipfile.ZipFile(io.BytesIO(data))
    images = sorted(n for n in package.namelist() if n.startswith("word/media/"))
    assert len(images) == 3
    for name in images:
        png = package.read(name)
        assert png.startswith(b"\x89PNG")
        phys = png.index(b"pHYs")
        x, y, unit = struct.unpack(">IIB", png[phys + 4 : phys + 13])
        assert unit == 1 and round(x * 0.0254) == round(y * 0.0254) == 300
    off = report.model_copy(update={"charts": False})
    assert not [
        n for n in zipfile.ZipFile(io.BytesIO(report_docx_bytes(off))).namelist() if "media" in n
    ]


def test_nothing_received_says_so_instead_of_empty_charts(seed_doc: Document) -> None:
    text = _body_text(seed_doc)
    assert "本年度未收到政府信息公开申请。" in text
    assert not seed_doc.inline_shapes


class _WithPreamble(Report):
    """The model with issue 14's optional preamble (until that field is merged)."""

    preamble: str = ""


def test_preamble_between_the_title_and_section_one() -> None:
    data = seed_data() | {"preamble": "本报告依据《条例》编制。\n统计期限自2024年1月1日起。"}
    doc = build_document(_WithPreamble.model_validate(data))
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("本报告依据《条例》编制。")
    assert texts[start + 1] == "统计期限自2024年1月1日起。"
    assert start < texts.index("一、总体情况")
    assert texts.index(seed_report().display_title) < start


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
        min_size=1,
        max_size=4,
    ),
    numbers=st.lists(st.integers(0, MAX_COUNT), min_size=5, max_size=5),
)
def test_any_text_and_numbers_reach_the_document(text: list[str], numbers: list[int]) -> None:
    """Whatever the paragraphs hold (control characters included) and however long the
    numbers, the document is made and holds them: text as written (less invisible
    controls), each number whole in its cell."""
    data = seed_data()
    data["problems"]["intro"] = "\n".join(text)
    data["review_litigation"]["review"] = numbers
    report = parse_report(data)
    doc = _open(report_docx_bytes(report))
    body = squash(_body_text(doc))
    for paragraph in report.problems.intro.splitlines():
        assert squash(xml_text(paragraph)) in body
    last = doc.tables[2].rows[-1].cells
    assert [c.text for c in last[:5]] == [str(n) for n in numbers]


# ---------------------------------------------------------------- bytes


def test_same_bytes_on_every_run_and_fixed_dates() -> None:
    report = demo_report()
    history = (demo_report(2023, new=8),)
    first = report_docx_bytes(report, history)
    assert report_docx_bytes(report, history) == first
    package = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in package.infolist()} == {layout.ZIP_DATE}
    core = package.read("docProps/core.xml").decode()
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    assert "docProps/thumbnail.jpeg" not in package.namelist()
    assert "<dc:title>" in core and "<dc:creator>西工区教育局</dc:creator>" in core


def test_publication_date_is_the_created_date() -> None:
    dated = seed_report().model_copy(update={"date": "2025年1月20日"})
    core = zipfile.ZipFile(io.BytesIO(report_docx_bytes(dated))).read("docProps/core.xml")
    assert b'<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-20T00:00:00Z' in core
    assert layout.publication_date("2025年2月30日") is None


def test_same_bytes_in_another_process() -> None:
    code = (
        "import hashlib, sys\n"
        "from reportkit.render.docx import report_docx_bytes\n"
        "from tests.docsamples import demo_report\n"
        "data = report_docx_bytes(demo_report(), (demo_report(2023, new=8),))\n"
        "sys.stdout.write(hashlib.sha256(data).hexdigest())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    mine = report_docx_bytes(demo_report(), (demo_report(2023, new=8),))
    assert hashlib.sha256(mine).hexdigest() == other


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"PK earlier good report")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr("reportkit.render.docx.report_docx_bytes", broken)
    with pytest.raises(RuntimeError):
        write_report_docx(seed_report(), target)
    assert target.read_bytes() == b"PK earlier good report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


# ---------------------------------------------------------------- the office template


def _letterhead(path: Path, *, dotx: bool = False) -> Path:
    """An office's template: red 版头 in the body, a header line, its own Heading 1, narrow
    margins."""
    from docx.shared import RGBColor

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "青禾区教育局办公室"
    head = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    run = head.add_run("青禾区教育局文件")
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    heading = doc.styles["Heading 1"]
    heading.font.size = Pt(18)
    fonts = heading.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(f"{W}eastAsia", "方正小标宋简体")
    doc.sections[0].left_margin = Mm(20)
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if dotx:
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                blob = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(b"document.main+xml", b"template.main+xml")
                target.writestr(info, blob)
        data = out.getvalue()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("suffix", [".docx", ".dotx"])
def test_office_template_styles_header_and_letterhead_kept(tmp_path: Path, suffix: str) -> None:
    template = _letterhead(tmp_path / f"letterhead{suffix}", dotx=suffix == ".dotx")
    doc = _open(report_docx_bytes(seed_report(), template=template))
    assert doc.sections[0].header.paragraphs[0].text == "青禾区教育局办公室"
    assert round(doc.sections[0].left_margin.mm) == 20
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "青禾区教育局文件", "the template's 版头 stays on top"
    assert texts[1] == seed_report().display_title
    heading = doc.styles["Heading 1"]
    assert heading.font.size == Pt(18), "the template's own Heading 1"
    one = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert one.runs[0]._r.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"
    assert "reportkit 正文" in [s.name for s in doc.styles], "missing styles are added"
    assert report_docx_bytes(seed_report(), template=template) == report_docx_bytes(
        seed_report(), template=template
    )


def test_template_named_in_params_is_used_and_checked(tmp_path: Path) -> None:
    folder = tmp_path / "params" / "xigong-education"
    folder.mkdir(parents=True)
    _letterhead(folder / "letterhead.docx")
    text = (REPO / "params" / "xigong-education" / "2024.yaml").read_text(encoding="utf-8")
    params = folder / "2024.yaml"
    params.write_text(text + "docx_template: letterhead.docx\n", encoding="utf-8")
    inputs = load_inputs(params)
    assert inputs.docx_template == folder / "letterhead.docx"
    (folder / "letterhead.docx").unlink()
    with pytest.raises(ParamsError) as err:
        load_inputs(params)
    message = str(err.value)
    assert message.startswith(f"{params}: docx_template: ")
    assert "letterhead.docx does not exist" in message
    assert message.endswith("(relative to the params file's folder)")
    params.write_text(text + "docx_template: letterhead.doc\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"not a Word file \(\.docx or \.dotx\).*saved as \.docx"):
        load_inputs(params)


def test_a_file_that_is_not_a_word_document_is_one_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "letterhead.docx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        report_docx_bytes(seed_report(), template=fake)
    message = str(err.value)
    assert message.startswith("--docx-template: ")
    assert f"{fake} is not a Word document" in message and "另存为" in message
    assert "\n" not in message
    with pytest.raises(ParamsError, match=r"^params/x/2024\.yaml: docx_template: "):
        layout.open_template(fake, "params/x/2024.yaml")
