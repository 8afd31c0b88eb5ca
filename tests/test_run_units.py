"""Render plumbing without kernels: notebooks, combine, HTML template, manifest, refusals."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path
from typing import Any

import nbformat
import pytest

from reportkit.checks import Finding
from reportkit.cli import main
from reportkit.model.inputs import load_inputs
from reportkit.render import pipeline as render_mod
from reportkit.render.combine import combine_notebooks
from reportkit.render.execution import SECTIONS
from reportkit.render.html import mark_sections, notebook_to_html
from reportkit.render.manifest import build_manifest, manifest_text, read_manifest, sha256_file
from reportkit.render.notebook import findings_html, section_of
from reportkit.render.pipeline import RenderResult, render_agency_year
from reportkit.render.safety import replace_dir

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail the test if papermill would start a kernel."""
    calls: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        raise AssertionError("papermill.execute_notebook was called")

    monkeypatch.setattr("papermill.execute_notebook", refuse)
    return calls


def _broken_params(tmp_path: Path, seed_params: Path) -> Path:
    """The seed with 一、本年新收 总计 off by one (R1 and R3 errors)."""
    text = seed_params.read_text(encoding="utf-8")
    text = text.replace("  new: [0, 0, 0, 0, 0, 0, 0]", "  new: [0, 0, 0, 0, 0, 0, 1]")
    target = tmp_path / "params" / "xigong-education" / "2024.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    return target


# ---------------------------------------------------------------- notebooks


LIBRARY_MODULES = ("narrative", "notebook", "sections", "tables")


def _library_calls(source: str) -> list[tuple[str, str]]:
    """``(module, function)`` for every ``narrative.x(…)``-style call in a cell."""
    calls = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in LIBRARY_MODULES
        ):
            calls.append((node.func.value.id, node.func.attr))
    return calls


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.stem)
def test_notebook_is_its_section_and_calls_the_library(section: Any) -> None:
    """The committed notebooks are the source of truth: what matters about them, checked."""
    import importlib

    nb = nbformat.read(NOTEBOOKS / section.filename, as_version=4)
    assert nb.metadata["reportkit"] == {"section": section.number}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids) and "parameters" in ids, "fixed, unique cell ids"
    code = [c for c in nb.cells if c.cell_type == "code"]
    tags = [set(c.metadata.get("tags", [])) for c in code]
    assert tags[0] == {"parameters"}, "the parameters cell comes first"
    load = next(c for c in code if "notebook.load(params_path" in c.source)
    assert "from reportkit.render import" in load.source
    checks = [c for c, t in zip(code, tags, strict=True) if "check" in t]
    assert len(checks) == 1
    assert f"notebook.section_findings(inputs, {section.number})" in checks[0].source
    report = [c for c, t in zip(code, tags, strict=True) if "report" in t]
    shown = "".join(c.source for c in report)
    if section.number == 1:
        assert "narrative.title_html(report)" in shown
    assert f"sections.section_heading_html({section.number})" in shown
    for cell in code:
        for module, name in _library_calls(cell.source):
            lib = importlib.import_module(f"reportkit.render.{module}")
            assert callable(getattr(lib, name, None)), f"{section.filename}: {module}.{name}"


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.stem)
def test_notebook_thin_without_outputs(section: Any) -> None:
    nb = nbformat.read(NOTEBOOKS / section.filename, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert 'params_path = "../params/xigong-education/2024.yaml"' in params[0].source
    assert "charts = None" in params[0].source
    assert (NOTEBOOKS / "../params/xigong-education/2024.yaml").is_file()
    assert any("report" in c.metadata.get("tags", []) for c in code)
    assert all(len(c.source.splitlines()) <= 6 for c in code), "logic belongs in the library"


# ---------------------------------------------------------------- combine + HTML


def _executed(section: int, *, html: str, injected: bool = True) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_code_cell("params_path = 'x'")]
    cells[0].metadata["tags"] = ["parameters"]
    cells[0].id = "parameters"
    if injected:
        inj = nbformat.v4.new_code_cell("params_path = '/abs'")
        inj.metadata["tags"] = ["injected-parameters"]
        cells.append(inj)
    check = nbformat.v4.new_code_cell("findings")
    check.id, check.metadata["tags"] = "check", ["check"]
    check.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<p>R1 error</p>"})]
    shown = nbformat.v4.new_code_cell("display(HTML(x))")
    shown.id, shown.metadata["tags"] = "table", ["report"]
    shown.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "duration": 1.5}
    shown.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    shown.outputs = [
        nbformat.v4.new_output("display_data", {"text/html": html, "text/plain": "<HTML>"})
    ]
    cells += [check, shown]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00"}
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _combined() -> nbformat.NotebookNode:
    return combine_notebooks(
        [(1, _executed(1, html="<p>第一部分</p>")), (2, _executed(2, html="<table></table>"))],
        {"title": "某局 2024 年政府信息公开工作年度报告", "agency_id": "x", "year": 2024},
    )


