"""A PDF report → the text the rest of the importer reads.

The PDF's own structure is used where text extraction would have to guess: table cells come
from the ruling lines of the page (pdfplumber finds the real cell grid, so a blank cell is an
empty field, never a missing one) and become tab-separated rows, spanned cells empty, tables
continued over pages included; the narrative comes from the text layer in reading order with
its indents (as leading spaces, half an em each), a blank line where the page leaves space
between blocks or a line stops short after a sentence, and a form feed at each page break.
Page headers and footers (page numbers, a title repeated on every page) are dropped.

A PDF without a text layer (a scan) is refused with one message: OCR is not done here.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import ReportImportError
from .lines import has_cjk, is_footer, read_field
from .paragraphs import END_STOPS, join

PDF_MAGIC = b"%PDF-"
MARGIN_ZONE = 0.08  # headers and footers sit in the top and bottom 8% of a page
RULE = 2.0  # a filled rectangle this thin (pt) is a ruling line; wider ones are shading
GAP = 1.45  # a vertical gap this many times the usual line spacing separates two blocks
SHORT_END = 2.0  # a line ending this many em before the right margin stops early


def is_pdf(data: bytes) -> bool:
    """True when ``data`` is a PDF file (its first bytes, after any junk a server added)."""
    return PDF_MAGIC in data[:1024]


@dataclass
class _TextLine:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str


@dataclass
class _Table:
    top: float
    rows: list[str]


def _keep(obj: dict[str, Any]) -> bool:
    """Drop shading and page backgrounds (filled, unstroked rectangles wider than a rule),
    which would join separate tables, or the whole page, into one grid."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    width = float(obj["x1"]) - float(obj["x0"])
    height = float(obj["bottom"]) - float(obj["top"])
    return min(width, height) <= RULE


def _cell_text(cell: str | None) -> str:
    if not cell:
        return ""
    out = ""
    for part in cell.split("\n"):
        part = part.strip()
        if part:
            out = join(out, part) if out else part
    return out.replace("\t", " ")


