"""Import of published reports: the seed, the real fixtures, GB18030, and check on the result."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.cli import main
from reportkit.errors import ReportImportError
from reportkit.importer import ImportResult, import_report, import_text
from reportkit.model import Proactive, Report
from reportkit.model import labels as L
from reportkit.model.export import normalized
from reportkit.model.params import load_report

from .conftest import FIXTURES, SEED_PARAMS, SEED_TXT, normalized_narrative

REPORTS = sorted(FIXTURES.glob("*.txt"))
# every cell of tables 三 and 四 must be read, and none flagged, for these
EXACT = ("01_", "04_", "05_", "08_")


def _expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8")
    )
    return data


def _cells(tables: dict[str, Any]) -> dict[str, Any]:
    """Cell path → value for tables 三 and 四 of a normalized (or expected) JSON."""
    out = {}
    for row, cells in tables["requests"].items():
        for col, value in zip(L.REQUEST_COLUMN_KEYS, cells, strict=True):
            out[f"requests.{row}.{col}"] = value
    for group, cells in tables["review_litigation"].items():
        for col, value in zip(L.REVIEW_COLUMN_KEYS, cells, strict=True):
            out[f"review_litigation.{group}.{col}"] = value
    return out


@pytest.fixture(scope="module")
def imported() -> dict[str, ImportResult]:
    return {p.name: import_report(p, "fixture-agency") for p in REPORTS}


def test_there_are_fixtures() -> None:
    assert len(REPORTS) == 8


def test_seed_imports_to_the_seed_params() -> None:
    result = import_report(SEED_TXT, "xigong-education")
    seed = load_report(SEED_PARAMS)
    got, want = normalized(result.report), normalized(seed)
    for key in ("year", "format", "proactive", "requests", "review_litigation"):
        assert got[key] == want[key], key
    assert result.uncertain == []
    assert normalized_narrative(result.report) == normalized_narrative(seed)
    assert result.report.agency.name == "西工区教育局"
    assert result.report.title == seed.title


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:2])
def test_no_unflagged_cell_differs(path: Path, imported: dict[str, ImportResult]) -> None:
    result = imported[path.name]
    expected = _expected(path)
    assert result.report.format == expected["format"]
    got = _cells(normalized(result.report))
    uncertain = set(result.uncertain)
    assert uncertain == set(result.report.uncertain)
    wrong = {
        cell: (got.get(cell), value)
        for cell, value in _cells(expected).items()
        if cell not in uncertain and got.get(cell) != value
    }
    assert wrong == {}


@pytest.mark.parametrize("path", [p for p in REPORTS if p.name.startswith(EXACT)], ids=str)
def test_clean_fixtures_are_read_completely(path: Path, imported: dict[str, ImportResult]) -> None:
    result = imported[path.name]
    assert result.uncertain == []
    assert _cells(normalized(result.report)) == _cells(_expected(path))


def test_flattened_page_flags_every_ambiguous_run(imported: dict[str, ImportResult]) -> None:
    """06: tables flattened to digit runs. A blank cell prints nothing there, so a run is
    certain only when no reading exists with blank cells either (0000000 for 7 cells; any
    number for a one-cell row); the others are flagged, and the reading written is the one
    without blank cells that the row's own sum allows."""
    result = imported["06_pingtan_zonghe_shiyanqu_2023.txt"]
    assert "requests.new.total" in result.uncertain
    assert "requests.carried_over.total" not in result.uncertain  # 0000000: one reading
    # 15 digits for 15 cells: 1|1|0|0|2|… — or 11|0|0|2|4|… with a blank cell at the end
    assert "review_litigation.review.total" in result.uncertain
    assert result.report.review_litigation.review == [1, 1, 0, 0, 2]
    assert result.report.requests.new == [80, 1, 0, 0, 0, 0, 81]
    assert {
        "proactive.normative_documents.issued",
        "proactive.normative_documents.in_force",
    } <= set(result.uncertain)
    pro = result.report.proactive
    assert isinstance(pro, Proactive)
    assert (pro.rules.issued, pro.licensing, pro.penalty, pro.enforcement) == (0, 2629, 1330, 54)
    assert pro.fees_10k_yuan == Decimal("5949.088667")
    assert pro.normative_documents.issued is None  # 77132470: 21 readings, none chosen


_SHORT = {
    "grant": "granted",
    "partial": "partially_granted",
    "forward": "carried_forward",
    "new": "new",
    "carry": "carried_over",
    "total": "total",
    **{f"d{i}": f"withheld_{i}" for i in range(1, 9)},
    **{f"u{i}": f"unavailable_{i}" for i in range(1, 4)},
    **{f"n{i}": f"not_processed_{i}" for i in range(1, 6)},
    **{f"o{i}": f"other_{i}" for i in range(1, 4)},
}
_COLUMNS = {label: key for key, label in L.REQUEST_COLUMNS.items()}


