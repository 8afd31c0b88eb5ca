"""The Word document's layout: GB/T 9704 page and styles, fonts on every run, the office
template, and deterministic bytes.

Without a template the document follows GB/T 9704《党政机关公文格式》: A4, margins 37 mm (top),
35 mm (bottom), 28 mm (left), 26 mm (right); body 3号 (16 pt) 仿宋 at a fixed 28.95 pt line
pitch (22 lines a page); headings 一、 in 黑体 and （一） in 楷体; title 2号 (22 pt), bold 宋体
(the 小标宋 look; an office with 方正小标宋 sets it in its template); page numbers ``— n —`` in
4号 (14 pt) 宋体, right on odd pages and left on even pages, one character in from the edge.

Every run carries its East Asian font (``w:rFonts/@w:eastAsia``) as well as its Latin one, so
Word and WPS show it as intended whatever the document defaults say; the font table lists each
face's English name and the Noto CJK face that stands in for it on machines without the
Windows fonts (``w:altName``).

With an office template (``docx_template``) the template's styles, headers, footers, page setup
and any body text (a 版头, the red 发文机关标志 and line) are kept; the styles reportkit uses
(:data:`STYLES`) are added only when the template lacks them, and the fonts set on each run
are those of the template's style.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ParamsError

if TYPE_CHECKING:
    from docx.document import Document
    from docx.styles.style import ParagraphStyle
    from docx.text.run import Run

# GB/T 9704-2012, 5.2.1–5.2.3: A4, 版心 156 mm × 225 mm, 天头 37 mm, 订口 28 mm.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
LINE_PITCH_PT = 28.95  # 225 mm / 22 lines
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
FOOTER_PT = 14.0  # 4号
TABLE_PT = 10.5  # 五号 (table 二)
SMALL_TABLE_PT = 9.0  # 小五 (tables 三 and 四: ten and fifteen columns)
TABLE_PADDING_PT = 2.0  # left and right cell margins
LATIN = "Times New Roman"
CHART_WIDTH_MM = 150
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Face:
    """A Chinese face as Word names it, its English name and the Noto CJK stand-in, with the
    font-table entries Word writes for it (family, pitch, PANOSE)."""

    name: str
    english: str
    noto: str
    family: str
    pitch: str
    panose: str


FANGSONG = Face("仿宋", "FangSong", "Noto Serif CJK SC", "modern", "fixed", "02010609060101010101")
HEITI = Face("黑体", "SimHei", "Noto Sans CJK SC", "modern", "fixed", "02010609060101010101")
KAITI = Face("楷体", "KaiTi", "Noto Serif CJK SC", "modern", "fixed", "02010609060101010101")
SONGTI = Face("宋体", "SimSun", "Noto Serif CJK SC", "auto", "variable", "02010600030101010101")
FACES = (FANGSONG, HEITI, KAITI, SONGTI)


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph style reportkit uses: its name, face, size and paragraph layout."""

    name: str
    face: Face
    size: float
    align: str = "justify"  # left, center, right, justify
    indent_chars: int = 0  # first-line indent in characters
    bold: bool = False
    exact_pitch: float | None = LINE_PITCH_PT
    keep_with_next: bool = False
    outline: int | None = None
    space_after_pt: float = 0.0


STYLES: dict[str, StyleSpec] = {
    "title": StyleSpec("Title", SONGTI, TITLE_PT, "center", bold=True, exact_pitch=36.0),
    "meta": StyleSpec("reportkit 落款", FANGSONG, BODY_PT, "center", space_after_pt=LINE_PITCH_PT),
    "body": StyleSpec("reportkit 正文", FANGSONG, BODY_PT, indent_chars=2),
    "heading1": StyleSpec(
        "Heading 1", HEITI, BODY_PT, indent_chars=2, keep_with_next=True, outline=0
    ),
    "heading2": StyleSpec(
        "Heading 2", KAITI, BODY_PT, indent_chars=2, keep_with_next=True, outline=1
    ),
    "table": StyleSpec("reportkit 表格", SONGTI, TABLE_PT, "center", exact_pitch=None),
    "figure": StyleSpec("reportkit 图", FANGSONG, BODY_PT, "center", exact_pitch=None),
    "footer": StyleSpec("Footer", SONGTI, FOOTER_PT, "right", exact_pitch=None),
}


