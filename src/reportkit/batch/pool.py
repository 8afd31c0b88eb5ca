"""Run a batch's tasks here: in this process (one job) or in a local pool of worker processes.

Workers are ``spawn`` processes (kernels and ``fork`` do not mix), at most ``jobs`` at a time.
Each keeps one warm kernel for all its renders (``reportkit.render.execution
.enable_worker_session``): starting a kernel and importing pandas/matplotlib is most of a cold
render's time. A worker that dies (OOM, segfault) fails only its own agency-year: the tasks that
shared the broken pool run again alone. Ctrl-C stops the workers and their kernels.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from typing import Any

from ..render.safety import forget_holders, stopped_by
from .freshness import out_dir
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

PARENT_POLL = 0.5  # seconds between a worker's checks that the batch process still runs


class _Orphan:
    """A worker's watch on the batch process that started it (see :func:`_init_worker`)."""

    lock = threading.Lock()
    busy = False
    orphaned = False


def _init_worker() -> None:
    """Pool worker initializer: ignore Ctrl-C; on SIGTERM take the kernel along; end when the
    batch process is gone; leave the slow-PDF warning to the main process.

    Ctrl-C is the main process's business: it terminates the workers (SIGTERM). A worker's
    kernel is shut down by ``atexit`` when the worker ends normally; on SIGTERM the worker kills
    its child processes (the kernel) before it exits, since no orderly shutdown can run inside
    a signal handler that may have interrupted the kernel client. When the batch process is
    killed (``kill -9``), nothing tells the workers — they would wait for work forever, each
    with a kernel — so a thread watches the parent: an idle worker then ends at once, a busy
    one when its render is complete and recorded.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _psutil()  # imported now, not inside the signal handler
    signal.signal(signal.SIGTERM, _die_with_children)
    from ..render.environment import already_warned
    from ..render.locations import skip_iri_grammars

    already_warned()  # the batch warned once about slow PDFs, not once per worker
    skip_iri_grammars()
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    with _Orphan.lock:
        _Orphan.orphaned = True
        if not _Orphan.busy:
            _die_with_children(0, None)


def execute_warm(work: WorkFn, task: Task) -> Outcome:
    """:func:`execute` in this worker's warm kernel (``enable_worker_session``, kept till exit).

    Only when the work function has loaded ``reportkit.render.execution`` (unpickling the renderer
    did, before this runs): work that starts no kernel (a test's fake) does not pay for
    importing papermill, which takes seconds.
    """
    execution = sys.modules.get("reportkit.render.execution")
    if execution is not None:
        execution.enable_worker_session()
    return _watched(work, task)


def _watched(work: WorkFn, task: Task) -> Outcome:
    """:func:`execute`, after which an orphaned worker ends (its outcome is on disk)."""
    with _Orphan.lock:
        _Orphan.busy = True
    try:
        return execute(work, task)
    finally:
        with _Orphan.lock:
            _Orphan.busy = False
            if _Orphan.orphaned:
                _die_with_children(0, None)


def _die_with_children(signum: int, frame: object) -> None:
    forget_holders()
    _kill(_descendants(os.getpid()))
    os._exit(128 + signum if signum else 0)


def _psutil() -> Any:
    import psutil  # type: ignore[import-untyped]  # a dependency of distributed

    return psutil


def _descendants(pid: int) -> list[Any]:
    """The processes started by ``pid`` and theirs (kernels), as ``psutil.Process`` objects."""
    psutil = _psutil()
    try:
        children: list[Any] = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    return children


def _kill(processes: Sequence[Any]) -> None:
    psutil = _psutil()
    for proc in processes:
        with suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(list(processes), timeout=5)


def _died(task: Task, err: BaseException) -> Outcome:
    return crashed_outcome(task, f"the worker process died ({type(err).__name__}: {err})")


def run_serial(
    work: WorkFn,
    tasks: Sequence[Task],
    fail_fast: bool,
    progress: ProgressSink,
    warm_kernels: bool,
) -> list[Outcome]:
    with ExitStack() as stack:
        if warm_kernels:
            from ..render.execution import kernel_session

            # renders share this block's kernel; it is shut down when the block ends (Ctrl-C too)
            stack.enter_context(kernel_session())
        return _serial(work, tasks, fail_fast, progress)


def _serial(
    work: WorkFn, tasks: Sequence[Task], fail_fast: bool, progress: ProgressSink
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for i, task in enumerate(tasks):
        progress.begin(task.item)
        try:
            outcome = execute(work, task)
        except KeyboardInterrupt as err:
            rendered = sum(o.status == "rendered" for o in outcomes)
            raise BatchInterrupted(rendered, len(tasks) - rendered, stopped_by(err)) from None
        outcomes.append(outcome)
        progress.end(outcome)
        if fail_fast and outcome.status in FAILED_STATUSES:
            outcomes.extend(
                not_run_outcome(t, "--fail-fast stopped the batch") for t in tasks[i + 1 :]
            )
            break
    return outcomes


def _terminate(executor: ProcessPoolExecutor) -> None:
    """Stop the workers now, and the kernels they started (even a worker's that had to be killed)."""
    processes = list((executor._processes or {}).values())
    kernels = [k for p in processes if p.pid is not None for k in _descendants(p.pid)]
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
    _kill(kernels)


def _remove_work_folders(tasks: Iterable[Task], since: float) -> None:
    """Remove the work folders (``.render-*``, see ``reportkit.render``) that renders killed
    with their worker left behind: those of ``tasks`` made since ``since`` (epoch seconds)."""
    for task in tasks:
        for folder in out_dir(task.out_root, task.item).glob(".render-*"):
            with suppress(OSError):
                if folder.stat().st_mtime >= since - 1:
                    shutil.rmtree(folder, ignore_errors=True)


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
    )


def _isolated(work: WorkFn, task: Task, warm_kernels: bool) -> Outcome:
    """Run ``task`` alone in a fresh one-worker pool: if it kills its worker, it is the culprit."""
    pool = _new_pool(1)
    try:
        return pool.submit(execute_warm if warm_kernels else _watched, work, task).result()
    except BrokenProcessPool as err:
        return _died(task, err)
    finally:
        _terminate(pool)


def run_pool(
    work: WorkFn,
    tasks: Sequence[Task],
    jobs: int,
    fail_fast: bool,
    progress: ProgressSink,
    warm_kernels: bool,
) -> list[Outcome]:
    pending = deque(tasks)
    running: dict[Future[Outcome], Task] = {}
    outcomes: list[Outcome] = []
    stop = False
    unit = execute_warm if warm_kernels else _watched
    started = time.time()
    executor = _new_pool(jobs)

    def finish(outcome: Outcome) -> None:
        nonlocal stop
        outcomes.append(outcome)
        progress.end(outcome)
        if fail_fast and outcome.status in FAILED_STATUSES:
            stop = True

    try:
        while pending or running:
            while pending and not stop and len(running) < jobs:
                task = pending.popleft()
                running[executor.submit(unit, work, task)] = task
                progress.begin(task.item)
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            suspects: list[Task] = []
            for future in sorted(done, key=lambda f: running[f].item):
                task = running.pop(future)
                err = future.exception()
                if err is None:
                    finish(future.result())
                elif isinstance(err, BrokenProcessPool):
                    suspects.append(task)
                else:
                    finish(_died(task, err))
            if suspects:
                # A dead worker breaks the pool and fails every future in it; which task killed
                # it is unknown, so each one that was running is run again alone.
                suspects.extend(running.values())
                running.clear()
                _terminate(executor)
                for task in sorted(suspects, key=lambda t: t.item):
                    finish(_isolated(work, task, warm_kernels))
                executor = _new_pool(jobs)
    except KeyboardInterrupt as err:
        _terminate(executor)
        _remove_work_folders(running.values(), since=started)
        rendered = sum(o.status == "rendered" for o in outcomes)
        raise BatchInterrupted(rendered, len(tasks) - rendered, stopped_by(err)) from None
    executor.shutdown(wait=True)
    outcomes.extend(not_run_outcome(t, "--fail-fast stopped the batch") for t in pending)
    return outcomes
