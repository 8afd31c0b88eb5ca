"""Many kernels started at once, through :func:`reportkit.render.execution.start_kernel`.

With TCP, jupyter_client picks ports that the kernel binds later; under concurrent starts
another kernel or client may take one first ("Address already in use", the kernel dies
before replying to kernel_info). Kernels on ipc sockets in private folders cannot collide.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest
from jupyter_core.utils import run_sync

from reportkit.render import execution
from reportkit.render.execution import (
    KERNEL_TRANSPORT,
    StartFailure,
    ThisPythonKernelManager,
    shutdown,
    start_kernel,
)

pytestmark = pytest.mark.kernel

THREADS = 3
KERNELS = 9
# a second process starting 3 more kernels at the same moment, as a second batch worker does
OTHER_PROCESS = """
import sys
from concurrent.futures import ThreadPoolExecutor
from reportkit.render.execution import shutdown, start_kernel
with ThreadPoolExecutor(3) as pool:
    kms = list(pool.map(lambda _: start_kernel(sys.argv[1], attempts=1), range(3)))
for km in kms:
    shutdown(km)
"""


async def _kernel_info(km: ThisPythonKernelManager) -> dict[str, Any]:
    client: Any = km.client()
    client.start_channels()
    try:
        reply: dict[str, Any] = await client.kernel_info(reply=True, timeout=30)
        return reply
    finally:
        client.stop_channels()


def test_twelve_kernels_started_at_once_all_answer(tmp_path: Path) -> None:
    """No retries allowed (``attempts=1``): every start must succeed on its own."""
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, str(tmp_path)], stderr=subprocess.PIPE, text=True
    )
    began = time.perf_counter()
    kms: list[ThisPythonKernelManager] = []
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(start_kernel, tmp_path, attempts=1) for _ in range(KERNELS)]
            errors = []
            for future in futures:
                try:
                    kms.append(future.result())
                except Exception as err:
                    errors.append(f"{type(err).__name__}: {err}")
        assert not errors, errors
        assert {km.transport for km in kms} == {KERNEL_TRANSPORT}
        replies = [run_sync(_kernel_info)(km) for km in kms]
        assert [r["content"]["status"] for r in replies] == ["ok"] * KERNELS
        assert all(r["content"]["implementation"] == "ipython" for r in replies)
        assert other.wait(timeout=60) == 0, other.stderr.read() if other.stderr else ""
    finally:
        for km in kms:
            shutdown(km)
        if other.poll() is None:
            other.kill()
        other.wait()
    assert not [km.private_dir for km in kms if os.path.exists(km.private_dir)]
    assert time.perf_counter() - began < 60


class _Squatted(ThisPythonKernelManager):
    """A TCP kernel manager whose first kernel finds its shell port taken by another socket
    between the port's choice and the kernel's bind: the race, made certain."""

    squatters: ClassVar[list[socket.socket]] = []

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        if not self.squatters:  # called after the ports are chosen, before the launch
            squatter = socket.socket()
            squatter.bind((self.ip, self.shell_port))
            squatter.listen()
            self.squatters.append(squatter)
        return super().format_kernel_cmd(extra_arguments)


@pytest.fixture
def squat_first_tcp_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[socket.socket]]:
    squatters: list[socket.socket] = []
    monkeypatch.setattr(_Squatted, "squatters", squatters)
    monkeypatch.setattr(execution, "ThisPythonKernelManager", _Squatted)
    yield squatters
    for squatter in squatters:
        squatter.close()


def test_tcp_port_taken_before_the_kernel_binds_it(
    squat_first_tcp_start: list[socket.socket], tmp_path: Path
) -> None:
    """What ipc avoids: the kernel dies; the error carries its stderr."""
    with pytest.raises(RuntimeError, match=r"died before replying.*Address already in use"):
        start_kernel(tmp_path, transport="tcp", attempts=1)


def test_a_kernel_that_died_at_start_is_started_again(
    squat_first_tcp_start: list[socket.socket], tmp_path: Path
) -> None:
    failures: list[StartFailure] = []
    km = start_kernel(tmp_path, transport="tcp", failures=failures)
    try:
        assert run_sync(_kernel_info)(km)["content"]["status"] == "ok"
    finally:
        shutdown(km)
    (failure,) = failures
    assert "Address already in use" in failure.reason and len(squat_first_tcp_start) == 1
