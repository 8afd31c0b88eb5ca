"""R7: every number the narrative states about the tables equals them.

The vocabulary (what can be stated, tied to which cells) is :mod:`.statements`; numbers as
written are :mod:`.numbers`. This module reads each sentence of the narrative
(:func:`narrative_sources`) into :class:`Claim` objects (:func:`read_claims`) and compares each
with the tables (:func:`rule_r7`).

Not compared, never guessed: a number with a word of approximation (约、余 …); a statement about
another year (``2023年收到申请 80 件`` in a 2024 report, ``去年…``); a statement whose cells are
blank or slashed (R8 reports those), or that the report's format does not have; a percentage of
a whole that is 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fnmatch import fnmatchcase
from functools import cache

from ..model import Report, is_blank
from ..model import labels as L
from .cells import all_cells
from .finding import Finding, finding
from .numbers import Kind, Stated, find_numbers
from .statements import (
    CONNECTIVE,
    EACH,
    GAP,
    NOUN,
    REFINEMENTS,
    STATEMENTS,
    STOP,
    Refinement,
    Statement,
)

PROCESSING_FEE = "other_matters.processing_fee_yuan"

# ---------------------------------------------------------------- where the text is


@dataclass(frozen=True)
class Source:
    """One narrative of the report: where it is (official headings), its text, its heading."""

    place: str
    text: str
    heading: str = ""


def narrative_sources(report: Report) -> list[Source]:
    """Every narrative R7 reads, in reading order: the preamble, section 一 (intro and items),
    五 and 六. A new narrative field of the model is one more entry here."""
    one, five, six = (L.section_heading(n) for n in (1, 5, 6))
    out = [Source("前言", report.preamble), Source(one, report.overview.intro)]
    for n, item in enumerate(report.overview.items, 1):
        heading = item.heading.strip().rstrip("。.：:")
        out.append(Source(f"{one} {L.item_number(n)}{heading}", item.text, heading))
    out.append(Source(five, report.problems.intro))
    for sub in report.problems.subsections:
        out.append(Source(f"{five} {sub.heading.strip()}", sub.text, sub.heading))
    out.append(Source(six, report.other_matters.text))
    return [s for s in out if s.text.strip()]


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def sentences(text: str) -> Iterator[tuple[str, str]]:
    """(sentence, the sentence before it in its paragraph or "") for every sentence of a
    narrative: split after 。！？, paragraphs at line ends, stripped."""
    for paragraph in text.splitlines():
        before = ""
        for part in _SENTENCE_END.split(paragraph):
            if part.strip():
                yield part.strip(), before
                before = part.strip()


# ---------------------------------------------------------------- reading a sentence


@dataclass(frozen=True)
class Target:
    """What a statement is tied to: ``cells`` (paths, summed) labelled ``where``; for a
    percentage, the whole it is a share of (``share_of``, labelled ``share_label``)."""

    name: str
    cells: tuple[str, ...]
    where: str
    share_of: tuple[str, ...] = ()
    share_label: str = ""


@dataclass(frozen=True)
class Claim:
    """One statement the text makes about the tables.

    ``said`` is the words and number as written, at ``span`` in ``sentence``; ``stated`` the
    number (None: stated as none); ``unit`` what it counts (a percentage is a share of
    ``target.share_of``).
    """

    place: str
    sentence: str
    said: str
    span: tuple[int, int]
    target: Target
    unit: Kind
    stated: Stated | None


@dataclass(frozen=True)
class _Words:
    """Words of the vocabulary found in a sentence: a statement, a refinement, or a negation."""

    start: int
    end: int
    statement: Statement | None = None
    refinement: Refinement | None = None


_NEGATION = re.compile(
    r"未(?!来|按|能|予|经|满|及|曾|必|尽|超)|没有|并无|尚无|无(?![法正])|零(?=败诉|纠错)"
)
_BOUNDARY = re.compile(r"[，,。；;：:、（）()！？!?\n]")
#: Clause marks a filler or a negation's reach may not cross (、 may: 通过邮寄、网络提交的…申请,
#: 未发生…行政复议、行政诉讼案件).
_CLAUSE_BREAK = re.compile(r"[，,。；;：:（）()！？!?\n]")
_NEGATION_REACH = 15
_JOINED = re.compile(r"(?:被|的)?")
_AND = re.compile(r"\s*(?:、|和|及|与|或|以及|或者)\s*")
_SHARE = re.compile(r"\s*(?:[（(]|[，,])?\s*(?:约占|占比|占|比例为?|比重为?|为)?\s*")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LAST_YEAR = re.compile(r"(?<![较比同])(?:去年|前年|上一?年度?)(?!度?结转)")


@cache
def _pattern(words: str) -> re.Pattern[str]:
    return re.compile(words)


def _find_words(sentence: str) -> list[_Words]:
    """Every statement, refinement and negation in the sentence; the longest wins an overlap,
    then the earlier in the vocabulary."""
    found: list[tuple[int, int, _Words]] = []
    for rank, s in enumerate(STATEMENTS):
        for m in _pattern(s.words).finditer(sentence):
            found.append((m.start() - m.end(), rank, _Words(m.start(), m.end(), statement=s)))
    for rank, r in enumerate(REFINEMENTS, len(STATEMENTS)):
        for m in _pattern(r.words).finditer(sentence):
            found.append((m.start() - m.end(), rank, _Words(m.start(), m.end(), refinement=r)))
    for m in _NEGATION.finditer(sentence):
        found.append((m.start() - m.end(), 10_000, _Words(m.start(), m.end())))
    chosen: list[_Words] = []
    for _, _, w in sorted(found, key=lambda f: (f[0], f[1], f[2].start)):
        if all(w.end <= c.start or w.start >= c.end for c in chosen):
            chosen.append(w)
    return sorted(chosen, key=lambda w: w.start)


def _names_requests(text: str) -> bool:
    """True when ``text`` holds 申请 as the 政府信息公开 requests: 依申请…, …公开申请 /
    …信息申请, or 申请 with nothing but connective words before it (低保申请 is not)."""
    m = re.search(NOUN, text)
    if m is None:
        return False
    before = text[: m.start()]
    return (
        before.endswith("依")
        or re.search(r"公开|信息", before) is not None
        or re.fullmatch(rf"\s*{CONNECTIVE}(?:各类|各项)?\s*", before) is not None
    )


def _filler_ok(
    filler: str, kind: str, gap: int, stop: str, value_is_zero: bool, on_topic: bool
) -> bool:
    """May ``filler`` stand between words and their number? (see :mod:`.statements`)."""
    if len(filler) > gap or _CLAUSE_BREAK.search(filler) or re.search(r"\d", filler):
        return False
    if re.search(STOP + (f"|{stop}" if stop else ""), filler):
        return False
    if re.search(EACH, filler) and not value_is_zero:
        return False
    connective = re.fullmatch(rf"\s*{CONNECTIVE}\s*", filler) is not None
    if kind == "connective":
        return connective
    if kind == "noun":
        return _names_requests(filler) or (connective and on_topic)
    return True


def _other_year(before: str, year: int) -> bool:
    """True when the text before a statement dates it to another year than the report's: the
    last year named in the sentence (2023年), or 去年/上年 in the statement's own clause (较去年
    compares, and 上年结转 is this year's row 二)."""
    years = [int(m.group(1)) for m in _YEAR.finditer(before)]
    if years and years[-1] != year:
        return True
    clause = _BOUNDARY.split(before)[-1]
    return _LAST_YEAR.search(clause) is not None


