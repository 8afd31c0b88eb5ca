"""The narrative of two reports, paragraph by paragraph: unchanged, changed, added, removed.

The narrative is what sections 一, 五 and 六 print as paragraphs (:func:`narrative`): section
一's introduction and the paragraphs of its numbered items, section 五's introduction and
subsections, section 六's text (or the 信息处理费 sentence printed when it has none). Headings
are structure, not narrative: they are shown but not counted.

Paragraphs are aligned over the whole narrative (:func:`align`), so a paragraph moved to another
item or section is still found:

1. paragraphs whose folded text (:func:`reportkit.compare.text.fold`) is the same are paired
   first — *unchanged*, also when only punctuation or character widths differ;
2. the rest are paired greedily, most similar first, when at least :data:`SIMILAR` of their
   characters stand unchanged (:attr:`~reportkit.compare.text.CharDiff.similarity`, on the
   cleaned-up character diff) — *changed*;
3. what is left is *added* (new) or *removed* (old).

Ties go to the paragraph in the same section, then under the same heading, then the nearest
in reading order, so duplicates pair in order. A pair out of the reading order of the others (not
on the longest run of pairs in order) is *moved*.

The **unchanged share** (:attr:`Alignment.unchanged_share`) is the share of the new narrative's
characters (folded: whitespace not counted, punctuation and width variants as one) that stand
unchanged in the old one: all of an unchanged paragraph, the unchanged runs of a changed one,
nothing of an added one.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..model import Report, paragraphs
from ..model import labels as L
from ..render.narrative import other_paragraphs
from .text import CharDiff, Folded, Segment, char_diff, fold

Status = Literal["unchanged", "changed", "added", "removed"]
STATUSES: tuple[Status, ...] = ("added", "removed", "changed", "unchanged")
NARRATIVE_SECTIONS = (1, 5, 6)
SIMILAR = 0.5
"""Two paragraphs are one *changed* paragraph when at least half of their characters stand
unchanged (2·same / (old + new) ≥ 0.5, the measure of difflib's ratio); below that the old one is
removed and the new one added. Over the paragraphs under the same heading of the demo district's
consecutive years and the real 平潭 2023/2024 reports, similarities fall either below 0.45
(rewritten or different paragraphs) or from 0.55 (edited ones): 2 of 149 pairs lie in between
(``benchmarks/bench_compare.py``)."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: where it stands (``section`` 1, 5 or 6; ``block`` 0 for the section's own
    paragraphs, n for its n-th item or subsection), its place in the whole narrative
    (``number``, from 0) and its text."""

    section: int
    block: int
    number: int
    text: Folded


@dataclass(frozen=True)
class Narrative:
    """The paragraphs of a report's narrative in reading order, and the headings of its blocks
    (``(section, block)`` → heading as printed, ``""`` for block 0), in order."""

    paragraphs: tuple[Paragraph, ...]
    headings: Mapping[tuple[int, int], str]

    @property
    def chars(self) -> int:
        """Folded characters of the whole narrative."""
        return sum(len(p.text) for p in self.paragraphs)

    def location(self, section: int, block: int) -> str:
        """``一、总体情况 （二）依申请公开`` — a section and the heading of one of its blocks."""
        heading = self.headings.get((section, block), "")
        name = L.section_heading(section)
        return f"{name} {heading}" if heading else name

    def where(self, paragraph: Paragraph) -> str:
        """The :meth:`location` a paragraph stands under."""
        return self.location(paragraph.section, paragraph.block)


def narrative(report: Report) -> Narrative:
    """The narrative paragraphs of ``report`` (sections 一, 五, 六), folded for comparison."""
    found: list[Paragraph] = []
    headings: dict[tuple[int, int], str] = {}

    def add(section: int, block: int, heading: str, lines: Sequence[str]) -> None:
        headings[(section, block)] = heading
        for line in lines:
            found.append(Paragraph(section, block, len(found), fold(line)))

    add(1, 0, "", paragraphs(report.overview.intro))
    for n, item in enumerate(report.overview.items, 1):
        add(1, n, L.item_number(n) + item.heading.strip(), paragraphs(item.text))
    add(5, 0, "", paragraphs(report.problems.intro))
    for n, sub in enumerate(report.problems.subsections, 1):
        add(5, n, sub.heading.strip(), paragraphs(sub.text))
    add(6, 0, "", other_paragraphs(report))
    return Narrative(tuple(found), headings)


@dataclass(frozen=True)
class Match:
    """One row of the comparison: a new paragraph with the old one it came from, or a removed
    old paragraph. ``place`` is the ``(section, block)`` of the new report it is shown under.

    ``moved``: out of the reading order of the other pairs; ``origin``: where the old paragraph
    stood (``一、总体情况 （三）政府信息管理``) when that is another section or heading.
    """

    status: Status
    old: Paragraph | None
    new: Paragraph | None
    diff: CharDiff
    place: tuple[int, int]
    moved: bool = False
    origin: str | None = None

    @property
    def same(self) -> int:
        """Folded characters of the new paragraph that stand unchanged in the old one."""
        return self.diff.same if self.new is not None else 0

    @property
    def variant_only(self) -> bool:
        """Unchanged, but written with other punctuation, widths or spacing."""
        return (
            self.status == "unchanged"
            and self.old is not None
            and self.new is not None
            and self.old.text.text != self.new.text.text
        )


@dataclass(frozen=True)
class Alignment:
    """Every new paragraph and every removed old one, in the order they are shown: section by
    section of the new report, a removed paragraph after the one that preceded it last year."""

    old: Narrative
    new: Narrative
    matches: tuple[Match, ...]
    counts: Mapping[Status, int] = field(init=False)

    def __post_init__(self) -> None:
        found = Counter(m.status for m in self.matches)
        object.__setattr__(self, "counts", {s: found.get(s, 0) for s in STATUSES})

    @property
    def moved(self) -> int:
        """Paired paragraphs (unchanged or changed) shown out of last year's order."""
        return sum(m.moved for m in self.matches)

    @property
    def same_chars(self) -> int:
        """Folded characters of the new narrative that stand unchanged in the old one."""
        return sum(m.same for m in self.matches)

    @property
    def unchanged_share(self) -> float | None:
        """``same_chars / new narrative chars``, 0.0–1.0; None when the new report has no
        narrative at all."""
        total = self.new.chars
        return None if total == 0 else self.same_chars / total


