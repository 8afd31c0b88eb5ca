"""`export --json` of the seed params equals the published seed report, cell by cell."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from reportkit.cli import main
from reportkit.model import labels as L
from reportkit.model.export import normalized
from reportkit.model.params import load_report

from .conftest import SEED_PARAMS, SEED_TXT


def _seed_tables() -> dict[str, object]:
    """Read the seed's tables straight from its text (tab-separated cells)."""
    lines = SEED_TXT.read_text(encoding="utf-8").splitlines()
    cells = [[c.strip() for c in line.split("\t")] for line in lines if "\t" in line]
    numeric = re.compile(r"^\d+(\.\d+)?$")

    def numbers(row: list[str]) -> list[str]:
        return [c for c in row if numeric.match(c)]

    proactive: dict[str, list[str]] = {}
    for row in cells:
        if row[0] in (
            "规章",
            "行政规范性文件",
            "行政许可",
            "行政处罚",
            "行政强制",
            "行政事业性收费",
        ):
            proactive[row[0]] = numbers(row)
    table3 = [numbers(r) for r in cells if len(numbers(r)) == 7]
    table4 = [numbers(r) for r in cells if len(numbers(r)) == 15]
    return {"proactive": proactive, "table3": table3, "table4": table4}


def test_export_equals_seed_numbers_in_every_cell(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(SEED_PARAMS), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    seed = _seed_tables()

    pro = seed["proactive"]
    assert isinstance(pro, dict)
    for key, label in L.DOC_ROWS.items():
        assert [data["proactive"][key][c] for c in L.DOC_COLUMNS] == [int(v) for v in pro[label]]
    for key, label in L.DECISION_ROWS.items():
        assert data["proactive"][key] == int(pro[label][0])
    assert Decimal(str(data["proactive"]["fees_10k_yuan"])) == Decimal(pro["行政事业性收费"][0])

    table3 = seed["table3"]
    assert isinstance(table3, list)
    keys = L.request_row_keys("2021")
    assert len(table3) == len(keys) == 25
    for key, row in zip(keys, table3, strict=True):
        assert data["requests"][key] == [int(v) for v in row], key

    (row4,) = seed["table4"]  # type: ignore[misc]
    flat = [v for g in L.REVIEW_GROUPS for v in data["review_litigation"][g]]
    assert flat == [int(v) for v in row4]


def test_export_has_exactly_the_contract_keys() -> None:
    data = normalized(load_report(SEED_PARAMS))
    assert list(data) == ["agency", "year", "format", "proactive", "requests", "review_litigation"]
    assert data["agency"] == {"id": "xigong-education", "name": "西工区教育局"}
    assert list(data["proactive"]) == [
        "rules",
        "normative_documents",
        "licensing",
        "penalty",
        "enforcement",
        "fees_10k_yuan",
    ]
    assert list(data["review_litigation"]) == [
        "review",
        "litigation_direct",
        "litigation_after_review",
    ]
    assert all(len(v) == 7 for v in data["requests"].values())


def test_computed_total_row_and_blank_cells_in_export(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = SEED_PARAMS.read_text(encoding="utf-8")
    text = text.replace("  total: [0, 0, 0, 0, 0, 0, 0]\n", "")
    text = text.replace("  granted: [0, 0, 0, 0, 0, 0, 0]", "  granted: [5, null, 1, 0, 0, 0, 6]")
    text = text.replace(
        "  withheld_1: [0, 0, 0, 0, 0, 0, 0]",
        "  withheld_1: {natural_person: 2, commercial: 1, research: 0, social_welfare: 0,"
        " legal_services: 0, other: 0}",
    )
    path = tmp_path / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    data = normalized(load_report(path))
    assert data["requests"]["granted"] == [5, None, 1, 0, 0, 0, 6]
    assert data["requests"]["withheld_1"] == [2, 1, 0, 0, 0, 0, 3]
    assert data["requests"]["total"] == [7, 1, 1, 0, 0, 0, 9]
