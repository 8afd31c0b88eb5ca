"""Ctrl-C in a terminal during ``reportkit batch --scheduler local:N``: the terminal sends SIGINT
to the whole foreground process group — the client and the ``LocalCluster``'s worker processes it
started. Only the client may answer: exit 130 with one ``Interrupted`` line, no traceback from a
worker, no "Kernel died" from a warm kernel shut down under a render, no process left behind,
nothing half-written; the next run completes. Slow (real kernels and a cluster): marked ``cluster``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

from reportkit.batch import run_batch
from tests.test_batch_helpers import make_params
from tests.test_batch_kernel import _notebooks

pytestmark = pytest.mark.cluster

AGENCIES = {"a-bureau": "西工区甲局", "b-office": "西工区乙办公室", "c-centre": "西工区丙中心"}


def published(out: Path) -> list[Path]:
    """The agency-year folders under ``out`` whose render was published (stamp written last)."""
    return [f for f in out.glob("*/*") if (f / ".inputs-key").is_file()]


def session_processes(sid: int) -> list[Any]:
    """Live processes of session ``sid`` (the batch and the worker processes it started)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) == sid and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def assert_nothing_half_written(out: Path) -> None:
    for folder in out.glob("*/*"):
        names = {p.name for p in folder.iterdir()}
        assert not any(n.startswith((".render-", ".old-")) for n in names), (folder, names)
        if not (folder / ".inputs-key").is_file():
            assert not names & {"report.html", "report.pdf", "manifest.json", "sections"}, names


def worker_processes(batch: int) -> list[Any]:
    """The local cluster's worker processes (``multiprocessing`` spawned) of the batch ``batch``."""
    try:
        children = psutil.Process(batch).children(recursive=True)
    except psutil.Error:
        return []
    return [p for p in children if "multiprocessing" in " ".join(p.cmdline())]


def test_ctrl_c_while_the_local_cluster_starts(tmp_path: Path) -> None:
    """Ctrl-C as soon as the first worker process exists (it is still importing): one line."""
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    argv = [sys.executable, "-m", "reportkit", "batch", "--params", str(params)]
    proc = subprocess.Popen(
        [*argv, "--out", str(tmp_path / "out"), "--scheduler", "local:2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not worker_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker_processes(proc.pid), "no worker process started"
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    both = stdout + stderr
    assert proc.returncode == 130, both
    assert "Traceback" not in both and "distributed." not in both, both
    assert stderr.splitlines()[-1].startswith("Interrupted"), both
    _, alive = psutil.wait_procs(session_processes(proc.pid), timeout=20)
    assert alive == [], [p.cmdline() for p in alive]


def test_ctrl_c_to_the_process_group_of_a_local_cluster_batch(tmp_path: Path) -> None:
    params = make_params(tmp_path, AGENCIES)  # 3 agencies × 2023–2024: 6 agency-years
    notebooks = _notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    env = {**os.environ, "REPORTKIT_NOTEBOOKS": str(notebooks)}
    argv = [sys.executable, "-m", "reportkit", "batch", "--params", str(params), "--out", str(out)]
    proc = subprocess.Popen(
        [*argv, "--scheduler", "local:2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 240
        while not published(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        assert published(out), "nothing was published in 240 s"
        descendants = psutil.Process(proc.pid).children(recursive=True)
        kernels = [p for p in descendants if "ipykernel_launcher" in " ".join(p.cmdline())]
        assert kernels, "no warm kernel is running: nothing to interrupt"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    both = stdout + stderr
    assert proc.returncode == 130, both
    assert "Traceback" not in both, both
    assert "Kernel died" not in both, both
    assert "distributed." not in both, both  # no log line of Dask's own
    last = stderr.splitlines()[-1]
    done = published(out)
    assert last.startswith(f"Interrupted: {len(done)} rendered, {6 - len(done)} not finished"), both
    assert [line for line in stderr.splitlines() if line.startswith("Interrupted")] == [last]
    _, alive = psutil.wait_procs(session_processes(proc.pid), timeout=20)
    assert alive == [], [p.cmdline() for p in alive]
    _, alive = psutil.wait_procs(kernels, timeout=20)
    assert alive == [], "kernels outlived the interrupted batch"
    assert_nothing_half_written(out)

    again = run_batch(params, out, scheduler="local:2", notebooks_dir=notebooks)
    assert again.exit_code == 0, [(o.agency_id, o.year, o.message) for o in again.failed]
    assert len(again.rendered) == 6 - len(done) and len(again.up_to_date) == len(done)
    assert len(published(out)) == 6
