"""A saved HTML page → the text a reader copying it from a browser gets.

Paragraphs and headings become lines; each ``<table>`` becomes one line per row with the
cells separated by tabs, ``rowspan``/``colspan`` expanded so that every row has one field
per grid column (a spanned label repeated in its positions, so that only real cells are
empty).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from .lines import read_field

_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "ul",
        "caption",
    ]
)
_SKIP = frozenset({"script", "style", "head", "noscript", "template"})
_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")


def looks_like_html(text: str) -> bool:
    """True when ``text`` is an HTML document or fragment (it has table or paragraph tags)."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    if head.startswith("<"):
        return True
    closing = re.findall(r"</(?:p|td|th|tr|div|table|h[1-6]|li)\s*>", text[:500_000], re.I)
    return len(closing) >= 3


def _text(node: Tag) -> str:
    return _SPACE.sub(" ", node.get_text("")).strip()


def table_lines(table: Tag) -> list[str]:
    """The rows of one table as tab-separated lines, spans expanded into empty fields."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            text = _text(cell)
            # a spanned label fills its positions (an empty field would read as a blank cell
            # and leave the row's cells ambiguous); a spanned value, rare, fills only its first
            filler = "" if read_field(text).is_value else text
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = filler
            grid[(r, c)] = text
            c += colspan
    lines = []
    for r in range(len(rows)):
        cols = [c for (rr, c) in grid if rr == r]
        width = max(cols) + 1 if cols else 0
        lines.append("\t".join(grid.get((r, c), "") for c in range(width)))
    return lines


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value)), 100))
    except ValueError:
        return 1


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one line per block, tables as tab-separated rows."""
    soup = BeautifulSoup(markup, "html.parser")
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = _SPACE.sub(" ", "".join(buf)).strip()
        if line:
            lines.append(line)
        buf.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    buf.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            if child.name == "table":
                flush()
                lines.extend(table_lines(child))
            elif child.name == "br":
                flush()
            elif child.name in _BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(soup)
    flush()
    return "\n".join(lines) + "\n"
