"""Section-notebook parameters are validated like params files (the load cell stops first).

papermill's ``-p charts false`` passes the *text* ``"false"``, which used to count as true: the
charts were drawn. The kernel test (``test_faults_kernel.py``) runs a notebook so; here the
rule itself, on any value.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportkit.errors import ParameterError, ParamsError, ReportkitError
from reportkit.render import notebook

from .conftest import REPO, SEED_PARAMS

NOTEBOOKS = REPO / "notebooks"
DEFAULT = "../params/xigong-education/2024.yaml"  # the parameters cell's default


@pytest.fixture
def in_notebooks(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run as JupyterLab and papermill do: in the notebooks folder."""
    monkeypatch.chdir(NOTEBOOKS)
    return NOTEBOOKS


@pytest.mark.usefixtures("in_notebooks")
def test_charts_false_as_text_stops_with_the_parameter_value_and_choices() -> None:
    with pytest.raises(ParameterError) as err:
        notebook.load(DEFAULT, charts="false")  # type: ignore[arg-type]
    assert str(err.value).startswith(
        "notebook parameter charts = 'false' is not accepted (text) — accepted: True, False or None"
    )
    assert "-p charts False" in str(err.value)
    assert err.value._render_traceback_() == [f"Error: {err.value}"], "one line in Jupyter"


@pytest.mark.usefixtures("in_notebooks")
@pytest.mark.parametrize("charts", [True, False, None])
def test_accepted_charts_values(charts: bool | None) -> None:
    report = notebook.load(DEFAULT, charts=charts).report
    assert report.charts is (True if charts is None else charts)


@given(
    st.one_of(
        st.text(max_size=8),
        st.integers(),
        st.floats(allow_nan=False),
        st.lists(st.booleans(), max_size=2),
    )
)
def test_any_other_charts_value_is_refused(value: object) -> None:
    with pytest.raises(ParameterError) as err:
        notebook.check_parameters(str(SEED_PARAMS), value, NOTEBOOKS)
    assert err.value.name == "charts" and err.value.value == value
    assert "accepted: True, False or None" in str(err.value)


@pytest.mark.usefixtures("in_notebooks")
@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("../params/nope/2024.yaml", "does not exist (looked for "),
        ("../params", "is a folder"),
        ("", "is empty"),
        ("   ", "is empty"),
        (2024, "is not accepted (a number)"),
        (None, "is not accepted (nothing)"),
        (["a.yaml"], "is not accepted (a list)"),
    ],
)
def test_unusable_params_path_is_named(value: object, says: str) -> None:
    with pytest.raises(ParameterError) as err:
        notebook.load(value)  # type: ignore[arg-type]
    message = str(err.value)
    assert message.startswith(f"notebook parameter params_path = {value!r} "), message
    assert says in message and "accepted: the path of a params file" in message


@pytest.mark.usefixtures("in_notebooks")
def test_relative_path_resolves_against_the_notebook_folder() -> None:
    with pytest.raises(ParameterError, match=str((NOTEBOOKS / "x.yaml").resolve())):
        notebook.load("x.yaml")


def test_a_bad_params_file_is_still_a_params_error(tmp_path: Path) -> None:
    path = tmp_path / "2024.yaml"
    path.write_text("year: [", encoding="utf-8")
    with pytest.raises(ParamsError, match="YAML syntax error"):
        notebook.load(path)


def test_parameter_error_pickles_and_is_a_reportkit_error() -> None:
    err = ParameterError("charts", "false", "True, False or None")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, ReportkitError) and str(again) == str(err)
    assert (again.name, again.value) == ("charts", "false")
