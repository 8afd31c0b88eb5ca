"""Text noise that every input format shares: page footers, width variants, split words.

Also the cell model of a table line: a line is split into fields (tabs, markdown pipes or runs
of spaces) and each field is read as a label or a value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from ..model.numbers import no_negative_zero, read_number

FOOTER = re.compile(
    r"^\s*(?:[—–\-－]+\s*\d{1,3}\s*[—–\-－]+|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)\s*$"
)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")

_WIDTH = str.maketrans(
    {
        "(": "（",
        ")": "）",
        "\u3000": " ",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200b": "",
        "\ufeff": "",
        "\r": "",
    }
)


def normalize_width(text: str) -> str:
    """Full-width digits and letters → ASCII (NFKC), ASCII parentheses → full-width ones.

    NFKC is applied to digits, latin letters and the ideographic space only, so Chinese
    punctuation (“”、。：) stays as printed.
    """
    out = []
    for ch in text:
        if "\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff5a" or ch in "／．－":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out).translate(_WIDTH)


def cjk_key(text: str) -> str:
    """Only the Chinese characters of ``text``: the key label matching compares."""
    return _NOT_CJK.sub("", text)


def has_cjk(text: str) -> bool:
    """True when ``text`` holds at least one Chinese character."""
    return bool(_CJK.search(text))


def is_footer(line: str) -> bool:
    """A page footer such as ``— 3 —``, ``-3-`` or ``第 3 页``."""
    return bool(FOOTER.match(line))


def is_markdown_rule(line: str) -> bool:
    """``|---|---|`` (the separator under a markdown table header)."""
    return bool(_MD_RULE.match(line)) and "-" in line


def _blank(line: str) -> bool:
    """An empty line (a table row of empty cells keeps its tabs, and is not one)."""
    return not line.strip() and "\t" not in line


def clean_lines(text: str) -> list[str]:
    """The lines of ``text`` with page breaks, markdown rules and provenance comments removed.

    A page break is a footer line (``— 4 —``, ``-4-``, ``第 4 页``) or a form feed; it goes,
    and so do the blank lines around it, since a page break says nothing about where a
    paragraph ends (the indent or the short last line does). The text itself is kept as
    printed (narrative is imported verbatim); table reading normalizes widths per line with
    :func:`normalize_width`.
    """
    out: list[str] = []
    after_break = False
    for raw in text.split("\n"):
        line = raw.replace("\r", "").replace("\ufeff", "").rstrip(" \u3000")
        if line.startswith("# source:") or is_markdown_rule(line):
            continue
        if "\f" in line or is_footer(line):
            line = "" if is_footer(line) else line.replace("\f", "").rstrip(" \u3000")
            while out and _blank(out[-1]):
                out.pop()
            after_break = True
            if _blank(line):
                continue
        if after_break and _blank(line):
            continue
        after_break = False
        out.append(line)
    return out


# ---------------------------------------------------------------- cells

Sep = Literal["tab", "pipe", "space"]
ValueKind = Literal["number", "blank", "slash", "text", "garbled"]

_NUMBER = re.compile(r"^[+\-]?\d+(?:\.\d+)?$")
_NOTE = re.compile(r"^([+\-]?\d+(?:\.\d+)?)\s*(?:件|条|个|项|元)?\s*[（(]([^（()）]*)[）)]$")
_SLASHES = frozenset({"/", "／", "\\"})
_DASHES = frozenset({"-", "—", "–", "－", "——", "--", "/-"})
_LEAD_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.、．]\s*(?=\D)")
_THOUSANDS = re.compile(r"[+\-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?")
_UNIT = re.compile(r"\s*(?:万元|件|条|个|项|元)$")
# the letters a misread or mistyped 0 or 1 becomes; alone (``O``, ``lO``) they stand for a
# number (a column letter such as ``A`` or ``B`` in a header does not)
_DIGIT_LOOKALIKES = frozenset("OoIl")


@dataclass
class Field:
    """One field of a table line: a label, a value, or empty.

    ``glued``: a number printed against the label before it with no space (``规章000``): the
    source ran its cells together, so the digits may hold several cells.
    """

    raw: str
    kind: ValueKind
    value: int | Decimal | str | None = None
    note: str = ""
    doubtful: bool = False  # a number read as best it could be (``010``): its cell is flagged
    glued: bool = False

    @property
    def is_value(self) -> bool:
        """A cell of the number part of a row (blank and slash included)."""
        return self.kind != "text"


def read_field(raw: str) -> Field:
    """Classify one field: a number (with its note), blank, ``/``, or a label."""
    text = raw.strip()
    if not text:
        return Field(raw, "blank")
    if text in _SLASHES:
        return Field(raw, "slash", "/")
    if text in _DASHES:
        return Field(raw, "blank", None, note=f"“{text}” read as a blank cell")
    compact = text.replace(",", "").replace("，", "") if _THOUSANDS.fullmatch(text) else text
    if _NUMBER.match(compact):
        return Field(raw, "number", parse_number(compact), doubtful=_doubtful(compact))
    noted = _NOTE.match(text)
    if noted and not has_cjk(noted.group(1)):
        number = noted.group(1)
        return Field(
            raw,
            "number",
            parse_number(number),
            note=noted.group(2).strip(),
            doubtful=_doubtful(number),
        )
    if is_garbled(text):
        return Field(
            raw,
            "garbled",
            note="not a number: a letter or another character among its digits",
            doubtful=True,
        )
    return Field(raw, "text", text)


def is_garbled(text: str) -> bool:
    """A cell that was meant to be a number but is not one as printed: digits mixed with
    letters or other characters (``4O``, ``l2``, ``2,43``, ``24。``, ``.5``, ``—16``), or
    letters that stand for digits (``O``, ``lO``). Such a cell is never read as a number.

    ``text`` is one cell or token, stripped; a unit after it (``件``, ``元``) is allowed, any
    Chinese character besides makes it a label.
    """
    body = _UNIT.sub("", text)
    if not body or has_cjk(body) or _NUMBER.fullmatch(body) or _THOUSANDS.fullmatch(body):
        return False
    if any(ch.isdigit() for ch in body):
        return True
    return all(ch in _DIGIT_LOOKALIKES for ch in body)


def parse_number(text: str) -> int | Decimal:
    """``12`` → 12, ``633.8612`` → Decimal, ``-0.0`` → 0.0 (reportkit's number rules,
    :mod:`reportkit.model.numbers`). A leading zero (``010``, not a form a report prints) is
    read as the decimal 10; :func:`read_field` marks such a field ``doubtful``."""
    if re.fullmatch(r"[+\-]?\d+", text):
        return int(text)
    try:
        return no_negative_zero(Decimal(text))
    except InvalidOperation as err:  # pragma: no cover - guarded by the regex
        raise ValueError(text) from err


def _doubtful(text: str) -> bool:
    """True when reportkit's rules would not read ``text`` as it stands (``010``, ``00.5``)."""
    return not isinstance(read_number(text), int | Decimal)


