"""Paragraph alignment: random narratives with paragraphs inserted, deleted, reordered, edited."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.compare import compare_reports
from reportkit.compare.align import compare_narratives, narrative
from reportkit.model import Report
from reportkit.model.params import parse_report
from tests.docsamples import seed_data

ALPHABET = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
# where a paragraph can stand: section 一's intro and two of its items, section 五's intro and
# first subsection, section 六
SLOTS = ("intro", "item1", "item3", "problems", "sub1", "other")


def paragraph(seed: int, length: int) -> str:
    """A random paragraph: unrelated to any other drawn with another seed."""
    rng = random.Random(seed)
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def shifted(text: str) -> str:
    """Every character replaced by another one."""
    return "".join(ALPHABET[(ALPHABET.index(c) + 7) % len(ALPHABET)] for c in text)


def edited(text: str, how: str, where: int, size: int) -> str:
    """``text`` with one run of at most a fifth of it replaced, inserted or deleted."""
    size = max(1, min(size, len(text) // 5))
    start = where % (len(text) - size + 1)
    run = text[start : start + size]
    if how == "replace":
        return text[:start] + shifted(run) + text[start + size :]
    if how == "insert":
        return text[:start] + shifted(run)[::-1] + text[start:]
    return text[:start] + text[start + size :]


def report_with(slots: Sequence[tuple[str, str]], data: dict[str, Any] | None = None) -> Report:
    """The seed report with its narrative replaced by ``(slot, paragraph)`` in order."""
    data = data or seed_data()
    by_slot: dict[str, list[str]] = {s: [] for s in SLOTS}
    for slot, text in slots:
        by_slot[slot].append(text)

    def joined(slot: str) -> str:
        return "\n".join(by_slot[slot])

    data["overview"]["intro"] = joined("intro")
    for n, item in enumerate(data["overview"]["items"], 1):
        item["text"] = joined(f"item{n}") if f"item{n}" in by_slot else ""
    data["problems"]["intro"] = joined("problems")
    for n, sub in enumerate(data["problems"]["subsections"], 1):
        sub["text"] = joined(f"sub{n}") if f"sub{n}" in by_slot else ""
    data["other_matters"] = {"text": joined("other")}
    return parse_report(data)


@dataclass
class Scenario:
    old: list[tuple[str, str]]
    new: list[tuple[str, str]]
    expected: Counter[str]
    old_of: dict[str, str]  # new text → the old text it came from (kept or edited)
    moved: int


def longest_increasing(values: Sequence[int]) -> int:
    """The length of a longest increasing subsequence (quadratic, independent of the code)."""
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_old = draw(st.integers(0, 9))
    n_added = draw(st.integers(0, 5))
    seeds = draw(st.lists(st.integers(0, 2**31), min_size=n_old + n_added, unique=True,
                          max_size=n_old + n_added))  # fmt: skip
    lengths = draw(st.lists(st.integers(20, 90), min_size=len(seeds), max_size=len(seeds)))
    texts = [paragraph(s, n) for s, n in zip(seeds, lengths, strict=True)]
    old = [(draw(st.sampled_from(SLOTS)), t) for t in texts[:n_old]]
    expected: Counter[str] = Counter()
    survivors: list[tuple[int, str]] = []  # (old index, new text)
    old_of: dict[str, str] = {}
    for i, (_, text) in enumerate(old):
        fate = draw(st.sampled_from(("keep", "delete", "edit")))
        if fate == "delete":
            expected["removed"] += 1
            continue
        if fate == "edit":
            how = draw(st.sampled_from(("replace", "insert", "delete")))
            new_text = edited(text, how, draw(st.integers(0, 1000)), draw(st.integers(1, 20)))
            expected["changed"] += 1
        else:
            new_text = text
            expected["unchanged"] += 1
        survivors.append((i, new_text))
        old_of[new_text] = text
    added = texts[n_old:]
    expected["added"] = len(added)
    mixed: list[tuple[int | None, str]] = [*survivors, *((None, t) for t in added)]
    order = draw(st.permutations(range(len(mixed))))
    shuffled = [mixed[k] for k in order]
    new = [(draw(st.sampled_from(SLOTS)), text) for _, text in shuffled]
    # the reading order of the report: slots in order, paragraphs in order within a slot
    reading = sorted(range(len(new)), key=lambda k: SLOTS.index(new[k][0]))
    kept_order = [shuffled[k][0] for k in reading if shuffled[k][0] is not None]
    old_reading = sorted(range(len(old)), key=lambda i: SLOTS.index(old[i][0]))
    rank = {i: r for r, i in enumerate(old_reading)}
    ranks = [rank[i] for i in kept_order if i is not None]
    moved = len(ranks) - longest_increasing(ranks)
    return Scenario(old, new, expected, old_of, moved)


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_alignment_counts_inserted_deleted_reordered_edited(case: Scenario) -> None:
    old, new = report_with(case.old), report_with(case.new)
    alignment = compare_narratives(old, new)
    counts = alignment.counts
    assert {k: counts[k] for k in ("added", "removed", "changed", "unchanged")} == {
        k: case.expected[k] for k in ("added", "removed", "changed", "unchanged")
    }
    assert alignment.moved == case.moved
    slot_of_old = {text: slot for slot, text in case.old}
    slot_of_new = {text: slot for slot, text in case.new}
    for match in alignment.matches:
        if match.new is not None and match.old is not None:
            assert case.old_of[match.new.text.text] == match.old.text.text
            same_place = slot_of_old[match.old.text.text] == slot_of_new[match.new.text.text]
            assert (match.origin is None) == same_place
    # every paragraph of both reports is shown exactly once
    shown_new = [m.new.text.text for m in alignment.matches if m.new is not None]
    shown_old = [m.old.text.text for m in alignment.matches if m.old is not None]
    assert sorted(shown_new) == sorted(t for _, t in case.new)
    assert sorted(shown_old) == sorted(t for _, t in case.old)
    share = alignment.unchanged_share
    total = sum(len(t) for _, t in case.new)
    if total == 0:
        assert share is None
    else:
        unchanged = sum(len(t) for _, t in case.new if case.old_of.get(t) == t)
        changed = sum(len(t) for _, t in case.new if t in case.old_of and case.old_of[t] != t)
        assert share is not None
        assert unchanged / total <= share <= (unchanged + changed) / total
        # 100 % needs every new character in the old text (a paragraph only cut short counts)
        inserts = any(s.kind == "insert" for m in alignment.matches for s in m.diff.segments)
        assert (share == 1.0) == (not inserts)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_a_report_compared_with_itself_is_all_unchanged(case: Scenario) -> None:
    report = report_with(case.new)
    comparison = compare_reports(report, report)
    assert comparison.cells == ()
    counts = comparison.narrative.counts
    assert counts["unchanged"] == len(case.new)
    assert counts["added"] == counts["removed"] == counts["changed"] == 0
    assert comparison.narrative.moved == 0
    assert all(f.change in (0, None) for f in comparison.figures)
    if case.new:
        assert comparison.unchanged_share == 1.0 and comparison.largely_copied
    else:
        assert comparison.unchanged_share is None and not comparison.largely_copied


def test_the_seed_compared_with_itself() -> None:
    report = parse_report(seed_data())
    comparison = compare_reports(report, report)
    assert comparison.cells == () and comparison.unchanged_share == 1.0
    assert comparison.as_json()["paragraphs"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": len(narrative(report).paragraphs),
    }


def test_share_by_hand() -> None:
    """9 characters unchanged (a comma written otherwise), a paragraph of 6 that keeps 4, a new
    one of 3: (9 + 4) / (9 + 6 + 3)."""
    old = report_with([("intro", "甲乙丙丁,戊己庚辛"), ("other", "子丑寅卯")])
    new = report_with(
        [("intro", "甲乙丙丁，戊己庚辛"), ("other", "子丑寅卯辰巳"), ("other", "天地人")]
    )
    alignment = compare_narratives(old, new)
    assert dict(alignment.counts) == {"added": 1, "removed": 0, "changed": 1, "unchanged": 1}
    assert alignment.new.chars == 18
    assert alignment.same_chars == 9 + 4
    assert alignment.unchanged_share == 13 / 18
    changed = next(m for m in alignment.matches if m.status == "changed")
    assert [(s.kind, s.text) for s in changed.diff.segments] == [
        ("equal", "子丑寅卯"),
        ("insert", "辰巳"),
    ]


def test_a_paragraph_moved_to_another_section_is_found_and_placed() -> None:
    a, b, c = paragraph(1, 40), paragraph(2, 40), paragraph(3, 40)
    old = report_with([("intro", a), ("item1", b), ("other", c)])
    new = report_with([("intro", a), ("problems", b)])
    rows = compare_narratives(old, new).matches
    assert [(m.status, m.place[0]) for m in rows] == [
        ("unchanged", 1),
        ("unchanged", 5),
        ("removed", 6),
    ]
    assert rows[1].origin == "一、总体情况 （一）主动公开"
    assert rows[1].moved is False and rows[2].origin is None


def test_removed_paragraphs_stand_where_they_stood() -> None:
    """After the paragraph that preceded them, or first under their heading."""
    p = [paragraph(10 + k, 30) for k in range(6)]
    old = report_with([("item1", p[0]), ("item1", p[1]), ("item1", p[2]), ("item3", p[3])])
    new = report_with([("item1", p[0]), ("item1", p[2]), ("item3", p[4])])
    rows = [
        (m.status, m.place, (m.old or m.new).text.text)
        for m in compare_narratives(old, new).matches
    ]  # type: ignore[union-attr]
    assert rows == [
        ("unchanged", (1, 1), p[0]),
        ("removed", (1, 1), p[1]),
        ("unchanged", (1, 1), p[2]),
        ("removed", (1, 3), p[3]),
        ("added", (1, 3), p[4]),
    ]


def test_duplicates_pair_in_order() -> None:
    a, b = paragraph(5, 30), paragraph(6, 30)
    old = report_with([("intro", a), ("intro", b), ("intro", a)])
    new = report_with([("intro", a), ("intro", a)])
    alignment = compare_narratives(old, new)
    assert dict(alignment.counts) == {"added": 0, "removed": 1, "changed": 0, "unchanged": 2}
    assert alignment.moved == 0
    assert [m.old.number for m in alignment.matches if m.old] == [0, 1, 2]


PUNCTUATION = {"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "。": "."}
DIGITS = {chr(0xFF10 + d): str(d) for d in range(10)}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*ALPHABET[:50], *PUNCTUATION, *DIGITS]), min_size=5,
                 max_size=60).map("".join),
        min_size=1,
        max_size=8,
        unique=True,
    ),
    st.data(),
)  # fmt: skip
def test_punctuation_and_width_variants_are_not_changes(
    texts: list[str], data: st.DataObject
) -> None:
    swap = {**PUNCTUATION, **DIGITS}
    slots = [data.draw(st.sampled_from(SLOTS)) for _ in texts]
    variant = ["".join(swap.get(c, c) if data.draw(st.booleans()) else c for c in t) for t in texts]
    old = report_with(list(zip(slots, texts, strict=True)))
    new = report_with(list(zip(slots, variant, strict=True)))
    alignment = compare_narratives(old, new)
    assert alignment.counts["unchanged"] == len(texts)
    assert alignment.unchanged_share == 1.0
    flagged = {m.new.text.text for m in alignment.matches if m.new and m.variant_only}
    assert flagged == {v for t, v in zip(texts, variant, strict=True) if v != t}