def _own(s: Statement) -> Target:
    return Target(s.name, s.cells, f"{s.row} × {s.column}", s.share_of, s.share_label)


def _refine(head: Statement | None, r: Refinement) -> Target | None:
    """The head statement narrowed by ``r`` (None: there is no head, or ``r`` does not apply)."""
    if head is None or head.unit != "count":
        return None
    if not all(any(fnmatchcase(c, a) for a in r.applies) for c in head.cells):
        return None
    cells: list[str] = []
    for cell in head.cells:
        parts = cell.split(".")
        if len(parts) < 3:
            return None
        for key in r.keys:
            narrowed = ".".join([*parts[: r.part], key, *parts[r.part + 1 :]])
            if narrowed not in cells:
                cells.append(narrowed)
    if r.part == 2:
        where = f"{head.row} × {r.label}"
        whole = head.cells if head.column == L.TOTAL else ()
        return Target(f"{head.name} → {r.name}", tuple(cells), where, whole, _own(head).where)
    return Target(f"{head.name} → {r.name}", tuple(cells), f"表二 {r.label} × {head.column}")


class _Reader:
    """Reads the claims of one sentence (see :mod:`.statements` for how)."""

    def __init__(self, place: str, sentence: str, context: str, year: int) -> None:
        self.place, self.sentence, self.year = place, sentence, year
        self.context = f"{sentence} {context}"  # the sentence, its heading, the one before
        self.about_requests = re.search(NOUN, self.context) is not None
        numbers = find_numbers(sentence)
        # a sentence with neither a number nor a negation states nothing R7 can compare
        self.words = _find_words(sentence) if numbers or _NEGATION.search(sentence) else []
        self.numbers = [
            n for n in numbers if all(n.end <= w.start or n.start >= w.end for w in self.words)
        ]
        self.used: set[int] = set()  # ids of the words and numbers already tied
        self.claims: list[Claim] = []

    def read(self) -> list[Claim]:
        for number in self.numbers:
            if id(number) not in self.used:
                self._tie(number)
        self._nones()
        return self.claims

    def _head(self, before: int) -> Statement | None:
        """The statement last made before ``before`` in the sentence."""
        heads = [w.statement for w in self.words if w.statement and w.start < before]
        return heads[-1] if heads else None

    def _on_topic(self, s: Statement) -> bool:
        return not s.topic or re.search(s.topic, self.context) is not None

    def _coordinated(self, w: _Words) -> bool:
        """True for the last of coordinated statements (不予公开、无法提供 12 件): the number is
        their sum, which no statement of the vocabulary names."""
        before = [v for v in self.words if v.end <= w.start and v.statement is not None]
        if not before or id(before[-1]) in self.used:
            return False
        return _AND.fullmatch(self.sentence[before[-1].end : w.start]) is not None

    def _fits(self, s: Statement, filler: str, number: Stated) -> bool:
        """May ``number``, after (or before) ``filler``, state ``s``? (A ``noun`` filler that
        names the requests needs no topic: 本年度新收申请 170 件.)"""
        on_topic = self._on_topic(s)
        if not s.numbers or (s.filler != "noun" and not on_topic):
            return False
        return _filler_ok(filler, s.filler, s.gap, s.stop, number.value == 0, on_topic)

    def _tie(self, number: Stated) -> None:
        """Tie ``number`` to the words just before it, or (number first) just after it."""
        before = [w for w in self.words if w.end <= number.start]
        w = before[-1] if before else None
        if w is not None and id(w) not in self.used:
            filler = self.sentence[w.end : number.start]
            zero = number.value == 0
            target: Target | None = None
            if w.statement is not None:
                s = w.statement
                fits = number.kind == s.unit and self._fits(s, filler, number)
                if fits and not self._coordinated(w):
                    target = _own(s)
            elif w.refinement is not None and number.kind == "count":
                r = w.refinement
                if _filler_ok(filler, r.filler, GAP, "", zero, self.about_requests):
                    target = _refine(self._head(w.start), r)
            if target is not None:
                self.used |= {id(w), id(number)}
                self._claim(target, number, (w.start, number.end))
                return
        after = [w for w in self.words if w.start >= number.end]
        nxt = after[0] if after else None
        first = nxt.statement if nxt is not None else None
        if nxt is None or first is None or not first.number_first or id(nxt) in self.used:
            return
        filler = self.sentence[number.end : nxt.start]
        if (
            number.kind == "count"
            and not number.text.endswith("个")
            and self._fits(first, filler, number)
        ):
            self.used |= {id(nxt), id(number)}
            self._claim(_own(first), number, (number.start, nxt.end))

    def _claim(self, target: Target, number: Stated, span: tuple[int, int]) -> None:
        """Record the claim, and the share in % stated right after a count (208 件（17.46%）)."""
        if number.approximate or _other_year(self.sentence[: span[0]], self.year):
            return
        self._add(span, target, number.kind, number)
        if number.kind != "count" or not target.share_of:
            return
        share = next(
            (n for n in self.numbers if n.start >= number.end and id(n) not in self.used), None
        )
        if share is None or share.kind != "percent":
            return
        between = self.sentence[number.end : share.start]
        if not _SHARE.fullmatch(between) or any(
            number.end < w.end and w.start < share.start for w in self.words
        ):
            return
        self.used.add(id(share))
        if not share.approximate:
            where = f"{target.where}（占 {target.share_label} 的百分比）"
            shared = Target(target.name, target.cells, where, target.share_of, target.share_label)
            self._add((span[0], share.end), shared, "percent", share)

    def _add(
        self, span: tuple[int, int], target: Target, unit: Kind, stated: Stated | None
    ) -> None:
        said = self.sentence[span[0] : span[1]]
        self.claims.append(Claim(self.place, self.sentence, said, span, target, unit, stated))

    def _nones(self) -> None:
        """Statements made as none: 未收到…申请, 无上年结转申请, 未发生…行政复议纠错 …"""
        negations = [w for w in self.words if w.statement is None and w.refinement is None]
        for neg in negations:
            stop = _CLAUSE_BREAK.search(self.sentence, neg.end)
            end = stop.start() if stop else len(self.sentence)
            scope = [
                w for w in self.words if neg.end <= w.start and w.end <= end and w not in negations
            ]
            if not scope or scope[0].start - neg.end > _NEGATION_REACH:
                continue
            # words joined without a break name one thing: 行政复议纠错, 行政诉讼败诉
            runs: list[list[_Words]] = []
            for w in scope:
                if runs and _JOINED.fullmatch(self.sentence[runs[-1][-1].end : w.start]):
                    runs[-1].append(w)
                else:
                    runs.append([w])
            for run in runs:
                if not any(id(w) in self.used for w in run):
                    self._none(neg, run, end)
        # 共收取信息处理费 300 元，其余申请均未收费: the none is about the rest
        stated = {c.target.cells for c in self.claims if c.stated is not None}
        self.claims = [
            c for c in self.claims if c.stated is not None or c.target.cells not in stated
        ]

    def _none(self, neg: _Words, run: list[_Words], end: int) -> None:
        last = run[-1]
        if _other_year(self.sentence[: neg.start], self.year):
            return
        target: Target | None = None
        unit: Kind = "count"
        if last.statement is not None:
            s = last.statement
            after = self.sentence[last.end : end][: s.gap + 2]
            named = _names_requests(after) if s.filler == "noun" else self._on_topic(s)
            if s.zero and named:
                target, unit = _own(s), s.unit
        elif last.refinement is not None and last.refinement.zero:
            heads = [w.statement for w in run[:-1] if w.statement]
            target = _refine(heads[-1] if heads else self._head(last.start), last.refinement)
        if target is not None:
            self._add((neg.start, last.end), target, unit, None)


