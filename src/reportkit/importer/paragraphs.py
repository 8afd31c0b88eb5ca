"""Lines of narrative → paragraphs, the way a reader of the page would split them.

Two kinds of text reach here. Text copied from a web page (or a saved HTML page) has one line per
paragraph. Text extracted from a PDF (``pdftotext``, with or without ``-layout``, or reportkit's
own PDF reader) has the lines of the printed page: paragraphs wrapped at the page width, paragraph
starts indented (``-layout``) or not (plain ``pdftotext``), blank lines between paragraphs or
none. :func:`measure` tells the two apart from the whole document's narrative; :func:`paragraphs`
then starts a paragraph only where the source does:

- a blank line (page breaks are removed before, see :func:`reportkit.importer.lines.clean_lines`),
  unless the line before is long and stops in the middle of a sentence and the line after is not
  indented: a sentence does not end without its stop, so the blank is a page break an
  extraction (OCR) left behind;
- an indented line, when the text indents paragraph starts and not their continuations;
- a heading (``一、总体情况``, a markdown ``#`` heading) or a list item (``（一）``, ``1.``,
  ``- ``) after a line that can end a paragraph;
- after a line that stops short of the full width although the next line's first word would have
  fitted (a paragraph's last line);
- in wrapped text without indentation: a line that is shorter than the full width by about the
  indent of a first line, after a line that ended a sentence at the full width.

Wrapped lines are joined with no space between Chinese characters and one space between Latin
words (``hazwgkc@163.`` + ``com`` is the one case this cannot tell apart).
Widths are in em: a Chinese character (or full-width punctuation) is 1, an ASCII character 0.5,
an ASCII space 0.25 — the proportions of a typeset Chinese page.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .lines import has_cjk

# a paragraph may end with one of these (closing quotes and brackets after a stop included)
END_STOPS = tuple("。：:；;！!？?…”」』）)")
SENTENCE_STOPS = tuple("。！!？?；;")
_HEADING = re.compile(
    r"^\s*(?:#+\s*\S|[一二三四五六七八九十]{1,2}\s*、\s*\S{2,30}$"
    r"|第[一二三四五六七八九十]{1,3}部分)"
)
_MARKER = re.compile(
    r"^\s*(?:[-*•·]\s+|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,2}\s*[.、．](?!\d)|[一二三四五六七八九十]{1,2}\s*[、．.])"
)
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?)%'\"/@&_-]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(@&'\"/_-]")
_FIRST_TOKEN = re.compile(r"^(?:[A-Za-z0-9.,%@/:_+-]+|.)")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]$")

SHORT = 1.5  # a line this many em short of the full width (and then some) stopped early
INDENT = 1.0  # an indent of at least this many em (beyond the body's margin) starts a paragraph
MIN_FULL = 10.0  # no page is narrower than this (em)
MIN_PAIRS = 3  # wrapped text without indents: this many lines go on below a full-width line …
FULL_SHARE = 0.4  # … and this share of its lines reach the full width
LONG_WORD = 3.0  # a Latin word or number this wide (em) may not fit after a short line
LONG = 15.0  # a line at least this wide (em) that stops mid-sentence was broken, not ended


def char_em(ch: str) -> float:
    """The width of one character in em (see the module docstring)."""
    if ch == " ":
        return 0.25
    if ch == "\u3000":
        return 1.0
    if unicodedata.east_asian_width(ch) in "WFA":
        return 1.0
    return 0.5


def em_width(text: str) -> float:
    """The printed width of ``text`` in em."""
    return sum(char_em(ch) for ch in text)


def indent_of(line: str) -> float:
    """The leading whitespace of ``line`` in em (a space is half a Chinese character)."""
    width = 0.0
    for ch in line:
        if ch == " ":
            width += 0.5
        elif ch == "\u3000":
            width += 1.0
        elif ch == "\t":
            width += 2.0
        else:
            break
    return width


def is_heading(text: str) -> bool:
    """A heading line: ``一、总体情况``, ``## 五、…``, ``第一部分``."""
    return bool(_HEADING.match(text)) and not text.strip().endswith(SENTENCE_STOPS[1:])


def is_marker(text: str) -> bool:
    """A list item or numbered sub-heading: ``（一）``, ``(2)``, ``1.``, ``- ``, ``一、``."""
    return bool(_MARKER.match(text))


def ends_sentence(text: str) -> bool:
    """``text`` ends a sentence: a stop, perhaps followed by closing quotes or brackets.

    ``（含上年结转 3 件）`` does not: a bracket closes a phrase, not the sentence.
    """
    body = text.rstrip().rstrip("”」』’）)》】] ")
    return body.endswith(("。", "：", ":", "；", ";", "！", "!", "？", "?", "…"))


