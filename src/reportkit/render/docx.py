"""``report.docx``: the report as a Word document for the office to edit, approve and file.

Built with python-docx from the same content as the HTML — the title block and sections of
:mod:`.narrative`, the tables of :mod:`.tables` (rows of :class:`~.tables.Cell` with their
spans become real merged cells: ``w:gridSpan`` across, ``w:vMerge`` down), the charts of
:mod:`.charts` as PNG at 300 dpi — never by converting the PDF. The page, styles and fonts are
those of :mod:`.docx_layout` (GB/T 9704, or the office's template).

Tables: header rows repeat on every page (``w:tblHeader``), rows never split across pages,
numbers are right-aligned and set small enough that the longest fits its column
(:func:`~.tables.number_font_size`), fixed column widths in the official proportions.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Report, paragraphs
from ..model import labels as L
from . import docx_layout as layout
from .narrative import Block, other_paragraphs, overview_blocks, problems_blocks, title_block
from .tables import (
    WORD_DIGIT_EM,
    Cell,
    Table,
    number_font_size,
    table2_tables,
    table3_table,
    table4_table,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph


# XML 1.0 cannot hold C0 controls other than tab and line ends, nor lone surrogates (a form
# feed from a pdftotext import, say); they print nothing in the HTML either, so they are left out
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters a Word document cannot hold (invisible controls)."""
    return _NOT_XML.sub("", text)