@dataclass
class Line:
    """A table line split into fields."""

    text: str
    sep: Sep
    fields: list[Field] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """The label fields, in order."""
        return [f.raw.strip() for f in self.fields if f.kind == "text"]

    @property
    def numbers(self) -> list[Field]:
        """The fields holding a number, or a number that cannot be read (``garbled``)."""
        return [f for f in self.fields if f.kind in ("number", "garbled")]


_CJK_CHARS = "\u3400-\u9fff\uf900-\ufaff"
_PIECE = re.compile(
    r"(?P<note>[+\-]?\d+(?:\.\d+)?\s*(?:件|条|个)?\s*[（(][^（()）]*[）)])"
    rf"|(?P<numbering>\d{{1,2}}[.、．](?=[{_CJK_CHARS}]))"
    rf"|(?P<word>[^\s{_CJK_CHARS}（）()]+)"
    rf"|[{_CJK_CHARS}（）()]+"
)


def _split_space_field(text: str) -> list[tuple[str, bool]]:
    """A whitespace-separated chunk: numbers become their own fields, words are rejoined.

    A run of characters that are neither Chinese nor spaces is one piece, read whole: a number
    (``243``), or, when digits are mixed with anything else (``4O``, ``2,43``), one garbled
    cell — never a number and a stray word. Each piece comes with ``glued``: a number written
    against the word before it.
    """
    text = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)
    out: list[tuple[str, bool]] = []
    values: list[bool] = []
    end = -1
    for m in _PIECE.finditer(text):
        tok = m.group(0)
        word = m.group("word")
        is_value = bool(m.group("note")) or (
            word is not None and (_NUMBER.match(word) is not None or is_garbled(word))
        )
        after_word = bool(out) and not values[-1]
        if out and not is_value and after_word:
            out[-1] = (out[-1][0] + tok, False)
        else:
            out.append((tok, is_value and after_word and m.start() == end))
            values.append(is_value)
        end = m.end()
    return out


def split_line(line: str) -> Line:
    """Split a table line by tabs, markdown pipes or runs of spaces."""
    stripped = line.strip()
    if "\t" in line:
        parts = line.split("\t")
        return Line(line, "tab", [read_field(p) for p in parts])
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return Line(line, "pipe", [read_field(p) for p in inner.split("|")])
    fields: list[Field] = []
    for chunk in re.split(r"\s{2,}", stripped):
        lead = _LEAD_NUMBER.match(chunk)
        prefix = ""
        if lead:
            prefix, chunk = chunk[: lead.end()], chunk[lead.end() :]
        pieces = _split_space_field(chunk) if chunk else []
        if prefix:
            if pieces and read_field(pieces[0][0]).kind == "text":
                pieces[0] = (prefix + pieces[0][0], False)
            else:
                pieces.insert(0, (prefix, False))
        for part, glued in pieces:
            f = read_field(part)
            f.glued = glued and f.kind in ("number", "garbled")
            fields.append(f)
    return Line(line, "space", fields)


def strip_numbering(text: str) -> str:
    """``（三）不予公开`` → ``不予公开``; ``1.属于国家秘密`` → ``属于国家秘密``; ``一、`` → ``""``."""
    text = text.strip()
    text = re.sub(
        r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、．.]|\d{1,2}\s*[.、．])\s*",
        "",
        text,
    )
    return text
