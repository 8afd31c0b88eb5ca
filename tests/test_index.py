"""The reviewers' index and summary.csv, built from a fake batch (no kernel)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reportkit.batch import run_batch
from reportkit.batch.index import write_indexes, write_year
from reportkit.batch.index_charts import MAX_CHART_ROWS, _top, charts
from reportkit.batch.summary import CSV_HEAD, FIGURES, collect_year, district_report, district_total
from reportkit.model.export import normalized
from reportkit.model.params import load_report
from tests.test_batch_helpers import AGENCIES, FakeWork, make_params


class Page(HTMLParser):
    """Every tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self) -> list[str]:
        """Every href and src."""
        return [
            value
            for _, attrs in self.tags
            for key, value in attrs.items()
            if key in ("href", "src") and value is not None
        ]


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """3 agencies × 2 years, b-office failing in 2024, and an invalid and an unrun agency."""
    root = tmp_path_factory.mktemp("index")
    params = make_params(root)
    out = root / "outputs"
    run_batch(params, out, jobs=1, work=FakeWork(), year=2023, write_index=False)
    (params / "d-invalid").mkdir()
    (params / "d-invalid" / "2024.yaml").write_text("agency: {id: d-invalid}\n", encoding="utf-8")
    run_batch(params, out, jobs=1, work=FakeWork(fail=frozenset({"b-office"})))
    e_dir = params / "e-unrun"
    e_dir.mkdir()
    text = (params / "a-bureau" / "2024.yaml").read_text(encoding="utf-8")
    (e_dir / "2024.yaml").write_text(
        text.replace("a-bureau", "e-unrun").replace("西工区甲局", "西工区戊局"), encoding="utf-8"
    )
    write_indexes(params, out, [2023, 2024])
    return params, out


def test_index_parses_and_lists_every_agency_with_status(built: tuple[Path, Path]) -> None:
    _, out = built
    page = parse(out / "2024" / "index.html")
    text = "".join(page.text)
    rows = [a for t, a in page.tags if t == "tr" and a.get("data-status")]
    statuses = {a["data-search"].split()[0]: a["data-status"] for a in rows}  # type: ignore[union-attr]
    assert statuses == {
        "a-bureau": "rendered",
        "b-office": "failed",
        "c-commission": "rendered",
        "d-invalid": "invalid",
        "e-unrun": "not run",
    }
    for agency_id, name in AGENCIES.items():
        assert agency_id in text and name in text
    assert "b-office 2024: section 03_requests, cell 4: ValueError: boom" in text
    assert "失败的章节：03_requests.ipynb" in text
    assert "d-invalid/2024.yaml" in text  # the params error names the file
    assert "全区合计" in text


def test_every_link_resolves_and_nothing_is_remote(built: tuple[Path, Path]) -> None:
    _, out = built
    for path in (out / "2024" / "index.html", out / "2023" / "index.html", out / "index.html"):
        raw = path.read_text(encoding="utf-8")
        assert (
            "http://" not in raw
            and "https://" not in raw
            and "//" not in raw.replace("://", "").split("<script>")[0].replace("<!--", "")
        )
        links = parse(path).links()
        assert links
        for link in links:
            if link.startswith("#"):
                continue
            assert ":" not in link, link
            assert (path.parent / link).is_file(), f"{path}: {link}"
    links = parse(out / "2024" / "index.html").links()
    assert "b-office/sections/03_requests.ipynb" in links
    assert {"a-bureau/report.html", "a-bureau/report.pdf", "a-bureau/report.ipynb"} <= set(links)
    assert not any(link.startswith("e-unrun/") for link in links)


