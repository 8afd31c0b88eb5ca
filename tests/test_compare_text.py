"""Folding punctuation and width variants, and the character diff of two paragraphs."""

from __future__ import annotations

import itertools
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.compare.text import char_diff, fold

# content characters and, for each punctuation mark or digit, the ways reports write it
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
VARIANTS: dict[str, tuple[str, ...]] = {
    "，": (",", "，", "﹐"),
    "；": (";", "；"),
    "：": (":", "："),
    "。": (".", "。", "｡"),
    "（": ("(", "（"),
    "）": (")", "）"),
    "〔": ("〔", "[", "【", "［"),
    "〕": ("〕", "]", "】", "］"),
    "“": ("“", '"', "＂"),
    "”": ("”", '"', "＂"),
    "％": ("%", "％"),
    "—": ("—", "-", "－", "–"),
    **{str(d): (str(d), chr(0xFF10 + d)) for d in range(10)},
}
SPACES = ("", " ", "\u3000")


def written(tokens: list[str], choices: list[int], spaces: list[int]) -> str:
    """``tokens`` written with the chosen variant of each mark and the chosen spacing."""
    out = []
    for token, choice, space in zip(tokens, choices, spaces, strict=True):
        forms = VARIANTS.get(token, (token,))
        out.append(forms[choice % len(forms)] + SPACES[space % len(SPACES)])
    return "".join(out).strip()


tokens = st.lists(st.sampled_from([*CJK[:60], *VARIANTS]), min_size=1, max_size=80)


@settings(max_examples=200, deadline=None)
@given(tokens, st.data())
def test_punctuation_width_and_spacing_variants_are_the_same_text(
    parts: list[str], data: st.DataObject
) -> None:
    n = len(parts)
    pick = st.lists(st.integers(0, 5), min_size=n, max_size=n)
    a = written(parts, data.draw(pick), data.draw(pick))
    b = written(parts, data.draw(pick), data.draw(pick))
    assert fold(a).folded == fold(b).folded
    diff = char_diff(fold(a), fold(b))
    assert [s.kind for s in diff.segments] in ([], ["equal"])
    assert diff.same == len(fold(b)) and diff.similarity == 1.0


def test_examples_of_variants_that_are_not_changes() -> None:
    pairs = [
        ("全年共收到申请１２件，办结１１件；", "全年共收到申请12件,办结11件;"),
        ("依据国办函〔2020〕109号。", "依据国办函[2020]109号."),
        ("主动公开政府信息 165 条", "主动公开政府信息165条"),
        ("“三安全一稳定”", '"三安全一稳定"'),
        ("（一）主动公开：", "(一)主动公开:"),
    ]
    for a, b in pairs:
        assert fold(a).folded == fold(b).folded, (a, b)


def test_content_changes_are_changes() -> None:
    for a, b in [("甲、乙", "甲，乙"), ("APP", "App"), ("12件", "13件"), ("收到", "收悉")]:
        assert fold(a).folded != fold(b).folded
        assert char_diff(fold(a), fold(b)).similarity < 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=120), st.text(min_size=0, max_size=120))
def test_the_diff_rebuilds_both_texts_as_written(old: str, new: str) -> None:
    """Equal and inserted runs are the new text as written; equal runs folded are the old's too."""
    a, b = fold(old), fold(new)
    diff = char_diff(a, b)
    assert "".join(s.text for s in diff.segments if s.kind != "delete") == new
    assert sum(s.size for s in diff.segments if s.kind != "insert") == len(a)
    assert sum(s.size for s in diff.segments if s.kind != "delete") == len(b)
    assert 0 <= diff.same <= min(len(a), len(b))
    assert 0.0 <= diff.similarity <= 1.0


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32), st.integers(20, 150), st.integers(0, 2**32))
def test_one_replaced_clause_is_marked_as_such(seed: int, length: int, where: int) -> None:
    """Replacing one run of at most a fifth of a paragraph leaves the rest unchanged."""
    rng = random.Random(seed)
    text = "".join(rng.choice(CJK) for _ in range(length))
    size = rng.randint(1, length // 5)
    start = where % (length - size + 1)
    replacement = "".join(CJK[(CJK.index(c) + 1) % len(CJK)] for c in text[start : start + size])
    edited = text[:start] + replacement + text[start + size :]
    diff = char_diff(fold(text), fold(edited))
    assert diff.same >= length - size - 2  # a coincidental match may move the cut by a character
    assert diff.similarity >= 0.75
    inserted = "".join(s.text for s in diff.segments if s.kind == "insert")
    assert replacement in inserted or len(inserted) <= size + 2


def test_numbers_change_whole() -> None:
    cases = {
        ("共25件", "共27件"): [
            ("equal", "共"),
            ("delete", "25"),
            ("insert", "27"),
            ("equal", "件"),
        ],
        ("2023年度，我局", "2024年，我局"): [
            ("delete", "2023年度"),
            ("insert", "2024年"),
            ("equal", "，我局"),
        ],
        ("收费392.5448万元", "收费332.8266万元"): [
            ("equal", "收费"),
            ("delete", "392.5448"),
            ("insert", "332.8266"),
            ("equal", "万元"),
        ],
        ("第1号", "第12号"): [("equal", "第"), ("delete", "1"), ("insert", "12"), ("equal", "号")],
        ("25件", "25余件"): [("equal", "25"), ("insert", "余"), ("equal", "件")],
        ("完成3。", "完成4。"): [
            ("equal", "完成"),
            ("delete", "3"),
            ("insert", "4"),
            ("equal", "。"),
        ],
    }
    for (old, new), expected in cases.items():
        got = [(s.kind, s.text) for s in char_diff(fold(old), fold(new)).segments]
        assert got == expected, (old, new, got)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 99999), min_size=1, max_size=6),
    st.lists(st.integers(0, 99999), min_size=1, max_size=6),
)
def test_a_changed_number_is_never_cut(olds: list[int], news: list[int]) -> None:
    """Whatever numbers change, no mark starts or ends inside a number, and each changed
    number stands whole in what is marked as new."""
    n = min(len(olds), len(news))
    old = "".join(f"第{i}项{v}件，" for i, v in enumerate(olds[:n]))
    new = "".join(f"第{i}项{v}件，" for i, v in enumerate(news[:n]))
    diff = char_diff(fold(old), fold(new))
    for hidden in ("delete", "insert"):
        shown = [s for s in diff.segments if s.kind != hidden]
        for x, y in itertools.pairwise(shown):
            if "equal" in (x.kind, y.kind) and x.kind != y.kind:
                assert not (x.text[-1:].isdigit() and y.text[:1].isdigit()), diff.segments
    inserted = [m for s in diff.segments if s.kind == "insert" for m in re.findall(r"\d+", s.text)]
    for a, b in zip(olds, news, strict=False):
        if a != b:
            assert str(b) in inserted, (a, b, diff.segments)


def test_the_same_texts_give_the_same_diff() -> None:
    rng = random.Random(7)
    a = "".join(rng.choice(CJK) for _ in range(900))
    b = "".join(rng.choice(CJK) if rng.random() < 0.3 else c for c in a)
    first = char_diff(fold(a), fold(b))
    assert all(char_diff(fold(a), fold(b)) == first for _ in range(3))
