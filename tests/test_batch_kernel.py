"""Acceptance of ``reportkit batch`` with real kernels (render_agency_year), on small params sets.

Few and slow (each agency-year runs six notebooks and makes a PDF): marked ``kernel``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from reportkit.batch import run_batch
from reportkit.batch.freshness import code_parts
from reportkit.cli import main
from reportkit.render import execution
from tests.test_batch_helpers import (
    REPO,
    DyingRender,
    kernel_processes,
    make_params,
    wait_no_kernels,
)
from tests.test_index import parse

pytestmark = pytest.mark.kernel

ALL = {(a, y) for a in ("a-bureau", "b-office", "c-commission") for y in (2023, 2024)}


def test_batch_renders_all_then_nothing_then_exactly_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    params = make_params(tmp_path)
    out = tmp_path / "outputs"
    # The package's code is in the key; pin it so an edit elsewhere during this slow test does
    # not re-render everything (code changes are tested with the fake render).
    parts = code_parts()
    monkeypatch.setattr("reportkit.batch.run.code_parts", lambda notebooks_dir=None: parts)
    # a private copy of the notebooks: the kernels started here are those running in it
    notebooks = _notebooks(tmp_path / "notebooks")
    monkeypatch.setenv("REPORTKIT_NOTEBOOKS", str(notebooks))

    first = run_batch(params, out, jobs=2)
    assert {(o.agency_id, o.year) for o in first.rendered} == ALL, first.failed
    assert first.exit_code == 0
    assert wait_no_kernels(notebooks, 5) == [], "the workers' kernels outlived the batch"
    for agency_id, year in ALL:
        folder = out / str(year) / agency_id
        for name in ("report.html", "report.pdf", "report.ipynb", "manifest.json"):
            assert (folder / name).stat().st_size > 0
    assert (out / "2024" / "index.html").is_file() and (out / "2024" / "summary.csv").is_file()

    code = main(["batch", "--params", str(params), "--out", str(out), "-j", "2"])
    stdout = capsys.readouterr().out
    assert code == 0
    assert "0 rendered, 6 up to date (skipped), 0 failed" in stdout
    assert "Nothing to render: every agency-year is up to date." in stdout
    assert f"Index 2024: {out / '2024' / 'index.html'}" in stdout

    path = params / "b-office" / "2023.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("内容规范有待进一步加强", "内容规范仍需加强"),
        encoding="utf-8",
    )
    third = run_batch(params, out, jobs=2)
    assert {(o.agency_id, o.year) for o in third.rendered} == {
        ("b-office", 2023),
        ("b-office", 2024),
    }
    assert len(third.up_to_date) == 4 and third.exit_code == 0


def _notebooks(target: Path) -> Path:
    """A copy of the section notebooks."""
    shutil.copytree(REPO / "notebooks", target, ignore=shutil.ignore_patterns("*.py"))
    return target


def _failing_notebooks(target: Path, agency_id: str) -> Path:
    """A copy of the section notebooks whose 03 raises for ``agency_id`` only."""
    _notebooks(target)
    path = target / "03_requests.ipynb"
    nb = nbformat.read(path, as_version=4)
    where = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(
        where + 1,
        nbformat.v4.new_code_cell(
            f"if {agency_id!r} in params_path:\n    raise ValueError('表三数据源不可用（测试）')"
        ),
    )
    nbformat.write(nb, path)
    return target


def test_failing_section_isolated_and_shown_in_index(tmp_path: Path) -> None:
    agencies = {"a-bureau": "西工区甲局", "b-office": "西工区乙办公室"}
    params = make_params(tmp_path, agencies, years=(2024,))
    out = tmp_path / "outputs"
    notebooks = _failing_notebooks(tmp_path / "notebooks", "b-office")

    result = run_batch(params, out, jobs=2, notebooks_dir=notebooks)
    assert [(o.agency_id, o.status) for o in result.outcomes] == [
        ("a-bureau", "rendered"),
        ("b-office", "failed"),
    ]
    assert result.exit_code == 1
    assert wait_no_kernels(notebooks, 5) == []
    failed = result.failed[0]
    assert "03_requests" in failed.message and "表三数据源不可用（测试）" in failed.message
    assert failed.failed_notebook is not None and Path(failed.failed_notebook).is_file()
    assert not (out / "2024" / "b-office" / "report.html").exists()

    index = out / "2024" / "index.html"
    page = parse(index)
    statuses = {
        a["data-search"].split()[0]: a["data-status"]  # type: ignore[union-attr]
        for t, a in page.tags
        if t == "tr" and a.get("data-status")
    }
    assert statuses == {"a-bureau": "rendered", "b-office": "failed"}
    text = "".join(page.text)
    assert "表三数据源不可用（测试）" in text
    links = page.links()
    assert "b-office/sections/03_requests.ipynb" in links
    for link in links:
        if not link.startswith("#"):
            assert (index.parent / link).is_file(), link
    raw = index.read_text(encoding="utf-8")
    assert "http://" not in raw and "https://" not in raw


@contextmanager
def _batch_sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[execution.KernelSession]]:
    """The kernel sessions opened by batch itself (a render inside one reuses it)."""
    sessions: list[execution.KernelSession] = []
    real = execution.kernel_session

    @contextmanager
    def spy() -> Iterator[execution.KernelSession]:
        with real() as session:
            sessions.append(session)
            yield session

    monkeypatch.setattr(execution, "kernel_session", spy)
    yield sessions


def test_one_job_renders_in_one_warm_kernel_and_shuts_it_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = make_params(tmp_path, {"a-bureau": "西工区甲局"})
    notebooks = _notebooks(tmp_path / "notebooks")
    with _batch_sessions(monkeypatch) as sessions:
        result = run_batch(params, tmp_path / "out", jobs=1, notebooks_dir=notebooks)
    assert len(result.rendered) == 2, result.failed
    assert [(s.kernels_started, s.notebooks) for s in sessions] == [(1, 12)]
    assert kernel_processes(notebooks) == []


def test_a_dying_worker_leaves_no_kernel(tmp_path: Path) -> None:
    """The worker dies with a warm kernel: the kernel notices its parent is gone and ends."""
    agencies = {"a-bureau": "西工区甲局", "b-office": "西工区乙办公室"}
    params = make_params(tmp_path, agencies, years=(2024,))
    notebooks = _notebooks(tmp_path / "notebooks")
    result = run_batch(
        params,
        tmp_path / "out",
        jobs=2,
        work=DyingRender(die=frozenset({"a-bureau"})),
        notebooks_dir=notebooks,
        write_index=False,
    )
    assert [(o.agency_id, o.status) for o in result.outcomes] == [
        ("a-bureau", "failed"),
        ("b-office", "rendered"),
    ]
    assert "the worker process died" in result.failed[0].message
    assert wait_no_kernels(notebooks, 10) == [], "an orphaned kernel kept running"


def test_ctrl_c_leaves_no_kernel(tmp_path: Path) -> None:
    params = make_params(tmp_path, years=(2024,))
    notebooks = _notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    env = {**os.environ, "REPORTKIT_NOTEBOOKS": str(notebooks)}
    argv = ["batch", "--params", str(params), "--out", str(out), "-j", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportkit", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while len(kernel_processes(notebooks)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert kernel_processes(notebooks), "no kernel started"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Interrupted:" in stderr and "Traceback" not in stderr
    assert wait_no_kernels(notebooks, 5) == [], "kernels outlived the interrupted batch"
    assert not list(out.glob("*/*/.render-*"))