# ---------------------------------------------------------------- low-level XML


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(f"w:{tag}"))


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """``parent``'s ``w:tag`` child, created when missing."""
    from docx.oxml import OxmlElement

    found = parent.find(_w(tag))
    if found is None:
        found = OxmlElement(f"w:{tag}")
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def set_fonts(rpr: Any, latin: str, east_asian: str) -> None:
    """Set the four font slots of a ``w:rPr`` explicitly (theme attributes removed)."""
    fonts = _child(rpr, "rFonts", first=True)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(_w(theme), None)
    fonts.set(_w("ascii"), latin)
    fonts.set(_w("hAnsi"), latin)
    fonts.set(_w("eastAsia"), east_asian)
    fonts.set(_w("cs"), latin)
    fonts.set(_w("hint"), "eastAsia")


def set_run_fonts(run: Run, fonts: tuple[str, str]) -> None:
    """Put ``(latin, east_asian)`` on ``run`` (``w:rFonts`` with ``w:eastAsia``)."""
    set_fonts(run._r.get_or_add_rPr(), *fonts)


def first_line_chars(ppr: Any, chars: int, size_pt: float) -> None:
    """First-line indent of ``chars`` characters (``w:firstLineChars``, and twips for
    applications that read only those)."""
    ind = _child(ppr, "ind")
    ind.set(_w("firstLineChars"), str(chars * 100))
    ind.set(_w("firstLine"), str(round(chars * size_pt * 20)))


# ---------------------------------------------------------------- styles


def _define(doc: Document, spec: StyleSpec, *, replace: bool) -> None:
    """Create ``spec``'s style, or (``replace``) reset an existing one to ``spec``."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    styles = doc.styles
    exists = spec.name in [s.name for s in styles]
    if exists and not replace:
        return
    style: ParagraphStyle = (
        styles[spec.name] if exists else styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    )
    element = style.element
    for tag in ("pPr", "rPr"):
        old = element.find(_w(tag))
        if old is not None:
            element.remove(old)
    style.base_style = None
    style.quick_style = True
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = False
    font.color.rgb = None
    set_fonts(element.get_or_add_rPr(), LATIN, spec.face.name)
    fmt = style.paragraph_format
    fmt.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[spec.align]
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(spec.space_after_pt)
    if spec.exact_pitch is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(spec.exact_pitch)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.keep_with_next = spec.keep_with_next
    fmt.widow_control = True
    ppr = element.get_or_add_pPr()
    if spec.indent_chars:
        first_line_chars(ppr, spec.indent_chars, spec.size)
    if spec.outline is not None:
        _child(ppr, "outlineLvl").set(_w("val"), str(spec.outline))


def _doc_defaults(doc: Document) -> None:
    """Document defaults: 仿宋 + Times New Roman, Chinese (PRC), no space after paragraphs."""
    styles = doc.styles.element
    defaults = _child(styles, "docDefaults", first=True)
    rpr = _child(_child(defaults, "rPrDefault"), "rPr")
    set_fonts(rpr, LATIN, FANGSONG.name)
    lang = _child(rpr, "lang")
    lang.set(_w("val"), "en-US")
    lang.set(_w("eastAsia"), "zh-CN")
    ppr = _child(_child(defaults, "pPrDefault"), "pPr")
    spacing = _child(ppr, "spacing")
    spacing.set(_w("after"), "0")
    spacing.set(_w("line"), "240")
    spacing.set(_w("lineRule"), "auto")


def _font_table(doc: Document) -> None:
    """Name each face in ``word/fontTable.xml`` with its English and Noto CJK alternatives."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    for face in FACES:
        for old in root.findall(f"w:font[@w:name='{face.name}']", ns):
            root.remove(old)
        font = etree.SubElement(root, _w("font"))
        font.set(_w("name"), face.name)
        for tag, value in (
            ("altName", f"{face.english},{face.noto}"),
            ("panose1", face.panose),
            ("charset", "86"),  # GB2312
            ("family", face.family),
            ("pitch", face.pitch),
        ):
            etree.SubElement(font, _w(tag)).set(_w("val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def style_fonts(doc: Document, name: str, fallback: Face) -> tuple[str, str]:
    """The ``(latin, east_asian)`` fonts of paragraph style ``name`` (through its base
    styles and the document defaults); ``fallback`` where the style names no font itself."""
    latin: str | None = None
    east: str | None = None
    style = doc.styles[name] if name in [s.name for s in doc.styles] else None
    chain = []
    while style is not None:
        chain.append(style.element)
        style = style.base_style
    defaults = doc.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}")
    if defaults is not None:
        chain.append(defaults)
    for element in chain:
        fonts = element.find(f"{_w('rPr')}/{_w('rFonts')}")
        if fonts is None:
            continue
        latin = latin or fonts.get(_w("ascii"))
        east = east or fonts.get(_w("eastAsia"))
    return latin or LATIN, east or fallback.name


# ---------------------------------------------------------------- page and footer


def _page_number(paragraph: Any) -> None:
    """``— n —``: dashes around a PAGE field."""
    from docx.oxml import OxmlElement

    def run(text: str | None = None, field: str | None = None, instr: str | None = None) -> None:
        r = paragraph.add_run()
        if text is not None:
            r.text = text
        if field is not None:
            char = OxmlElement("w:fldChar")
            char.set(_w("fldCharType"), field)
            r._r.append(char)
        if instr is not None:
            code = OxmlElement("w:instrText")
            code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            code.text = instr
            r._r.append(code)

    run("— ")
    run(field="begin")
    run(instr=" PAGE ")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


def gbt9704_page(doc: Document) -> None:
    """A4, the GB/T 9704 margins, and ``— n —`` page numbers (odd right, even left)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.header_distance = Mm(15)
        section.footer_distance = Mm(22)  # the number's line ~7 mm below the 版心
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = doc.styles[STYLES["footer"].name]
            paragraph.alignment = align
            side = "right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left"
            setattr(paragraph.paragraph_format, f"{side}_indent", Pt(FOOTER_PT))
            _page_number(paragraph)
            for r in paragraph.runs:
                set_run_fonts(r, (LATIN, SONGTI.name))


def text_width_pt(doc: Document) -> float:
    """The text block's width in points (of the last section: where the report goes)."""
    section = doc.sections[-1]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    return float(width) / 12700 if width else TEXT_WIDTH_MM / 25.4 * 72


# ---------------------------------------------------------------- documents


_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def open_template(path: Path, source: str = "--docx-template") -> Document:
    """The office template as a document to write into (a ``.dotx`` is opened as a ``.docx``).

    ``source`` is what named it: a params file (its field ``docx_template``) or the option
    ``--docx-template``. Raises :class:`~reportkit.errors.ParamsError` naming it when the file
    cannot be read or is not a Word document.
    """
    import docx

    field = None if source.startswith("--") else "docx_template"
    fix = "save the office's letterhead from Word or WPS as .docx (文件 → 另存为 → Word 文档)"
    try:
        data = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(data)):
            data = _as_document(data)
        return docx.Document(io.BytesIO(data))
    except OSError as err:
        raise ParamsError(
            source, f"{path} cannot be read ({err.strerror})", field=field, fix=fix
        ) from None
    except Exception as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        # python-docx names the file it was given: here an in-memory copy (<_io.BytesIO …>)
        detail = re.sub(r"file '<_io\.BytesIO object at 0x[0-9a-f]+>' ", "", detail)
        raise ParamsError(
            source,
            f"{path} is not a Word document ({detail})",
            field=field,
            value=str(path),
            fix=fix,
        ) from None