def test_charts_are_inline_svg_with_unique_ids(built: tuple[Path, Path]) -> None:
    _, out = built
    page = parse(out / "2024" / "index.html")
    assert sum(t == "svg" for t, _ in page.tags) == 3
    ids = Counter(a["id"] for _, a in page.tags if a.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    assert not [t for t, a in page.tags if t in ("img", "link", "iframe") or a.get("src")]


def test_summary_csv_equals_export_numbers(built: tuple[Path, Path]) -> None:
    params, out = built
    raw = (out / "2024" / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEAD
    by_id = {r[0]: dict(zip(CSV_HEAD, r, strict=True)) for r in rows[1:]}
    assert sorted(by_id) == [
        "a-bureau",
        "b-office",
        "c-commission",
        "d-invalid",
        "district-total",
        "e-unrun",
    ]
    for agency_id in ("a-bureau", "b-office", "c-commission", "e-unrun"):
        data = normalized(load_report(params / agency_id / "2024.yaml"))
        row = by_id[agency_id]
        req, rl, pro = data["requests"], data["review_litigation"], data["proactive"]
        expected: dict[str, Any] = {
            "本年新收申请": req["new"][6],
            "上年结转": req["carried_over"][6],
            "予以公开": req["granted"][6],
            "部分公开": req["partially_granted"][6],
            "办理结果总计": req["total"][6],
            "结转下年度": req["carried_forward"][6],
            "行政复议总计": rl["review"][4],
            "行政诉讼（未经复议直接起诉）总计": rl["litigation_direct"][4],
            "行政诉讼（复议后起诉）总计": rl["litigation_after_review"][4],
            "行政许可": pro["licensing"],
            "行政处罚": pro["penalty"],
        }
        for header, value in expected.items():
            assert int(row[header]) == value, (agency_id, header)
        assert float(row["行政事业性收费（万元）"]) == pro["fees_10k_yuan"]
        share = (req["granted"][6] + req["partially_granted"][6]) / req["total"][6]
        assert row["公开及部分公开占比"] == f"{share:.4f}"
        assert row["机关名称"] == data["agency"]["name"]
    assert by_id["b-office"]["状态"] == "失败"
    assert by_id["d-invalid"]["状态"] == "参数无效"
    assert by_id["e-unrun"]["状态"] == "未运行"
    total = by_id["district-total"]
    valid = ("a-bureau", "b-office", "c-commission", "e-unrun")
    assert int(total["本年新收申请"]) == sum(int(by_id[a]["本年新收申请"]) for a in valid)


def test_district_total_runs_r1_to_r4_on_the_sum(built: tuple[Path, Path]) -> None:
    params, out = built
    rows = collect_year(params, out, 2024)
    figures, findings = district_total(rows)
    assert findings == []
    assert set(figures) == set(FIGURES)
    report = rows[0].report
    assert report is not None
    broken = report.model_copy(deep=True)
    broken.requests.new[6] = 999  # type: ignore[index]
    summed = district_report([broken, report])
    assert summed is not None and summed.agency.name == "全区合计"
    rows[0].report = broken
    _, findings = district_total(rows)
    assert {f.rule for f in findings} == {"R1", "R3"}


def test_index_is_deterministic(built: tuple[Path, Path]) -> None:
    params, out = built
    before = (out / "2024" / "index.html").read_bytes(), (out / "2024" / "summary.csv").read_bytes()
    write_year(params, out, 2024, force=True)
    after = (out / "2024" / "index.html").read_bytes(), (out / "2024" / "summary.csv").read_bytes()
    assert before == after


def test_root_index_links_every_year(built: tuple[Path, Path]) -> None:
    _, out = built
    assert parse(out / "index.html").links() == [
        "2024/index.html",
        "2024/summary.csv",
        "2023/index.html",
        "2023/summary.csv",
    ]


def test_index_covers_agencies_skipped_as_up_to_date(tmp_path: Path) -> None:
    params = make_params(tmp_path, years=(2024,))
    out = tmp_path / "outputs"
    run_batch(params, out, jobs=1, work=FakeWork())
    result = run_batch(params, out, jobs=1, work=FakeWork())
    assert len(result.up_to_date) == 3
    rows = [a for t, a in parse(result.indexes[2024]).tags if t == "tr" and a.get("data-status")]
    assert [a["data-status"] for a in rows] == ["rendered"] * 3


def test_charts_keep_at_most_the_cap_of_agencies(built: tuple[Path, Path]) -> None:
    params, out = built
    row = collect_year(params, out, 2024)[0]
    rows = [
        replace(row, agency_id=f"x{i:03d}", figures={**row.figures, "new_requests": i})
        for i in range(MAX_CHART_ROWS + 15)
    ]
    chosen = _top(rows, lambda r: float(r.figures["new_requests"] or 0))
    assert len(chosen) == MAX_CHART_ROWS
    assert [r.agency_id for r in chosen] == [f"x{i:03d}" for i in range(15, MAX_CHART_ROWS + 15)]
    titles = [title for title, _ in charts(rows)]
    assert (
        titles[0] == f"各机关本年新收申请数量（新收申请最多的 {MAX_CHART_ROWS} 个，共 75 个机关）"
    )


def test_unchanged_page_is_not_rebuilt(built: tuple[Path, Path]) -> None:
    params, out = built
    index = out / "2024" / "index.html"
    write_year(params, out, 2024)
    before = index.stat().st_mtime_ns
    write_year(params, out, 2024)
    assert index.stat().st_mtime_ns == before
    last_run = out / "2024" / "a-bureau" / ".last-run.json"
    last_run.write_text(last_run.read_text(encoding="utf-8") + " ", encoding="utf-8")
    write_year(params, out, 2024)
    assert index.stat().st_mtime_ns != before


PROBE = """
<script>
(function () {
  var out = [];
  var q = document.getElementById('q');
  q.value = 'b-office';
  q.dispatchEvent(new Event('input'));
  out.push(document.getElementById('count').textContent);
  q.value = '';
  q.dispatchEvent(new Event('input'));
  var st = document.getElementById('status');
  st.value = 'failed';
  st.dispatchEvent(new Event('input'));
  out.push(document.getElementById('count').textContent);
  st.value = '';
  st.dispatchEvent(new Event('input'));
  var head = document.querySelectorAll('#agencies thead th')[3];
  head.click();
  head.click();
  var ids = Array.prototype.map.call(
    document.querySelectorAll('#agencies tbody tr .id'), function (e) { return e.textContent; });
  out.push(ids.join(','));
  document.body.setAttribute('data-probe', out.join('|'));
})();
</script>
"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium")
def test_sort_and_filter_work_in_a_browser(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = built
    page = out / "2024" / "probe.html"
    html = (out / "2024" / "index.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    try:
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
    finally:
        page.unlink()
    probe = re.search(r'data-probe="([^"]*)"', dom)
    assert probe is not None, dom[:500]
    by_name, by_status, order = probe.group(1).split("|")
    assert by_name == "显示 1 / 5 个机关"
    assert by_status == "显示 1 / 5 个机关"
    # 本年新收申请 descending (second click); agencies without figures last
    assert order.split(",") == ["c-commission", "b-office", "a-bureau", "e-unrun", "d-invalid"]


def test_an_unusable_params_file_is_not_shown_as_passing_the_rules(
    built: tuple[Path, Path],
) -> None:
    _, out = built
    html = (out / "2024" / "index.html").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(
            r'<tr data-status="[^"]*"[^>]*data-search="([\w-]+)[^"]*">.*?</tr>', html
        )
    }
    assert "未检查" in rows["d-invalid"] and "通过" not in rows["d-invalid"]
    assert "通过" in rows["a-bureau"] and "未检查" not in rows["a-bureau"]


def test_a_district_total_of_no_agency_is_not_shown_as_passing(tmp_path: Path) -> None:
    from reportkit.batch import run_batch
    from tests.test_batch_helpers import FakeWork

    params = tmp_path / "params"
    (params / "d-invalid").mkdir(parents=True)
    (params / "d-invalid" / "2024.yaml").write_text("agency: {id: d-invalid}\n", encoding="utf-8")
    run_batch(params, tmp_path / "out", jobs=1, work=FakeWork())
    html = (tmp_path / "out" / "2024" / "index.html").read_text(encoding="utf-8")
    total = re.search(r'<tr class="total">.*?</tr>', html, re.S)
    assert total is not None and "0 个机关" in total.group(0)
    assert "未检查" in total.group(0) and "通过" not in total.group(0)
