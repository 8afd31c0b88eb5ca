"""Reports and HTML helpers shared by the document tests (tables, narrative, charts, PDF)."""

from __future__ import annotations

import re
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from reportkit.model import Report
from reportkit.model.params import load_report, parse_report, read_yaml

REPO = Path(__file__).resolve().parents[1]
SEED_TXT = REPO.parent / "shared" / "seeds" / "000_083e95083e692b05.txt"
SEED_PARAMS = REPO / "params" / "xigong-education" / "2024.yaml"


def seed_report() -> Report:
    """The seed agency-year (西工区教育局 2024)."""
    return load_report(SEED_PARAMS)


@cache
def _seed_data() -> Any:
    return read_yaml(SEED_PARAMS)


def seed_data() -> dict[str, Any]:
    """The seed params as a fresh, mutable mapping."""
    data: dict[str, Any] = deepcopy(_seed_data())
    return data


def numbered_report() -> Report:
    """The seed with every table 三 and 四 cell distinct, to check cell positions."""
    data = seed_data()
    for i, key in enumerate(data["requests"]):
        data["requests"][key] = [100 * (i + 1) + j for j in range(7)]
    for i, key in enumerate(data["review_litigation"]):
        data["review_litigation"][key] = [10 * (i + 1) + j for j in range(5)]
    return parse_report(data)


def demo_report(year: int = 2024, new: int = 12) -> Report:
    """A fictional year of the seed agency with requests, for charts."""
    data = seed_data()
    data["year"] = year
    data["title"] = None
    req = data["requests"]
    req["new"] = [new, 3, 0, 1, 2, 0, new + 6]
    req["granted"] = [5, 1, 0, 0, 1, 0, 7]
    req["withheld_1"] = [1, 0, 0, 0, 0, 0, 1]
    req["unavailable_1"] = [4, 2, 0, 1, 0, 0, 7]
    req["not_processed_2"] = [2, 0, 0, 0, 1, 0, 3]
    del req["total"]
    data["review_litigation"]["review"] = [1, 0, 0, 1, 2]
    return parse_report(data)


def trial_report() -> Report:
    """The seed agency in the 2019 trial format (table 二 columns, one （六）其他处理 row)."""
    data = seed_data()
    data["year"] = 2019
    data["format"] = "2019-trial"
    item = {"previous_count": 5, "change": -1, "decisions": 7}
    data["proactive"] = {
        "rules": {"new_made": 1, "new_published": 2, "total_published": 3},
        "normative_documents": {"new_made": 4, "new_published": 5, "total_published": 6},
        "licensing": item,
        "other_services": {"previous_count": 8, "change": 0, "decisions": 9},
        "penalty": item,
        "enforcement": item,
        "fees": {"previous_count": 2, "change": "/"},
        "procurement": {"projects": 6, "amount": "251000元"},
    }
    req = data["requests"]
    for key in ("other_1", "other_2", "other_3", "total"):
        del req[key]
    req["other"] = [1, 0, 0, 0, 0, 0, 1]
    return parse_report(data)


# ---------------------------------------------------------------- HTML


def soup(html: str) -> BeautifulSoup:
    """Parse an HTML fragment."""
    return BeautifulSoup(html, "html.parser")


def grid(table: Tag) -> list[list[Tag]]:
    """The table as a grid of cells, a merged cell repeated in every slot it covers."""
    rows = table.find_all("tr")
    slots: dict[tuple[int, int], Tag] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["th", "td"], recursive=False):
            while (r, c) in slots:
                c += 1
            rowspan = int(str(cell.get("rowspan", 1)))
            colspan = int(str(cell.get("colspan", 1)))
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots[(r + dr, c + dc)] = cell
            c += colspan
    width = max(c for _, c in slots) + 1
    return [[slots[(r, c)] for c in range(width)] for r in range(len(rows))]


def text(cell: Tag) -> str:
    """A cell's text, stripped."""
    return cell.get_text().strip()


def squash(value: str) -> str:
    """Whitespace removed (PDF text breaks lines anywhere in CJK text)."""
    return re.sub(r"\s+", "", value)


def normalize(value: str) -> str:
    """Runs of whitespace as one space."""
    return re.sub(r"\s+", " ", value).strip()


def seed_paragraphs() -> list[str]:
    """Every text line of the published seed outside its tables (bullets unmarked)."""
    lines = SEED_TXT.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if not line.strip() or "\t" in line:
            continue
        out.append(re.sub(r"^- ", "", line.strip()))
    return out
