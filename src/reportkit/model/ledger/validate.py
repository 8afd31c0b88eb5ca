"""Check every row of a ledger and turn it into typed records (a pandas DataFrame).

Every problem of the file is collected — unknown 申请人类型/办理结果/类别/结果 (with the nearest
valid value), unparseable dates, 办结日期 before 收到日期, a repeated 编号, an outcome without
办结日期 or the reverse, an empty required cell — and raised together as one
:class:`~reportkit.errors.LedgerError`, one line per problem. A cell's content is shown only
when it is plainly a date or close to a valid value; anything else may be personal data typed
into the wrong column, and is named by its row, 编号 and column only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from .dates import FORMATS, looks_like_a_date, parse_date
from .problems import Problem, fail, show_id
from .read import RawTable, cell_text, is_empty
from .vocabulary import (
    APPLICANT_VOCABULARY,
    CATEGORY_VOCABULARY,
    FINISHED,
    ID,
    OUTCOME,
    OUTCOME_VOCABULARY,
    RECEIVED,
    RESULT,
    RESULT_VOCABULARY,
    Vocabulary,
)

#: Columns of the records frame of each kind: ``row`` (Excel's row number), ``id`` (编号),
#: ``received`` and ``finished`` (datetime64; NaT while not finished), ``group`` (申请人类型
#: as a table 三 column key, or 类别 as a table 四 group key) and ``outcome`` (a table 三 row
#: key, or a table 四 column key; None while not finished).
RECORD_COLUMNS: Final = ("row", "id", "received", "group", "outcome", "finished")
NOT_SHOWN: Final = "(not shown: it may be personal data)"


@dataclass
class _Row:
    """One row being checked: its number, 编号 and the problems found so far."""

    file: str
    number: int
    id: str
    problems: list[Problem]

    def problem(self, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, message, fix, self.number, self.id or None))

    def date(self, column: str, value: Any, required: bool) -> dt.date | None:
        if is_empty(value):
            if required:
                self.problem(f"{column} is empty", f"write the date, e.g. 2024-01-05 ({FORMATS})")
            return None
        parsed = parse_date(value)
        if parsed is None:
            shown = f"{cell_text(value)!r} " if looks_like_a_date(cell_text(value)) else ""
            self.problem(
                f"{column} {shown}is not a date{'' if shown else ' ' + NOT_SHOWN}",
                f"write it as {FORMATS}",
            )
        return parsed

    def word(self, vocabulary: Vocabulary, value: Any, required: bool) -> str | None:
        column = vocabulary.column
        if is_empty(value):
            if required:
                self.problem(f"{column} is empty", f"use one of {_choices(vocabulary)}")
            return None
        text = cell_text(value)
        key = vocabulary.key(text)
        if key is None:
            near = vocabulary.suggestion(text)
            if near is not None:
                listed = (
                    f"use one of {_choices(vocabulary)}"
                    if len(vocabulary.values) <= 8
                    else "the values are listed on the 说明 sheet of `reportkit ledger template`"
                )
                # a typo of a value is about as long as it; a longer cell holding a value may
                # hold a name too (予以公开 王五): not shown
                shown = f"{text!r} " if len(text.strip()) <= len(near) + 1 else ""
                self.problem(
                    f"{column} {shown}is not one of the values of {column}"
                    + ("" if shown else f" {NOT_SHOWN}"),
                    f"did you mean {near}? ({listed})",
                )
            else:
                self.problem(
                    f"{column} is not one of the values of {column} {NOT_SHOWN}",
                    f"use one of {_choices(vocabulary)}",
                )
        return key


def _choices(vocabulary: Vocabulary) -> str:
    return ", ".join(vocabulary.values)


def _check_id(row: _Row, value: Any, seen: dict[str, int]) -> None:
    if not row.id:
        row.problem(f"{ID} is empty", f"give every row its own {ID}")
        return
    if row.id in seen:
        row.problem(
            f"{ID} {show_id(row.id)} is also on row {seen[row.id]}",
            f"give each application or case its own {ID}; delete the row if it is a copy",
        )
    else:
        seen[row.id] = row.number


def _frame(
    records: list[tuple[int, str, dt.date, str, str | None, dt.date | None]],
) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(RECORD_COLUMNS))
    frame["received"] = pd.to_datetime(frame["received"])
    frame["finished"] = pd.to_datetime(frame["finished"])
    frame["row"] = frame["row"].astype("int64")
    return frame


def ledger_records(raw: RawTable) -> pd.DataFrame:
    """The applications of a 依申请公开台账 as records (:data:`RECORD_COLUMNS`).

    Raises :class:`~reportkit.errors.LedgerError` with every problem of the file.
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    records = []
    for number, (ident, received, applicant, outcome, finished) in raw.rows:
        row = _Row(raw.shown, number, cell_text(ident), problems)
        before = len(problems)
        _check_id(row, ident, seen)
        got = row.date(RECEIVED, received, required=True)
        column = row.word(APPLICANT_VOCABULARY, applicant, required=True)
        result = row.word(OUTCOME_VOCABULARY, outcome, required=False)
        done = row.date(FINISHED, finished, required=False)
        has_outcome, has_done = not is_empty(outcome), not is_empty(finished)
        if has_outcome and not has_done:
            row.problem(
                f"{OUTCOME} is given but {FINISHED} is empty",
                f"write the {FINISHED}, or clear {OUTCOME} while the application is open",
            )
        if has_done and not has_outcome:
            row.problem(
                f"{FINISHED} is given but {OUTCOME} is empty",
                f"write the {OUTCOME}, or clear {FINISHED} while the application is open",
            )
        _order(row, got, done)
        if len(problems) == before and got is not None and column is not None:
            records.append((number, row.id, got, column, result, done))
    if problems:
        fail(raw.shown, problems)
    return _frame(records)


