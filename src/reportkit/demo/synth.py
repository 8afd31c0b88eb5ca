"""More agencies of 青禾区 than the seven hand-written ones, synthesized from ``kinds.yaml``.

After the hand-written seven come the district's other departments (发展和改革局, 财政局, …, in
the order of ``kinds.yaml``), then 街道办事处 and 镇人民政府 with generated place names. An
agency's ranges and fragments depend only on the seed and its kind (and, for a 街道/镇, its
place in the sequence), never on how many agencies are asked for: the first N of a larger
district are the same N agencies with the same files.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .profiles import Agency, Figures, Span, figures_from, read_data, texts_from
from .tables import seeded

#: The most agencies a district can have (7 hand-written, 21 departments, up to 472 街道/镇).
MAX_AGENCIES = 500

_SCALED = ("new", "licensing", "penalty", "enforcement", "web", "wechat")


@dataclass(frozen=True)
class Kind:
    """An agency as ``kinds.yaml`` describes it, before the seed picks its numbers and words."""

    id: str
    government: bool
    words: Mapping[str, str]
    items: tuple[str, ...]
    specials: tuple[str, ...]
    figures: Mapping[str, Any]


class _Keep(dict[str, str]):
    """Format values that leave unknown ``{placeholders}`` (the report-time ones) in place."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, words: Mapping[str, str]) -> str:
    """``template`` with the placeholders ``words`` has filled in, the others kept."""
    return template.format_map(_Keep(words))


@functools.cache
def catalog() -> dict[str, Any]:
    """``kinds.yaml``, parsed."""
    data: dict[str, Any] = read_data("kinds.yaml")
    return data


_WORDS = ("name", "short", "me", "column", "account", "field", "duties", "topics")


def _kind(entry: Mapping[str, Any], agency_id: str, government: bool, place: str = "") -> Kind:
    data = catalog()
    figures = {**data["profiles"][entry["profile"]], **entry.get("figures", {})}
    words = {key: fill(entry[key], {"place": place}) for key in _WORDS}
    words["venue"] = entry.get("venue") or data["templates"]["venue"]
    words["licensing_what"] = entry.get("licensing_what") or ""
    return Kind(
        id=agency_id,
        government=government,
        words=words,
        items=tuple(entry["items"]),
        specials=tuple(entry["specials"]),
        figures=figures,
    )


def _place_of(name: str) -> str | None:
    """柳溪 for 青禾区柳溪镇人民政府 (a 街道 or 镇 of the district), else None."""
    match = re.fullmatch(r"青禾区(\w+?)(?:街道办事处|镇人民政府)", name)
    return match.group(1) if match else None


def _units(seed: int | None, taken: Sequence[Agency]) -> Iterator[Kind]:
    """街道 and 镇 with place names drawn in sequence from the seed, each place once."""
    data = catalog()
    places = data["places"]
    used = {place for a in taken if (place := _place_of(a.name))}
    pairs = itertools.product(places["first"], places["second"])
    free = sum(f + s not in used for (f, _), (s, _) in pairs)
    rng = seeded(seed, "places")
    while free:
        street = rng.random() < places["street_share"]
        first, first_py = rng.choice(places["first"])
        second, second_py = rng.choice(places["second"])
        if first + second in used:
            continue
        used.add(first + second)
        free -= 1
        kind = "street" if street else "town"
        agency_id = f"qinghe-{first_py}{second_py}-{kind}"
        yield _kind(data["units"][kind], agency_id, True, first + second)


def kinds(count: int, seed: int | None, taken: Sequence[Agency] = ()) -> list[Kind]:
    """The first ``count`` synthesized kinds: departments first, then 街道/镇 (not in ``taken``)."""
    out = [
        _kind(entry, f"qinghe-{entry['slug']}", False) for entry in catalog()["departments"][:count]
    ]
    out.extend(itertools.islice(_units(seed, taken), count - len(out)))
    if len(out) < count or len({k.id for k in out} | {a.id for a in taken}) < count + len(taken):
        raise ValueError(f"kinds.yaml cannot make {count} distinct agencies")
    return out


