"""Paths are paths: braces, spaces, quotes, CJK and ``$`` in params and output paths.

papermill formats the input and output paths it is given as templates (``str.format`` with the
parameters), so ``--out /data/out_{year}`` failed with a "missing parameter" error. reportkit
hands papermill literal paths (:func:`~reportkit.render.execution.literal_path`); the kernel
test renders into such a folder, these check the rule on any path and the rest of the chain
(batch, index, import) without kernels.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from papermill.parameterize import parameterize_path
from papermill.translators import PythonTranslator

from reportkit.batch import run_batch
from reportkit.cli import main
from reportkit.render.execution import literal_path
from tests.test_batch_helpers import FakeWork, make_params

from .conftest import SEED_TXT

# every kind at once: papermill templates, shell variables, quotes, CJK, backslash escapes
ODD = "out_{year} {agency} }{ $HOME ${PATH} 'q\" 中文 目录 back\\slash \\u4e2d"
ODD_NAMES = [ODD, "plain"]
_PATH_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00", exclude_categories=["Cs"]),
    min_size=1,
    max_size=40,
)


@given(_PATH_TEXT)
def test_papermill_opens_the_literal_path(path: str) -> None:
    parameters = {"params_path": "/x.yaml", "charts": None, "year": 2024}
    assert parameterize_path(literal_path(path), parameters) == path


@given(_PATH_TEXT)
def test_a_path_parameter_reaches_the_kernel_unchanged(path: str) -> None:
    """papermill writes ``params_path = "…"`` into the notebook: the text must read back."""
    assert ast.literal_eval(PythonTranslator.translate_str(path)) == path


@pytest.mark.parametrize("name", ODD_NAMES)
def test_batch_and_index_in_odd_folders(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    params = make_params(root, years=(2024,))
    out = root / f"out {name}"
    result = run_batch(params, out, jobs=1, work=FakeWork())
    assert result.exit_code == 0 and len(result.rendered) == 3, result.outcomes
    assert result.indexes[2024] == out / "2024" / "index.html"
    page = result.indexes[2024].read_text(encoding="utf-8")
    assert "a-bureau/report.html" in page
    assert (out / "2024" / "a-bureau" / "report.html").is_file()
    again = run_batch(params, out, jobs=1, work=FakeWork())
    assert len(again.up_to_date) == 3, "the inputs key reads the same files"


@pytest.mark.parametrize("name", ODD_NAMES)
def test_import_from_and_to_odd_paths(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name / f"{name}.txt"
    source.parent.mkdir(parents=True)
    shutil.copyfile(SEED_TXT, source)
    target = tmp_path / f"params {name}" / "xigong-education" / "2024.yaml"
    code = main(["import", str(source), "--agency-id", "xigong-education", "-o", str(target)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"\n{target}: 西工区教育局 2024" in f"\n{captured.out}"
    assert main(["check", str(target)]) in (0, 1)
    assert "Error" not in capsys.readouterr().err
