"""Split a report's text into its six sections, and read the narrative of 一, 五 and 六.

Headings are found by their titles (with the variants real reports print), in order, so a
report that numbers its sections differently (or restarts the numbering) still splits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..model import OtherMatters, Overview, OverviewItem, Problems, Subsection
from .detect import byline_date, is_date_line
from .lines import cjk_key
from .paragraphs import END_STOPS, SENTENCE_STOPS, Layout, is_marker, join, paragraphs

_NUM = r"[一二三四五六七八九十]{1,2}\s*[、．.]\s*"
TITLES: dict[int, str] = {
    1: r"总体情况|概述",
    2: r"主动公开政府信息情况",
    3: r"收到和处理政府信息公开申请情况",
    4: r"(?:因)?政府信息公开(?:工作)?(?:被申请)?行政复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况",
    5: r"(?:政府信息公开工作)?存在的?主要问题及(?:其)?(?:改进|整改)(?:情况|措施)",
    6: r"其他需要报告的事项",
}
_HEADING = {
    n: re.compile(rf"^\s*(?:#+\s*)?{_NUM}(?:{title})\s*[。：:]?\s*$") for n, title in TITLES.items()
}
_NUM_START = re.compile(rf"^\s*(?:#+\s*)?{_NUM}")
_INLINE_HEADING = re.compile(rf"(?<!第)({_NUM}(?:{'|'.join(TITLES.values())}))")
_RUN_IN_HEADING = re.compile(
    rf"^(\s*(?:#+\s*)?{_NUM}(?:{'|'.join(TITLES.values())}))\s*[。：:]?\s*(\S.*)$"
)
_ITEM = re.compile(r"^\s*(?:#+\s*)?[（(]([一二三四五六七八九十])[）)]\s*(.*)$")
_STOPS = "。：:；;！!？?．"
_ITEM_WORDS = re.compile(
    r"^(.{0,16}?(?:主动公开|依申请公开|政府信息管理|平台建设|监督保障)(?:政府信息)?(?:工作)?(?:方面|情况)?)(?=.{20,})"
)
LONG_LINE = 400


def _is_heading_line(line: str) -> bool:
    return any(h.match(line) for h in _HEADING.values())


def _rejoin_headings(lines: list[str]) -> list[str]:
    """A section heading wrapped over two lines (a narrow page) back on one line."""
    out: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            _NUM_START.match(line)
            and nxt.strip()
            and "\t" not in line + nxt
            and not _is_heading_line(line)
            and _is_heading_line(line.rstrip() + nxt.strip())
        ):
            out.append(line.rstrip() + nxt.strip())
            skip = True
            continue
        out.append(line)
    return out


def explode(lines: list[str]) -> list[str]:
    """Put section headings on lines of their own: a heading followed by text on its line
    (``一、总体情况。2024年…``), and the headings and （一）… items of a page flattened to one
    long line."""
    out: list[str] = []
    for line in _rejoin_headings(lines):
        run_in = _RUN_IN_HEADING.match(line)
        if run_in and "\t" not in line:
            out.extend([run_in.group(1), run_in.group(2)])
            continue
        if len(line) < LONG_LINE or "\t" in line or len(_INLINE_HEADING.findall(line)) < 2:
            out.append(line)
            continue
        text = _INLINE_HEADING.sub(lambda m: "\n" + m.group(1) + "\n", line)
        text = re.sub(r"(?<!第)(?=[（(][一二三四五六七][）)])", "\n", text)
        out.extend(part for part in text.split("\n"))
    return out


@dataclass
class Sections:
    """Line indexes of the six headings (None when a heading was not found)."""

    lines: list[str]
    heads: dict[int, int | None] = field(default_factory=dict)

    def span(self, n: int) -> tuple[int, int] | None:
        """The lines of section ``n`` (after its heading, up to the next heading found)."""
        start = self.heads.get(n)
        if start is None:
            return None
        later = [i for k, i in self.heads.items() if k > n and i is not None and i > start]
        return start + 1, min(later) if later else len(self.lines)

    def text_lines(self, n: int) -> list[str]:
        """The lines of section ``n`` ([] when its heading is missing)."""
        span = self.span(n)
        return self.lines[span[0] : span[1]] if span else []

    @property
    def preamble(self) -> list[str]:
        """The lines before the first heading (title, date, introduction)."""
        first = [i for i in self.heads.values() if i is not None]
        return self.lines[: min(first)] if first else self.lines[:20]


def find_sections(lines: list[str]) -> Sections:
    """Locate the six headings, in order."""
    found = Sections(lines)
    pos = 0
    for n in range(1, 7):
        found.heads[n] = None
        for i in range(pos, len(lines)):
            if _HEADING[n].match(lines[i]):
                found.heads[n] = i
                pos = i + 1
                break
    return found


# ---------------------------------------------------------------- section 一


def _split_item(rest: str) -> tuple[str, str, bool]:
    """(heading, text on the same line, run_in) for the text after ``（一）``."""
    for i, ch in enumerate(rest[:60]):
        if ch in _STOPS:
            after = rest[i + 1 :].strip()
            if not after:
                return rest.strip(), "", False
            head = rest[:i] if ch == "。" else rest[: i + 1]
            return head.strip(), after, True
    if len(rest) > 60:
        m = _ITEM_WORDS.match(rest)
        if m:
            return m.group(1).strip(), rest[m.end() :].strip(), False
    return rest.strip(), "", False


def read_overview(lines: list[str], layout: Layout) -> Overview:
    """Section 一: the introduction and the numbered items （一）…."""
    paras = paragraphs(lines, layout)
    intro: list[str] = []
    items: list[OverviewItem] = []
    texts: list[list[str]] = []
    expected = "一二三四五六七八九十"
    for para in paras:
        m = _ITEM.match(para)
        if m and len(items) < len(expected) and m.group(1) == expected[len(items)]:
            head, first, run_in = _split_item(m.group(2))
            items.append(OverviewItem(heading=head or m.group(0).strip(), run_in=run_in))
            texts.append([first] if first else [])
        elif items:
            texts[-1].append(para)
        else:
            intro.append(para)
    for item, body in zip(items, texts, strict=True):
        item.text = _lines(body)
    return Overview(intro=_lines(intro), items=items)


def _lines(paras: list[str]) -> str:
    return "".join(p + "\n" for p in paras if p.strip())


# ---------------------------------------------------------------- sections 五, 六

_SUBHEAD = re.compile(r"^\s*[（(][一二三四五六七八九十][）)]")


def read_problems(lines: list[str], layout: Layout) -> Problems:
    """Section 五: paragraphs before the first sub-heading, then each sub-heading's paragraphs."""
    intro: list[str] = []
    subs: list[tuple[str, list[str]]] = []
    for para in paragraphs(lines, layout):
        stripped = para.rstrip("。：:")
        if _SUBHEAD.match(para) and len(para) <= 40 and not any(s in stripped for s in _STOPS):
            subs.append((para, []))
        elif subs:
            subs[-1][1].append(para)
        else:
            intro.append(para)
    return Problems(
        intro=_lines(intro),
        subsections=[Subsection(heading=h, text=_lines(body)) for h, body in subs],
    )


