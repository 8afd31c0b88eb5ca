"""A rendered report as the texts import meets: a browser copy, pdftotext's wrapped narrative,
space-aligned table rows (``pdftotext -layout``), and tables run together (a flattened page).

Test helpers only: they write text the way those tools do, so that import can be checked
against the params the text was made from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag

from reportkit.importer.paragraphs import em_width


def browser_text(html: str) -> str:
    """What copying the rendered page from a browser gives: one line per paragraph or
    heading, table rows as their cells joined by tabs (spanned positions not repeated)."""
    soup = BeautifulSoup(html, "html.parser")
    lines: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString) or not isinstance(child, Tag):
                continue
            if child.name == "table":
                for tr in child.find_all("tr"):
                    cells = tr.find_all(["td", "th"])
                    lines.append("\t".join(c.get_text("").strip() for c in cells))
            elif child.name in ("p", "h1", "h2", "h3", "h4"):
                lines.append(child.get_text(""))
            else:
                walk(child)

    walk(soup)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- wrapped narrative

_NO_LINE_START = frozenset("。，、；：？！）》」』”’")
_UNBREAKABLE = re.compile(r"[A-Za-z0-9.,%@/:_+'-]+|.", re.S)


def wrap(text: str, width: float, unit: str, indent: str) -> list[str]:
    """``text`` as a PDF prints it, ``width`` wide: Latin words and numbers are not broken,
    a space at a break is lost (as pdftotext loses it), the first line starts with ``indent``.
    ``unit``: "em" (a Chinese character 1, an ASCII one 0.5: typeset widths) or "char"."""

    def size(s: str) -> float:
        return em_width(s) if unit == "em" else float(len(s))

    lines: list[str] = []
    line = indent
    used = size(indent) if unit == "em" else 0.0
    for m in _UNBREAKABLE.finditer(text):
        token = m.group(0)
        # no line starts with closing punctuation (禁则): it stays on the line before
        if used + size(token) > width and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0.0
            if token == " ":
                continue
        line += token
        used += size(token)
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass
class PdfStyle:
    """How pdftotext prints the narrative: width, unit, indent, blank lines, page breaks."""

    width: int = 36
    unit: str = "em"
    indent: str = "    "
    blank: str = "never"  # never | always | some
    breaks: list[int] = field(default_factory=list)  # line numbers where a page ends
    footer: str = "— {} —"
    blanks_at: list[bool] = field(default_factory=list)  # for blank == "some"


def pdftotext_narrative(text: str, style: PdfStyle) -> str:
    """The browser copy of a report with its narrative lines wrapped as in a PDF's text:
    every paragraph and heading wrapped at ``style.width`` and indented, tables kept as they
    are, blank lines between blocks as the style says, and page breaks (a footer line with a
    page number, blank lines around it, a form feed) after the given line numbers."""
    out: list[str] = []
    blocks = [x for x in text.split("\n") if x.strip()]
    for n, block in enumerate(blocks):
        if "\t" in block:
            out.append(block)
            continue
        out.extend(wrap(block.strip(), style.width, style.unit, style.indent))
        want = style.blank == "always" or (
            style.blank == "some" and style.blanks_at and style.blanks_at[n % len(style.blanks_at)]
        )
        if want:
            out.append("")
    paged: list[str] = []
    page = 1
    for i, line in enumerate(out):
        paged.append(line)
        if i in style.breaks:
            paged.extend(["", style.footer.format(page), "\f"])
            page += 1
    text = "\n".join(paged)
    return text.replace("\f\n", "\f") + "\n"


# ---------------------------------------------------------------- table rows


def _is_number(cell: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?|/", cell.strip()))


def table_row_cells(line: str) -> tuple[list[str], list[str]] | None:
    """A tab-separated data row split into its label cells and its value cells (the cells
    after the last label), or None for a header row."""
    cells = line.split("\t")
    last_label = max(
        (i for i, c in enumerate(cells) if c.strip() and not _is_number(c)), default=-1
    )
    values = cells[last_label + 1 :]
    if not any(_is_number(c) for c in values):
        return None
    return [c for c in cells[: last_label + 1] if c.strip()], values


def layout_rows(text: str, cell_width: int = 9) -> str:
    """Tables as ``pdftotext -layout`` prints them: the label, then every value right-aligned
    in a column of its own; a blank cell is spaces. Header rows keep their words, spaced."""
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        row = table_row_cells(line)
        if row is None:
            out.append("    ".join(c for c in line.split("\t") if c.strip()))
            continue
        labels, values = row
        label = " ".join(labels)
        pad = max(0, 48 - int(em_width(label) * 2))
        out.append(label + " " * (pad + 2) + "".join(v.strip().rjust(cell_width) for v in values))
    return "\n".join(out)


def glued_rows(text: str) -> str:
    """Tables flattened as some archived pages are: each row's label and numbers run together
    with no separator at all, a blank cell printing nothing."""
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        row = table_row_cells(line)
        if row is None:
            out.append("".join(c for c in line.split("\t")))
            continue
        labels, values = row
        out.append("".join(labels) + "".join(v.strip() for v in values))
    return "\n".join(out)


def set_cells(text: str, label: str, values: Sequence[str]) -> str:
    """Replace the value cells of the tab row whose labels end with ``label``."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        row = table_row_cells(line) if "\t" in line else None
        if row and row[0] and row[0][-1] == label:
            cells = line.split("\t")
            keep = len(cells) - len(row[1])
            lines[i] = "\t".join([*cells[:keep], *values])
            return "\n".join(lines)
    raise KeyError(label)
