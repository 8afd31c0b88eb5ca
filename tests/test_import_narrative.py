"""The narrative of the eight real reports: headings and paragraphs, hand-checked.

``tests/data/narrative/<fixture>.json`` holds, for each fixture in ../shared/fixtures/reports/,
the preamble, section 一's introduction and items (heading, run-in or not, paragraphs), section
五's introduction and sub-headings, and section 六, as the source prints them (checked by hand
against the fixture text; where the text is ambiguous the file's ``note`` says what was
decided and why). Import must give exactly these.

``python -m tests.test_import_narrative`` prints, per fixture, how many paragraphs import gets
right.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from reportkit.importer import import_report
from reportkit.model import Report, paragraphs

from .conftest import FIXTURES, squash_cjk_spaces

DATA = Path(__file__).resolve().parent / "data" / "narrative"
REPORTS = sorted(FIXTURES.glob("*.txt"))


def _norm(text: str, wrapped: bool) -> str:
    return squash_cjk_spaces(text) if wrapped else re.sub(r"\s+", " ", text).strip()


def narrative_of(report: Report, *, wrapped: bool = False) -> dict[str, Any]:
    """The headings and paragraphs of a report, in the layout of the expectation files."""

    def paras(text: str) -> list[str]:
        return [_norm(p, wrapped) for p in paragraphs(text)]

    return {
        "preamble": paras(report.preamble),
        "overview": {
            "intro": paras(report.overview.intro),
            "items": [
                {
                    "heading": _norm(i.heading, wrapped),
                    "run_in": i.run_in,
                    "paragraphs": paras(i.text),
                }
                for i in report.overview.items
            ],
        },
        "problems": {
            "intro": paras(report.problems.intro),
            "subsections": [
                {"heading": _norm(s.heading, wrapped), "paragraphs": paras(s.text)}
                for s in report.problems.subsections
            ],
        },
        "other": paras(report.other_matters.text),
    }


def expected_narrative(stem: str, *, wrapped: bool = False) -> dict[str, Any]:
    """The hand-checked narrative of one fixture, normalized like :func:`narrative_of`."""
    data = json.loads((DATA / f"{stem}.json").read_text(encoding="utf-8"))

    def paras(items: list[str]) -> list[str]:
        return [_norm(p, wrapped) for p in items]

    ov, pr = data["overview"], data["problems"]
    return {
        "preamble": paras(data["preamble"]),
        "overview": {
            "intro": paras(ov["intro"]),
            "items": [
                {
                    "heading": _norm(i["heading"], wrapped),
                    "run_in": i["run_in"],
                    "paragraphs": paras(i["paragraphs"]),
                }
                for i in ov["items"]
            ],
        },
        "problems": {
            "intro": paras(pr["intro"]),
            "subsections": [
                {"heading": _norm(s["heading"], wrapped), "paragraphs": paras(s["paragraphs"])}
                for s in pr["subsections"]
            ],
        },
        "other": paras(data["other"]),
    }


def _all_paragraphs(narrative: dict[str, Any]) -> list[str]:
    """Every heading and paragraph, in order, each tagged with where it stands."""
    out = [f"preamble: {p}" for p in narrative["preamble"]]
    out += [f"一: {p}" for p in narrative["overview"]["intro"]]
    for item in narrative["overview"]["items"]:
        out.append(f"一 heading: {item['heading']} (run-in {item['run_in']})")
        out += [f"一 {item['heading']}: {p}" for p in item["paragraphs"]]
    out += [f"五: {p}" for p in narrative["problems"]["intro"]]
    for sub in narrative["problems"]["subsections"]:
        out.append(f"五 heading: {sub['heading']}")
        out += [f"五 {sub['heading']}: {p}" for p in sub["paragraphs"]]
    out += [f"六: {p}" for p in narrative["other"]]
    return out


def right_count(stem: str, report: Report, *, wrapped: bool = False) -> tuple[int, int]:
    """(paragraphs and headings import got right, how many the fixture has)."""
    want = _all_paragraphs(expected_narrative(stem, wrapped=wrapped))
    got = set(_all_paragraphs(narrative_of(report, wrapped=wrapped)))
    return sum(p in got for p in want), len(want)


def test_every_fixture_has_its_narrative() -> None:
    assert sorted(p.stem for p in DATA.glob("*.json")) == [p.stem for p in REPORTS]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:2])
def test_import_gives_the_hand_checked_narrative(path: Path) -> None:
    report = import_report(path, "fixture-agency").report
    assert narrative_of(report, wrapped=True) == expected_narrative(path.stem, wrapped=True)


def main() -> None:
    """Print how many paragraphs (and headings) of each fixture import gets right."""
    for path in REPORTS:
        report = import_report(path, "fixture-agency").report
        right, total = right_count(path.stem, report, wrapped=True)
        print(f"{path.stem}: {right}/{total} paragraphs right")
    pdf = FIXTURES / "04_huaian_city_gov_2024.pdf"
    right, total = right_count(pdf.stem, import_report(pdf, "x").report, wrapped=True)
    print(f"{pdf.name}: {right}/{total} paragraphs right")


if __name__ == "__main__":
    main()