def read_claims(report: Report) -> list[Claim]:
    """Every statement the narrative makes about the tables, in reading order."""
    out: list[Claim] = []
    for source in narrative_sources(report):
        for sentence, before in sentences(source.text):
            # what the sentence is about may be said just before it (…的行政复议。涉及的行政诉讼…)
            context = f"{source.heading} {before}"
            out.extend(_Reader(source.place, sentence, context, report.year).read())
    return out


# ---------------------------------------------------------------- comparing with the tables


def table_cells(report: Report) -> dict[str, tuple[str, object]]:
    """Cell path → (official label, value) for every cell R7 may compare."""
    cells = {path: (label, value) for path, label, value in all_cells(report)}
    fee = report.other_matters.processing_fee_yuan
    cells[PROCESSING_FEE] = (f"{L.section_heading(6)} × 信息处理费（元）", fee)
    return cells


def _resolve(patterns: Iterable[str], cells: dict[str, tuple[str, object]]) -> list[str]:
    """The cell paths the patterns name in this report (a format lacks some)."""
    out: list[str] = []
    for pattern in patterns:
        if "*" not in pattern:
            out += [pattern] if pattern in cells else []
        else:
            out += [p for p in cells if fnmatchcase(p, pattern)]
    return out


def _sum(paths: list[str], cells: dict[str, tuple[str, object]]) -> Decimal | None:
    """The sum of the cells, or None when there are none or one is blank."""
    values = [cells[p][1] for p in paths]
    if not values or any(is_blank(v) or not isinstance(v, int | Decimal) for v in values):
        return None
    return sum((Decimal(v) for v in values), Decimal(0))  # type: ignore[arg-type]


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def _quote(claim: Claim) -> str:
    """The clause(s) of the sentence that hold the statement, … where cut."""
    s, (a, b) = claim.sentence, claim.span
    start = max((m.end() for m in re.finditer(r"[，,；;。：:]", s[:a])), default=0)
    stop = re.search(r"[，,；;。]", s[b:])
    end = b + stop.start() if stop else len(s)
    text = s[start:end]
    return ("…" if start > 0 else "") + text + ("…" if end < len(s.rstrip("。！？!?")) else "")