def _whole(kind: Literal["insert", "delete", "equal"], text: Folded) -> CharDiff:
    segment = Segment(kind, text.text, len(text))
    old = 0 if kind == "insert" else len(text)
    new = 0 if kind == "delete" else len(text)
    return CharDiff((segment,), old, new)


def _bound(a: Counter[str], b: Counter[str], size: int) -> float:
    """An upper bound of the similarity: characters in common, in any order."""
    return 1.0 if size == 0 else 2 * sum((a & b).values()) / size


def _tie(old: Paragraph, new: Paragraph) -> tuple[bool, bool, int]:
    return (old.section != new.section, old.block != new.block, abs(old.number - new.number))


def _pairs(old: Narrative, new: Narrative) -> dict[int, tuple[int, CharDiff | None]]:
    """new paragraph number → (old paragraph number, its diff; None when unchanged)."""
    pairs: dict[int, tuple[int, CharDiff | None]] = {}
    taken: set[int] = set()
    same_text: dict[str, list[Paragraph]] = defaultdict(list)
    for p in old.paragraphs:
        same_text[p.text.folded].append(p)
    for q in new.paragraphs:
        free = [p for p in same_text.get(q.text.folded, ()) if p.number not in taken]
        if free:
            p = min(free, key=lambda p: _tie(p, q))
            pairs[q.number] = (p.number, None)
            taken.add(p.number)
    olds = [p for p in old.paragraphs if p.number not in taken]
    news = [q for q in new.paragraphs if q.number not in pairs]
    chars = {id(p): Counter(p.text.folded) for p in (*olds, *news)}
    candidates = []
    for q in news:
        for p in olds:
            size = len(p.text) + len(q.text)
            if _bound(chars[id(p)], chars[id(q)], size) < SIMILAR:
                continue
            diff = char_diff(p.text, q.text)
            if diff.similarity >= SIMILAR:
                candidates.append((-diff.similarity, _tie(p, q), q.number, p.number, diff))
    candidates.sort(key=lambda c: c[:4])
    for _, _, new_number, old_number, diff in candidates:
        if new_number not in pairs and old_number not in taken:
            pairs[new_number] = (old_number, diff)
            taken.add(old_number)
    return pairs