def test_combine_drops_parameters_and_timings() -> None:
    nb = _combined()
    nbformat.validate(nb)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert "parameters" not in tags and "injected-parameters" not in tags
    assert [c.id for c in nb.cells] == ["s01-check", "s01-table", "s02-check", "s02-table"]
    assert all("papermill" not in c.metadata and "execution" not in c.metadata for c in nb.cells)
    assert "papermill" not in nb.metadata
    assert nb.metadata["title"].startswith("某局")
    assert nb.metadata["reportkit"] == {"agency_id": "x", "year": 2024, "sections": [1, 2]}
    assert nbformat.writes(nb) == nbformat.writes(_combined())


def test_mark_sections_opens_and_closes_each_section() -> None:
    marked = [c.metadata["reportkit"] for c in mark_sections(_combined()).cells]
    shown = [m for m in marked if "open" in m]
    assert [(m["section"], m["open"], m["close"]) for m in shown] == [
        (1, True, True),
        (2, True, True),
    ]


def test_html_template_prints_only_report_outputs() -> None:
    html = notebook_to_html(_combined())
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert "<title>某局 2024 年政府信息公开工作年度报告</title>" in html
    assert "第一部分" in html and "<table></table>" in html
    assert "R1 error" not in html, "check output is for the analyst only"
    assert "display(HTML" not in html and "params_path" not in html
    assert html.count('<section class="rk-section"') == 2
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert "jp-" not in html, "no JupyterLab CSS or classes"
    assert ".rk-table" in html, "report.css inlined"


# ---------------------------------------------------------------- manifest


