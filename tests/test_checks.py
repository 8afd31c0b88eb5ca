"""The 勾稽 rules R1–R9: the published fixtures, a property test, and each rule on its own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.checks import TABLE_RULES, check_report, has_errors
from reportkit.model import Report
from reportkit.model import labels as L
from reportkit.model.export import normalized, report_from_normalized
from reportkit.model.params import load_report

from .conftest import FIXTURES, SEED_PARAMS

# Short row names used in the fixtures' published_rule_failures.
SHORT_ROWS = {"grant": "granted", "partial": "partially_granted", "forward": "carried_forward"}
SHORT_ROWS |= {f"d{i}": f"withheld_{i}" for i in range(1, 9)}
SHORT_ROWS |= {f"u{i}": f"unavailable_{i}" for i in range(1, 4)}
SHORT_ROWS |= {f"n{i}": f"not_processed_{i}" for i in range(1, 6)}
SHORT_COLS = {label: key for key, label in L.REQUEST_COLUMNS.items()}


def published_failures(expected: dict[str, Any]) -> set[tuple[str, str]]:
    """{(rule, 'row:<key>' | 'col:<key>')} from the fixture's failure strings."""
    out = set()
    for text in expected["published_rule_failures"]:
        m = re.match(r"(R\d) (row|col) (\S+?):", text)
        assert m, text
        rule, kind, name = m.groups()
        key = SHORT_ROWS.get(name, name) if kind == "row" else SHORT_COLS[name]
        out.add((rule, f"{kind}:{key}"))
    return out


def found(report: Report) -> set[tuple[str, str]]:
    out = set()
    for f in check_report(report, rules=TABLE_RULES):
        kind = "row" if f.rule == "R1" else "col"
        key = f.extra.get("row") if kind == "row" else f.extra.get("column")
        if f.rule == "R4":
            kind, key = "group", f.extra["group"]
        out.add((f.rule, f"{kind}:{key}"))
    return out


FIXTURE_FILES = sorted(FIXTURES.glob("*.expected.json"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name.split(".")[0] for p in FIXTURE_FILES])
def test_rule_engine_finds_exactly_the_published_failures(path: Path) -> None:
    expected = json.loads(path.read_text(encoding="utf-8"))
    report = report_from_normalized(expected)
    assert found(report) == published_failures(expected)


def test_fixtures_are_all_there() -> None:
    assert len(FIXTURE_FILES) == 8


# ---------------------------------------------------------------- property test

N = st.integers(min_value=0, max_value=60)


@st.composite
def consistent_tables(draw: st.DrawFn) -> dict[str, Any]:
    """Tables 三 and 四 that satisfy R1–R4 by construction."""
    fmt = draw(st.sampled_from(L.FORMATS))
    keys = L.request_row_keys(fmt)
    results = L.result_row_keys(fmt)
    rows: dict[str, list[int]] = {k: [0] * 6 for k in keys}
    for c in range(6):
        for k in results:
            rows[k][c] = draw(N)
        total = sum(rows[k][c] for k in results)
        rows["total"][c] = total
        forward = draw(N)
        rows["carried_forward"][c] = forward
        carried = min(draw(N), total + forward)
        rows["carried_over"][c] = carried
        rows["new"][c] = total + forward - carried
    requests = {k: [*v, sum(v)] for k, v in rows.items()}
    review = {}
    for g in L.REVIEW_GROUPS:
        parts = [draw(N) for _ in range(4)]
        review[g] = [*parts, sum(parts)]
    return {
        "agency": {"id": "prop", "name": "测试机关"},
        "year": 2024,
        "format": fmt,
        "requests": requests,
        "review_litigation": review,
    }