_FIX = "请核对正文与表格，改正有误的一方"


def _compare(
    claim: Claim, cells: dict[str, tuple[str, object]], uncertain: set[str]
) -> Finding | None:
    target = claim.target
    paths = _resolve(target.cells, cells)
    value = _sum(paths, cells)
    if value is None:
        return None
    where = cells[paths[0]][0] if len(paths) == 1 and claim.unit != "percent" else target.where
    stated = claim.stated
    told = stated.text.strip() if stated else "没有"
    if claim.unit == "percent":
        base_paths = _resolve(target.share_of, cells)
        base = _sum(base_paths, cells)
        if base is None or base == 0 or stated is None:
            return None
        actual = value * 100 / base
        if stated.agrees(actual):
            return None
        shown = f"{_show(value)} ÷ {_show(base)} = {actual:.2f}%"
        paths = paths + [p for p in base_paths if p not in paths]
        expected: Decimal = actual.quantize(Decimal("0.01"))
    else:
        if target.cells == ("proactive.fees_10k_yuan",):
            expected = value * 10_000
            shown = f"{_show(value)} 万元"
        else:
            expected = value
            shown = f"{_show(value)} 元" if claim.unit == "yuan" else _show(value)
        agrees = expected == 0 if stated is None else stated.agrees(expected)
        if agrees:
            return None
    if uncertain.intersection(paths):
        shown += "（导入时不确定的单元格，见 R8）"
    return finding(
        "R7",
        where,
        f"{claim.place}：“{_quote(claim)}”称 {told}，表格为 {shown} — {_FIX}",
        cells=tuple(paths),
        value=stated.value if stated else 0,
        expected=expected,
        extra={
            "place": claim.place,
            "sentence": claim.sentence,
            "stated": claim.said,
            "statement": target.name,
        },
    )


def rule_r7(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every number the narrative states about the tables equals them (a warning).

    Each finding names the cell (official labels; ``cells``: the cell paths), quotes the
    sentence, and gives the stated number and the table's value.
    """
    cells = table_cells(report)
    uncertain = set(report.uncertain)
    out = []
    for claim in read_claims(report):
        f = _compare(claim, cells, uncertain)
        if f is not None:
            out.append(f)
    return out
