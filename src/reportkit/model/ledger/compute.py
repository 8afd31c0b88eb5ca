"""表三 and 表四 of one year from the records of a ledger (pandas).

表三, for the report year Y (1 January to 31 December):

- 一、本年新收 — applications received in Y;
- 二、上年结转 — received before Y and not finished before Y;
- 三、本年度办理结果 — finished in Y, by 办理结果 (（七）总计 their sum);
- 四、结转下年度继续办理 — received by the end of Y and not finished by then;

each split by 申请人类型 (the six columns) with 总计 their sum. So R1–R3 hold by construction,
and R5 too across the years one ledger serves: Y's 二 and Y−1's 四 are the same applications.

表四, likewise, from the case register: a case concluded in Y counts in its group under its 结果
(维持, 纠正, 其他); a case received by the end of Y and not concluded by then counts under
尚未审结. A case received in one year and concluded in the next is 尚未审结 in the first year's
table and counted by its result in the next; R4 holds by construction.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import labels as L
from .view import YearView

APPLICANT_KEYS = L.REQUEST_COLUMN_KEYS[:6]
REVIEW_RESULT_KEYS = ("upheld", "corrected", "other")


def _bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)


def _open_at(records: pd.DataFrame, moment: pd.Timestamp) -> Any:
    """Rows received before ``moment`` and not finished before it."""
    finished = records["finished"]
    return (records["received"] < moment) & (finished.isna() | (finished >= moment))


def _row(part: pd.DataFrame) -> list[int]:
    counts = part["group"].value_counts()
    cells = [int(counts.get(key, 0)) for key in APPLICANT_KEYS]
    return [*cells, sum(cells)]


def requests_view(records: pd.DataFrame, year: int, fmt: L.Format = "2021") -> YearView:
    """表三 of ``year`` from ledger records (see the module docstring for each row).

    ``fmt`` ``"2019-trial"`` folds （六）其他处理 1–3 into its one row ``other``.
    """
    start, end = _bounds(year)
    received, finished = records["received"], records["finished"]
    new = records[(received >= start) & (received < end)]
    carried = records[_open_at(records, start)]
    done = records[(finished >= start) & (finished < end)]
    forward = records[_open_at(records, end)]
    rows: dict[str, list[int]] = {"new": _row(new), "carried_over": _row(carried)}
    results = L.result_row_keys("2021")
    for key in results:
        rows[key] = _row(done[done["outcome"] == key])
    rows["total"] = _row(done)
    rows["carried_forward"] = _row(forward)
    if fmt == "2019-trial":
        others = [rows.pop(k) for k in ("other_1", "other_2", "other_3")]
        rows["other"] = [sum(col) for col in zip(*others, strict=True)]
    months = new["received"].dt.month.value_counts()
    return YearView(
        rows={key: rows[key] for key in L.request_row_keys(fmt)},
        used={"received": len(new), "carried_over": len(carried)},
        ignored={"finished_before": int((finished < start).sum())},
        monthly=tuple(int(months.get(m, 0)) for m in range(1, 13)),
    )


def review_view(records: pd.DataFrame, year: int) -> YearView:
    """表四 of ``year`` from case-register records (see the module docstring)."""
    start, end = _bounds(year)
    received, finished = records["received"], records["finished"]
    concluded = records[(finished >= start) & (finished < end)]
    pending = records[_open_at(records, end)]
    rows: dict[str, list[int]] = {}
    for group in L.REVIEW_GROUPS:
        mine = concluded[concluded["group"] == group]["outcome"].value_counts()
        cells = [int(mine.get(key, 0)) for key in REVIEW_RESULT_KEYS]
        cells.append(int((pending["group"] == group).sum()))
        rows[group] = [*cells, sum(cells)]
    return YearView(
        rows=rows,
        used={
            "received": int(((received >= start) & (received < end)).sum()),
            "concluded": len(concluded),
            "pending": len(pending),
        },
        ignored={"finished_before": int((finished < start).sum())},
    )
