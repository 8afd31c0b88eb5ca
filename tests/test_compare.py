"""``reportkit compare``: changed cells (against ``export --json``), key figures, the CLI, the page."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.cli import main
from reportkit.compare import compare_files, compare_reports
from reportkit.compare.cells import cell_paths, raw_cell
from reportkit.compare.page import comparison_html, marked_tables
from reportkit.model.export import normalized
from reportkit.model.params import dump_report, load_report, parse_report
from reportkit.render.tables import cell_text, table2_html, table3_html, table4_html
from tests.docsamples import numbered_report, seed_data, seed_report, trial_report

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params"
DEMO = sorted(p.name for p in PARAMS.glob("qinghe-*"))
GOLDEN = REPO / "tests" / "golden" / "compare-qinghe-education-2023-2024.html"

REQUEST_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_services")
REQUEST_COLS += ("other", "total")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def flat(export: dict[str, Any]) -> dict[str, Any]:
    """The cells of ``export --json`` by path, as DESIGN.md names them (written out here, apart
    from the code under test)."""
    out: dict[str, Any] = {}
    for key, value in export["proactive"].items():
        if isinstance(value, dict):
            out.update({f"proactive.{key}.{col}": v for col, v in value.items()})
        else:
            out[f"proactive.{key}"] = value
    for row, cells in export["requests"].items():
        out.update({f"requests.{row}.{c}": v for c, v in zip(REQUEST_COLS, cells, strict=True)})
    for group, cells in export["review_litigation"].items():
        out.update(
            {f"review_litigation.{group}.{c}": v for c, v in zip(REVIEW_COLS, cells, strict=True)}
        )
    return out


# ---------------------------------------------------------------- acceptance: cells


@pytest.mark.parametrize("agency", DEMO)
@pytest.mark.parametrize("year", [2023, 2024])
def test_cells_are_exactly_the_cells_that_differ_in_export(
    agency: str, year: int, capsys: pytest.CaptureFixture[str]
) -> None:
    old_path, new_path = PARAMS / agency / f"{year - 1}.yaml", PARAMS / agency / f"{year}.yaml"
    _, old_json, _ = run_cli(capsys, "export", str(old_path), "--json")
    _, new_json, _ = run_cli(capsys, "export", str(new_path), "--json")
    old, new = flat(json.loads(old_json)), flat(json.loads(new_json))
    expected = {(p, old.get(p), new.get(p)) for p in {*old, *new} if old.get(p) != new.get(p)}
    code, out, err = run_cli(capsys, "compare", str(old_path), str(new_path), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    got = [(c["path"], c["old"], c["new"]) for c in data["cells"]]
    assert len(got) == len(set(got)) and set(got) == expected
    assert expected, "consecutive demo years differ in some cell"
    assert data["old"]["agency"] == {"id": agency, "name": json.loads(old_json)["agency"]["name"]}
    assert (data["old"]["year"], data["new"]["year"]) == (year - 1, year)
    assert set(data["paragraphs"]) == {"added", "removed", "changed", "unchanged"}
    assert 0.0 <= data["unchanged_share"] <= 1.0


MUTABLE = [p for p in cell_paths(normalized(seed_report())) if not p.endswith("fees_10k_yuan")]


def set_cell(data: dict[str, Any], path: str, value: Any) -> None:
    table, key, *rest = path.split(".")
    if table == "requests":
        data["requests"][key][REQUEST_COLS.index(rest[0])] = value
    elif table == "review_litigation":
        data["review_litigation"][key][REVIEW_COLS.index(rest[0])] = value
    elif rest:
        data["proactive"][key][rest[0]] = value
    else:
        data["proactive"][key] = value


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(MUTABLE),
        st.one_of(st.integers(0, 500), st.none(), st.just("/")),
        max_size=12,
    )
)
def test_changed_cells_are_the_edited_cells(edits: dict[str, Any]) -> None:
    data = seed_data()
    data["requests"]["total"] = [0] * 7  # given, so editing a row does not recompute it
    old = parse_report(seed_data() | {"requests": {**data["requests"]}})
    for path, value in edits.items():
        set_cell(data, path, value)
    new = parse_report(data)
    before = {p: raw_cell(old, p) for p in MUTABLE}

    def shown(value: Any) -> Any:
        return None if value == "/" else value

    expected = {p for p, v in edits.items() if shown(before[p]) != shown(v)}
    comparison = compare_reports(old, new)
    assert {c.path for c in comparison.cells} == expected
    for change in comparison.cells:
        assert change.old == shown(before[change.path])
        assert change.new == shown(edits[change.path])
        assert change.only_in is None and not change.uncertain


def test_formats_2019_trial_and_2021_list_cells_only_one_has() -> None:
    old, new = trial_report(), seed_report()
    comparison = compare_reports(old, new)
    only = {c.path: c.only_in for c in comparison.cells if c.only_in}
    assert only["requests.other.total"] == "old"
    assert only["requests.other_1.total"] == "new"
    assert only["proactive.rules.new_made"] == "old"
    assert only["proactive.licensing"] == "new"
    labels = {c.path: c.label for c in comparison.cells}
    assert labels["proactive.licensing.previous_count"] == "表二 行政许可 × 上一年项目数量"
    assert labels["requests.other.total"] == "表三 三、本年度办理结果 （六）其他处理 × 总计"
    figures = {f.key: f for f in comparison.figures}
    assert figures["licensing"].old.value == 7 and figures["licensing"].new.value == 284
    assert figures["fees_10k_yuan"].old.value is None
    page = comparison_html(comparison)
    assert "两份报告的表格格式不同" in page and "原 无此项" in page


def test_blank_and_uncertain_cells_are_flagged_not_guessed() -> None:
    data = seed_data()
    data["requests"]["new"] = [None, 0, 0, 0, 0, 0, "/"]
    data["uncertain"] = ["requests.granted.total"]
    new = parse_report(data)
    comparison = compare_reports(seed_report(), new)
    cells = {c.path: c for c in comparison.cells}
    assert cells["requests.new.total"].new is None
    assert cells["requests.new.total"].new_raw == "/"
    figures = {f.key: f for f in comparison.figures}
    assert figures["new_requests"].new.value is None and figures["new_requests"].change is None
    assert figures["new_requests"].new.blank and figures["new_requests"].flagged
    assert figures["granted"].new.uncertain
    js = {f["key"]: f for f in comparison.as_json()["key_figures"]}
    assert js["new_requests"]["blank"] == ["new"] and js["granted"]["uncertain"] == ["new"]
    page = comparison_html(comparison)
    assert "本年新收申请" in page and "含空白或“/”单元格" in page and "含导入时未能确认" in page


def test_key_figures_change_and_percent() -> None:
    comparison = compare_files(
        PARAMS / "qinghe-education" / "2023.yaml", PARAMS / "qinghe-education" / "2024.yaml"
    )
    figures = {f["key"]: f for f in comparison.as_json()["key_figures"]}
    assert figures["new_requests"] | {} == {
        "key": "new_requests",
        "label": "本年新收申请",
        "old": 25,
        "new": 27,
        "change": 2,
        "percent": 8.0,
    }
    assert figures["fees_10k_yuan"]["change"] == pytest.approx(332.8266 - 392.5448)
    assert figures["other"]["percent"] is None  # from 0: no per cent
    fees = next(f for f in comparison.figures if f.key == "fees_10k_yuan")
    assert fees.change == Decimal("-59.7182")


# ---------------------------------------------------------------- the tables on the page


@pytest.mark.parametrize(
    "report", [numbered_report(), trial_report(), load_report(PARAMS / "qinghe-hrss" / "2024.yaml")]
)
def test_the_tables_print_their_cells_in_the_order_of_the_paths(report: Any) -> None:
    """The page names each <td> by this order; it must be the tables' own."""
    tds = [
        td.get_text()
        for make in (table2_html, table3_html, table4_html)
        for td in BeautifulSoup(make(report), "html.parser").find_all("td")
    ]
    paths = list(cell_paths(normalized(report)))
    assert tds == [cell_text(raw_cell(report, p)) for p in paths]


