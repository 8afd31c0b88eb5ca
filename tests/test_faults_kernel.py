"""Faults with real kernels: a kernel that dies, a cell that hangs, a full disk, odd paths,
notebook parameters, and two batches on one output folder. Slow: marked ``kernel``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from reportkit.batch import run_batch
from reportkit.batch.freshness import STAMP_NAME
from reportkit.cli import main
from reportkit.render.locations import NOTEBOOKS_ENV
from reportkit.render.manifest import read_manifest, sha256_file
from tests.test_batch_helpers import kernel_processes, make_params, wait_no_kernels
from tests.test_batch_kernel import _notebooks
from tests.test_faults import leftovers

from .conftest import SEED_PARAMS

pytestmark = pytest.mark.kernel


def _with_cell(target: Path, code: str, section: str = "03_requests") -> Path:
    """A copy of the notebooks whose ``section`` runs ``code`` right after its parameters."""
    _notebooks(target)
    path = target / f"{section}.ipynb"
    nb = nbformat.read(path, as_version=4)
    where = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell(code)
    cell.id = "fault"
    nb.cells.insert(where + 1, cell)
    nbformat.write(nb, path)
    return target


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------- a kernel that dies


def test_a_dying_kernel_is_named_with_its_cell_and_the_evidence_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    notebooks = _with_cell(tmp_path / "notebooks", "import os\nos._exit(3)")
    monkeypatch.setenv(NOTEBOOKS_ENV, str(notebooks))
    out = tmp_path / "out"
    code, _, err = _cli(["run", str(SEED_PARAMS), "--out", str(out)], capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    folder = out / "2024" / "xigong-education"
    kept = folder / "sections" / "03_requests.ipynb"
    assert lines[0] == (
        "Error: xigong-education 2024: section 03_requests failed at cell 2 (id 'fault'): "
        "DeadKernelError: the kernel died while this cell ran (exit status 3) — see " + str(kept)
    )
    assert "Kernel died while waiting" not in err
    manifest = read_manifest(folder)
    assert manifest is not None and manifest["status"] == "failed"
    assert manifest["failed_notebook"] == str(kept) and kept.is_file()
    assert "papermill-error-cell" in kept.read_text(encoding="utf-8")
    assert not (folder / "report.html").exists()
    assert wait_no_kernels(notebooks, 10) == []
    monkeypatch.delenv(NOTEBOOKS_ENV)
    code, stdout, err = _cli(["run", str(SEED_PARAMS), "--out", str(out)], capsys)
    assert code == 0 and "rendered xigong-education 2024" in stdout, err
    assert leftovers(out) == []


def test_batch_replaces_a_dead_warm_kernel_for_the_next_agency(tmp_path: Path) -> None:
    params = make_params(tmp_path, {"a-bureau": "甲局", "b-office": "乙办"}, years=(2024,))
    notebooks = _with_cell(
        tmp_path / "notebooks", "import os\nif 'a-bureau' in params_path:\n    os._exit(9)"
    )
    result = run_batch(params, tmp_path / "out", jobs=1, notebooks_dir=notebooks)
    assert [(o.agency_id, o.status) for o in result.outcomes] == [
        ("a-bureau", "failed"),
        ("b-office", "rendered"),
    ]
    failed = result.failed[0]
    assert "DeadKernelError: the kernel died while this cell ran (exit status 9)" in failed.message
    assert failed.failed_notebook is not None and Path(failed.failed_notebook).is_file()
    assert wait_no_kernels(notebooks, 10) == []


# ---------------------------------------------------------------- a cell that hangs


def test_a_hung_cell_stops_at_the_cell_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    notebooks = _with_cell(tmp_path / "notebooks", "import time\ntime.sleep(600)")
    monkeypatch.setenv(NOTEBOOKS_ENV, str(notebooks))
    out = tmp_path / "out"
    started = time.monotonic()
    code, _, err = _cli(["run", str(SEED_PARAMS), "--out", str(out), "--cell-timeout", "3"], capsys)
    assert time.monotonic() - started < 120
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert (
        "section 03_requests failed at cell 2 (id 'fault'): CellTimeoutError: the cell ran " in err
    )
    assert "longer than the cell timeout (3 s) and was stopped" in err
    assert "--cell-timeout SECONDS" in err
    kept = out / "2024" / "xigong-education" / "sections" / "03_requests.ipynb"
    assert kept.is_file()
    assert wait_no_kernels(notebooks, 10) == [], "the hung kernel was stopped"


# ---------------------------------------------------------------- notebook parameters


def test_charts_false_from_papermill_stops_in_the_first_cell(tmp_path: Path) -> None:
    notebooks = _notebooks(tmp_path / "notebooks")
    output = tmp_path / "02.ipynb"
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(notebooks / "02_proactive.ipynb"),
            str(output),
            parameters={"charts": "false"},  # what `papermill -p charts false` passes
            cwd=str(notebooks),
            progress_bar=False,
        )
    assert err.value.ename == "ParameterError"
    nb = nbformat.read(output, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tags = [c.metadata.get("tags", []) for c in code]
    assert "parameters" in tags[0] and "injected-parameters" in tags[1]
    failing = code[2]
    assert failing.id == "load", "the first cell after the parameters"
    (error,) = [o for o in failing.outputs if o.output_type == "error"]
    assert error.traceback == [
        "Error: notebook parameter charts = 'false' is not accepted (text) — accepted: True, "
        "False or None (None: as the params file says); from the command line papermill … "
        "-p charts False, or -y 'charts: false' (-p passes false as the text 'false')"
    ]
    assert all(not c.get("outputs") for c in code[3:]), "nothing ran after it"
    assert wait_no_kernels(notebooks, 10) == []


# ---------------------------------------------------------------- paths are paths

ODD = "out_{year} $HOME 'q\" 中文 \\u4e2d"


def test_run_with_odd_params_and_output_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / f"params {ODD}" / "xigong-education" / "2024.yaml"
    params.parent.mkdir(parents=True)
    shutil.copyfile(SEED_PARAMS, params)
    out = tmp_path / ODD
    code, stdout, err = _cli(["run", str(params), "--out", str(out)], capsys)
    assert code == 0, err
    folder = out / "2024" / "xigong-education"
    assert f"→ {folder} (" in stdout
    manifest = read_manifest(folder)
    assert manifest is not None and manifest["params"]["path"] == str(params)
    for name in ("report.html", "report.pdf", "report.ipynb"):
        assert manifest["outputs"][name] == sha256_file(folder / name)


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (root only): room for one report and its work folder, not much more."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.pdf
def test_a_full_disk_keeps_the_earlier_report_and_the_next_run_completes(
    small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = small_disk / "out"
    code, _, err = _cli(["run", str(SEED_PARAMS), "--out", str(out)], capsys)
    assert code == 0, err
    folder = out / "2024" / "xigong-education"
    good = {n: (folder / n).read_bytes() for n in ("report.html", "report.pdf", "report.ipynb")}
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(0, free - 64 * 1024))  # leave 64 KB: not enough for a render

    code, _, err = _cli(["run", str(SEED_PARAMS), "--out", str(out)], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "no space left on the device" in err and "Traceback" not in err
    for name, data in good.items():
        assert (folder / name).read_bytes() == data, f"{name} was replaced"
    manifest = read_manifest(folder)
    assert manifest is not None
    named = [manifest.get("failed_notebook"), *manifest["outputs"]]
    assert all(n is None or (folder / n).exists() or Path(n).exists() for n in named)
    assert leftovers(out) == []

    filler.unlink()
    code, stdout, err = _cli(["run", str(SEED_PARAMS), "--out", str(out)], capsys)
    assert code == 0 and "rendered" in stdout, err


# ---------------------------------------------------------------- two batches, one folder

BATCH = [sys.executable, "-m", "reportkit", "batch"]


def test_two_concurrent_batches_on_one_output_folder(tmp_path: Path) -> None:
    """Acceptance: every report complete and readable, no leftovers, both exit codes 0."""
    params = make_params(tmp_path, years=(2024,))
    notebooks = _notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    env = {**os.environ, NOTEBOOKS_ENV: str(notebooks)}
    args = ["--params", str(params), "--out", str(out), "-j", "1"]
    procs = [
        subprocess.Popen(
            [*BATCH, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr and "0 failed" in stdout
    rendered = sum(int(o.split(" rendered, ")[0].split()[-1]) for o, _ in outputs)
    assert rendered == 3, "each agency-year rendered by one of the two"
    for agency in ("a-bureau", "b-office", "c-commission"):
        folder = out / "2024" / agency
        manifest = read_manifest(folder)
        assert manifest is not None and manifest["status"] == "rendered"
        for name, digest in manifest["outputs"].items():
            assert sha256_file(folder / name) == digest, f"{agency}/{name} is not the one recorded"
        assert (folder / STAMP_NAME).is_file()
        text = subprocess.run(
            ["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True
        )
        assert text.returncode == 0 and "政府信息公开工作年度报告" in text.stdout
    assert (out / "2024" / "index.html").is_file()
    assert leftovers(out) == []
    assert kernel_processes(notebooks) == [] or wait_no_kernels(notebooks, 10) == []


def test_sigterm_during_run_stops_cleanly(tmp_path: Path) -> None:
    notebooks = _with_cell(tmp_path / "notebooks", "import time\ntime.sleep(600)")
    out = tmp_path / "out"
    env = {**os.environ, NOTEBOOKS_ENV: str(notebooks)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportkit", "run", str(SEED_PARAMS), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("*/*/.render-*/sections/02_*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # inside 03's sleeping cell
        proc.terminate()
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143, stderr
    assert stderr.strip().splitlines()[-1] == "Terminated (SIGTERM)."
    assert "Traceback" not in stderr
    assert wait_no_kernels(notebooks, 10) == []
    assert leftovers(out) == []
    assert not (out / "2024" / "xigong-education" / "report.html").exists()


def test_a_warm_kernel_that_dies_before_the_first_cell_is_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportkit.render import execution

    notebooks = _notebooks(tmp_path / "notebooks")
    cell = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(cell, notebooks / "tiny.ipynb")
    with execution.KernelSession() as session:
        execution.run_notebook(
            notebooks / "tiny.ipynb", tmp_path / "a.ipynb", {}, cwd=notebooks, session=session
        )
        monkeypatch.setattr(execution, "RESET_CODE", "import os\nos._exit(1)")
        execution.run_notebook(
            notebooks / "tiny.ipynb", tmp_path / "b.ipynb", {}, cwd=notebooks, session=session
        )
        assert session.kernels_started == 2, "the dead one replaced, the notebook run once"
    assert nbformat.read(tmp_path / "b.ipynb", as_version=4).cells[0].execution_count == 1
    assert wait_no_kernels(notebooks, 10) == []