_FEE = re.compile(r"收取[^。；]{0,20}?处理费[^。；\d]{0,6}?(\d+(?:\.\d+)?)\s*(万)?元")
_NO_FEE = re.compile(
    r"(?:未|没有|无|不)[^。；]{0,12}?(?:收取|收费|处理费)|处理费[^。；]{0,6}?(?:为)?\s*0\s*元"
)


def read_other(lines: list[str], layout: Layout) -> tuple[OtherMatters, list[str]]:
    """Section 六 and the 信息处理费 it states (None when it states none)."""
    paras = paragraphs(lines, layout)
    text = "\n".join(paras)
    notes: list[str] = []
    fee: Decimal | None = None
    m = _FEE.search(text)
    if m:
        try:
            fee = Decimal(m.group(1)) * (10_000 if m.group(2) else 1)
        except InvalidOperation:
            fee = None
        else:
            notes.append(f"section 六: 信息处理费 {fee} 元 read from “{m.group(0)}”")
    elif _NO_FEE.search(text):
        fee = Decimal(0)
        notes.append("section 六: no 信息处理费 collected (stated in the text)")
    return OtherMatters(text=_lines(paras), processing_fee_yuan=fee), notes


# ---------------------------------------------------------------- the preamble

_PREAMBLE_MIN_CJK = 20


_META = re.compile(r"^\s*[\u4e00-\u9fffA-Za-z ]{1,10}\s*[：:]")  # 发布日期：…, 来源: …
_FRAGMENT_MIN_CJK = 8  # a line wrapped mid-sentence holds at least this many characters


def read_preamble(lines: list[str], layout: Layout, title: str | None) -> list[str]:
    """The opening paragraphs between the title and 一、总体情况 (legal basis, statistics
    period, contact): the prose there, without the title, the date, the issuing agency's name
    or a web page's metadata (``发布日期：…``), which are not sentences.

    A piece of a sentence (a wrapped line the layout could not show as one: too little text
    to measure its width) is joined to the prose that goes on after it, and a short sentence
    (``12月31日。``) is kept: no prose is dropped.
    """
    title_key = cjk_key(title or "")

    def is_title(para: str) -> bool:  # or a piece of it: a title has no sentence stop
        key = cjk_key(para)
        ends = para.rstrip().endswith(SENTENCE_STOPS)
        return bool(title_key and key and key in title_key and not ends)

    def not_prose(para: str) -> bool:
        byline = byline_date(para) is not None
        return is_title(para) or is_date_line(para) or byline or bool(_META.match(para))

    joined: list[str] = []
    pending = ""
    for para in paragraphs(lines, layout):
        if pending:
            if not_prose(para) or is_marker(para):
                joined.append(pending)
            else:
                para = join(pending, para)
            pending = ""
        if (
            not not_prose(para)
            and not para.rstrip().endswith(END_STOPS)
            and len(cjk_key(para)) >= _FRAGMENT_MIN_CJK
        ):
            pending = para  # mid-sentence: its sentence goes on in the next paragraph
            continue
        joined.append(para)
    if pending:
        joined.append(pending)
    out = []
    for para in joined:
        key = cjk_key(para)
        if not_prose(para):
            continue
        sentence = any(s in para for s in "。，；")
        if (len(key) >= _PREAMBLE_MIN_CJK and sentence) or para.rstrip().endswith(SENTENCE_STOPS):
            out.append(para)
    return out
