"""Kernel start without kernels: private folders, bounded retry, no re-run of a started section."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from reportkit.errors import RenderError
from reportkit.render import execution
from reportkit.render.execution import (
    KernelSession,
    StartFailure,
    ThisPythonKernelManager,
    new_kernel_manager,
    run_notebook,
    shutdown,
    start_kernel,
    sweep_orphaned_kernel_dirs,
)
from reportkit.render.manifest import read_manifest
from reportkit.render.pipeline import render_agency_year

DIED = "Kernel died before replying to kernel_info"


class FakeLaunch:
    """Stands in for ``execution._launch``: fails the first ``fail`` calls, starts nothing."""

    def __init__(self, fail: int, message: str = DIED) -> None:
        self.fail = fail
        self.message = message
        self.managers: list[ThisPythonKernelManager] = []

    async def __call__(self, km: ThisPythonKernelManager, timeout: float) -> None:
        self.managers.append(km)
        Path(km.private_dir, execution.KERNEL_STDERR).write_text(
            "Traceback …\nzmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:1')\n"
        )
        if len(self.managers) <= self.fail:
            raise RuntimeError(self.message)

    def folders_left(self) -> list[str]:
        return [km.private_dir for km in self.managers if os.path.exists(km.private_dir)]


@pytest.fixture
def launch(monkeypatch: pytest.MonkeyPatch) -> FakeLaunch:
    fake = FakeLaunch(fail=1)

    async def launch(km: ThisPythonKernelManager, timeout: float) -> None:
        await fake(km, timeout)  # run_sync wants a coroutine function, not a callable object

    monkeypatch.setattr(execution, "_launch", launch)
    return fake


def test_private_folder_holds_connection_file_and_short_socket_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a long TMPDIR (as on macOS) would overflow the 108-byte limit of AF_UNIX paths
    long_tmp = tmp_path / ("x" * 90)
    long_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long_tmp))
    km = new_kernel_manager(tmp_path, transport="ipc")
    try:
        folder = Path(km.private_dir)
        assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0, "private to this user"
        assert Path(km.connection_file).parent == folder
        assert km.transport == "ipc" and Path(km.ip).parent == folder
        assert len(f"{km.ip}-99999".encode()) <= 100
        assert km.kernel_cwd == str(tmp_path)
    finally:
        shutdown(km)
    assert not folder.exists()


def test_folders_of_dead_processes_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    orphan = tmp_path / f"{execution.KERNEL_DIR_PREFIX}{dead.stdout.strip()}-abcdefgh"
    live = tmp_path / f"{execution.KERNEL_DIR_PREFIX}{os.getpid()}-abcdefgh"
    other = tmp_path / f"{execution.KERNEL_DIR_PREFIX}x-abcdefgh"
    for folder in (orphan, live, other):
        folder.mkdir()
        (folder / "kernel.json").write_text("{}")
    assert sweep_orphaned_kernel_dirs(tmp_path) == [orphan]
    assert not orphan.exists() and live.exists() and other.exists()


def test_tcp_manager_keeps_a_private_folder_too(tmp_path: Path) -> None:
    km = new_kernel_manager(tmp_path, transport="tcp")
    shutdown(km)
    assert km.transport == "tcp" and not Path(km.private_dir).exists()


def test_start_retries_a_kernel_that_died(
    launch: FakeLaunch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    failures: list[StartFailure] = []
    with caplog.at_level(logging.WARNING, logger="reportkit.render.execution"):
        km = start_kernel(tmp_path, failures=failures)
    try:
        assert launch.managers[-1] is km and len(launch.managers) == 2
        assert launch.folders_left() == [km.private_dir], "the dead kernel's folder is removed"
        (failure,) = failures
        assert failure.attempt == 1 and failure.seconds >= 0
        assert DIED in failure.reason and "Address already in use" in failure.reason
        assert "kernel start 1/3 failed, retrying" in caplog.text
    finally:
        shutdown(km)
    assert launch.folders_left() == []


def test_start_gives_up_after_three_attempts(launch: FakeLaunch, tmp_path: Path) -> None:
    launch.fail = 99
    failures: list[StartFailure] = []
    with pytest.raises(RuntimeError, match=f"{DIED} — kernel stderr: .*Address already in use"):
        start_kernel(tmp_path, failures=failures)
    assert len(launch.managers) == 3 and [f.attempt for f in failures] == [1, 2]
    assert launch.folders_left() == []


def test_start_does_not_retry_a_timeout(launch: FakeLaunch, tmp_path: Path) -> None:
    launch.fail, launch.message = 99, "Kernel didn't respond in 0 seconds"
    with pytest.raises(RuntimeError, match="didn't respond"):
        start_kernel(tmp_path, timeout=0)
    assert len(launch.managers) == 1 and launch.folders_left() == []


def test_failed_section_is_never_run_again(
    launch: FakeLaunch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retry is before papermill: a kernel dying inside a section fails the section."""
    calls: list[Any] = []

    def execute(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        raise RuntimeError(DIED)

    monkeypatch.setattr("papermill.execute_notebook", execute)
    with KernelSession() as session, pytest.raises(RenderError, match="could not be run") as err:
        run_notebook(
            tmp_path / "in.ipynb", tmp_path / "out.ipynb", {}, cwd=tmp_path, session=session
        )
    assert len(calls) == 1, "papermill ran once"
    assert len(launch.managers) == 2 and len(session.start_failures) == 1
    assert "kernel stderr: zmq.error.ZMQError" in str(err.value)
    assert launch.folders_left() == []


def test_kernel_that_never_starts_is_a_render_error(
    launch: FakeLaunch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launch.fail = 99
    monkeypatch.setattr("papermill.execute_notebook", pytest.fail)
    with pytest.raises(RenderError, match=f"section x could not be run: RuntimeError: {DIED}"):
        run_notebook(tmp_path / "x.ipynb", tmp_path / "out.ipynb", {}, cwd=tmp_path, section="x")
    assert launch.folders_left() == []


def test_render_records_time_lost_to_retries(
    launch: FakeLaunch, seed_params: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def execute(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("stop after the kernel started")

    monkeypatch.setattr("papermill.execute_notebook", execute)
    result = render_agency_year(seed_params, tmp_path)
    assert result.status == "failed" and "stop after the kernel started" in result.message
    assert "kernel_retries" in result.timings
    manifest = read_manifest(result.out_dir)
    assert manifest is not None and "kernel_retries" in manifest["timings"]
    assert launch.folders_left() == []