def test_every_changed_cell_is_framed_with_its_old_value() -> None:
    comparison = compare_files(
        PARAMS / "qinghe-hrss" / "2023.yaml", PARAMS / "qinghe-hrss" / "2024.yaml"
    )
    soup = BeautifulSoup("".join(str(t["html"]) for t in marked_tables(comparison)), "html.parser")
    framed = soup.select("td.cmp-changed")
    assert len(framed) == len(comparison.cells) > 0
    for td, change in zip(framed, comparison.cells, strict=True):
        assert td.get_text(" ").split() == [
            cell_text(change.new_raw),
            "原",
            cell_text(change.old_raw) or "空白",
        ]
        assert change.label in str(td["title"])


# ---------------------------------------------------------------- the page


def page_of(old: Path, new: Path) -> BeautifulSoup:
    return BeautifulSoup(comparison_html(compare_files(old, new)), "html.parser")


def test_page_is_offline_and_marks_every_paragraph_in_words() -> None:
    old, new = PARAMS / "qinghe-education" / "2023.yaml", PARAMS / "qinghe-education" / "2024.yaml"
    comparison = compare_files(old, new)
    raw = comparison_html(comparison)
    soup = BeautifulSoup(raw, "html.parser")
    assert not soup("script") and not soup("link") and not soup("img")
    assert not re.search(r"https?://|url\(", raw)
    paras = soup.select("div.cmp-para")
    assert len(paras) == len(comparison.narrative.matches)
    words = {"unchanged": "未改", "changed": "修改", "added": "新增", "removed": "删除"}
    for div, match in zip(paras, comparison.narrative.matches, strict=True):
        assert div.select_one(".cmp-tag").get_text() == words[match.status]
        if match.status == "changed":
            marks = [(t.name, t.get_text()) for t in div.select("ins, del")]
            kinds = {"insert": "ins", "delete": "del"}
            expected = [(kinds[s.kind], s.text) for s in match.diff.segments if s.kind in kinds]
            assert marks == expected and marks
            assert "的文字未改" in div.get_text()
    css = soup.find_all("style")[1].get_text()
    assert re.search(r"\bins \{[^}]*underline", css) and re.search(
        r"\bdel \{[^}]*line-through", css
    )
    counts = [int(td.get_text()) for td in soup.select("table.cmp-counts tbody td")]
    c = comparison.narrative.counts
    assert counts == [c["unchanged"], c["changed"], c["added"], c["removed"], 0]
    assert comparison.unchanged_share is not None
    assert f"正文未改占比 {comparison.unchanged_share:.1%}" in soup.get_text()
    assert "照搬提示" not in raw


