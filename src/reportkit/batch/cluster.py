"""Run a batch's agency-years on a Dask distributed cluster (``reportkit batch --scheduler``).

The unit of work is the local pool's, :func:`reportkit.batch.units.execute`, submitted once per
agency-year (``pure=False``: a render writes files, its result must never come from a cache).
Skipping what is up to date, the progress bar, the summary, the index and the exit codes are
:func:`reportkit.batch.run.run_batch`'s, as for the local pool; only the executor differs.

Assumptions about the cluster:

- a shared filesystem: the workers read the params files and section notebooks and write the
  outputs at the same absolute paths as the machine running ``reportkit batch`` (which writes
  the index afterwards from what the workers wrote);
- the same reportkit on every worker (restart the workers after upgrading it: a worker and
  its kernel keep the modules they imported).

Warm kernels: the :class:`WarmKernels` worker plugin lets each worker thread that runs a render
keep one kernel (``reportkit.render.execution.enable_worker_session``; Dask runs tasks in a pool of
threads, and a session belongs to one thread). The plugin stays registered, so a later batch on
the same cluster starts warm; the kernels are shut down when the worker closes.

This module is imported only with ``--scheduler``: the local path never imports dask.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import distributed
from distributed import WorkerPlugin, get_worker

from ..errors import UsageError
from ..render.safety import stopped_by
from .progress import ProgressSink
from .units import (
    FAILED_STATUSES,
    BatchInterrupted,
    Outcome,
    Task,
    WorkFn,
    crashed_outcome,
    execute,
    not_run_outcome,
)

if TYPE_CHECKING:
    from distributed import Worker

    from ..render.execution import KernelSession

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, and to wait for a first worker
PLUGIN_NAME = "reportkit-warm-kernels"


class SchedulerError(UsageError):
    """The Dask scheduler cannot be used: unreachable, or it has no workers."""

    def __init__(self, address: str, message: str) -> None:
        self.address = address
        super().__init__(message)


class WarmKernels(WorkerPlugin):
    """Worker plugin: one warm kernel per worker thread that renders; all shut down on teardown."""

    idempotent = True  # registering again (a later batch) keeps the running plugin and kernels

    def __init__(self) -> None:
        self._sessions: list[KernelSession] = []
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._sessions = []
        self._lock = threading.Lock()

    def attach(self) -> None:
        """Enable the warm session of the calling (task) thread and remember it for teardown."""
        from ..render.execution import enable_worker_session

        session = enable_worker_session()
        with self._lock:
            if not any(s is session for s in self._sessions):
                self._sessions.append(session)

    def close_sessions(self) -> None:
        """Shut every kernel down (a later render in the same thread starts a new one)."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    async def teardown(self, worker: Worker) -> None:
        """Shut the kernels down when the worker closes (or the plugin is removed)."""
        # the kernel managers run their own event loops: not on the worker's running one
        await asyncio.to_thread(self.close_sessions)


def execute_warm(work: WorkFn, task: Task) -> Outcome:
    """:func:`reportkit.batch.units.execute` in this Dask worker thread's warm kernel (when enabled)."""
    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if isinstance(plugin, WarmKernels):
        plugin.attach()
    return execute(work, task)


def _client(address: str, timeout: float) -> Any:
    client: Any = distributed.Client
    return client(address, timeout=timeout, set_as_default=False)


class DaskRunner:
    """A connection to a Dask scheduler that renders a batch's tasks on its workers."""

    def __init__(self, client: Any, address: str) -> None:
        self.client = client
        self.address = address

    @classmethod
    def connect(cls, address: str, timeout: float = CONNECT_TIMEOUT) -> DaskRunner:
        """Connect to the scheduler at ``address`` and wait (``timeout``) for a worker.

        Raises :class:`SchedulerError` naming the address and the fix when that fails.
        """
        fix = (
            f"start it with `dask scheduler` and workers with `dask worker {address}`, "
            "or pass the address it prints: --scheduler tcp://HOST:PORT"
        )
        try:
            client = _client(address, timeout)
        except (OSError, ValueError, TypeError) as err:
            detail = " ".join(str(err).split()) or type(err).__name__
            raise SchedulerError(
                address,
                f"cannot reach the Dask scheduler at {address} ({detail}); {fix}",
            ) from None
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            client.close()
            raise SchedulerError(
                address,
                f"the Dask scheduler at {address} has no workers after {timeout:.0f} s; "
                f"start some with `dask worker {address}`",
            ) from None
        return cls(client, address)

    def threads(self) -> int:
        """How many tasks the cluster runs at once (its worker threads), at least 1."""
        nthreads: dict[str, int] = self.client.nthreads()
        return max(1, sum(nthreads.values()))

    def run(
        self,
        work: WorkFn,
        tasks: Sequence[Task],
        jobs: int | None,
        fail_fast: bool,
        progress: ProgressSink,
        warm_kernels: bool,
    ) -> list[Outcome]:
        """Render ``tasks`` on the cluster, at most ``jobs`` (default: its threads) at a time.

        Tasks are handed over as workers free up (so the progress shows what really runs and
        ``fail_fast`` stops the rest). A task that ends without an outcome (its worker died
        every time it was tried: ``KilledWorker``) fails alone.
        """
        if warm_kernels:
            self.client.register_plugin(WarmKernels(), name=PLUGIN_NAME)
        fn = execute_warm if warm_kernels else execute
        pending = deque(tasks)
        running: dict[Any, Task] = {}
        outcomes: list[Outcome] = []
        as_completed: Any = distributed.as_completed
        finished = as_completed(loop=self.client.loop, raise_errors=False)
        stop = False

        def submit() -> None:
            limit = max(1, jobs if jobs is not None else self.threads())
            while pending and not stop and len(running) < limit:
                task = pending.popleft()
                key = f"reportkit-{task.item.agency_id}-{task.item.year}-{uuid.uuid4().hex}"
                future = self.client.submit(fn, work, task, pure=False, key=key)
                running[future] = task
                finished.add(future)
                progress.begin(task.item)

        try:
            submit()
            while running:
                future = next(finished)
                task = running.pop(future)
                outcome = self._outcome(future, task)
                outcomes.append(outcome)
                progress.end(outcome)
                if fail_fast and outcome.status in FAILED_STATUSES:
                    stop = True
                submit()
        except KeyboardInterrupt as err:
            # Queued tasks are dropped; a render already running on a worker thread cannot be
            # interrupted and finishes (publishing complete outputs only).
            self.client.cancel(list(running), force=True)
            rendered = sum(o.status == "rendered" for o in outcomes)
            raise BatchInterrupted(rendered, len(tasks) - rendered, stopped_by(err)) from None
        outcomes.extend(not_run_outcome(t, "--fail-fast stopped the batch") for t in pending)
        return outcomes

    def _outcome(self, future: Any, task: Task) -> Outcome:
        if future.status == "finished":
            result = future.result()
            if isinstance(result, Outcome):
                return result
            return crashed_outcome(task, f"the Dask task returned {type(result).__name__}")
        try:
            err = future.exception(timeout=CONNECT_TIMEOUT)
        except Exception as other:  # cancelled, or the scheduler was lost
            err = other
        message = " ".join(f"{type(err).__name__}: {err}".split())
        return crashed_outcome(task, f"on the Dask cluster at {self.address}: {message}")

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster itself keeps running)."""
        self.client.close(timeout=CONNECT_TIMEOUT)