def _in_order(sequence: Sequence[int]) -> set[int]:
    """Positions of one longest increasing run (not necessarily contiguous) of ``sequence``."""
    tails: list[int] = []
    tail_at: list[int] = []
    before = [-1] * len(sequence)
    for k, value in enumerate(sequence):
        pos = bisect.bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_at.append(k)
        else:
            tails[pos] = value
            tail_at[pos] = k
        before[k] = tail_at[pos - 1] if pos else -1
    out: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.add(k)
        k = before[k]
    return out


def align(old: Narrative, new: Narrative) -> Alignment:
    """Align two narratives (see the module docstring)."""
    pairs = _pairs(old, new)
    olds = old.paragraphs
    order = sorted(pairs)
    steady = {order[k] for k in _in_order([pairs[n][0] for n in order])}
    rows: dict[int, Match] = {}
    for q in new.paragraphs:
        if q.number not in pairs:
            rows[q.number] = Match("added", None, q, _whole("insert", q.text), (q.section, q.block))
            continue
        old_number, diff = pairs[q.number]
        p = olds[old_number]
        origin = old.where(p)
        rows[q.number] = Match(
            "unchanged" if diff is None else "changed",
            p,
            q,
            _whole("equal", q.text) if diff is None else diff,
            (q.section, q.block),
            moved=q.number not in steady,
            origin=origin if origin != new.where(q) else None,
        )
    after, first = _removed_places(old, new, pairs)
    shown: list[Match] = []
    for block in new.headings:
        shown.extend(first[block])
        for q in new.paragraphs:
            if (q.section, q.block) == block:
                shown.append(rows[q.number])
                shown.extend(after[q.number])
    return Alignment(old, new, tuple(shown))


def _removed_places(
    old: Narrative, new: Narrative, pairs: Mapping[int, tuple[int, CharDiff | None]]
) -> tuple[dict[int, list[Match]], dict[tuple[int, int], list[Match]]]:
    """Where each removed paragraph is shown: after the new place of the paragraph that preceded
    it under the same heading (paired within the section); else first under the same heading in
    the new report; else after the nearest earlier paired paragraph of its section; else first in
    its section. Returns (new paragraph number → rows after it, block → rows first in it)."""
    new_of_old = {o: n for n, (o, _) in pairs.items()}
    blocks = {(s, heading): (s, b) for (s, b), heading in new.headings.items()}
    olds, news = old.paragraphs, new.paragraphs
    after: dict[int, list[Match]] = defaultdict(list)
    first: dict[tuple[int, int], list[Match]] = defaultdict(list)

    def anchor(p: Paragraph, same_block: bool) -> Paragraph | None:
        for k in range(p.number - 1, -1, -1):
            earlier = olds[k]
            if earlier.section != p.section or (same_block and earlier.block != p.block):
                return None
            n = new_of_old.get(k)
            if n is not None and news[n].section == p.section:
                return news[n]
        return None

    for p in olds:
        if p.number in new_of_old:
            continue
        heading = old.headings.get((p.section, p.block), "")
        near = anchor(p, same_block=True)
        block = None if near is not None else blocks.get((p.section, heading))
        if near is None and block is None:
            near = anchor(p, same_block=False)
        place = (near.section, near.block) if near is not None else block or (p.section, 0)
        origin = old.where(p)
        row = Match(
            "removed",
            p,
            None,
            _whole("delete", p.text),
            place,
            origin=origin if origin != new.location(*place) else None,
        )
        (after[near.number] if near is not None else first[place]).append(row)
    return after, first


def compare_narratives(old: Report, new: Report) -> Alignment:
    """Align the narratives of two reports."""
    return align(narrative(old), narrative(new))