def _scale(value: Span, factor: float) -> list[int]:
    low, high = value
    scaled_low = max(1 if low else 0, round(low * factor))
    return [scaled_low, max(scaled_low, round(high * factor))]


def _figures(kind: Kind, rng: random.Random) -> Figures:
    """The kind's figures, counts scaled by one factor and weights varied, from ``rng``."""
    data = dict(kind.figures)
    factor = rng.uniform(0.75, 1.35)
    for key in _SCALED:
        data[key] = _scale(data[key], factor)
    data["applicants"] = [w * rng.uniform(0.8, 1.25) for w in data["applicants"]]
    data["outcomes"] = {k: w * rng.uniform(0.6, 1.4) for k, w in data["outcomes"].items()}
    return figures_from(data)


def _proactive(kind: Kind, rng: random.Random, figures: Figures) -> str:
    """Section 一（一）'s first sentences: what was published, and the decisions taken."""
    t = catalog()["templates"]
    parts = []
    if figures.licensing[1]:
        licensing = t["licensing"]
        if kind.words["licensing_what"]:
            licensing += "，" + t["licensing_what"]
        parts.append(licensing)
    others = [t[key] for key in ("penalty", "enforcement") if getattr(figures, key)[1]]
    if others:
        parts.append("、".join(others))
    decisions = "；".join(parts) + "，" + t["decisions_end"] if parts else t["no_decisions"]
    return fill(rng.choice(t["proactive"]) + decisions, kind.words)


def _focus(kind: Kind, rng: random.Random) -> tuple[str, str, str]:
    """Three 重点公开了… sentences, one a year, each naming three of the kind's items."""
    t = catalog()["templates"]
    items = rng.sample(kind.items, len(kind.items))
    tails = rng.sample(t["tails"], 3)
    out = []
    for year in range(3):
        words = {f"i{k + 1}": items[(3 * year + k) % len(items)] for k in range(3)}
        out.append(fill(rng.choice(t["focus"]), {**words, "tail": tails[year]}))
    return out[0], out[1], out[2]


def _agency(kind: Kind, seed: int | None) -> Agency:
    rng = seeded(seed, kind.id, "profile")
    figures = _figures(kind, rng)
    t = catalog()["templates"]
    words = kind.words

    def pick(key: str, n: int) -> list[str]:
        return [fill(text, words) for text in rng.sample(t[key], n)]

    specials = rng.sample(kind.specials, 3)
    highlights = [
        fill(template, {**words, "special": special})
        for template, special in zip(rng.sample(t["highlights"], 3), specials, strict=True)
    ]
    pairs = rng.sample(t["problems"], 4)
    texts = {
        "intro": pick("intro", 2),
        "proactive": _proactive(kind, rng, figures),
        "focus": list(_focus(kind, rng)),
        "topics": f"申请内容主要涉及{words['topics']}等方面，{rng.choice(t['topics'])}",
        "practice": pick("practice", 2),
        "management": pick("management", 2),
        "platform": pick("platform", 2),
        "highlights": highlights,
        "supervision": pick("supervision", 2),
        "problems": [fill(problem, words) for problem, _ in pairs],
        "improvements": [fill(fix, words) for _, fix in pairs],
        "tally": words["short"],
    }
    return Agency(
        id=kind.id,
        name=words["name"],
        me=words["me"],
        short=words["short"],
        government=kind.government,
        figures=figures,
        texts=texts_from(texts),
    )


def synthesized(count: int, seed: int | None, taken: Sequence[Agency] = ()) -> tuple[Agency, ...]:
    """``count`` fictional agencies of 青禾区 that follow ``taken`` (ids and names unique)."""
    return tuple(_agency(kind, seed) for kind in kinds(count, seed, taken))
