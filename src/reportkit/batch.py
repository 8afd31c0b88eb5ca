"""Render every agency-year of a params folder: parallel, incremental, failure-isolated.

The unit of work is :func:`execute`: one picklable :class:`Task` in, one picklable
:class:`Outcome` out. It calls the render function (``render_agency_year`` unless another one is
given), then records the attempt beside the outputs (``.last-run.json``) and, after a successful
render only, the inputs key (``.inputs-key``, see :mod:`reportkit.freshness`). The same unit
runs in this process (``-j 1``), in a local process pool (here) or on Dask workers
(:mod:`reportkit.cluster`).

:func:`run_batch` discovers the agency-years, skips those that are up to date, hands the rest to
worker processes (``spawn``: kernels and ``fork`` do not mix), at most ``jobs`` at a time, and
finally writes the reviewers' index and ``summary.csv`` of every year it covered. Each worker
keeps one warm kernel for all its renders (``reportkit.execution.enable_worker_session``):
starting a kernel and importing pandas/matplotlib is most of a cold render's time.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .discover import AgencyYear, discover, parse_year
from .freshness import (
    InputsKey,
    code_parts,
    default_notebooks_dir,
    inputs_key,
    out_dir,
    remove_stamp,
    stale_reason,
    write_stamp,
)
from .progress import NullProgress, ProgressSink

if TYPE_CHECKING:
    from .cluster import DaskRunner

LAST_RUN_NAME = ".last-run.json"

Status = Literal["rendered", "up to date", "failed", "invalid", "refused", "not run"]
FAILED_STATUSES = frozenset({"failed", "invalid", "refused"})
_RENDER_STATUSES: dict[str, Status] = {
    "rendered": "rendered",
    "failed": "failed",
    "invalid": "invalid",
    "refused": "refused",
}


class RenderResultLike(Protocol):
    """The fields of ``reportkit.render.RenderResult`` that batch reads."""

    @property
    def status(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def failed_notebook(self) -> str | None: ...
    @property
    def findings(self) -> list[dict[str, Any]]: ...
    @property
    def timings(self) -> dict[str, float]: ...


class WorkFn(Protocol):
    """``render_agency_year``'s signature: one params file → its outputs under ``out_root``."""

    def __call__(
        self,
        params_path: str,
        out_root: str = ...,
        *,
        strict: bool = ...,
        notebooks_dir: str | None = ...,
    ) -> RenderResultLike: ...


@dataclass(frozen=True)
class Task:
    """One agency-year to render, with the key to stamp after success. Picklable."""

    item: AgencyYear
    out_root: str
    key: InputsKey
    reason: str
    strict: bool = False
    notebooks_dir: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one agency-year in this batch. Plain, picklable data."""

    agency_id: str
    year: int
    params: str
    out_dir: str
    status: Status
    message: str = ""
    reason: str = ""
    failed_notebook: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        """Rule errors among the findings."""
        return sum(f.get("severity") == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        """Rule warnings among the findings."""
        return sum(f.get("severity") == "warning" for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        """The content of ``.last-run.json``."""
        return asdict(self)


def _default_work() -> WorkFn:
    from .render import render_agency_year

    work: WorkFn = render_agency_year
    return work


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def execute(work: WorkFn, task: Task) -> Outcome:
    """Render one agency-year with ``work`` and record it. Never raises for a failed render."""
    item = task.item
    directory = out_dir(task.out_root, item)
    start = time.monotonic()
    remove_stamp(directory)
    failed_notebook: str | None = None
    findings: list[dict[str, Any]] = []
    status: Status
    try:
        result = work(
            str(item.params), task.out_root, strict=task.strict, notebooks_dir=task.notebooks_dir
        )
        known = _RENDER_STATUSES.get(result.status)
        if known is None:
            status, message = "failed", f"unknown render status {result.status!r}"
        else:
            status, message = known, result.message
        failed_notebook = result.failed_notebook
        findings = list(result.findings)
    except Exception as err:  # a bug in the work function must not stop the batch
        status, message = "failed", f"{type(err).__name__}: {err}"
    outcome = Outcome(
        agency_id=item.agency_id,
        year=item.year,
        params=str(item.params),
        out_dir=str(directory),
        status=status,
        message=" ".join(message.split()),
        reason=task.reason,
        failed_notebook=failed_notebook,
        findings=findings,
        seconds=round(time.monotonic() - start, 3),
    )
    _write_json(directory / LAST_RUN_NAME, outcome.as_json())
    if status == "rendered":
        write_stamp(directory, task.key)
    return outcome


def _init_worker() -> None:
    """Pool worker initializer: ignore Ctrl-C; on SIGTERM take the kernel along.

    Ctrl-C is the main process's business: it terminates the workers (SIGTERM). A worker's
    kernel is shut down by ``atexit`` when the worker ends normally; on SIGTERM the worker kills
    its child processes (the kernel) before it exits, since no orderly shutdown can run inside
    a signal handler that may have interrupted the kernel client.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _psutil()  # imported now, not inside the signal handler
    signal.signal(signal.SIGTERM, _die_with_children)