def _spans_filled(rows: list[list[str | None]]) -> list[list[str]]:
    """Cell texts, a merged cell's label repeated in the positions it covers (pdfplumber gives
    those as None, an empty cell as ""), so that only the blank cells of a row are empty."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        cells: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                cells.append(_cell_text(cell))
                continue
            # covered from the left (a cell spanning columns), or, first in its row, from above
            above = out[r - 1][c] if r and c < len(out[r - 1]) else ""
            source = cells[-1] if cells else above
            cells.append(source if source and not read_field(source).is_value else "")
        out.append(cells)
    return out


def _line_text(chars: list[dict[str, Any]], em: float) -> str:
    """The characters of one line, with the gaps between them as spaces (a wide gap, as
    between the label and the numbers of a table row without rules, as several)."""
    out: list[str] = []
    prev_x1: float | None = None
    for ch in chars:
        text = str(ch["text"])
        if prev_x1 is not None:
            gap = float(ch["x0"]) - prev_x1
            # between Chinese characters only a wide gap is a space (justification spreads them)
            cjk = has_cjk(text) and bool(out) and has_cjk(out[-1][-1:])
            if gap >= 1.5 * em:
                out.append(" " * (2 + round(gap / em)))
            elif (
                gap >= (0.6 if cjk else 0.2) * em
                and not text.isspace()
                and out
                and not out[-1].endswith(" ")
            ):
                out.append(" ")
        out.append(text)
        prev_x1 = float(ch["x1"])
    return re.sub(r"(?<=\S) (?= )", "", "".join(out)).strip()


def _page_items(page: Any) -> Iterator[_TextLine | _Table]:
    clean = page.filter(_keep)
    tables = []
    for table in clean.find_tables():
        rows = table.extract()
        if max((sum(1 for c in row if c) for row in rows), default=0) < 2:
            continue  # a box around a paragraph, not a table
        tables.append(table)
        lines = ["\t".join(row) for row in _spans_filled(rows)]
        yield _Table(float(table.bbox[1]), [x for x in lines if x.strip()])
    outside = clean
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    for line in outside.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in line["chars"] if str(c["text"]).strip() or c["text"] == " "]
        if not chars:
            continue
        size = statistics.median(float(c["size"]) for c in chars)
        text = _line_text(chars, size)
        if text:
            yield _TextLine(
                float(line["top"]),
                float(line["bottom"]),
                float(line["x0"]),
                float(line["x1"]),
                size,
                text,
            )


def _digits_free(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running(pages: list[list[_TextLine | _Table]], heights: list[float]) -> None:
    """Remove page numbers and lines repeated in the top or bottom zone of several pages."""
    zone: list[list[_TextLine]] = []
    for items, height in zip(pages, heights, strict=True):
        zone.append(
            [
                x
                for x in items
                if isinstance(x, _TextLine)
                and (x.bottom <= height * MARGIN_ZONE or x.top >= height * (1 - MARGIN_ZONE))
            ]
        )
    repeated = Counter(
        _digits_free(x.text) for lines in zone for x in {id(y): y for y in lines}.values()
    )
    many = max(2, len(pages) // 2)
    for items, lines in zip(pages, zone, strict=True):
        for x in lines:
            if (
                is_footer(x.text)
                or x.text.strip().isdigit()
                or repeated[_digits_free(x.text)] >= many
            ):
                items.remove(x)


def pdf_to_text(data: bytes, path: str = "<pdf>") -> str:
    """The report in ``data`` (a PDF) as text: narrative lines with their indents, tables as
    tab-separated rows, ``\\f`` between pages.

    Raises :class:`~reportkit.errors.ReportImportError` for a file that is not a readable PDF
    and for a PDF without a text layer.
    """
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        document = pdfplumber.open(io.BytesIO(data))
    except PDFSyntaxError as err:
        raise ReportImportError(
            path, f"is not a readable PDF ({err}) — save it again from the site, or give its text"
        ) from None
    except Exception as err:  # pdfminer raises many kinds, encryption among them
        raise ReportImportError(
            path,
            f"cannot be opened as a PDF ({type(err).__name__}: {err}) — if it is protected by a "
            "password, save an unprotected copy; or give the report's text or web page",
        ) from None
    with document:
        try:
            pages = [list(_page_items(page)) for page in document.pages]
            heights = [float(page.height) for page in document.pages]
        except Exception as err:
            raise ReportImportError(
                path, f"could not be read as a PDF ({type(err).__name__}: {err}) — give its text"
            ) from None
        if not any(isinstance(x, _TextLine) or x.rows for items in pages for x in items):
            raise ReportImportError(
                path,
                f"has no text layer on any of its {len(pages)} page(s): it is a scan, and reportkit "
                "does not read images — run OCR on it first (e.g. ocrmypdf), or give the "
                "report's web page or text",
            )
    _drop_running(pages, heights)
    return _layout_text(pages)


def _layout_text(pages: list[list[_TextLine | _Table]]) -> str:
    lines = [x for items in pages for x in items if isinstance(x, _TextLine)]
    if not lines:
        return "\f".join(
            "\n".join(r for t in items if isinstance(t, _Table) for r in t.rows) for items in pages
        )
    em = statistics.median(x.size for x in lines)
    # the body's left margin: the leftmost start near the commonest one (which may be a
    # paragraph indent, in a report of one-line paragraphs)
    common = Counter(round(x.x0) for x in lines).most_common(1)[0][0]
    left = min(round(x.x0) for x in lines if common - 4 * em <= x.x0 <= common + 1)
    right = max(
        Counter(round(x.x1) for x in lines if x.x1 - left > 10 * em).most_common(3),
        key=lambda kv: (kv[1], kv[0]),
        default=(round(max(x.x1 for x in lines)), 0),
    )[0]
    spacing = (
        statistics.median(
            b.top - a.top
            for items in pages
            for a, b in zip(
                [x for x in items if isinstance(x, _TextLine)],
                [x for x in items if isinstance(x, _TextLine)][1:],
                strict=False,
            )
            if b.top > a.top
        )
        if len(lines) > 1
        else 2 * em
    )
    out: list[str] = []
    for n, items in enumerate(pages):
        if n:
            out.append("\f")
        prev: _TextLine | None = None
        for item in sorted(items, key=lambda x: x.top):
            if isinstance(item, _Table):
                out.append("")
                out.extend(item.rows)
                out.append("")
                prev = None
                continue
            if prev is not None and item.top - prev.top > GAP * spacing:
                out.append("")
            indent = max(0, round((item.x0 - left) / item.size * 2))
            out.append(" " * indent + item.text)
            ends = item.text.endswith(END_STOPS)
            if right - item.x1 >= SHORT_END * item.size and ends:
                out.append("")
            prev = item
    return "\n".join(out) + "\n"
