"""The five faults as they were reported, each reproduced through the interface users had then
(the CLI, ``load_report``, the section notebooks, the HTML step), so each test fails on the code
as it was. The kinds behind them are tested in test_numbers, test_notebook_params, test_paths,
test_faults(_kernel) and test_network_guard.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from reportkit.cli import main
from reportkit.model.params import load_report
from reportkit.render.combine import combine_notebooks
from reportkit.render.html import notebook_to_html
from reportkit.render.sections import report_body_html
from reportkit.render.tables import table2_html

from .conftest import REPO, SEED_PARAMS

SEED = SEED_PARAMS.read_text(encoding="utf-8")


def _params(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "params" / "xigong-education" / "2024.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SEED.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "yaml11"),
    [("  penalty: 010", 8), ("  penalty: 1:30", 90), ("  penalty: 0x1F", 31)],
)
def test_penalty_010_is_never_silently_8(
    tmp_path: Path, line: str, yaml11: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _params(tmp_path, "  penalty: 3", line)
    code = main(["check", str(path)])
    captured = capsys.readouterr()
    assert code == 2, f"check was clean: {captured.out}"
    assert "proactive.penalty" in captured.err
    assert main(["export", str(path), "--json"]) == 2
    assert f'"penalty": {yaml11}' not in capsys.readouterr().out


def test_a_fee_of_minus_zero_prints_as_zero(tmp_path: Path) -> None:
    path = _params(tmp_path, "  fees_10k_yuan: 633.8612", "  fees_10k_yuan: -0.0")
    html = table2_html(load_report(path))
    assert "-0.0" not in html and ">0.0<" in html


def test_charts_false_from_papermill_is_not_true(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportkit.errors import ReportkitError
    from reportkit.render import notebook

    monkeypatch.chdir(REPO / "notebooks")
    with pytest.raises(ReportkitError, match="charts"):
        notebook.load("../params/xigong-education/2024.yaml", charts="false")  # type: ignore[arg-type]


def test_a_paragraph_mentioning_a_url_renders_as_check_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = load_report(SEED_PARAMS)
    report = report.model_copy(
        update={
            "overview": report.overview.model_copy(
                update={"intro": "详见 URL(http://www.example.gov.cn/xxgk) 栏目。\n"}
            )
        }
    )
    cell = nbformat.v4.new_code_cell("display(HTML(x))")
    cell.id, cell.metadata["tags"] = "body", ["report"]
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": report_body_html(report)})]
    combined = combine_notebooks(
        [(1, nbformat.v4.new_notebook(cells=[cell]))],
        {"title": "t", "agency_id": "x", "year": 2024},
    )
    assert "URL(http://www.example.gov.cn/xxgk)" in notebook_to_html(combined)


# ---------------------------------------------------------------- with kernels


@pytest.mark.kernel
def test_run_into_an_out_folder_with_braces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out_{year}"
    assert main(["run", str(SEED_PARAMS), "--out", str(out)]) == 0, capsys.readouterr().err
    assert (out / "2024" / "xigong-education" / "report.pdf").is_file()


@pytest.mark.kernel
def test_a_dying_kernel_names_only_files_that_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", notebooks)
    path = notebooks / "03_requests.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import os\nos._exit(3)"))
    nbformat.write(nb, path)
    monkeypatch.setenv("REPORTKIT_NOTEBOOKS", str(notebooks))
    out = tmp_path / "out"
    assert main(["run", str(SEED_PARAMS), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Kernel died while waiting for execute reply" not in err
    manifest = json.loads((out / "2024" / "xigong-education" / "manifest.json").read_text("utf-8"))
    assert manifest["failed_notebook"] is not None, "the evidence is kept"
    assert os.path.isfile(manifest["failed_notebook"])
    assert manifest["failed_notebook"] in err