class _Writer:
    """Appends a report's parts to a document, each run with its style's fonts."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.fonts = {
            role: layout.style_fonts(doc, spec.name, spec.face)
            for role, spec in layout.STYLES.items()
        }
        self.width_pt = layout.text_width_pt(doc)
        names = {s.name: s.style_id for s in doc.styles}
        self.style_ids = {role: names[spec.name] for role, spec in layout.STYLES.items()}

    def paragraph(
        self, role: str, text: str = "", run_in: tuple[str, str] | None = None
    ) -> Paragraph:
        """A paragraph of style ``role``; ``run_in`` is a heading that starts it: ``(text,
        role)`` whose fonts it takes (section 一's ``（一）主动公开。``)."""
        p = self.doc.add_paragraph()
        p._p.style = self.style_ids[role]
        if run_in is not None:
            head, head_role = run_in
            run = p.add_run(xml_text(head))
            layout.set_run_fonts(run, self.fonts[head_role])
        if text:
            run = p.add_run(xml_text(text))
            layout.set_run_fonts(run, self.fonts[role])
        return p

    def paragraphs(self, texts: Sequence[str]) -> None:
        for text in texts:
            self.paragraph("body", text)

    def block(self, block: Block) -> None:
        """A heading with its paragraphs: run-in, or a 二级标题 on its own line."""
        if block.run_in:
            first, rest = (
                (block.paragraphs[0], block.paragraphs[1:]) if block.paragraphs else ("", [])
            )
            self.paragraph("body", first, run_in=(block.heading, "heading2"))
            self.paragraphs(rest)
        else:
            self.paragraph("heading2", block.heading)
            self.paragraphs(block.paragraphs)

    # ------------------------------------------------------------ tables

    def table(
        self,
        table: Table,
        *,
        size_pt: float,
        repeat_header: bool = True,
        keep_together: bool = False,
    ) -> DocxTable:
        """``table`` as a Word table with merged cells, in the text block's width.

        ``repeat_header``: its header rows repeat on every page; ``keep_together``: it is
        never split across pages (a short table such as 二)."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Emu, Pt

        rows = [*table.head, *table.body]
        out: DocxTable = self.doc.add_table(rows=len(rows), cols=table.columns)
        out.alignment = WD_TABLE_ALIGNMENT.CENTER
        out.autofit = False
        _table_properties(out)
        widths = [Emu(round(f * self.width_pt * 12700)) for f in table.fractions]
        for i, column in enumerate(out.columns):
            column.width = widths[i]
        for row in out.rows:
            for i, cell in enumerate(row.cells):
                cell.width = widths[i]
        padding = 2 * layout.TABLE_PADDING_PT + 0.5
        number_pt = number_font_size(table, self.width_pt, size_pt, padding, WORD_DIGIT_EM)
        # every grid slot's cell, taken once (python-docx recomputes the grid on each lookup);
        # a slot is used only while it is not yet inside a merged cell, so these stay valid
        slots = out._cells
        style_id = self.style_ids["table"]
        for r, row_cells in enumerate(table.placed(rows)):
            tr = out.rows[r]._tr
            props = tr.get_or_add_trPr()
            _flag(props, "cantSplit")
            if r < len(table.head) and repeat_header:
                _flag(props, "tblHeader")
            for c, cell in row_cells:
                target = slots[r * table.columns + c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    last = slots[(r + cell.rowspan - 1) * table.columns + c + cell.colspan - 1]
                    target = target.merge(last)
                target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = target.paragraphs[0]
                p._p.style = style_id
                if keep_together and r < len(rows) - 1:
                    p.paragraph_format.keep_with_next = True
                p.alignment = getattr(WD_ALIGN_PARAGRAPH, _alignment(cell))
                for i, line in enumerate(cell.lines):
                    run = p.add_run(xml_text(line))
                    layout.set_run_fonts(run, self.fonts["table"])
                    run.font.size = Pt(number_pt if cell.is_number else size_pt)
                    if i < len(cell.lines) - 1:
                        run.add_break()
        return out

    def charts(
        self, report: Report, history: Sequence[Report], drawn: Mapping[str, bytes] | None
    ) -> None:
        """The 图解 block: its heading, its note, each chart as a 300 dpi PNG (taken from
        ``drawn`` by name when given — the images of ``report.html`` —, else drawn here)."""
        from docx.shared import Mm

        from .charts import CHARTS_TITLE, chart_images

        images, note = chart_images(report, history, drawn)
        self.paragraph("heading2", CHARTS_TITLE)
        if note:
            self.paragraph("body", note)
        width = min(layout.CHART_WIDTH_MM, self.width_pt / 72 * 25.4)
        for _name, _title, png in images:
            p = self.paragraph("figure")
            p.paragraph_format.keep_together = True
            p.add_run().add_picture(io.BytesIO(png), width=Mm(width))


def _alignment(cell: Cell) -> str:
    """As report.css prints it: numbers right (a slash centred), row labels and the 勾稽 note
    left, header cells and the 三、本年度办理结果 group centred."""
    classes = cell.cls.split()
    if cell.is_number:
        return "CENTER" if "rk-slash" in classes else "RIGHT"
    if "rk-note" in classes or ("rk-label" in classes and "rk-group" not in classes):
        return "LEFT"
    return "CENTER"


def _flag(parent: Any, tag: str) -> None:
    from docx.oxml import OxmlElement

    if parent.find(layout._w(tag)) is None:
        parent.append(OxmlElement(f"w:{tag}"))


def _table_properties(table: DocxTable) -> None:
    """Fixed layout, 0.5 pt single borders everywhere, narrow cell margins."""
    from docx.oxml import OxmlElement

    tbl_pr = table._tbl.tblPr
    layout_el = layout._child(tbl_pr, "tblLayout")
    layout_el.set(layout._w("type"), "fixed")
    borders = layout._child(tbl_pr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = layout._child(borders, side)
        edge.set(layout._w("val"), "single")
        edge.set(layout._w("sz"), "4")  # eighths of a point
        edge.set(layout._w("space"), "0")
        edge.set(layout._w("color"), "000000")
    margins = layout._child(tbl_pr, "tblCellMar")
    for side in ("left", "right"):
        edge = margins.find(layout._w(side))
        if edge is None:
            edge = OxmlElement(f"w:{side}")
            margins.append(edge)
        edge.set(layout._w("w"), str(round(layout.TABLE_PADDING_PT * 20)))
        edge.set(layout._w("type"), "dxa")


def _one_table(parts: Sequence[Table]) -> Table:
    """Table 二's sub-tables (one per 第二十条 item, on the same grid) as one Word table."""
    rows = [row for part in parts for row in (*part.head, *part.body)]
    return Table(parts[0].cls, (), tuple(rows), parts[0].widths)


def build_document(
    report: Report,
    history: Sequence[Report] = (),
    template: Path | None = None,
    *,
    template_source: str = "--docx-template",
    charts: Mapping[str, bytes] | None = None,
) -> Document:
    """The report as a python-docx document: title, preamble, sections 一 to 六, tables, 图解.

    ``charts`` holds chart PNGs already drawn, by name (:func:`.charts.charts_from_html` of the
    report page): those are placed as they are, the others drawn.
    """
    doc = layout.new_document(template, template_source)
    w = _Writer(doc)
    title, meta = title_block(report)
    w.paragraph("title", title)
    if meta:
        w.paragraph("meta", "　".join(meta))
    w.paragraphs(paragraphs(report.preamble))

    w.paragraph("heading1", L.section_heading(1))
    intro, items = overview_blocks(report)
    w.paragraphs(intro)
    for item in items:
        w.block(item)

    w.paragraph("heading1", L.section_heading(2))
    table2 = _one_table(table2_tables(report))
    w.table(table2, size_pt=layout.TABLE_PT, repeat_header=False, keep_together=True)
    w.paragraph("heading1", L.section_heading(3))
    w.table(table3_table(report), size_pt=layout.SMALL_TABLE_PT)
    w.paragraph("heading1", L.section_heading(4))
    w.table(table4_table(report), size_pt=layout.SMALL_TABLE_PT)
    if report.charts:
        w.charts(report, history, charts)

    w.paragraph("heading1", L.section_heading(5))
    intro, subsections = problems_blocks(report)
    w.paragraphs(intro)
    for sub in subsections:
        w.block(sub)
    w.paragraph("heading1", L.section_heading(6))
    w.paragraphs(other_paragraphs(report))

    layout.set_properties(
        doc, title=xml_text(title), author=xml_text(report.agency.name), date=report.date
    )
    return doc


def report_docx_bytes(
    report: Report,
    history: Sequence[Report] = (),
    template: Path | None = None,
    *,
    template_source: str = "--docx-template",
    charts: Mapping[str, bytes] | None = None,
) -> bytes:
    """``report.docx``'s bytes: the same for the same report, history and template.

    Raises :class:`~reportkit.errors.ParamsError` when ``template`` is not a Word document.
    """
    doc = build_document(report, history, template, template_source=template_source, charts=charts)
    return layout.deterministic_bytes(doc)


def write_report_docx(
    report: Report,
    path: Path,
    history: Sequence[Report] = (),
    template: Path | None = None,
    *,
    template_source: str = "--docx-template",
    charts: Mapping[str, bytes] | None = None,
) -> Path:
    """Write ``report.docx`` aside and rename it into place (an earlier file survives a
    failure). ``charts``: see :func:`build_document`."""
    from .pdf import write_atomic

    data = report_docx_bytes(
        report, history, template, template_source=template_source, charts=charts
    )
    write_atomic(data, path)
    return path
