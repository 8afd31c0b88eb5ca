"""Tables 三 and 四 from the office's records (issue 11): computation, validation, R11, templates.

Fast: no kernels. Rendering a ledger-based agency in a batch: ``test_ledger_kernel.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.checks import check_report
from reportkit.cli import main
from reportkit.errors import LedgerError
from reportkit.model import Report, Requests, ReviewLitigation, load_report
from reportkit.model import labels as L
from reportkit.model.inputs import load_inputs
from reportkit.model.ledger import RawTable, TableSources, templates, year_digest
from reportkit.model.ledger.compute import requests_view, review_view
from reportkit.model.ledger.dates import parse_date
from reportkit.model.ledger.validate import ledger_records, register_records
from reportkit.model.ledger.vocabulary import APPLICANT_TYPES, OUTCOMES

from .conftest import SEED_PARAMS

DATA = Path(__file__).parent / "data" / "ledger"
EXPECTED = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))
LEDGER_HEADER = "编号,收到日期,申请人类型,申请人姓名,联系方式,办理结果,办结日期"
REGISTER_HEADER = "编号,类别,收到日期,结果,办结日期"


def seed_data() -> dict[str, Any]:
    data = yaml.safe_load(SEED_PARAMS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write_params(
    folder: Path,
    year: int,
    *,
    ledger: Any = None,
    register: Any = None,
    typed: bool = False,
) -> Path:
    """A params file for ``year`` beside the ledger files, from the seed report."""
    data = seed_data()
    data["year"] = year
    data["agency"]["id"] = folder.name
    if ledger is not None:
        data["ledger"] = ledger
        if not typed:
            del data["requests"]
    if register is not None:
        data["case_register"] = register
        if not typed:
            del data["review_litigation"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{year}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def full_rows(expected: dict[str, list[int]]) -> dict[str, list[int]]:
    """Every row of table 三: the listed ones, the others 0."""
    return {k: expected.get(k, [0] * 7) for k in L.request_row_keys("2021")}


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    """tmp/params/hand-made/ holding the hand-made ledger and register."""
    folder = tmp_path / "params" / "hand-made"
    folder.mkdir(parents=True)
    for name in ("requests.csv", "cases.csv"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    return folder


# ---------------------------------------------------------------- the hand-made ledger


@pytest.mark.parametrize("year", [2023, 2024])
def test_hand_made_ledger_gives_the_hand_computed_tables(agency: Path, year: int) -> None:
    path = write_params(agency, year, ledger="requests.csv", register="cases.csv")
    report = load_report(path)
    expected = EXPECTED[year]
    assert {k: report.request_row(k) for k in L.request_row_keys("2021")} == full_rows(
        expected["requests"]
    )
    rl = report.review_litigation
    assert {g: rl.group(g) for g in L.REVIEW_GROUPS} == expected["review_litigation"]
    assert report.sources is not None and report.sources.ledger is not None
    view = report.sources.ledger.view
    assert list(view.monthly) == expected["monthly"]
    assert view.used == expected["used"] and view.ignored == expected["ignored"]
    assert report.sources.ledger.path == "requests.csv"
    assert [f.rule for f in check_report(report) if f.rule in ("R1", "R2", "R3", "R4")] == []


def test_hand_made_ledger_serves_both_years_so_r5_holds(agency: Path) -> None:
    write_params(agency, 2023, ledger="requests.csv", register="cases.csv")
    inputs = load_inputs(write_params(agency, 2024, ledger="requests.csv", register="cases.csv"))
    assert inputs.previous is not None
    assert check_report(inputs.report, inputs.previous, rules=["R5"]) == []
    assert inputs.report.request_row("carried_over") == inputs.previous.request_row(
        "carried_forward"
    )


def test_the_same_ledger_as_xlsx_gives_the_same_tables(agency: Path) -> None:
    rows = list(csv.reader(io.StringIO((DATA / "requests.csv").read_text(encoding="utf-8"))))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2023—2024"
    sheet.append(["某局依申请公开台账"])  # a title row above the header
    for row in rows:
        # dates as Excel date cells, as a serial number, or as text
        cells: list[Any] = list(row)
        for i in (1, 7):
            if i < len(cells) and cells[i] and cells[i][0].isdigit() and "-" in cells[i]:
                value = dt.date.fromisoformat(cells[i])
                cells[i] = value if i == 1 else (value - dt.date(1899, 12, 30)).days
        sheet.append(cells)
    book.create_sheet("说明").append(["notes"])
    book.save(agency / "台账.xlsx")
    for ref in ("台账.xlsx", {"file": "台账.xlsx", "sheet": "2023—2024"}):
        report = load_report(write_params(agency, 2024, ledger=ref))
        assert {k: report.request_row(k) for k in L.request_row_keys("2021")} == full_rows(
            EXPECTED[2024]["requests"]
        )
        assert report.sources is not None and report.sources.ledger is not None
        assert report.sources.ledger.sheet == "2023—2024"


def test_2019_trial_format_folds_other_rows(agency: Path) -> None:
    records = ledger_records(_raw_csv("ledger", (DATA / "requests.csv").read_text("utf-8")))
    view = requests_view(records, 2024, "2019-trial")
    assert view.rows["other"] == [0, 1, 0, 0, 0, 0, 1]
    assert "other_1" not in view.rows and list(view.rows) == list(L.request_row_keys("2019-trial"))


# ---------------------------------------------------------------- R1–R5 for any ledger

_DAY0 = dt.date(2020, 1, 1)
_SPAN = (dt.date(2025, 12, 31) - _DAY0).days


@st.composite
def applications(draw: st.DrawFn) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for i in range(draw(st.integers(min_value=0, max_value=60))):
        received = _DAY0 + dt.timedelta(days=draw(st.integers(0, _SPAN)))
        kind = draw(st.sampled_from(list(APPLICANT_TYPES)))
        if draw(st.booleans()):
            finished = received + dt.timedelta(days=draw(st.integers(0, 500)))
            outcome = draw(st.sampled_from(list(OUTCOMES)))
            rows.append((f"A{i}", received.isoformat(), kind, outcome, finished.isoformat()))
        else:
            rows.append((f"A{i}", received.isoformat(), kind, "", ""))
    return rows


def _raw(kind: str, rows: list[tuple[Any, ...]]) -> RawTable:
    kept = tuple((i + 2, tuple(r)) for i, r in enumerate(rows))
    return RawTable(kind, "<test>", None, "", 1, kept, 0)  # type: ignore[arg-type]


def _raw_csv(kind: str, text: str) -> RawTable:
    from reportkit.model.ledger.read import _table

    rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text))]
    return _table(kind, "<test>", None, "", rows)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed_report() -> Report:
    return load_report(SEED_PARAMS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=applications())
def test_any_valid_ledger_satisfies_r1_to_r5_across_years(
    seed_report: Report, rows: list[tuple[str, str, str, str, str]]
) -> None:
    records = ledger_records(_raw("ledger", rows))
    previous: Report | None = None
    for year in range(2020, 2027):
        view = requests_view(records, year)
        report = seed_report.model_copy(
            update={"year": year, "requests": Requests.model_validate(view.rows)}
        )
        found = check_report(report, previous, rules=["R1", "R2", "R3", "R5"])
        assert [f.line() for f in found] == []
        assert view.used["received"] == sum(view.monthly) == report.request_row("new")[6]
        previous = report
    assert sum(requests_view(records, y).used["received"] for y in range(2020, 2026)) == len(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(
        st.tuples(
            st.sampled_from(["行政复议", "直接起诉", "复议后起诉"]),
            st.integers(0, _SPAN),
            st.one_of(
                st.none(), st.tuples(st.sampled_from(["维持", "纠正", "其他"]), st.integers(0, 400))
            ),
        ),
        max_size=30,
    )
)
def test_any_valid_register_satisfies_r4_and_counts_each_case_once_concluded(
    seed_report: Report, cases: list[tuple[str, int, tuple[str, int] | None]]
) -> None:
    rows = []
    for i, (category, day, closed) in enumerate(cases):
        received = _DAY0 + dt.timedelta(days=day)
        if closed is None:
            rows.append((f"C{i}", category, received.isoformat(), "", ""))
        else:
            done = received + dt.timedelta(days=closed[1])
            rows.append((f"C{i}", category, received.isoformat(), closed[0], done.isoformat()))
    records = register_records(_raw("register", rows))
    concluded = 0
    for year in range(2020, 2028):
        rows_of_year = review_view(records, year).rows
        report = seed_report.model_copy(
            update={"review_litigation": ReviewLitigation.model_validate(rows_of_year)}
        )
        assert check_report(report, rules=["R4"]) == []
        concluded += sum(sum(r[:3]) for r in rows_of_year.values())
    assert concluded == sum(c[2] is not None for c in cases)


# ---------------------------------------------------------------- dates


@settings(max_examples=80, deadline=None)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_accepted_date_form_reads_back(day: dt.date) -> None:
    y, m, d = day.year, day.month, day.day
    forms: list[object] = [
        day.isoformat(),
        f"{y}/{m}/{d}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{y}{m:02d}{d:02d}",
        f"{y}/{m}/{d} 0:00",
        f"{y}-{m:02d}-{d:02d} 14:30:05",
        "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{y}年{m}月{d}日"),
        dt.datetime(y, m, d, 9, 30),
        day,
        (day - dt.date(1899, 12, 30)).days,
        float((day - dt.date(1899, 12, 30)).days) + 0.5,
        str((day - dt.date(1899, 12, 30)).days),
        int(f"{y}{m:02d}{d:02d}"),
    ]
    for form in forms:
        assert parse_date(form) == day, form


@pytest.mark.parametrize(
    "text",
    [
        "2024-13-01",
        "2024-02-30",
        "5/1/2024",
        "2024年1月",
        "2024-1",
        "明天",
        "13912345678",
        "",
        "1900-01-01",
        "2204-01-05",
        "12",
    ],
)
def test_what_is_not_a_date_is_not_guessed(text: str) -> None:
    assert parse_date(text) is None


# ---------------------------------------------------------------- validation


def _problems(folder: Path, header: str, lines: list[str], kind: str = "ledger") -> list[str]:
    name = "台账.csv" if kind == "ledger" else "登记.csv"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    path = write_params(folder, 2024, **{kind: name})
    with pytest.raises(LedgerError) as info:
        load_report(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


GOOD = "X1,2024-01-05,自然人,某,1,予以公开,2024-01-10"
CASES = [
    (
        "X2,2024-01-05,个人,,,予以公开,2024-01-10",
        "row 3 (编号 X2): 申请人类型 '个人' is not one of the values of 申请人类型 — did you mean 自然人?",
    ),
    (
        "X2,2024-01-05,自然人,,,予已公开,2024-01-10",
        "row 3 (编号 X2): 办理结果 '予已公开' is not one of the values of 办理结果 — did you mean 予以公开?",
    ),
    (
        "X2,2024-01-05,自然人,,,不予公开-属于国家机密,2024-01-10",
        "row 3 (编号 X2): 办理结果 '不予公开-属于国家机密' is not one of the values of 办理结果 — did you mean 不予公开-属于国家秘密?",
    ),
    (
        "X2,2024-02-30,自然人,,,予以公开,2024-03-10",
        "row 3 (编号 X2): 收到日期 '2024-02-30' is not a date — write it as 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105 or an Excel date",
    ),
    (
        "X2,2024-01-05,自然人,,,予以公开,2024年1月",
        "row 3 (编号 X2): 办结日期 '2024年1月' is not a date — write it as",
    ),
    (
        "X2,2024-03-05,自然人,,,予以公开,2024-03-01",
        "row 3 (编号 X2): 办结日期 2024-03-01 is before 收到日期 2024-03-05 — correct one of the two dates",
    ),
    (
        "X1,2024-03-05,自然人,,,予以公开,2024-03-10",
        "row 3 (编号 X1): 编号 X1 is also on row 2 — give each application or case its own 编号",
    ),
    (
        "X2,2024-03-05,自然人,,,予以公开,",
        "row 3 (编号 X2): 办理结果 is given but 办结日期 is empty — write the 办结日期, or clear 办理结果",
    ),
    (
        "X2,2024-03-05,自然人,,,,2024-03-10",
        "row 3 (编号 X2): 办结日期 is given but 办理结果 is empty — write the 办理结果, or clear 办结日期",
    ),
    (",2024-03-05,自然人,,,,", "row 3: 编号 is empty — give every row its own 编号"),
    ("X2,,自然人,,,,", "row 3 (编号 X2): 收到日期 is empty — write the date"),
    ("X2,2024-03-05,,,,,", "row 3 (编号 X2): 申请人类型 is empty — use one of 自然人, 商业企业"),
]


@pytest.mark.parametrize(("line", "message"), CASES, ids=[c[1][:40] for c in CASES])
def test_each_problem_is_one_message_with_its_row(tmp_path: Path, line: str, message: str) -> None:
    problems = _problems(tmp_path / "params" / "a-b", LEDGER_HEADER, [GOOD, line])
    assert len(problems) == 1, problems
    assert problems[0].startswith(str(tmp_path / "params" / "a-b" / "台账.csv") + ": ")
    assert message in problems[0]


REGISTER_CASES = [
    (
        "C2,行政起诉,2024-01-05,维持,2024-02-01",
        "row 3 (编号 C2): 类别 '行政起诉' is not one of the values of 类别",
    ),
    ("C2,行政复议,2024-01-05,撤销,2024-02-01", "did you mean 纠正?"),
    ("C2,行政复议,2024-01-05,维持,", "row 3 (编号 C2): 结果 维持 is given but 办结日期 is empty"),
    (
        "C2,行政复议,2024-01-05,尚未审结,2024-02-01",
        "row 3 (编号 C2): 结果 is 尚未审结 but 办结日期 is given",
    ),
    ("C2,行政复议,2024-01-05,,2024-02-01", "row 3 (编号 C2): 办结日期 is given but 结果 is empty"),
    ("C2,行政复议,2024-03-05,维持,2024-02-01", "办结日期 2024-02-01 is before 收到日期 2024-03-05"),
    ("C1,直接起诉,2024-03-05,,", "row 3 (编号 C1): 编号 C1 is also on row 2"),
]


@pytest.mark.parametrize(
    ("line", "message"), REGISTER_CASES, ids=[c[1][:30] for c in REGISTER_CASES]
)
def test_register_problems_name_their_row(tmp_path: Path, line: str, message: str) -> None:
    good = "C1,行政复议,2024-01-05,维持,2024-02-01"
    problems = _problems(tmp_path / "params" / "a-b", REGISTER_HEADER, [good, line], "register")
    assert len(problems) == 1 and message in problems[0], problems


def test_five_problems_are_reported_together(tmp_path: Path) -> None:
    lines = [
        GOOD,
        "X2,2024-01-05,个人,,,予以公开,2024-01-10",  # row 3: applicant type
        "X3,2024/13/01,自然人,,,予以公开,2024-01-10",  # row 4: date
        "X1,2024-01-06,自然人,,,予以公开,2024-01-10",  # row 5: duplicate 编号
        "X5,2024-05-06,自然人,,,予以公开,2024-05-01",  # row 6: finished before received
        "X6,2024-05-06,自然人,,,部分公开,",  # row 7: outcome without 办结日期
    ]
    problems = _problems(tmp_path / "params" / "a-b", LEDGER_HEADER, lines)
    assert [p.split(": ", 2)[1] for p in problems] == [
        "row 3 (编号 X2)",
        "row 4 (编号 X3)",
        "row 5 (编号 X1)",
        "row 6 (编号 X5)",
        "row 7 (编号 X6)",
    ]


def test_check_prints_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "params" / "a-b"
    (folder).mkdir(parents=True)
    (folder / "台账.csv").write_text(
        "\n".join(
            [LEDGER_HEADER, GOOD, "X2,2024-01-05,个人,,,予以公开,2024-01-10", "X1,x,自然人,,,,"]
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "登记.csv").write_text(REGISTER_HEADER + "\nC1,复议,2024-01-01,,\n", encoding="utf-8")
    path = write_params(folder, 2024, ledger="台账.csv", register="登记.csv")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("Error: ") for line in err), err
    assert "Traceback" not in "\n".join(err)
    assert any("登记.csv: row 2 (编号 C1): 类别 '复议'" in line for line in err)


def test_a_missing_column_names_it_and_the_columns_found(tmp_path: Path) -> None:
    header = "编号,收到日期,申请人类型,申请人姓名,处理结果,办结时间"
    problems = _problems(tmp_path / "params" / "a-b", header, [GOOD])
    found = "(columns found: 编号, 收到日期, 申请人类型, 申请人姓名, 处理结果, 办结时间)"
    assert problems == [
        f"{tmp_path / 'params' / 'a-b' / '台账.csv'}: the 依申请公开台账 has no column 办理结果 "
        f"{found} — rename column '处理结果' to 办理结果",
        f"{tmp_path / 'params' / 'a-b' / '台账.csv'}: the 依申请公开台账 has no column 办结日期 "
        f"{found} — rename column '办结时间' to 办结日期",
    ]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("gone.csv", None, ["gone.csv: no such file", "relative to the params file"]),
        ("old.xls", b"\xd0\xcf\x11\xe0", ["old.xls: is a .xls file", "save it as .xlsx"]),
        ("broken.xlsx", b"PK\x03\x04 not really", ["broken.xlsx: cannot be read as an XLSX"]),
        ("gbk.csv", (LEDGER_HEADER + "\n" + GOOD + "\n").encode("gb18030"), []),
        ("binary.csv", b"\xff\xfe\x00\x00\x81\x82", ["binary.csv: is neither UTF-8 nor GB18030"]),
    ],
)
def test_unusable_files_are_one_clear_line(
    tmp_path: Path, name: str, content: bytes | None, words: list[str]
) -> None:
    folder = tmp_path / "params" / "a-b"
    folder.mkdir(parents=True)
    if content is not None:
        (folder / name).write_bytes(content)
    path = write_params(folder, 2024, ledger=name)
    if not words:
        assert load_report(path).request_row("new")[6] == 1  # GB18030 CSV, as WPS saves it
        return
    with pytest.raises(LedgerError) as info:
        load_report(path)
    assert len(info.value.problems) == 1
    assert all(w in info.value.problems[0] for w in words), info.value.problems


def test_personal_data_in_a_wrong_column_is_never_echoed(tmp_path: Path) -> None:
    lines = [GOOD, "X2,13912345678,张三丰,张三丰,13912345678,张三丰,13912345678"]
    problems = _problems(tmp_path / "params" / "a-b", LEDGER_HEADER, lines)
    text = "\n".join(problems)
    assert "张三丰" not in text and "13912345678" not in text
    assert "收到日期 is not a date (not shown: it may be personal data)" in text
    assert "申请人类型 is not one of the values of 申请人类型 (not shown" in text


# ---------------------------------------------------------------- typed numbers and the ledger: R11


def test_typed_numbers_beside_a_ledger_are_checked_and_the_ledger_wins(agency: Path) -> None:
    path = write_params(agency, 2024, ledger="requests.csv", register="cases.csv", typed=True)
    report = load_report(path)
    assert report.request_row("new") == EXPECTED[2024]["requests"]["new"]
    sources = report.sources
    assert isinstance(sources, TableSources) and sources.typed_requests is not None
    typed = load_report(SEED_PARAMS)  # the seed's numbers were typed
    r10 = [f for f in check_report(report) if f.rule == "R11"]
    expected_cells = {
        f"requests.{row}.{col}"
        for row in L.request_row_keys("2021")
        for i, col in enumerate(L.REQUEST_COLUMN_KEYS)
        if typed.request_row(row)[i] != report.request_row(row)[i]
    } | {
        f"review_litigation.{g}.{col}"
        for g in L.REVIEW_GROUPS
        for i, col in enumerate(L.REVIEW_COLUMN_KEYS)
        if typed.review_litigation.group(g)[i] != report.review_litigation.group(g)[i]
    }
    assert {f.cells[0] for f in r10} == expected_cells and expected_cells
    assert all(f.severity == "error" for f in r10)
    first = next(f for f in r10 if f.cells[0] == "requests.new.total")
    assert first.where == "表三 一、本年新收政府信息公开申请数量 × 总计"
    assert first.value == typed.request_row("new")[6] and first.expected == 9
    assert "requests.csv" in first.message and "台账" in first.message


def test_typed_numbers_equal_to_the_ledger_give_no_finding(agency: Path) -> None:
    path = write_params(agency, 2024, ledger="requests.csv")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["requests"] = full_rows(EXPECTED[2024]["requests"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = load_report(path)
    assert report.sources is not None and report.sources.typed_requests is not None
    assert [f for f in check_report(report) if f.rule == "R11"] == []


def test_params_without_table_or_ledger_says_how_to_fix(tmp_path: Path) -> None:
    from reportkit.errors import ParamsError

    path = write_params(tmp_path / "params" / "a-b", 2024)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["requests"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"requests: .* is missing — type the table, or .*ledger"):
        load_report(path)


# ---------------------------------------------------------------- the batch key


def test_year_digest_follows_what_the_year_shows(agency: Path) -> None:
    paths = {y: write_params(agency, y, ledger="requests.csv") for y in (2023, 2024)}
    before = {y: year_digest(p) for y, p in paths.items()}
    ledger = agency / "requests.csv"
    text = ledger.read_text(encoding="utf-8")
    # a 2024 outcome changes: 2024's digest changes, 2023's does not
    ledger.write_text(
        text.replace("L18,2024-08-08,自然人,,,,予以公开", "L18,2024-08-08,自然人,,,,部分公开"),
        encoding="utf-8",
    )
    after = {y: year_digest(p) for y, p in paths.items()}
    assert after[2023] == before[2023] and after[2024] != before[2024]
    # a 2023 receipt moves a month: 2023's monthly chart changes
    ledger.write_text(text.replace("L08,2023-07-07", "L08,2023-06-07"), encoding="utf-8")
    assert year_digest(paths[2023]) != before[2023] and year_digest(paths[2024]) == before[2024]
    ledger.write_text("编号\n", encoding="utf-8")
    assert year_digest(paths[2023]).startswith("error:")
    assert year_digest(SEED_PARAMS) == ""


# ---------------------------------------------------------------- templates


def test_template_command_writes_documented_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tpl"
    assert main(["ledger", "template", "-o", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "依申请公开台账.xlsx",
            "依申请公开台账.csv",
            "行政复议行政诉讼案件登记.xlsx",
            "行政复议行政诉讼案件登记.csv",
        ]
    )
    assert len(capsys.readouterr().out.splitlines()) == 4
    book = openpyxl.load_workbook(out / "依申请公开台账.xlsx")
    assert book.sheetnames == ["台账", "示例", "说明", "取值"]
    header = [c.value for c in book["台账"][1]]
    assert header[:3] == ["编号", "收到日期", "申请人类型"] and "办理结果" in header
    validations = book["台账"].data_validations.dataValidation
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in validations}
    column = {c.value: c.column_letter for c in book["台账"][1]}
    assert set(lists) == {column["申请人类型"], column["办理结果"]}
    assert book["取值"].sheet_state == "hidden"
    values = [c.value for c in book["取值"]["B"][1:]]
    assert values == list(OUTCOMES) and len(values) == 21
    notes = "\n".join(str(r[0].value or "") for r in book["说明"].iter_rows())
    assert "上年结转" in notes and "结转下年度" in notes and "个人信息" in notes
    csv_text = (out / "依申请公开台账.csv").read_bytes()
    assert csv_text.startswith("\ufeff编号,收到日期,申请人类型".encode())
    register = openpyxl.load_workbook(out / "行政复议行政诉讼案件登记.xlsx")
    assert register.sheetnames == ["案件登记", "示例", "说明", "取值"]


@pytest.mark.parametrize("kind", ["ledger", "register"])
def test_template_examples_are_valid_and_the_empty_sheet_gives_zero(
    tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "params" / "a-b"
    folder.mkdir(parents=True)
    (folder / "t.xlsx").write_bytes(templates.workbook_bytes(kind))  # type: ignore[arg-type]
    refs = {"ledger": "t.xlsx"} if kind == "ledger" else {"register": "t.xlsx"}
    report = load_report(write_params(folder, 2024, **refs))  # type: ignore[arg-type]
    if kind == "ledger":
        assert report.request_row("new") == [0] * 7
    else:
        assert report.review_litigation.group("review") == [0] * 5
    example = {"file": "t.xlsx", "sheet": "示例"}
    refs = {"ledger": example} if kind == "ledger" else {"register": example}
    report = load_report(write_params(folder, 2024, **refs))  # type: ignore[arg-type]
    if kind == "ledger":
        assert report.request_row("new")[6] == 5 and report.request_row("carried_forward")[6] == 1
        assert report.request_row("carried_over")[6] == 1
    else:
        assert report.review_litigation.group("review") == [1, 1, 0, 0, 2]
        assert report.review_litigation.group("litigation_after_review") == [0, 0, 0, 1, 1]


def test_template_bytes_are_deterministic_and_never_overwrite_a_ledger(tmp_path: Path) -> None:
    first = templates.template_files()
    for data in first.values():
        if data.startswith(b"PK"):
            stamps = {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
            assert stamps == {(2024, 1, 1, 0, 0, 0)}
    assert templates.template_files() == first
    out = tmp_path / "tpl"
    templates.write_templates(out)
    filled = out / "依申请公开台账.csv"
    filled.write_bytes(filled.read_bytes() + GOOD.encode() + b"\r\n")
    assert main(["ledger", "template", "-o", str(out)]) == 2
    assert filled.read_bytes().endswith(GOOD.encode() + b"\r\n")
    assert main(["ledger", "template", "-o", str(out), "--force"]) == 0
    assert filled.read_bytes() == first["依申请公开台账.csv"]


def test_run_with_a_broken_ledger_starts_nothing_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "params" / "a-b"
    folder.mkdir(parents=True)
    lines = [LEDGER_HEADER, GOOD, "X2,2024-01-05,个人,,,予以公开,2024-01-10", "X1,x,自然人,,,,"]
    (folder / "台账.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = write_params(folder, 2024, ledger="台账.csv")
    out = tmp_path / "outputs"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ", 3)[2] for line in err] == [
        "row 3 (编号 X2)",
        "row 4 (编号 X1)",
        "row 4 (编号 X1)",
    ]
    assert all(line.startswith("Error: ") for line in err) and not out.exists()


_BREAKS = ("applicant", "outcome", "received", "order", "duplicate", "open-outcome")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=applications(), data=st.data())
def test_one_bad_cell_anywhere_is_one_message_naming_its_row(
    rows: list[tuple[str, str, str, str, str]], data: st.DataObject
) -> None:
    if len(rows) < 2:
        rows = [
            ("P0", "2021-03-04", "自然人", "予以公开", "2021-03-08"),
            *rows,
            ("PZ", "2022-01-01", "其他", "", ""),
        ]
    at = data.draw(st.integers(0, len(rows) - 1))
    ident, received, kind, outcome, finished = rows[at]
    how = data.draw(st.sampled_from(_BREAKS))
    if how == "applicant":
        kind = "个人"
    elif how == "outcome" and outcome:
        outcome = "予已公开"
    elif how == "order" and finished:
        finished = (dt.date.fromisoformat(received) - dt.timedelta(days=1)).isoformat()
    elif how == "duplicate":
        ident = rows[at - 1][0]  # the row before (or the last one, for the first row)
    elif how == "open-outcome" and not outcome:
        outcome = "部分公开"
    else:
        received = "2021-02-30"
    bad = [*rows[:at], (ident, received, kind, outcome, finished), *rows[at + 1 :]]
    with pytest.raises(LedgerError) as info:
        ledger_records(_raw("ledger", bad))
    row = at + 2 if how != "duplicate" or at else len(rows) + 1  # a duplicate names the later row
    assert len(info.value.problems) == 1, info.value.problems
    assert info.value.problems[0].startswith(f"<test>: row {row} (编号 ")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(alphabet="王李张赵刘陈杨黄周吴五六七三丰明华", min_size=2, max_size=4),
    sep=st.sampled_from([" ", "（", "-", "，", ""]),
)
def test_a_valid_value_with_a_name_beside_it_does_not_echo_the_name(
    tmp_path_factory: pytest.TempPathFactory, name: str, sep: str
) -> None:
    root = tmp_path_factory.mktemp("l") / "params" / "a-b"
    lines = [GOOD, f"X2,2024-03-01,自然人,某,1,予以公开{sep}{name},2024-03-05"]
    problems = _problems(root, LEDGER_HEADER, lines)
    text = "\n".join(problems)
    assert name not in text, text
    assert "did you mean 予以公开?" in text
