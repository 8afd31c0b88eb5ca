"""The seeded tables 二, 三 and 四 of every demo agency-year, consistent within and across years.

Each agency has one history. It starts in :data:`FIRST_YEAR` from the agency's
``carried_before`` requests and ``normative_before`` documents and runs forward year by year, so
table 三 satisfies R1–R3 every year, next year's 二、上年结转 is this year's 四、结转下年度 (R5),
and 现行有效 continues (R6). :data:`EARLIEST_YEAR` is generated backwards so that it ends where
:data:`FIRST_YEAR` starts. Any window of years is a view of that one history: generating
2025 alone gives the 2025 that follows the bundled 2024.

Numbers come from :func:`seeded` generators, one per agency, year and purpose, so they are the
same on every machine and independent of which other agencies or years are generated.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import labels as L
from .profiles import Agency, Figures, Span

FIRST_YEAR = 2022
EARLIEST_YEAR = 2021
RESULT_ROWS: tuple[str, ...] = L.result_row_keys("2021")
_REVIEW_WEIGHTS = (0.6, 0.12, 0.15, 0.13)


def seeded(seed: int | None, *parts: object) -> random.Random:
    """A generator for one purpose: ``reportkit-demo[:<seed>]:<parts…>``.

    Without a seed this is the bundled district's seeding
    (``reportkit-demo:<agency-id>:<year>:<part>``); string seeds are hashed with SHA-512, so the
    numbers do not depend on the Python build or ``PYTHONHASHSEED``.
    """
    key = ["reportkit-demo", *([] if seed is None else [str(seed)]), *map(str, parts)]
    return random.Random(":".join(key))


def spread(rng: random.Random, n: int, weights: Sequence[float]) -> list[int]:
    """``n`` units drawn into ``len(weights)`` bins with the given weights."""
    counts = [0] * len(weights)
    if n <= 0 or not any(weights):
        return counts
    for i in rng.choices(range(len(weights)), weights=weights, k=n):
        counts[i] += 1
    return counts


def _row(parts: Sequence[int]) -> list[int]:
    """Six applicant columns plus 总计."""
    return [*parts, sum(parts)]


def make_requests(
    fig: Figures,
    rng: random.Random,
    carried_over: Sequence[int],
    forward: Sequence[int] | None = None,
) -> dict[str, list[int]]:
    """Table 三 of one year (R1–R3 hold), rows keyed as in params files.

    ``carried_over`` is last year's 四 row (6 columns). ``forward``, when given, fixes this
    year's 四、结转下年度 (for a year generated backwards); otherwise about ``carry_rate`` of the
    year's requests are carried forward.
    """
    new = spread(rng, rng.randint(*fig.new), fig.applicants)
    if forward is not None:
        new = [max(n, f - c) for n, f, c in zip(new, forward, carried_over, strict=True)]
    available = [a + b for a, b in zip(new, carried_over, strict=True)]
    if forward is None:
        pool = [col for col, n in enumerate(available) for _ in range(n)]
        carry = min(len(pool), round(len(pool) * fig.carry_rate * rng.uniform(0.5, 1.5)))
        forward = [0] * 6
        for col in rng.sample(pool, carry):
            forward[col] += 1
    keys = list(fig.outcomes)
    weights = [fig.outcomes[k] for k in keys]
    results: dict[str, list[int]] = {key: [0] * 6 for key in RESULT_ROWS}
    for col in range(6):
        for key, n in zip(keys, spread(rng, available[col] - forward[col], weights), strict=True):
            results[key][col] = n
    rows: dict[str, list[int]] = {"new": _row(new), "carried_over": _row(carried_over)}
    rows.update({key: _row(parts) for key, parts in results.items()})
    rows["total"] = _row([sum(results[k][c] for k in RESULT_ROWS) for c in range(6)])
    rows["carried_forward"] = _row(forward)
    return rows


def _group(rng: random.Random, cases: Span) -> list[int]:
    parts = spread(rng, rng.randint(*cases), _REVIEW_WEIGHTS)
    return [*parts, sum(parts)]


def make_review(fig: Figures, rng: random.Random) -> dict[str, list[int]]:
    """Table 四 (R4 holds): review, litigation_direct, litigation_after_review, 5 numbers each."""
    return {
        "review": _group(rng, fig.review),
        "litigation_direct": _group(rng, fig.litigation_direct),
        "litigation_after_review": _group(rng, fig.litigation_after_review),
    }


def make_proactive(
    fig: Figures, rng: random.Random, in_force_before: int, in_force_after: int | None = None
) -> dict[str, Any]:
    """Table 二; 现行有效 continues ``in_force_before`` (R6).

    With ``in_force_after`` (a year generated backwards) the year ends there instead, and the
    ``in_force_before`` given is ignored.
    """
    issued = rng.randint(*fig.normative_issued)
    repealed = rng.randint(*fig.normative_repealed)
    if in_force_after is None:
        repealed = min(in_force_before, repealed)
        in_force = in_force_before + issued - repealed
    else:
        issued = min(issued, in_force_after)
        in_force = in_force_after
    low, high = fig.fees
    fees = Decimal(rng.randint(low * 10_000, high * 10_000)).scaleb(-4) if high else Decimal(0)
    return {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": issued, "repealed": repealed, "in_force": in_force},
        "licensing": rng.randint(*fig.licensing),
        "penalty": rng.randint(*fig.penalty),
        "enforcement": rng.randint(*fig.enforcement),
        "fees_10k_yuan": fees,
    }


@dataclass(frozen=True)
class YearTables:
    """Tables 二, 三 and 四 of one agency-year, as params-file data."""

    year: int
    proactive: dict[str, Any]
    requests: dict[str, list[int]]
    review_litigation: dict[str, list[int]]


def _carried_into(agency: Agency, year: int, seed: int | None) -> list[int]:
    """The 二、上年结转 row (6 columns) a history starting in ``year`` begins with."""
    fig = agency.figures
    rng = seeded(seed, agency.id, year - 1, "carried")
    return spread(rng, fig.carried_before, fig.applicants)


def history(agency: Agency, years: Iterable[int], seed: int | None) -> list[YearTables]:
    """The tables of ``years`` (each from :data:`EARLIEST_YEAR` on), oldest first."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    fig = agency.figures
    out: list[YearTables] = []
    carried = _carried_into(agency, FIRST_YEAR, seed)
    in_force = fig.normative_before
    if wanted[0] < FIRST_YEAR:
        year = EARLIEST_YEAR
        proactive = make_proactive(
            fig, seeded(seed, agency.id, year, "proactive"), 0, in_force_after=in_force
        )
        before = _carried_into(agency, year, seed)
        requests = make_requests(fig, seeded(seed, agency.id, year, "requests"), before, carried)
        review = make_review(fig, seeded(seed, agency.id, year, "review"))
        out.append(YearTables(year, proactive, requests, review))
    for year in range(FIRST_YEAR, wanted[-1] + 1):
        proactive = make_proactive(fig, seeded(seed, agency.id, year, "proactive"), in_force)
        requests = make_requests(fig, seeded(seed, agency.id, year, "requests"), carried)
        if year in wanted:
            review = make_review(fig, seeded(seed, agency.id, year, "review"))
            out.append(YearTables(year, proactive, requests, review))
        carried = requests["carried_forward"][:6]
        in_force = proactive["normative_documents"]["in_force"]
    return [t for t in out if t.year in wanted]