def register_records(raw: RawTable) -> pd.DataFrame:
    """The cases of a 行政复议、行政诉讼案件登记 as records (:data:`RECORD_COLUMNS`).

    An empty 结果 or 尚未审结 is a pending case (no 办结日期); 维持, 纠正 and 其他 need the
    办结日期. Raises :class:`~reportkit.errors.LedgerError` with every problem of the file.
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    records = []
    for number, (ident, category, received, result, finished) in raw.rows:
        row = _Row(raw.shown, number, cell_text(ident), problems)
        before = len(problems)
        _check_id(row, ident, seen)
        group = row.word(CATEGORY_VOCABULARY, category, required=True)
        got = row.date(RECEIVED, received, required=True)
        column = row.word(RESULT_VOCABULARY, result, required=False)
        done = row.date(FINISHED, finished, required=False)
        has_done = not is_empty(finished)
        if column in ("upheld", "corrected", "other") and not has_done:
            row.problem(
                f"{RESULT} {cell_text(result)} is given but {FINISHED} is empty",
                f"write the {FINISHED}, or write {RESULT} 尚未审结 while the case is open",
            )
        if has_done and column == "pending":
            row.problem(
                f"{RESULT} is 尚未审结 but {FINISHED} is given",
                f"write the {RESULT} (维持, 纠正 or 其他), or clear {FINISHED}",
            )
        if has_done and is_empty(result):
            row.problem(
                f"{FINISHED} is given but {RESULT} is empty",
                f"write the {RESULT} (维持, 纠正 or 其他), or clear {FINISHED}",
            )
        _order(row, got, done)
        if len(problems) == before and got is not None and group is not None:
            outcome = None if column in (None, "pending") else column
            records.append((number, row.id, got, group, outcome, done if outcome else None))
    if problems:
        fail(raw.shown, problems)
    return _frame(records)


def _order(row: _Row, received: dt.date | None, finished: dt.date | None) -> None:
    if received is not None and finished is not None and finished < received:
        row.problem(
            f"{FINISHED} {finished.isoformat()} is before {RECEIVED} {received.isoformat()}",
            "correct one of the two dates",
        )
