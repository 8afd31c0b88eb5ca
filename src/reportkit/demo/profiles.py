"""What a demo agency is like: the ranges its numbers come from, and its text fragments.

The seven hand-written agencies live in ``agencies.yaml`` beside this module (its header comment
describes every field); :mod:`reportkit.demo.synth` builds more of the same shape.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml

Span = tuple[int, int]


@dataclass(frozen=True)
class Figures:
    """The ranges (inclusive) and weights one agency's seeded numbers are drawn from."""

    new: Span
    applicants: tuple[float, float, float, float, float, float]
    outcomes: dict[str, float]
    carry_rate: float
    carried_before: int
    review: Span
    litigation_direct: Span
    litigation_after_review: Span
    licensing: Span
    penalty: Span
    enforcement: Span
    fees: Span
    normative_before: int
    normative_issued: Span
    normative_repealed: Span
    web: Span
    wechat: Span
    interpretations: Span
    proposals: Span | None


@dataclass(frozen=True)
class Texts:
    """Text fragments. ``{y}`` is the report year; ``{web}``, ``{licensing}`` … that year's numbers.

    Pairs alternate by year, triples (``focus``, ``highlights``) follow a three-year cycle, and
    ``problems[k]`` goes with ``improvements[k]``.
    """

    intro: tuple[str, str]
    proactive: str
    focus: tuple[str, str, str]
    topics: str
    practice: tuple[str, str]
    management: tuple[str, str]
    platform: tuple[str, str]
    highlights: tuple[str, str, str]
    supervision: tuple[str, str]
    problems: tuple[str, str, str, str]
    improvements: tuple[str, str, str, str]
    tally: str = ""
    """Who 全年办结… when that tally is a paragraph of its own (empty: no subject)."""


@dataclass(frozen=True)
class ProcessingFee:
    """A year in which the agency collected 信息处理费 (国办函〔2020〕109号); section 六 says so."""

    year: int
    yuan: Decimal
    text: str


@dataclass(frozen=True)
class Agency:
    """One fictional agency of 青禾区.

    ``me`` is how it names itself in its report (我局), ``short`` how others name it (区教育局);
    ``government`` is true for a 镇/街道 (its report is dated by 3月31日, a department's by 1月31日).
    """

    id: str
    name: str
    me: str
    short: str
    government: bool
    figures: Figures
    texts: Texts
    processing_fee: ProcessingFee | None = None


def read_data(name: str) -> Any:
    """A YAML data file shipped inside this package, parsed with ``yaml.safe_load``."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def span(value: Any) -> Span:
    """``[low, high]`` → ``(low, high)``, checked."""
    low, high = value
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
        raise ValueError(f"not a range [low, high] of counts: {value!r}")
    return low, high


def _floats(value: Any, n: int) -> tuple[float, ...]:
    if len(value) != n or not all(isinstance(v, int | float) for v in value):
        raise ValueError(f"expected {n} numbers: {value!r}")
    return tuple(value)


def figures_from(data: Mapping[str, Any]) -> Figures:
    """:class:`Figures` from one ``figures:`` mapping of a data file."""
    applicants = _floats(data["applicants"], 6)
    return Figures(
        new=span(data["new"]),
        applicants=(
            applicants[0],
            applicants[1],
            applicants[2],
            applicants[3],
            applicants[4],
            applicants[5],
        ),
        outcomes=dict(data["outcomes"]),
        carry_rate=data["carry_rate"],
        carried_before=data["carried_before"],
        review=span(data["review"]),
        litigation_direct=span(data["litigation_direct"]),
        litigation_after_review=span(data["litigation_after_review"]),
        licensing=span(data["licensing"]),
        penalty=span(data["penalty"]),
        enforcement=span(data["enforcement"]),
        fees=span(data["fees"]),
        normative_before=data["normative_before"],
        normative_issued=span(data["normative_issued"]),
        normative_repealed=span(data["normative_repealed"]),
        web=span(data["web"]),
        wechat=span(data["wechat"]),
        interpretations=span(data["interpretations"]),
        proposals=None if data["proposals"] is None else span(data["proposals"]),
    )


def _strings(value: Any, n: int) -> tuple[str, ...]:
    if len(value) != n or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"expected {n} texts: {value!r}")
    return tuple(value)


def texts_from(data: Mapping[str, Any]) -> Texts:
    """:class:`Texts` from one ``texts:`` mapping of a data file."""
    intro = _strings(data["intro"], 2)
    focus = _strings(data["focus"], 3)
    practice = _strings(data["practice"], 2)
    management = _strings(data["management"], 2)
    platform = _strings(data["platform"], 2)
    highlights = _strings(data["highlights"], 3)
    supervision = _strings(data["supervision"], 2)
    problems = _strings(data["problems"], 4)
    improvements = _strings(data["improvements"], 4)
    return Texts(
        intro=(intro[0], intro[1]),
        proactive=str(data["proactive"]),
        focus=(focus[0], focus[1], focus[2]),
        topics=str(data["topics"]),
        practice=(practice[0], practice[1]),
        management=(management[0], management[1]),
        platform=(platform[0], platform[1]),
        highlights=(highlights[0], highlights[1], highlights[2]),
        supervision=(supervision[0], supervision[1]),
        problems=(problems[0], problems[1], problems[2], problems[3]),
        improvements=(improvements[0], improvements[1], improvements[2], improvements[3]),
        tally=str(data.get("tally", "")),
    )


@functools.cache
def handwritten() -> tuple[Agency, ...]:
    """The seven hand-written agencies of ``agencies.yaml``, in district order."""
    agencies = []
    for item in read_data("agencies.yaml")["agencies"]:
        fee = item.get("processing_fee")
        agencies.append(
            Agency(
                id=item["id"],
                name=item["name"],
                me=item["me"],
                short=item["short"],
                government=bool(item["government"]),
                figures=figures_from(item["figures"]),
                texts=texts_from(item["texts"]),
                processing_fee=None
                if fee is None
                else ProcessingFee(int(fee["year"]), Decimal(fee["yuan"]), str(fee["text"])),
            )
        )
    return tuple(agencies)