def _as_document(data: bytes) -> bytes:
    """A ``.dotx`` package with its main part typed as a document (what python-docx opens)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml")
    if _TEMPLATE_TYPE.encode() not in types:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(_TEMPLATE_TYPE.encode(), _DOCUMENT_TYPE.encode())
            target.writestr(info, blob)
    return out.getvalue()


def new_document(template: Path | None = None, source: str = "--docx-template") -> Document:
    """The document to write a report into: the office template, or GB/T 9704 defaults."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    if template is not None:
        doc = open_template(template, source)
        for spec in STYLES.values():
            _define(doc, spec, replace=False)
        return doc
    doc = docx.Document()
    # python-docx's default package carries a thumbnail of an empty page: drop it
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    _doc_defaults(doc)
    for spec in STYLES.values():
        _define(doc, spec, replace=True)
    _font_table(doc)
    gbt9704_page(doc)
    return doc


_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def publication_date(text: str | None) -> datetime | None:
    """``2025年1月20日`` as a date (midnight UTC), or None when there is none to read."""
    match = _DATE.search(text or "")
    if match is None:
        return None
    try:
        year, month, day = (int(g) for g in match.groups())
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def set_properties(doc: Document, *, title: str, author: str, date: str | None) -> None:
    """Core properties from the report, never from the clock: title, the agency as author,
    the publication date as created/modified (left out when the report gives none)."""
    props = doc.core_properties
    props.title = title
    props.author = author
    props.subject = "政府信息公开工作年度报告"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.last_modified_by = "reportkit"
    props.revision = 1
    when = publication_date(date)
    element = props._element
    for tag in ("created", "modified", "lastPrinted"):
        if when is not None and tag != "lastPrinted":
            setattr(props, tag if tag != "lastPrinted" else "last_printed", when)
            continue
        for old in list(element):
            if old.tag.endswith("}" + tag):
                element.remove(old)


def deterministic_bytes(doc: Document) -> bytes:
    """The saved document with fixed zip entry dates and attributes: same content, same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    source = zipfile.ZipFile(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()