def _published(failure: str) -> tuple[str, str]:
    """``R1 row grant: …`` → (R1, granted); ``R2 col 总计: …`` → (R2, total)."""
    m = re.match(r"(R\d) (row|col|group) ([^:]+):", failure)
    assert m, failure
    rule, kind, name = m.groups()
    if kind == "row":
        return rule, _SHORT[name]
    if kind == "col":
        return rule, _COLUMNS[name]
    return rule, name


def _found(finding: dict[str, Any]) -> tuple[str, str]:
    if finding["rule"] == "R1":
        return "R1", finding["row"]
    if finding["rule"] in ("R2", "R3"):
        return finding["rule"], finding["column"]
    return finding["rule"], finding["group"]


def _uncertain_of(target: Path) -> set[str]:
    return set(load_report(target).uncertain)


def _touches(finding: dict[str, Any], uncertain: set[str]) -> bool:
    """True when the cells a R1–R4 finding sums include an uncertain one."""
    rule = finding["rule"]
    if rule == "R1":
        return any(c.startswith(f"requests.{finding['row']}.") for c in uncertain)
    if rule in ("R2", "R3"):
        return any(
            c.startswith("requests.") and c.endswith(f".{finding['column']}") for c in uncertain
        )
    return any(c.startswith(f"review_litigation.{finding['group']}.") for c in uncertain)


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:2])
def test_check_reports_the_published_rule_failures(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "imported.yaml"
    code = main(["import", str(path), "--agency-id", "fixture-agency", "-o", str(target)])
    assert code in (0, 3)
    capsys.readouterr()
    main(["check", str(target), "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    got = {_found(f) for f in findings if f["rule"] in ("R1", "R2", "R3", "R4")}
    want = {_published(f) for f in _expected(path)["published_rule_failures"]}
    assert want <= got
    # a finding beyond the published ones must rest on a cell import flagged as uncertain
    for finding in findings:
        if finding["rule"] in ("R1", "R2", "R3", "R4") and _found(finding) not in want:
            assert _touches(finding, _uncertain_of(target)), finding


@pytest.mark.parametrize("source", [*REPORTS, SEED_TXT], ids=lambda p: p.name[:3])
def test_gb18030_copy_imports_the_same(source: Path, tmp_path: Path) -> None:
    copy = tmp_path / "gbk.txt"
    copy.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    utf8, gbk = import_report(source, "some-agency"), import_report(copy, "some-agency")
    assert gbk.encoding == "gb18030"
    assert normalized(gbk.report) == normalized(utf8.report)
    assert gbk.report.model_dump() == utf8.report.model_dump()


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[Path, str]:
    """A fixture with one line deleted, doubled, run into the next, or noise inserted.

    Not reordered: rows printed without a label are placed by their order (the importer's
    rule), so a moved unlabelled row is beyond what any reader of the text could detect.
    """
    path = draw(st.sampled_from(REPORTS))
    lines = path.read_text(encoding="utf-8").split("\n")
    j = draw(st.integers(0, len(lines) - 2))
    op = draw(st.sampled_from(["delete", "duplicate", "join", "noise"]))
    if op == "delete":
        del lines[j]
    elif op == "duplicate":
        lines.insert(j, lines[j])
    elif op == "join":
        lines[j : j + 2] = [lines[j] + lines[j + 1]]
    else:
        lines.insert(j, draw(st.sampled_from(["— 3 —", "7", "| 1 | 2 |", "\t5\t", "（注）"])))
    return path, "\n".join(lines)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_damaged_tables_are_flagged_never_silently_wrong(case: tuple[Path, str]) -> None:
    path, text = case
    try:
        result = import_text(text, "fixture-agency", year=2024)
    except ReportImportError:
        return
    got = _cells(normalized(result.report)) | _proactive_cells(result.report)
    uncertain = set(result.uncertain)
    expected = _cells(_expected(path)) | _PROACTIVE[path.name]
    if result.report.format != _expected(path)["format"]:
        # table 二's headings lost with its heading: the format followed the year against
        # table 三, said so, and flagged every cell of table 二 (they have other columns)
        assert result.format_choice is not None and result.format_choice.conflict
        assert {c for c in _proactive_cells(result.report)} <= uncertain
        expected = {c: v for c, v in expected.items() if not c.startswith("proactive.")}
    assert {
        c: got.get(c) for c in expected if c not in uncertain and got.get(c) != expected[c]
    } == {}


def _proactive_cells(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in normalized(report)["proactive"].items():
        if isinstance(value, dict):
            out.update({f"proactive.{key}.{col}": v for col, v in value.items()})
        else:
            out[f"proactive.{key}"] = value
    return out


# table 二 as published (the .expected.json files leave it out): the undamaged imports,
# checked against the sources by eye, without the cells they flag
def _published_proactive(path: Path) -> dict[str, Any]:
    clean = import_report(path, "fixture-agency")
    cells = _proactive_cells(clean.report)
    return {c: v for c, v in cells.items() if c not in clean.uncertain}


_PROACTIVE = {p.name: _published_proactive(p) for p in REPORTS}
