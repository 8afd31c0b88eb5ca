"""Batch comparison pages: written for every agency-year with a previous year, kept when nothing
changed, rewritten when a year changes, linked from the year index; no kernel (fake render)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from reportkit.batch import BatchResult, run_batch
from reportkit.batch.comparisons import COMPARE_NAME, COMPARE_STAMP, read_record
from reportkit.batch.summary import SHARE_HEAD
from reportkit.cli import main
from reportkit.compare import compare_files
from tests.test_batch_helpers import FakeWork, make_params

REPO = Path(__file__).resolve().parents[1]
AGENCY = "qinghe-education"


@pytest.fixture
def params(tmp_path: Path) -> Path:
    """One demo agency over three years (the bundled 青禾区教育局 2022–2024, with its ledgers)."""
    # the whole folder: the agency's params reference its ledger files
    shutil.copytree(REPO / "params" / AGENCY, tmp_path / "params" / AGENCY)
    return tmp_path / "params"


def batch(params: Path, out: Path, **kw: object) -> BatchResult:
    return run_batch(params, out, jobs=1, work=FakeWork(), **kw)  # type: ignore[arg-type]


def snapshot(out: Path) -> dict[str, int]:
    """mtime (ns) of every comparison page, stamp and year page under ``out``."""
    names = (COMPARE_NAME, COMPARE_STAMP, "index.html", "summary.csv")
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns
        for p in sorted(out.rglob("*"))
        if p.name in names and p != out / "index.html"
    }


def index_cell(out: Path, year: int, agency: str) -> Tag:
    """The 与上年比较 cell of ``agency`` on the year's index page."""
    page = BeautifulSoup(
        (out / str(year) / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    row = next(
        tr for tr in page.select("#agencies tbody tr") if tr["data-search"].startswith(agency)
    )
    heads = [th.get_text() for th in page.select("#agencies thead th")]
    cell = row.find_all("td", recursive=False)[heads.index("与上年比较")]
    assert isinstance(cell, Tag)
    return cell


def test_three_years_give_pages_for_the_second_and_third_linked_from_their_index(
    params: Path, tmp_path: Path
) -> None:
    out = tmp_path / "outputs"
    result = batch(params, out)
    assert result.exit_code == 0
    assert [(c.year, c.status) for c in result.comparisons] == [
        (2023, "written"),
        (2024, "written"),
    ]
    assert not (out / "2022" / AGENCY / COMPARE_NAME).exists()
    for year in (2023, 2024):
        page = out / str(year) / AGENCY / COMPARE_NAME
        expected = compare_files(
            params / AGENCY / f"{year - 1}.yaml", params / AGENCY / f"{year}.yaml"
        )
        assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        cell = index_cell(out, year, AGENCY)
        link = cell.find("a")
        assert link is not None and link["href"] == f"{AGENCY}/{COMPARE_NAME}"
        assert link.get_text() == "比较"
        share = expected.unchanged_share
        assert share is not None
        assert cell["data-v"] == f"{share:.4f}"
        assert f"未改 {share * 100:.1f}%" in cell.get_text()
        record = read_record(out / str(year) / AGENCY)
        assert record is not None and record.unchanged_share == round(share, 4)
        assert record.cells == len(expected.cells)
        rows = list(
            csv.DictReader(io.StringIO((out / str(year) / "summary.csv").read_text("utf-8-sig")))
        )
        assert rows[0][SHARE_HEAD] == f"{share:.4f}" and rows[1][SHARE_HEAD] == ""
    first = index_cell(out, 2022, AGENCY)
    assert first.find("a") is None and first.get_text() == "—" and first["data-v"] == ""


def test_a_no_change_rerun_rewrites_nothing(params: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    batch(params, out)
    before = snapshot(out)
    assert len([k for k in before if k.endswith(COMPARE_NAME)]) == 2
    again = batch(params, out)
    assert {c.status for c in again.comparisons} == {"up to date"}
    assert snapshot(out) == before


def test_a_changed_year_rewrites_the_pages_that_show_it(params: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    batch(params, out)
    path = params / AGENCY / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("251", "252"), encoding="utf-8")
    result = batch(params, out)
    assert {(c.year, c.status) for c in result.comparisons} == {
        (2023, "written"),
        (2024, "written"),
    }
    cell = [
        c
        for c in compare_files(params / AGENCY / "2023.yaml", params / AGENCY / "2024.yaml").cells
        if c.path == "proactive.licensing"
    ]
    assert cell[0].old == 252
    assert "原 252" in (out / "2024" / AGENCY / COMPARE_NAME).read_text(encoding="utf-8")
    # the year before last only feeds last year's R5/R6 on the page: it rewrites 2024's too
    older = params / AGENCY / "2022.yaml"
    older.write_text(older.read_text(encoding="utf-8") + "# checked\n", encoding="utf-8")
    result = batch(params, out)
    assert {(c.year, c.status) for c in result.comparisons} == {
        (2023, "written"),
        (2024, "written"),
    }
    result = batch(params, out, force=True)
    assert {c.status for c in result.comparisons} == {"written"}


def test_an_unusable_year_keeps_the_last_page_and_says_so(params: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    batch(params, out)
    page = out / "2024" / AGENCY / COMPARE_NAME
    good = page.read_bytes()
    path = params / AGENCY / "2024.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("year: 2024", "year: 2024\nyear_x: 1"),
        encoding="utf-8",
    )
    result = batch(params, out)
    failed = result.failed_comparisons
    assert [(c.year, c.status) for c in failed] == [(2024, "failed")]
    assert failed[0].message.startswith(f"{path}: ") and "year_x" in failed[0].message
    assert result.exit_code == 1
    assert page.read_bytes() == good
    cell = index_cell(out, 2024, AGENCY)
    assert cell.find("a").get_text() == "上次比较"  # type: ignore[union-attr]
    assert "参数已改，未能重新比较" in cell.get_text() and cell["data-v"] == ""


def test_largely_copied_narratives_are_flagged_and_filtered(tmp_path: Path) -> None:
    """The batch test agencies change only a number or two of their text from year to year."""
    params = make_params(tmp_path)
    out = tmp_path / "outputs"
    result = batch(params, out)
    assert len(result.comparisons) == 3
    page = BeautifulSoup((out / "2024" / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = page.select("#agencies tbody tr")
    assert {tr["data-copied"] for tr in rows} == {"1"}
    assert all("照搬提示" in tr.get_text() for tr in rows)
    cards = {
        c.select_one(".l").get_text(): c.select_one(".n").get_text() for c in page.select(".card")
    }
    assert cards["正文≥90%与上年相同"] == "3"
    assert page.select_one("#copied-only") is not None
    for agency in ("a-bureau", "b-office", "c-commission"):
        html = (out / "2024" / agency / COMPARE_NAME).read_text(encoding="utf-8")
        assert "照搬提示" in html


def test_write_compare_false_writes_none(params: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    result = batch(params, out, write_compare=False)
    assert result.comparisons == [] and not list(out.rglob(COMPARE_NAME))


def test_cli_batch_reports_the_comparison_pages(
    params: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reportkit.batch.run.default_work", lambda: FakeWork())
    out = tmp_path / "outputs"
    args = ["batch", "--params", str(params), "--out", str(out), "-j", "1"]
    assert main(args) == 0
    stdout = capsys.readouterr().out
    assert "comparison pages: 2 written, 0 up to date, 0 failed" in stdout
    assert main(args) == 0
    assert "comparison pages: 0 written, 2 up to date, 0 failed" in capsys.readouterr().out
    path = params / AGENCY / "2023.yaml"
    path.write_text("agency: {}\n", encoding="utf-8")
    assert main(args) == 1
    stdout = capsys.readouterr().out
    assert re.search(rf"failed +compare\.html {AGENCY} 2024: {re.escape(str(path))}: ", stdout)


PROBE = """
<script>
(function () {
  var out = [];
  var box = document.getElementById('copied-only');
  box.checked = true;
  box.dispatchEvent(new Event('change'));
  out.push(document.getElementById('count').textContent);
  box.checked = false;
  box.dispatchEvent(new Event('change'));
  var heads = document.querySelectorAll('#agencies thead th');
  var col = Array.prototype.findIndex.call(heads, function (h) { return h.textContent === '与上年比较'; });
  heads[col].click();
  var ids = Array.prototype.map.call(
    document.querySelectorAll('#agencies tbody tr .id'), function (e) { return e.textContent; });
  out.push(ids.join(','));
  document.body.setAttribute('data-probe', out.join('|'));
})();
</script>
"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium")
def test_the_column_sorts_and_the_flag_filters_in_a_browser(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    # a fourth agency whose text was rewritten: its share is lower, and it is not flagged
    (params / AGENCY).mkdir(exist_ok=True)
    for source in (REPO / "params" / AGENCY).iterdir():  # 2023, 2024 and their ledger files
        if source.name != "2022.yaml":
            shutil.copy(source, params / AGENCY / source.name)
    out = tmp_path / "outputs"
    batch(params, out)
    shares = {
        a: json.loads((out / "2024" / a / COMPARE_STAMP).read_text(encoding="utf-8"))[
            "unchanged_share"
        ]
        for a in ("a-bureau", "b-office", "c-commission", AGENCY)
    }
    page = out / "2024" / "probe.html"
    html = (out / "2024" / "index.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    probe = re.search(r'data-probe="([^"]*)"', dom)
    assert probe is not None, dom[:500]
    filtered, order = probe.group(1).split("|")
    assert filtered == "显示 3 / 4 个机关"
    assert order.split(",") == sorted(shares, key=lambda a: (shares[a], a))