def execute_warm(work: WorkFn, task: Task) -> Outcome:
    """:func:`execute` in this worker's warm kernel (``enable_worker_session``, kept till exit).

    Only when the work function has loaded ``reportkit.execution`` (unpickling the renderer
    did, before this runs): work that starts no kernel (a test's fake) does not pay for
    importing papermill, which takes seconds.
    """
    execution = sys.modules.get("reportkit.execution")
    if execution is not None:
        execution.enable_worker_session()
    return execute(work, task)


def _die_with_children(signum: int, frame: object) -> None:
    _kill(_descendants(os.getpid()))
    os._exit(128 + signum)


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


@dataclass
class BatchResult:
    """Every agency-year of the batch with its outcome, the wall time and the pages written."""

    outcomes: list[Outcome]
    seconds: float
    indexes: dict[int, Path] = field(default_factory=dict)
    summaries: dict[int, Path] = field(default_factory=dict)
    root_index: Path | None = None

    def with_status(self, *statuses: str) -> list[Outcome]:
        """The outcomes having one of ``statuses``."""
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def rendered(self) -> list[Outcome]:
        """Rendered in this run."""
        return self.with_status("rendered")

    @property
    def up_to_date(self) -> list[Outcome]:
        """Skipped: their outputs were up to date."""
        return self.with_status("up to date")

    @property
    def failed(self) -> list[Outcome]:
        """Failed, invalid params, or refused by ``strict``."""
        return self.with_status(*FAILED_STATUSES)

    @property
    def not_run(self) -> list[Outcome]:
        """Not attempted (``fail_fast`` stopped the batch first)."""
        return self.with_status("not run")

    @property
    def exit_code(self) -> int:
        """0 when everything is rendered or up to date, 1 otherwise."""
        return 0 if all(o.status in ("rendered", "up to date") for o in self.outcomes) else 1


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C: the workers were stopped; what was rendered stays, the next run picks up."""

    def __init__(self, rendered: int, remaining: int) -> None:
        super().__init__(rendered, remaining)
        self.rendered = rendered
        self.remaining = remaining

    def __str__(self) -> str:
        return (
            f"Interrupted: {self.rendered} rendered, {self.remaining} not finished; "
            "nothing half-written was kept. Run the same command again to continue."
        )


def plan(
    items: Sequence[AgencyYear],
    out_root: str | Path,
    *,
    force: bool = False,
    strict: bool = False,
    notebooks_dir: str | Path | None = None,
    extra_inputs: Callable[[AgencyYear], Sequence[Path]] | None = None,
) -> tuple[list[Task], list[Outcome]]:
    """Split ``items`` into tasks to render and outcomes of those already up to date."""
    shared = code_parts(notebooks_dir)
    tasks: list[Task] = []
    fresh: list[Outcome] = []
    for item in items:
        key = inputs_key(item, shared, extra_inputs(item) if extra_inputs else ())
        directory = out_dir(out_root, item)
        reason = "forced" if force else stale_reason(directory, key)
        if reason is not None and not force:
            reason = _last_failure(directory) or reason
        if reason is None:
            fresh.append(
                Outcome(item.agency_id, item.year, str(item.params), str(directory), "up to date")
            )
        else:
            nb = str(notebooks_dir) if notebooks_dir is not None else None
            tasks.append(Task(item, str(out_root), key, reason, strict, nb))
    return tasks, fresh


def _last_failure(directory: Path) -> str | None:
    """``last run failed`` (or invalid, refused) when the previous attempt did not render."""
    try:
        status = json.loads((directory / LAST_RUN_NAME).read_text(encoding="utf-8"))["status"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"last run {status}" if status in FAILED_STATUSES else None


def task_outcome(task: Task, status: Status, message: str) -> Outcome:
    """The outcome of a task that has no result of its own: never started, or its worker died."""
    item = task.item
    return Outcome(
        item.agency_id,
        item.year,
        str(item.params),
        str(out_dir(task.out_root, item)),
        status,
        message=message,
        reason=task.reason,
    )


def not_run_outcome(task: Task, message: str) -> Outcome:
    """The outcome of a task that was never started."""
    return task_outcome(task, "not run", message)


def crashed_outcome(task: Task, message: str) -> Outcome:
    """The outcome of a task whose worker failed it without an outcome (it died, …)."""
    return task_outcome(task, "failed", message)


def _died(task: Task, err: BaseException) -> Outcome:
    return crashed_outcome(task, f"the worker process died ({type(err).__name__}: {err})")


def _run_serial(
    work: WorkFn,
    tasks: Sequence[Task],
    fail_fast: bool,
    progress: ProgressSink,
    warm_kernels: bool,
) -> list[Outcome]:
    with ExitStack() as stack:
        if warm_kernels:
            from .execution import kernel_session

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
        except KeyboardInterrupt:
            rendered = sum(o.status == "rendered" for o in outcomes)
            raise BatchInterrupted(rendered, len(tasks) - rendered) from None
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
        return pool.submit(execute_warm if warm_kernels else execute, work, task).result()
    except BrokenProcessPool as err:
        return _died(task, err)
    finally:
        _terminate(pool)


def _run_pool(
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
    unit = execute_warm if warm_kernels else execute
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
    except KeyboardInterrupt:
        _terminate(executor)
        _remove_work_folders(running.values(), since=started)
        rendered = sum(o.status == "rendered" for o in outcomes)
        raise BatchInterrupted(rendered, len(tasks) - rendered) from None
    executor.shutdown(wait=True)
    outcomes.extend(not_run_outcome(t, "--fail-fast stopped the batch") for t in pending)
    return outcomes


def run_batch(
    params_dir: str | Path = "params",
    out_root: str | Path = "outputs",
    year: int | str | None = None,
    jobs: int | None = None,
    force: bool = False,
    fail_fast: bool = False,
    strict: bool = False,
    work: WorkFn | None = None,
    progress: ProgressSink | None = None,
    *,
    notebooks_dir: str | Path | None = None,
    extra_inputs: Callable[[AgencyYear], Sequence[Path]] | None = None,
    write_index: bool = True,
    scheduler: str | None = None,
    warm_kernels: bool = True,
) -> BatchResult:
    """Render every agency-year under ``params_dir`` that is not up to date.

    ``work`` is the unit of work (default ``reportkit.render.render_agency_year``); it must be
    picklable when ``jobs`` > 1 or on a cluster. ``jobs`` defaults to the number of cores; with
    1 the work runs in this process. A failed agency-year does not stop the others unless
    ``fail_fast``. Afterwards the index and ``summary.csv`` of every year covered are written
    (from what is on disk, so agency-years skipped as up to date are included).

    With ``warm_kernels`` each worker (and this process, with one job) keeps one kernel across
    its renders instead of starting one per section notebook; every kernel is shut down before
    this returns, also on failure and Ctrl-C.

    With ``scheduler`` (``tcp://HOST:PORT``) the agency-years run on that Dask cluster
    (:mod:`reportkit.cluster`; ``jobs``, when given, caps how many run at once). The workers
    read the params and notebooks and write the outputs at the same absolute paths as here:
    a shared filesystem is assumed. The scheduler is contacted only when something is to render.

    Raises :class:`~reportkit.errors.UsageError` for unusable arguments (an unreachable
    scheduler included) and :class:`BatchInterrupted` on Ctrl-C (after stopping the workers).
    """
    started = time.monotonic()
    chosen_year = parse_year(year)
    if scheduler is not None:
        params_dir = Path(params_dir).resolve()
        out_root = Path(out_root).resolve()
        notebooks_dir = Path(notebooks_dir or default_notebooks_dir()).resolve()
    items = discover(params_dir, chosen_year)
    n_jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    sink: ProgressSink = progress if progress is not None else NullProgress()
    tasks, fresh = plan(
        items,
        out_root,
        force=force,
        strict=strict,
        notebooks_dir=notebooks_dir,
        extra_inputs=extra_inputs,
    )
    cluster: DaskRunner | None = None
    if tasks and scheduler is not None:
        from .cluster import DaskRunner

        cluster = DaskRunner.connect(scheduler)
    sink.start(len(tasks), len(fresh))
    try:
        done: list[Outcome] = []
        if tasks:  # the renderer is imported only when there is something to render
            fn = work if work is not None else _default_work()
            if cluster is not None:
                done = cluster.run(fn, tasks, jobs, fail_fast, sink, warm_kernels)
            elif n_jobs == 1 or len(tasks) == 1:
                done = _run_serial(fn, tasks, fail_fast, sink, warm_kernels)
            else:
                n = min(n_jobs, len(tasks))
                done = _run_pool(fn, tasks, n, fail_fast, sink, warm_kernels)
    finally:
        sink.close()
        if cluster is not None:
            cluster.close()
    outcomes = sorted([*fresh, *done], key=lambda o: (o.year, o.agency_id))
    result = BatchResult(outcomes, seconds=0.0)
    if write_index:
        from .index import write_indexes

        years = sorted({item.year for item in items})
        result.indexes, result.summaries, result.root_index = write_indexes(
            params_dir, out_root, years
        )
    result.seconds = round(time.monotonic() - started, 3)
    return result
