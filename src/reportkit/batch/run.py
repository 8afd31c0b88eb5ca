"""``reportkit batch``: every agency-year of a params folder, parallel, incremental, failure-isolated.

:func:`run_batch` discovers the agency-years (:mod:`.discover`), skips those that are up to date
(:mod:`.freshness`), hands the rest to this process, a local pool (:mod:`.pool`) or a Dask cluster
(:mod:`.cluster`), then writes the comparison page of every agency-year whose previous year
exists (:mod:`.comparisons`), and finally the reviewers' index and ``summary.csv`` of every year
it covered (:mod:`.index`).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputsBusy
from ..model.inputs import check_docx_template
from ..render.locations import check_out_root, default_notebooks_dir
from ..render.safety import (
    check_cell_timeout,
    describe_os_error,
    output_lock,
    sigterm_as_interrupt,
)
from .address import check_form, check_reachable, parse_local
from .comparisons import CompareOutcome, write_comparisons
from .discover import AgencyYear, discover, parse_year
from .freshness import code_parts, key_of, out_dir, read_stamp, stale_reason, write_stamp
from .inputs import input_files
from .pool import run_pool, run_serial
from .progress import NullProgress, ProgressSink
from .units import (
    FAILED_STATUSES,
    LAST_RUN_NAME,
    LOCK_WAIT,
    Outcome,
    Task,
    WorkFn,
    default_work,
)

INDEX_LOCK_WAIT = 300.0  # seconds to wait for another batch writing the same index

if TYPE_CHECKING:
    from .cluster import DaskRunner


@dataclass
class BatchResult:
    """Every agency-year of the batch with its outcome, the wall time and the pages written."""

    outcomes: list[Outcome]
    seconds: float
    indexes: dict[int, Path] = field(default_factory=dict)
    summaries: dict[int, Path] = field(default_factory=dict)
    root_index: Path | None = None
    index_error: str | None = None  # why the index could not be written (the renders stand)
    comparisons: list[CompareOutcome] = field(default_factory=list)

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
    def failed_comparisons(self) -> list[CompareOutcome]:
        """Comparison pages that could not be written."""
        return [c for c in self.comparisons if c.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when everything is rendered or up to date (comparison pages too) and the index
        written, 1 otherwise."""
        rendered = all(o.status in ("rendered", "up to date") for o in self.outcomes)
        ok = rendered and not self.failed_comparisons and self.index_error is None
        return 0 if ok else 1


def plan(
    items: Sequence[AgencyYear],
    out_root: str | Path,
    *,
    force: bool = False,
    strict: bool = False,
    notebooks_dir: str | Path | None = None,
    extra_inputs: Callable[[AgencyYear], Sequence[Path]] | None = None,
    docx_template: str | Path | None = None,
    cell_timeout: float | None = None,
    lock_wait: float = LOCK_WAIT,
) -> tuple[list[Task], list[Outcome]]:
    """Split ``items`` into tasks to render and outcomes of those already up to date.

    ``docx_template`` is the Word template of agency-years whose params file names none; the
    template an agency-year uses is one of its inputs.
    """
    shared = code_parts(notebooks_dir)
    tasks: list[Task] = []
    fresh: list[Outcome] = []
    default = str(docx_template) if docx_template is not None else None
    for item in items:
        extra = list(extra_inputs(item)) if extra_inputs else []
        files = input_files(item, docx_template, extra)
        directory = out_dir(out_root, item)
        stamp = read_stamp(directory)
        key = key_of(item, shared, files, stamp)
        reason = "forced" if force else stale_reason(directory, key)
        if reason is not None and not force:
            reason = _last_failure(directory) or reason
        if reason is None:
            if stamp is not None and stamp.memo != key.memo:
                write_stamp(directory, key)  # the same key; remember the new ledger digests
            fresh.append(
                Outcome(item.agency_id, item.year, str(item.params), str(directory), "up to date")
            )
        else:
            nb = str(notebooks_dir) if notebooks_dir is not None else None
            paths = tuple(str(p) for p in files.paths())
            tasks.append(
                Task(
                    item,
                    str(out_root),
                    key,
                    reason,
                    strict,
                    nb,
                    default,
                    cell_timeout,
                    lock_wait,
                    paths,
                )
            )
    return tasks, fresh