def is_subheading(text: str) -> bool:
    """A numbered heading on a line of its own: ``（一）主要问题`` (a marker, no sentence)."""
    body = text.strip()
    return is_marker(body) and len(body) <= 30 and not any(s in body for s in "。：:；;！!？?")


def _text(line: str) -> bool:
    """A line of running text (not a table row, not blank)."""
    text = line.strip()
    return bool(text) and "\t" not in line and not text.startswith("|")


def _prose(line: str) -> bool:
    return _text(line) and has_cjk(line)


@dataclass(frozen=True)
class Layout:
    """How the narrative of one document is printed.

    ``wrapped``: lines are the printed page's lines (PDF text), not one per paragraph.
    ``indented``: paragraph starts are indented and their continuations are not.
    ``base``: the left margin of continuation lines (em); ``full``: the full line width (em,
    margin included); ``full_chars``: the commonest length of a line in characters.
    """

    wrapped: bool = False
    indented: bool = False
    base: float = 0.0
    full: float = 0.0
    full_chars: int = 0

    def width(self, line: str) -> float:
        """The right edge of ``line`` in em, its indent included."""
        return indent_of(line) + em_width(line.strip())

    def is_indented(self, line: str) -> bool:
        """True when ``line`` starts further right than the body's margin."""
        return indent_of(line) >= self.base + INDENT

    def at_full(self, line: str) -> bool:
        """``line`` reaches the full width, in em or in characters (text wrapped by a count
        of characters makes a line of digits look short in em)."""
        return self.width(line) >= self.full - SHORT or len(line.strip()) >= self.full_chars - SHORT

    def short(self, line: str, following: str) -> bool:
        """``line`` stopped early: the first word of ``following`` would have fitted after it
        with room to spare, and it ends a sentence (or is much shorter: a heading)."""
        token = _FIRST_TOKEN.match(following.strip())
        word = token.group(0) if token else ""
        room = self.full - self.width(line) - em_width(word)
        if room < SHORT or (self.at_full(line) and room < 2 * SHORT):
            return False
        return line.strip().endswith(END_STOPS) or self.width(line) <= 0.7 * self.full


def measure(lines: Sequence[str]) -> Layout:
    """The :class:`Layout` of a document, from all its narrative lines (tables are ignored).

    Wrapped: lines reach the full width in the middle of a sentence and go on in a plain line
    below (three times at least), many lines reach the full width and most of those do not end a
    paragraph; or paragraph starts are indented and a plain line continues a full-width line
    once at least. A web page's paragraphs, one per line, have no common width.
    """
    prose = [ln.rstrip() for ln in lines if _prose(ln) and not is_heading(ln)]
    if len(prose) < 2:
        return Layout()
    base = min(indent_of(ln) for ln in lines if _text(ln) and not is_heading(ln))
    probe = Layout(True, False, base)
    # lines that go on in a plain line below, mid-sentence: where wrapping would break
    going_on = [
        prev
        for prev, line in itertools.pairwise(lines)
        if _prose(prev)
        and _text(line)
        and not is_heading(prev)
        and not is_heading(line)
        and not is_marker(line)
        and not probe.is_indented(line)
        and not ends_sentence(prev)
        and probe.width(prev) >= MIN_FULL
    ]
    if not going_on:
        return _forced_wraps(lines, prose, base)
    full = statistics.median(probe.width(ln) for ln in going_on)
    lengths = Counter(len(ln.strip()) for ln in going_on)
    full_chars = max(lengths.most_common(), key=lambda kv: (kv[1], kv[0]))[0]
    probe = Layout(True, False, base, full, full_chars)
    if full < MIN_FULL:
        return Layout()
    # indented paragraph starts: one plain line going on after a full-width line is enough
    indented = any(probe.is_indented(ln) for ln in prose)
    if indented and any(probe.at_full(ln) for ln in going_on):
        return Layout(True, True, base, full, full_chars)
    # no indents: many full-width lines, most of them going on (a heading on a line of its
    # own, （一）主要问题, is not evidence: a web page prints it the same way)
    pairs = sum(probe.at_full(ln) and not is_subheading(ln) for ln in going_on)
    at_full = [ln for ln in prose if probe.at_full(ln)]
    open_full = [ln for ln in at_full if not ends_sentence(ln)]
    # … and no line is wider than the page
    wider = any(probe.width(ln) > full + 2 * SHORT for ln in prose)
    if (
        pairs >= MIN_PAIRS
        and not wider
        and len(at_full) >= FULL_SHARE * len(prose)
        and len(open_full) >= 0.5 * len(at_full)
    ):
        return Layout(True, False, base, full, full_chars)
    # a short text: every line but a heading that goes on mid-sentence stops at one width — a
    # web page breaks a paragraph at no width, let alone at the same one each time
    body = [ln for ln in going_on if not is_subheading(ln)]
    if len(body) >= MIN_PAIRS and not wider and all(probe.at_full(ln) for ln in body):
        return Layout(True, False, base, full, full_chars)
    return Layout()