def test_a_copied_narrative_is_flagged(tmp_path: Path) -> None:
    """Last year's text with this year's numbers: the page and the JSON say ≥ 90 % unchanged."""
    old = load_report(PARAMS / "qinghe-hrss" / "2023.yaml")
    intro = old.overview.intro.replace("2023年", "2024年")
    new = old.model_copy(
        update={"year": 2024, "overview": old.overview.model_copy(update={"intro": intro})}
    )
    # an agency whose tables are typed (a ledger's would be recomputed for the new year)
    shutil.copytree(PARAMS / "qinghe-hrss", tmp_path / "qinghe-hrss")
    path = tmp_path / "qinghe-hrss" / "2024.yaml"
    path.write_text(dump_report(new), encoding="utf-8")
    comparison = compare_files(tmp_path / "qinghe-hrss" / "2023.yaml", path)
    assert comparison.largely_copied and comparison.unchanged_share is not None
    assert 0.99 < comparison.unchanged_share < 1.0
    assert comparison.narrative.counts["changed"] == 1
    assert comparison.cells == ()
    soup = BeautifulSoup(comparison_html(comparison), "html.parser")
    alert = soup.select_one(".cmp-alert")
    assert alert is not None and "照搬提示" in alert.get_text()
    assert comparison.as_json()["largely_copied"] is True


def normalized_page(html: str) -> str:
    """The page without what the golden file should not pin: the stylesheets (styling, pinned
    by their own files) and the version."""
    html = re.sub(r"(<style>).*?(</style>)", r"\1/* css */\2", html, flags=re.S)
    return re.sub(r"reportkit \d+\.\d+\.\d+\S*", "reportkit VERSION", html)


def test_golden_comparison_page(update_golden: bool) -> None:
    comparison = compare_files(
        PARAMS / "qinghe-education" / "2023.yaml", PARAMS / "qinghe-education" / "2024.yaml"
    )
    actual = normalized_page(comparison_html(comparison))
    if update_golden or not GOLDEN.exists():
        existed = GOLDEN.exists()
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
        if not existed:
            pytest.fail(f"golden file written: {GOLDEN}; review it and commit it")
        return
    expected = GOLDEN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                str(GOLDEN),
                "compare.html (normalized)",
            )
        )
        pytest.fail(f"compare.html differs from the golden file (--update-golden):\n{diff}")


# ---------------------------------------------------------------- the command


def test_cli_writes_the_page_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cmp.html"
    old, new = PARAMS / "qinghe-hrss" / "2023.yaml", PARAMS / "qinghe-hrss" / "2024.yaml"
    code, out, err = run_cli(capsys, "compare", str(old), str(new), "-o", str(target))
    assert code == 0 and err == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "qinghe-hrss/2023.yaml" in out and "unchanged share of the narrative:" in out
    assert f"written: {target}" in out
    assert [p.name for p in tmp_path.iterdir()] == ["cmp.html"]  # no temp file left