def test_manifest_hashes_inputs_and_outputs(tmp_path: Path, seed_params: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("<html></html>\n", encoding="utf-8")
    data = build_manifest(
        agency={"id": "xigong-education", "name": "西工区教育局"},
        year=2024,
        status="rendered",
        message="",
        params=seed_params,
        notebooks={s.stem: NOTEBOOKS / s.filename for s in SECTIONS},
        outputs={"report.html": out},
        findings=[Finding("R9", "warning", "六", "未说明").as_json()],
        timings={"01_overview": 2.34567},
    )
    assert data["params"]["sha256"] == sha256_file(seed_params)
    assert set(data["notebooks"]) == {s.stem for s in SECTIONS}
    assert data["outputs"]["report.html"] == sha256_file(out)
    assert data["timings"] == {"01_overview": 2.346}
    assert set(data["versions"]) == {
        "reportkit",
        "papermill",
        "nbconvert",
        "weasyprint",
        "matplotlib",
        "pandas",
    }
    (tmp_path / "manifest.json").write_text(manifest_text(data), encoding="utf-8")
    assert read_manifest(tmp_path) == json.loads(json.dumps(data))
    assert "西工区教育局" in manifest_text(data)


# ---------------------------------------------------------------- inputs, findings


def test_history_is_every_consecutive_earlier_year(tmp_path: Path, seed_params: Path) -> None:
    folder = tmp_path / "params" / "xigong-education"
    folder.mkdir(parents=True)
    for year in (2021, 2023, 2024):
        text = seed_params.read_text(encoding="utf-8").replace("year: 2024", f"year: {year}")
        (folder / f"{year}.yaml").write_text(text, encoding="utf-8")
    inputs = load_inputs(folder / "2024.yaml", charts=False)
    assert [r.year for r in inputs.history] == [2023]
    assert inputs.previous_path == folder / "2023.yaml"
    assert inputs.report.charts is False


def test_findings_go_to_their_section() -> None:
    r1 = Finding("R1", "error", "表三", "m", cells=("requests.new.total",))
    r8 = Finding("R8", "error", "表二", "m", cells=("proactive.licensing",))
    r9 = Finding("R9", "warning", "五、存在的主要问题及改进情况", "m")
    assert [section_of(f) for f in (r1, r8, r9)] == [3, 2, 5]
    assert "R1 error" in findings_html([r1])
    assert "无问题" in findings_html([])


# ---------------------------------------------------------------- refusals before any kernel


def test_invalid_params_start_no_kernel(
    tmp_path: Path, no_kernel: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "params" / "x" / "2024.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("agency: {id: x, name: 某局}\nyear: 2024\n", encoding="utf-8")
    result = render_agency_year(bad, tmp_path / "out")
    assert (result.status, result.agency_id, result.year) == ("invalid", "x", 2024)
    assert str(bad) in result.message
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith(f"Error: {bad}")
    assert not no_kernel and not (tmp_path / "out").exists()


def test_strict_refuses_on_rule_error(
    tmp_path: Path, seed_params: Path, no_kernel: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    params = _broken_params(tmp_path, seed_params)
    result = render_agency_year(params, tmp_path / "out", strict=True)
    assert result.status == "refused"
    assert "--strict" in result.message and "R1" in result.message
    assert {f["rule"] for f in result.findings} >= {"R1", "R3"}
    assert main(["run", str(params), "--out", str(tmp_path / "out"), "--strict"]) == 1
    captured = capsys.readouterr()
    assert "R1 error" in captured.out and "--strict" in captured.err
    assert not no_kernel and not (tmp_path / "out").exists()


def test_missing_notebook_fails_before_any_kernel(
    tmp_path: Path, seed_params: Path, no_kernel: list[Any]
) -> None:
    result = render_agency_year(seed_params, tmp_path / "out", notebooks_dir=tmp_path)
    assert result.status == "failed"
    assert "01_overview.ipynb" in result.message and not no_kernel


def test_render_result_pickles() -> None:
    result = RenderResult("a", 2024, "p.yaml", "out", "failed", "m", "nb.ipynb", [{}], {"x": 1.0})
    assert pickle.loads(pickle.dumps(result)) == result


def test_replace_dir_swaps_whole_folder(tmp_path: Path) -> None:
    old, new = tmp_path / "sections", tmp_path / "new"
    old.mkdir()
    (old / "04_review_litigation.ipynb").write_text("old", encoding="utf-8")
    new.mkdir()
    (new / "01_overview.ipynb").write_text("new", encoding="utf-8")
    replace_dir(new, old)
    assert sorted(p.name for p in old.iterdir()) == ["01_overview.ipynb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sections"]


# ---------------------------------------------------------------- render with a fake kernel


def _fake_run(
    section: Any, target: Path, inputs: Any, folder: Path, session: Any, timeout: float = 0
) -> None:
    """Stand-in for papermill: the section notebook with one HTML output per report cell."""
    nb = nbformat.read(folder / section.filename, as_version=4)
    for cell in nb.cells:
        if "report" in cell.metadata.get("tags", []):
            html = f"<p>{section.stem} {cell.id} {inputs.report.agency.name}</p>"
            cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": html})]
    nbformat.write(nb, target)


def _fake_pdf(html: str, path: Path) -> None:
    path.write_bytes(b"%PDF-1.7 fake " + str(len(html)).encode())


def test_render_publishes_all_outputs(
    tmp_path: Path, seed_params: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render_mod, "_run", _fake_run)
    monkeypatch.setattr(render_mod, "_pdf", _fake_pdf)
    result = render_agency_year(seed_params, tmp_path)
    assert result.status == "rendered", result.message
    out = tmp_path / "2024" / "xigong-education"
    assert result.out_dir == str(out)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('<section class="rk-section"') == 6
    assert html.index("01_overview title") < html.index('id="section-1"'), "title before 一"
    manifest = read_manifest(out)
    assert manifest is not None and manifest["status"] == "rendered"
    assert set(manifest["outputs"]) == {"report.ipynb", "report.html", "report.pdf", "report.docx"}
    assert manifest["outputs"]["report.html"] == sha256_file(out / "report.html")
    assert manifest["outputs"]["report.docx"] == sha256_file(out / "report.docx")
    assert manifest["docx_template"] is None
    assert list(result.timings)[:2] == ["validate", "check"]
    assert {"01_overview", "06_other", "combine", "html", "pdf", "docx", "total"} <= set(
        result.timings
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "report.docx",
        "report.html",
        "report.ipynb",
        "report.pdf",
        "sections",
    ]


def test_failed_pdf_keeps_the_earlier_report(
    tmp_path: Path, seed_params: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render_mod, "_run", _fake_run)
    monkeypatch.setattr(render_mod, "_pdf", _fake_pdf)
    assert render_agency_year(seed_params, tmp_path).status == "rendered"
    out = tmp_path / "2024" / "xigong-education"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".json"}

    def broken_pdf(html: str, path: Path) -> None:
        path.write_bytes(b"%PDF half")
        raise render_mod.RenderError("PDF could not be produced: out of paper")

    monkeypatch.setattr(render_mod, "_pdf", broken_pdf)
    result = render_agency_year(seed_params, tmp_path)
    assert result.status == "failed"
    assert result.message == "xigong-education 2024: PDF could not be produced: out of paper"
    assert {n: (out / n).read_bytes() for n in before} == before
    manifest = read_manifest(out)
    assert manifest is not None and manifest["status"] == "failed"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_worker_sessions_are_per_thread() -> None:
    import threading

    from reportkit.render.execution import current_session, enable_worker_session, kernel_session

    seen: list[object] = []

    def worker() -> None:
        first = enable_worker_session()
        assert enable_worker_session() is first and current_session() is first
        with kernel_session() as inner:
            assert inner is first, "a render inside a worker uses the worker's kernel"
        seen.append(first)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2 and seen[0] is not seen[1]
    assert current_session() is None


def test_invalid_earlier_year_is_named(
    tmp_path: Path, seed_params: Path, no_kernel: list[Any]
) -> None:
    folder = tmp_path / "params" / "xigong-education"
    folder.mkdir(parents=True)
    (folder / "2024.yaml").write_bytes(seed_params.read_bytes())
    (folder / "2023.yaml").write_text("year: [\n", encoding="utf-8")
    result = render_agency_year(folder / "2024.yaml", tmp_path / "out")
    assert result.status == "invalid" and "2023.yaml" in result.message
    assert not no_kernel


def test_stale_temp_folders_are_swept(
    tmp_path: Path, seed_params: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    out = tmp_path / "2024" / "xigong-education"
    stale, fresh = out / ".render-killed", out / ".render-running"
    stale.mkdir(parents=True)
    fresh.mkdir()
    os.utime(stale, (0, 0))
    monkeypatch.setattr(render_mod, "_run", _fake_run)
    monkeypatch.setattr(render_mod, "_pdf", _fake_pdf)
    assert render_agency_year(seed_params, tmp_path).status == "rendered"
    assert not stale.exists() and fresh.exists()
