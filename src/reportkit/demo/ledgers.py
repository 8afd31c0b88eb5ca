"""The demo agencies that keep ledgers: their applications and cases, row by row.

Two hand-written agencies (:data:`LEDGER_AGENCIES`) compute 表三 and 表四 from their records
instead of typing them: 青禾区教育局 keeps an XLSX 依申请公开台账, 青禾区公安分局 a CSV one; both
keep a CSV case register. The application rows are drawn to reproduce the agency's seeded
table 三 of every year exactly (checked as they are made), so the narrative's counts, R1–R6 and
the years before and after stay as they were; the cases are drawn year by year and table 四 is
what the register gives. Every row is fictional: 申请人姓名 is ``演示申请人``, 申请内容 says it is
demonstration data, and the sheet's first row says so too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import ReportkitError
from ..model.ledger.compute import requests_view, review_view
from ..model.ledger.read import RawTable
from ..model.ledger.templates import csv_bytes, workbook_bytes
from ..model.ledger.validate import ledger_records, register_records
from ..model.ledger.vocabulary import OUTCOMES
from .profiles import Agency
from .tables import YearTables, seeded

APPLICANTS: Final = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
OUTCOME_NAMES: Final = {key: name for name, key in OUTCOMES.items()}
CATEGORY_NAMES: Final = {
    "review": "行政复议",
    "litigation_direct": "直接起诉",
    "litigation_after_review": "复议后起诉",
}
RESULT_NAMES: Final = {"upheld": "维持", "corrected": "纠正", "other": "其他"}
RESULT_WEIGHTS: Final = (0.62, 0.13, 0.25)
DEMO_MARK: Final = (
    "演示数据（虚构）：{name}{what}，由 reportkit demo 生成，不是任何真实机关的台账。"
)


@dataclass(frozen=True)
class LedgerPlan:
    """Which files an agency keeps: the ledger's and the register's file names."""

    ledger: str
    register: str


LEDGER_AGENCIES: Final[dict[str, LedgerPlan]] = {
    "qinghe-education": LedgerPlan("ledger.xlsx", "case-register.csv"),
    "qinghe-public-security": LedgerPlan("ledger.csv", "case-register.csv"),
}


@dataclass
class _Application:
    column: int
    received: dt.date
    id: str = ""
    outcome: str | None = None
    finished: dt.date | None = None


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def applications(
    agency: Agency, tables: Sequence[YearTables], carried_in: Sequence[int], seed: int | None
) -> list[_Application]:
    """Application rows whose 表三 is ``tables`` year by year (oldest first, consecutive).

    ``carried_in`` is the 二、上年结转 row (6 columns) of the first year: those applications
    were received in the last days of the year before. Applications still open after the last
    year stay open (no outcome, no 办结日期).
    """
    first = tables[0].year
    rng = seeded(seed, agency.id, first - 1, "ledger")
    open_: list[_Application] = []
    for column, count in enumerate(carried_in):
        for _ in range(count):
            day = _day(rng, dt.date(first - 1, 12, 8), dt.date(first - 1, 12, 31))
            open_.append(_Application(column, day))
    done: list[_Application] = []
    for table in tables:
        open_ = _year(agency, table, open_, done, seed)
    every = done + open_
    every.sort(key=lambda a: (a.received, a.column))
    counters: dict[int, int] = {}
    for app in every:
        counters[app.received.year] = counters.get(app.received.year, 0) + 1
        app.id = f"{app.received.year}-{counters[app.received.year]:03d}"
    return every


def _year(
    agency: Agency,
    table: YearTables,
    open_: list[_Application],
    done: list[_Application],
    seed: int | None,
) -> list[_Application]:
    """Receive and finish one year's applications; return those still open at its end."""
    year, req = table.year, table.requests
    rng = seeded(seed, agency.id, year, "ledger")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    still_open: list[_Application] = []
    for column in range(6):
        carried = [a for a in open_ if a.column == column]
        if len(carried) != req["carried_over"][column]:
            raise ReportkitError(f"demo ledger of {agency.id} {year}: carried-over rows differ")
        new, forward = req["new"][column], req["carried_forward"][column]
        staying = min(forward, new)
        fresh = [
            _Application(column, _day(rng, start, dt.date(year, 12, 18)))
            for _ in range(new - staying)
        ]
        fresh += [
            _Application(column, _day(rng, dt.date(year, 12, 5), end)) for _ in range(staying)
        ]
        pool = sorted(carried + fresh, key=lambda a: a.received, reverse=True)
        keep, finish = pool[:forward], pool[forward:]
        outcomes = [key for key in OUTCOME_NAMES for _ in range(req[key][column])]
        rng.shuffle(outcomes)
        for app, outcome in zip(finish, outcomes, strict=True):
            earliest = max(app.received, start)
            app.outcome = outcome
            app.finished = min(earliest + dt.timedelta(days=rng.randint(1, 18)), end)
            done.append(app)
        still_open += keep
    return still_open