def _last_failure(directory: Path) -> str | None:
    """``last run failed`` (or invalid, refused) when the previous attempt did not render."""
    try:
        status = json.loads((directory / LAST_RUN_NAME).read_text(encoding="utf-8"))["status"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"last run {status}" if status in FAILED_STATUSES else None


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
    write_compare: bool = True,
    scheduler: str | None = None,
    warm_kernels: bool = True,
    docx_template: str | Path | None = None,
    cell_timeout: float | None = None,
    lock_wait: float = LOCK_WAIT,
    note: Callable[[str], None] | None = None,
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

    ``docx_template`` (``--docx-template``) is the office's Word template for every
    agency-year whose params file names none (checked here: a missing file is a
    :class:`~reportkit.errors.ParamsError` before anything renders).

    With ``scheduler`` (``tcp://HOST:PORT``) the agency-years run on that Dask cluster
    (:mod:`.cluster`; ``jobs``, when given, caps how many run at once); ``local`` or
    ``local:N`` starts one of N single-threaded worker processes here for this batch. Workers
    need not see any of this machine's folders: each is sent what its agency-year reads, and
    its outputs are written here (:mod:`.remote`). The scheduler is contacted only when
    something is to render. ``note`` receives lines worth showing the user (the dashboard's
    address, library versions that differ on the workers).

    ``cell_timeout`` (seconds, default the renderer's) stops a section whose cell runs longer.
    Each agency-year's folder is locked while it is rendered: two batches (or a ``run``) on one
    output folder never write the same agency-year at once; one waits up to ``lock_wait``
    seconds for the other, then skips what the other rendered meanwhile, or fails that
    agency-year with a message naming the other process. The index is written by one process
    at a time as well; a failure to write it (a full disk) is ``index_error``, exit code 1.

    Raises :class:`~reportkit.errors.UsageError` for unusable arguments (an unreachable
    scheduler, workers that run another reportkit, an ``out_root`` that is a file, a bad
    ``cell_timeout`` included) and :class:`BatchInterrupted` on Ctrl-C or SIGTERM (after
    stopping the workers).
    """
    with sigterm_as_interrupt():
        return _run_batch(
            params_dir,
            out_root,
            year,
            jobs,
            force,
            fail_fast,
            strict,
            work,
            progress,
            notebooks_dir=notebooks_dir,
            extra_inputs=extra_inputs,
            write_index=write_index,
            write_compare=write_compare,
            scheduler=scheduler,
            warm_kernels=warm_kernels,
            docx_template=docx_template,
            cell_timeout=cell_timeout,
            lock_wait=lock_wait,
            note=note,
        )


def _run_batch(
    params_dir: str | Path,
    out_root: str | Path,
    year: int | str | None,
    jobs: int | None,
    force: bool,
    fail_fast: bool,
    strict: bool,
    work: WorkFn | None,
    progress: ProgressSink | None,
    *,
    notebooks_dir: str | Path | None,
    extra_inputs: Callable[[AgencyYear], Sequence[Path]] | None,
    write_index: bool,
    write_compare: bool,
    scheduler: str | None,
    warm_kernels: bool,
    docx_template: str | Path | None,
    cell_timeout: float | None,
    lock_wait: float,
    note: Callable[[str], None] | None,
) -> BatchResult:
    started = time.monotonic()
    chosen_year = parse_year(year)
    check_out_root(out_root)
    if cell_timeout is not None:
        check_cell_timeout(cell_timeout)
    if docx_template is not None:
        docx_template = Path(docx_template).resolve()
        check_docx_template(docx_template, "--docx-template", field=None)
    if scheduler is not None:
        check_form(scheduler)  # a bad address (or local:N) is an error before anything else
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
        docx_template=docx_template,
        cell_timeout=cell_timeout,
        lock_wait=lock_wait,
    )
    cluster: DaskRunner | None = None
    if tasks and scheduler is not None:
        if parse_local(scheduler) is None:
            check_reachable(scheduler)  # before Dask's import: a refused port fails at once
        from .cluster import DaskRunner

        cluster = DaskRunner.open(scheduler, note)
    sink.start(len(tasks), len(fresh))
    try:
        done: list[Outcome] = []
        if tasks:  # the renderer is imported only when there is something to render
            if cluster is None:
                from ..render.environment import warn_if_pdf_slow

                warn_if_pdf_slow()  # one line here; the workers stay quiet (pool)
            fn = work if work is not None else default_work()
            if cluster is not None:
                nb = notebooks_dir if notebooks_dir is not None else default_notebooks_dir()
                done = cluster.run(fn, tasks, jobs, fail_fast, sink, warm_kernels, nb)
            elif n_jobs == 1 or len(tasks) == 1:
                done = run_serial(fn, tasks, fail_fast, sink, warm_kernels)
            else:
                n = min(n_jobs, len(tasks))
                done = run_pool(fn, tasks, n, fail_fast, sink, warm_kernels)
    finally:
        sink.close()
        if cluster is not None:
            cluster.close()
    outcomes = sorted([*fresh, *done], key=lambda o: (o.year, o.agency_id))
    result = BatchResult(outcomes, seconds=0.0)
    if write_compare or write_index:
        _write_pages(result, items, params_dir, out_root, force, write_compare, write_index)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _write_pages(
    result: BatchResult,
    items: Sequence[AgencyYear],
    params_dir: str | Path,
    out_root: str | Path,
    force: bool,
    write_compare: bool,
    write_index: bool,
) -> None:
    """The comparison pages and the index, written by one process at a time (the output
    root's lock); a failure to write them is ``result.index_error``."""
    from .index import write_indexes

    try:
        with output_lock(out_root, wait=INDEX_LOCK_WAIT, what="has its index written"):
            if write_compare:
                result.comparisons = write_comparisons(items, out_root, force=force)
            if write_index:
                years = sorted({item.year for item in items})
                result.indexes, result.summaries, result.root_index = write_indexes(
                    params_dir, out_root, years
                )
    except OutputsBusy as err:
        result.index_error = f"the index was not written: {err}"
    except OSError as err:
        result.index_error = f"the index was not written: {describe_os_error(err, Path(out_root))}"