@settings(max_examples=150, deadline=None)
@given(data=consistent_tables(), pick=st.data())
def test_consistent_tables_pass_and_any_changed_cell_is_named(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    report = report_from_normalized(data)
    assert check_report(report, rules=TABLE_RULES) == []

    table = pick.draw(st.sampled_from(["requests", "review_litigation"]))
    row = pick.draw(st.sampled_from(sorted(data[table])))
    width = 7 if table == "requests" else 5
    col = pick.draw(st.integers(0, width - 1))
    delta = pick.draw(st.integers(1, 9))
    data[table][row][col] += delta
    changed = report_from_normalized(data)
    findings = check_report(changed, rules=TABLE_RULES)
    assert findings and has_errors(findings)
    names = L.REQUEST_COLUMN_KEYS if table == "requests" else L.REVIEW_COLUMN_KEYS
    cell = f"{table}.{row}.{names[col]}"
    assert any(cell in f.cells for f in findings), (cell, [f.cells for f in findings])
    assert all(f.where and f.message for f in findings)


# ---------------------------------------------------------------- rules one by one


def _seed(**changes: Any) -> Report:
    data = load_report(SEED_PARAMS).model_dump()
    for dotted, value in changes.items():
        target = data
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return Report.model_validate(data)


def test_r1_names_the_row_total_cell_and_values() -> None:
    report = _seed(
        requests__withheld_1=[1, 0, 0, 0, 0, 0, 0], requests__total=[1, 0, 0, 0, 0, 0, 1]
    )
    (f,) = [f for f in check_report(report, rules=["R1"])]
    assert f.where == "表三 （三）不予公开 1.属于国家秘密 × 总计"
    assert (f.value, f.expected, f.severity) == (0, 1, "error")


def test_r3_names_the_column() -> None:
    report = _seed(requests__new=[2, 0, 0, 0, 0, 0, 2])
    rules = {f.rule: f for f in check_report(report, rules=["R3"])}
    assert rules["R3"].where in ("表三 自然人列", "表三 总计列")


def test_r4_group() -> None:
    report = _seed(review_litigation__litigation_after_review=[1, 0, 0, 0, 0])
    (f,) = check_report(report, rules=["R4"])
    assert f.where == "表四 行政诉讼 复议后起诉 × 总计" and f.expected == 1


def _previous(**changes: Any) -> Report:
    report = _seed(**changes)
    return report.model_copy(update={"year": 2023})


def test_r5_carried_over_against_last_year() -> None:
    previous = _previous(requests__carried_forward=[3, 0, 0, 0, 0, 0, 3])
    findings = check_report(_seed(), previous, rules=["R5"])
    assert {f.where for f in findings} == {
        "表三 二、上年结转政府信息公开申请数量 × 自然人",
        "表三 二、上年结转政府信息公开申请数量 × 总计",
    }
    assert all(f.expected == 3 and f.value == 0 for f in findings)
    assert check_report(_seed(), None, rules=["R5"]) == []


def test_r6_in_force_is_a_warning() -> None:
    previous = _previous()
    now = _seed(proactive__normative_documents={"issued": 4, "repealed": 1, "in_force": 5})
    (f,) = check_report(now, previous, rules=["R6"])
    assert f.severity == "warning" and f.expected == 3 and f.value == 5
    assert f.where == "表二 行政规范性文件 × 现行有效件数"


def test_r7_narrative_numbers_against_tables() -> None:
    assert check_report(load_report(SEED_PARAMS), rules=["R7"]) == []
    report = _seed(proactive__licensing=280)
    (f,) = check_report(report, rules=["R7"])
    assert f.severity == "warning" and f.value == 284 and f.expected == 280


def test_r8_blank_slash_and_uncertain_cells() -> None:
    report = _seed(requests__granted=[None, "/", 0, 0, 0, 0, 0], uncertain=["requests.new.total"])
    findings = check_report(report, rules=["R8"])
    cells = sorted(c for f in findings for c in f.cells)
    assert cells == [
        "requests.granted.commercial",
        "requests.granted.natural_person",
        "requests.new.total",
    ]


def test_r9_fee_statement_and_section_five() -> None:
    (f,) = check_report(load_report(SEED_PARAMS), rules=["R9"])  # the seed's 六 says only 无
    assert f.where == "六、其他需要报告的事项" and f.severity == "warning"
    fine = _seed(other_matters={"text": "本年度未收取信息处理费。", "processing_fee_yuan": None})
    assert check_report(fine, rules=["R9"]) == []
    empty = _seed(problems={"intro": "", "subsections": []})
    assert any(f.where == "五、存在的主要问题及改进情况" for f in check_report(empty, rules=["R9"]))


def test_findings_are_json_ready() -> None:
    report = _seed(requests__granted=[1, 0, 0, 0, 0, 0, 0])
    for f in check_report(report):
        json.dumps(f.as_json(), ensure_ascii=False)
        assert {"rule", "severity", "where", "message"} <= set(f.as_json())


def test_normalized_round_trips_through_report_from_normalized() -> None:
    report = load_report(SEED_PARAMS)
    back = report_from_normalized(normalized(report))
    assert normalized(back) == normalized(report)


def test_every_table2_cell_is_named_by_its_own_column() -> None:
    """R8 names a 表二 cell by the column it is in, in both formats (a trial 上一年项目数量 cell
    was once named 本年处理决定数量)."""
    from reportkit.checks.cells import all_cells
    from reportkit.importer import import_report

    trial = import_report(FIXTURES / "01_shanghai_municipal_gov_office_2019.txt", "x").report
    columns = {
        **L.DOC_COLUMNS,
        **L.TRIAL_DOC_COLUMNS,
        **L.TRIAL_ITEM_COLUMNS,
        **L.TRIAL_FEE_COLUMNS,
        **L.TRIAL_PROCUREMENT_COLUMNS,
    }
    named = 0
    for report in (trial, load_report(SEED_PARAMS)):
        for path, label, _ in all_cells(report):
            parts = path.split(".")
            if parts[0] != "proactive":
                continue
            expected = columns[parts[2]] if len(parts) == 3 else None
            if expected is None:
                assert label.startswith("表二 ") and " × " in label, label
                continue
            assert label.endswith(f" × {expected}"), (path, label)
            named += 1
    assert named >= 20