@dataclass
class _Case:
    group: str
    received: dt.date
    result: str
    finished: dt.date
    id: str = ""


def cases(agency: Agency, years: Sequence[int], seed: int | None) -> list[_Case]:
    """Case rows received from the year before ``years[0]`` to ``years[-1]``; a case concluded
    after ``years[-1]`` is still open (尚未审结) in the register."""
    fig = agency.figures
    spans = {
        "review": fig.review,
        "litigation_direct": fig.litigation_direct,
        "litigation_after_review": fig.litigation_after_review,
    }
    out: list[_Case] = []
    for year in range(years[0] - 1, years[-1] + 1):
        rng = seeded(seed, agency.id, year, "cases")
        for group, (low, high) in spans.items():
            for _ in range(rng.randint(low, high)):
                received = _day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
                result = rng.choices(list(RESULT_NAMES), weights=RESULT_WEIGHTS)[0]
                finished = received + dt.timedelta(days=rng.randint(25, 110))
                out.append(_Case(group, received, result, finished))
    out.sort(key=lambda c: (c.received, c.group))
    prefixes = {"review": "FY", "litigation_direct": "SS", "litigation_after_review": "SS"}
    counters: dict[str, int] = {}
    for case in out:
        key = f"{prefixes[case.group]}{case.received.year}"
        counters[key] = counters.get(key, 0) + 1
        case.id = f"{key}-{counters[key]:02d}"
    return out


def _application_rows(apps: Sequence[_Application], last: int, as_dates: bool) -> list[list[Any]]:
    rows = []
    for app in apps:
        closed = app.finished is not None and app.finished.year <= last
        received: Any = app.received if as_dates else app.received.isoformat()
        finished: Any = None
        if closed and app.finished is not None:
            finished = app.finished if as_dates else app.finished.isoformat()
        outcome = OUTCOME_NAMES[app.outcome] if closed and app.outcome else None
        rows.append(
            [
                app.id,
                received,
                APPLICANTS[app.column],
                "演示申请人",
                None,
                "演示数据（虚构）",
                outcome,
                finished,
                None,
            ]
        )
    return rows


def _case_rows(found: Sequence[_Case], last: int) -> list[list[Any]]:
    rows = []
    for case in found:
        closed = case.finished.year <= last
        rows.append(
            [
                case.id,
                CATEGORY_NAMES[case.group],
                case.received.isoformat(),
                "演示申请人",
                "演示数据（虚构）",
                RESULT_NAMES[case.result] if closed else "尚未审结",
                case.finished.isoformat() if closed else None,
                None,
            ]
        )
    return rows


def _raw(kind: Any, rows: list[list[Any]]) -> RawTable:
    """The rows as the reader would give them (required columns only), for the self-check."""
    picks = (0, 1, 2, 6, 7) if kind == "ledger" else (0, 1, 2, 5, 6)
    kept = tuple((i + 2, tuple(r[p] for p in picks)) for i, r in enumerate(rows))
    return RawTable(kind, "<demo>", None, "", 1, kept, 0)


@dataclass(frozen=True)
class AgencyLedgers:
    """An agency's ledger files (name → bytes) and the tables 四 they give, by year."""

    files: dict[str, bytes]
    review: dict[int, dict[str, list[int]]]


def agency_ledgers(
    agency: Agency,
    plan: LedgerPlan,
    tables: Sequence[YearTables],
    carried_in: Sequence[int],
    seed: int | None,
) -> AgencyLedgers:
    """The ledger and register of ``agency`` over ``tables``' years (consecutive, oldest first).

    Raises :class:`~reportkit.errors.ReportkitError` if the ledger does not give back the
    seeded 表三 of every year (a bug of this module, never of the user's data).
    """
    years = [t.year for t in tables]
    last = years[-1]
    apps = applications(agency, tables, carried_in, seed)
    xlsx = plan.ledger.endswith(".xlsx")
    rows = _application_rows(apps, last, as_dates=xlsx)
    records = ledger_records(_raw("ledger", _application_rows(apps, last, as_dates=False)))
    for table in tables:
        if requests_view(records, table.year).rows != table.requests:
            raise ReportkitError(f"demo ledger of {agency.id} {table.year}: 表三 differs")
    mark = DEMO_MARK.format(name=agency.name, what="依申请公开台账")
    files = {
        plan.ledger: workbook_bytes("ledger", rows, examples=False, title=mark)
        if xlsx
        else csv_bytes("ledger", rows, title=mark)
    }
    register = _case_rows(cases(agency, years, seed), last)
    case_records = register_records(_raw("register", register))
    review = {year: review_view(case_records, year).rows for year in years}
    files[plan.register] = csv_bytes(
        "register",
        register,
        title=DEMO_MARK.format(name=agency.name, what="行政复议、行政诉讼案件登记"),
    )
    return AgencyLedgers(files, review)