def _forced_wraps(lines: Sequence[str], prose: list[str], base: float) -> Layout:
    """Indented text whose only wrap came after a sentence: a plain line that starts with a
    Latin word or number too long for the room left on the line above (a URL, a long
    number), which a typesetter had to move down."""
    widest = max(indent_of(ln) + em_width(ln.strip()) for ln in prose)
    longest = max(len(ln.strip()) for ln in prose)
    probe = Layout(True, True, base, widest, longest)
    if widest < MIN_FULL or not any(probe.is_indented(ln) for ln in prose):
        return Layout()
    for prev, line in itertools.pairwise(lines):
        if not (_prose(prev) and _text(line)) or probe.is_indented(line):
            continue
        if is_heading(prev) or is_heading(line) or is_marker(line):
            continue
        token = _FIRST_TOKEN.match(line.strip())
        word = token.group(0) if token else ""
        too_wide = probe.width(prev) + em_width(word) > widest
        too_long = len(prev.strip()) + len(word) > longest
        if em_width(word) >= LONG_WORD and (too_wide or too_long):
            return Layout(True, True, base, widest, longest)
    return Layout()


def _clean(line: str) -> str:
    text = line.strip()
    text = re.sub(r"^#+\s+", "", text)
    text = re.sub(r"^[-*•]\s+", "", text)
    return text.strip()


def join(before: str, after: str) -> str:
    """Two pieces of one paragraph: no space between Chinese characters, one between words."""
    if _LATIN_END.search(before) and _LATIN_START.match(after):
        return f"{before} {after}"
    return before + after


def _mid_sentence(line: str) -> bool:
    """A long line that stops on a character inside a sentence (not on a stop)."""
    text = line.strip()
    return em_width(text) >= LONG and bool(_IDEOGRAPH.search(text))


def _can_end(prev: str, line: str, layout: Layout) -> bool:
    """``prev`` may be a paragraph's last line (so a list item may start after it)."""
    text = prev.strip()
    return (
        not layout.wrapped
        or text.endswith(END_STOPS)
        or is_heading(prev)
        or is_subheading(prev)
        or layout.short(prev, line)
    )


def _lost_indent(prev: str, line: str, following: str | None, layout: Layout) -> bool:
    """Wrapped text whose indents were lost: ``line`` is shorter than the full width by a
    first line's indent (about two characters, in em and in characters), after a line that
    ended a sentence at the full width, and the paragraph goes on after it."""
    if following is None or not prev.strip().endswith(SENTENCE_STOPS):
        return False
    if not layout.at_full(prev) or line.strip().endswith(END_STOPS):
        return False
    missing_em = layout.full - layout.width(line)
    missing_chars = layout.full_chars - len(line.strip())
    return 1.25 <= missing_em <= 3.5 and 2 <= missing_chars <= 3


def starts_paragraph(
    prev: str | None, line: str, following: str | None, gap: bool, layout: Layout
) -> bool:
    """Does ``line`` start a paragraph, after ``prev`` (``gap``: blank lines between)?"""
    if prev is None or is_heading(prev) or is_heading(line):
        return True
    indented = layout.indented and layout.is_indented(line)
    if gap:
        return indented or indent_of(line) >= INDENT or is_marker(line) or not _mid_sentence(prev)
    if not layout.wrapped or indented:
        return True
    if is_marker(line) and _can_end(prev, line, layout):
        return True
    if layout.indented:
        return False
    return layout.short(prev, line) or _lost_indent(prev, line, following, layout)


def paragraphs(lines: Sequence[str], layout: Layout) -> list[str]:
    """The paragraphs of ``lines``, each one line of text (markdown list marks dropped)."""
    out: list[str] = []
    prev: str | None = None
    gap = False
    for i, raw in enumerate(lines):
        if not raw.strip():
            gap = prev is not None
            continue
        text = _clean(raw)
        if not text:
            continue
        following = next((x for x in lines[i + 1 :] if x.strip()), None)
        if not out or starts_paragraph(prev, raw, following, gap, layout):
            out.append(text)
        else:
            out[-1] = join(out[-1], text)
        prev, gap = raw, False
    return out