def test_cli_peers_of_one_year(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = PARAMS / "qinghe-hrss" / "2024.yaml", PARAMS / "qinghe-education" / "2024.yaml"
    code, out, _ = run_cli(capsys, "compare", str(a), str(b), "--json")
    data = json.loads(out)
    assert code == 0 and data["old"]["agency"]["id"] == "qinghe-hrss"
    page = comparison_html(compare_files(a, b))
    assert "与青禾区人力资源和社会保障局比较" in page


def test_cli_bad_input_is_one_line_and_keeps_the_old_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cmp.html"
    target.write_text("earlier page", encoding="utf-8")
    bad = tmp_path / "2024.yaml"
    bad.write_text("agency: {id: x, name: 甲}\nyear: 2024\n", encoding="utf-8")
    old = PARAMS / "qinghe-hrss" / "2023.yaml"
    code, out, err = run_cli(capsys, "compare", str(old), str(bad), "-o", str(target))
    assert code == 2 and out == ""
    # one line per problem of the file (its six missing sections)
    assert err.count("\n") == 6 and all(
        line.startswith(f"Error: {bad}: ") for line in err.splitlines()
    )
    assert target.read_text(encoding="utf-8") == "earlier page"
    code, _, err = run_cli(capsys, "compare", str(old), str(old), "-o", str(tmp_path))
    assert code == 2 and err.startswith(f"Error: {tmp_path}: is a folder")
    missing = tmp_path / "nowhere" / "新 {x}" / "x.html"  # made, as run --out makes its folder
    code, _, err = run_cli(capsys, "compare", str(old), str(old), "-o", str(missing))
    assert code == 0 and missing.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    blocked = tmp_path / "cmp.html" / "x.html"  # a file where the folder would be
    code, _, err = run_cli(capsys, "compare", str(old), str(old), "-o", str(blocked))
    assert code == 2 and err.startswith(f"Error: {blocked}: cannot create the folder")
    assert target.read_text(encoding="utf-8") == "earlier page"
    code, _, err = run_cli(capsys, "compare", str(old), str(tmp_path / "none.yaml"))
    assert code == 2 and err.startswith("Error: ") and "none.yaml" in err


def test_cli_notes_years_given_the_wrong_way_round(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = PARAMS / "qinghe-hrss" / "2024.yaml", PARAMS / "qinghe-hrss" / "2023.yaml"
    code, _, err = run_cli(capsys, "compare", str(old), str(new))
    assert code == 0 and err.startswith("note: OLD is 2024, NEW is 2023")


def test_findings_of_each_year_use_their_own_previous_year(tmp_path: Path) -> None:
    """market-regulation 2023 breaks R3 on purpose: the page shows it for that year only."""
    comparison = compare_files(
        PARAMS / "qinghe-market-regulation" / "2023.yaml",
        PARAMS / "qinghe-market-regulation" / "2024.yaml",
    )
    assert {f.rule for f in comparison.old.findings} >= {"R3"}
    assert "R3" not in {f.rule for f in comparison.new.findings}
    found = comparison.as_json()["findings"]
    assert {f["rule"] for f in found["old"]} >= {"R3"}
    soup = BeautifulSoup(comparison_html(comparison), "html.parser")
    sides = soup.select(".cmp-side")
    assert "R3 错误" in sides[0].get_text() and "全部通过" in sides[1].get_text()


def test_an_unusable_year_before_only_leaves_r5_r6_unchecked(tmp_path: Path) -> None:
    folder = tmp_path / "qinghe-hrss"
    folder.mkdir()
    for year in (2023, 2024):
        (folder / f"{year}.yaml").write_bytes(
            (PARAMS / "qinghe-hrss" / f"{year}.yaml").read_bytes()
        )
    (folder / "2022.yaml").write_text("agency: [\n", encoding="utf-8")
    comparison = compare_files(folder / "2023.yaml", folder / "2024.yaml")
    assert comparison.old.note.startswith("上年参数文件无法使用，未检查 R5、R6：")
    assert str(folder / "2022.yaml") in comparison.old.note
    assert comparison.new.note == ""
    assert comparison.old.note in comparison_html(comparison)


@settings(max_examples=20, deadline=None)
@given(
    a=st.lists(st.sampled_from(["a", "b", "省", "市 1"]), min_size=0, max_size=3),
    b=st.lists(st.sampled_from(["a", "b", "省", "市 1"]), min_size=0, max_size=3),
)
def test_two_files_of_one_name_are_told_apart_in_the_summary(
    tmp_path_factory: pytest.TempPathFactory, a: list[str], b: list[str]
) -> None:
    from reportkit.compare.page import summary_lines

    root = tmp_path_factory.mktemp("c")
    source = PARAMS / "qinghe-hrss" / "2024.yaml"
    old, new = (
        root.joinpath("old", *a, "qinghe-hrss", "2024.yaml"),
        root.joinpath("new", *b, "qinghe-hrss", "2024.yaml"),
    )
    for path in (old, new):
        path.parent.mkdir(parents=True)
        shutil.copy(source, path)
    first = summary_lines(compare_files(old, new))[0]
    shown = re.findall(r"\(([^()]*2024\.yaml)\)", first)
    assert len(shown) == 2 and shown[0] != shown[1], first
    assert shown[0].endswith("qinghe-hrss/2024.yaml") and shown[1].endswith("qinghe-hrss/2024.yaml")
    assert str(root) not in first  # no more of the machine's path than tells them apart
