"""The bundled demo district 青禾区 (issue 2, item 7): fictional, marked as demo, clean except one
R3 file, and exactly what :mod:`reportkit.demo` generates with its defaults.

Fast: no kernels. Larger and seeded districts: ``test_demo_generator.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from reportkit import demo
from reportkit.checks import Finding, check_report, has_errors
from reportkit.model import Proactive, Report, load_previous, load_report, paragraphs

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params"
YEARS = (2022, 2023, 2024)
AGENCIES = (
    "qinghe-education",
    "qinghe-public-security",
    "qinghe-natural-resources",
    "qinghe-liuxi-town",
    "qinghe-gov-office",
    "qinghe-hrss",
    "qinghe-market-regulation",
)
BROKEN = PARAMS / "qinghe-market-regulation" / "2023.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/params.schema.json"


def demo_files() -> list[Path]:
    """Every committed demo params file (the qinghe-* agencies)."""
    return sorted(PARAMS.glob("qinghe-*/*.yaml"))


def _findings(path: Path) -> list[Finding]:
    report = load_report(path)
    return check_report(report, load_previous(path, report))


@pytest.fixture(scope="module")
def reports() -> dict[Path, Report]:
    return {path: load_report(path) for path in demo_files()}


def test_every_agency_and_year_is_there() -> None:
    found = {(p.parent.name, p.stem) for p in demo_files()}
    expected = {(a, str(y)) for a in AGENCIES for y in YEARS}
    assert found == expected
    assert len({a for a, _ in found}) >= 7


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_demo_file_loads_and_is_marked_demo(path: Path) -> None:
    report = load_report(path)
    assert report.demo is True
    assert report.agency.id == path.parent.name and report.year == int(path.stem)
    assert report.agency.region == "临川市青禾区"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == SCHEMA_LINE
    header = [line for line in lines if line.startswith("#")]
    assert any("虚构" in line and "演示数据" in line for line in header)
    assert any("Fictional demonstration data" in line for line in header)


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_demo_file_passes_every_rule_except_the_deliberate_one(path: Path) -> None:
    findings = _findings(path)
    if path == BROKEN:
        assert findings, "the deliberate R3 file must fail"
        assert {f.rule for f in findings} == {"R3"}
    else:
        assert [f.line() for f in findings] == []


def test_previous_year_is_used_for_r5_and_r6() -> None:
    for agency in AGENCIES:
        for year in YEARS[1:]:
            path = PARAMS / agency / f"{year}.yaml"
            report = load_report(path)
            previous = load_previous(path, report)
            assert previous is not None and previous.year == year - 1
            assert report.request_row("carried_over") == previous.request_row("carried_forward")
            assert isinstance(report.proactive, Proactive)
            assert isinstance(previous.proactive, Proactive)
            now, before = (
                report.proactive.normative_documents,
                previous.proactive.normative_documents,
            )
            assert now.in_force == before.in_force + now.issued - now.repealed  # type: ignore[operator]


def test_the_deliberate_failure_is_r3_in_natural_person_and_total_only() -> None:
    findings = _findings(BROKEN)
    assert has_errors(findings)
    assert [(f.rule, f.extra["column"]) for f in findings] == [
        ("R3", "natural_person"),
        ("R3", "total"),
    ]
    text = BROKEN.read_text(encoding="utf-8")
    assert "故意" in text.split("agency:")[0] and "R3" in text.split("agency:")[0]
    following = PARAMS / "qinghe-market-regulation" / "2024.yaml"
    assert [f for f in _findings(following) if f.rule == "R5"] == []


def test_exactly_one_demo_file_has_findings() -> None:
    failing = [path for path in demo_files() if _findings(path)]
    assert failing == [BROKEN]


def test_tables_are_non_zero_and_fit_each_kind_of_agency(reports: dict[Path, Report]) -> None:
    new: dict[str, list[int]] = defaultdict(list)
    review: dict[str, list[int]] = defaultdict(list)
    for path, report in reports.items():
        total = report.request_row("new")[6]
        assert isinstance(total, int) and total > 0, path
        new[report.agency.id].append(total)
        review[report.agency.id].append(report.review_litigation.review[4])  # type: ignore[arg-type]
    town, police, land = (
        new["qinghe-liuxi-town"],
        new["qinghe-public-security"],
        new["qinghe-natural-resources"],
    )
    assert max(town) < min(police) and max(town) < min(land)
    assert min(review["qinghe-public-security"]) > 0
    assert min(review["qinghe-natural-resources"]) > 0
    office = [r for p, r in reports.items() if p.parent.name == "qinghe-gov-office"]
    assert all(
        isinstance(r.proactive, Proactive) and r.proactive.normative_documents.issued
        for r in office
    )


def test_narrative_has_realistic_shape(reports: dict[Path, Report]) -> None:
    for path, report in reports.items():
        items = report.overview.items
        assert [i.heading for i in items] == [
            "主动公开",
            "依申请公开",
            "政府信息管理",
            "政府信息公开平台建设",
            "监督保障",
        ]
        assert all(i.run_in for i in items)
        for item in items:
            paras = paragraphs(item.text)
            assert 1 <= len(paras) <= 3, (path, item.heading)
            for para in paras:
                assert 80 <= len(para) <= 250, (path, item.heading, len(para), para)
        assert str(report.year) in report.overview.intro
        assert [s.heading for s in report.problems.subsections] == [
            "（一）存在的主要问题",
            "（二）改进情况",
        ]
        problems, fixes = (s.text for s in report.problems.subsections)
        assert re.search(r"^1\.", problems, re.M) and re.search(r"^2\.", problems, re.M)
        assert "一是" in fixes and "二是" in fixes
        assert "信息处理费" in report.other_matters.text
        stated = re.search(r"政府信息公开申请(?:共)?\s*(\d+)\s*件", items[1].text)
        assert stated and int(stated.group(1)) == report.request_row("new")[6]


def test_no_paragraph_is_copied_between_agencies(reports: dict[Path, Report]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    item_owners: dict[str, set[int]] = defaultdict(set)
    for report in reports.values():
        texts = [report.overview.intro, *(i.text for i in report.overview.items)]
        texts += [s.text for s in report.problems.subsections] + [report.other_matters.text]
        for text in texts:
            for para in paragraphs(text):
                owners[para].add(report.agency.id)
        for item in report.overview.items:
            for para in paragraphs(item.text):
                item_owners[f"{report.agency.id}:{para}"].add(report.year)
    assert [p for p, who in owners.items() if len(who) > 1] == []
    assert [p for p, years in item_owners.items() if len(years) > 1] == []


def test_generator_is_deterministic(tmp_path: Path) -> None:
    written = demo.write(tmp_path).written
    assert len(demo_files()) == 21
    assert sorted(p.relative_to(tmp_path) for p in written) == sorted(
        p.relative_to(PARAMS) for p in PARAMS.glob("qinghe-*/*") if p.is_file()
    )
    for path in written:
        rel = path.relative_to(tmp_path)
        assert path.read_bytes() == (PARAMS / rel).read_bytes(), f"{rel} differs from the generator"
    assert demo.generate() == demo.generate()


def test_the_library_knows_the_bundled_district() -> None:
    assert tuple(a.id for a in demo.district()) == AGENCIES
    assert demo.DEFAULT_YEARS == YEARS
    assert demo.REGION == "临川市青禾区"
    assert BROKEN.relative_to(PARAMS).with_suffix("").parts == (demo.BROKEN[0], str(demo.BROKEN[1]))
