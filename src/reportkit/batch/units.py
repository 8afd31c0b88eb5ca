"""The unit of work of a batch: one picklable :class:`Task` in, one picklable :class:`Outcome` out.

:func:`execute` calls the render function (``reportkit.render.pipeline.render_agency_year``
unless another one is given), then records the attempt beside the outputs (``.last-run.json``)
and, after a successful render only, the inputs key (``.inputs-key``, see :mod:`.freshness`).
The same unit runs in this process and in a local process pool (:mod:`.pool`). On Dask workers
(:mod:`.cluster`) it is cut in two: :func:`run_work` runs on the worker, in its copy of the
inputs, and :func:`record` here, after the outputs came back (:mod:`.remote`).
"""

from __future__ import annotations

import json
import os
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from ..errors import OutputsBusy, ParamsError
from ..model.params import check_agency_folder
from ..render.safety import describe_os_error, output_lock
from .discover import AgencyYear
from .freshness import InputsKey, out_dir, remove_stamp, stale_reason, write_stamp

LAST_RUN_NAME = ".last-run.json"
LOCK_WAIT = 900.0  # seconds to wait for an agency-year another process is rendering

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
        docx_template: str | None = ...,
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
    docx_template: str | None = None
    cell_timeout: float | None = None  # None: the renderer's default
    lock_wait: float = LOCK_WAIT
    inputs: tuple[str, ...] = ()  # every input file (:func:`.inputs.input_files`)


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
    def detail(self) -> str:
        """The message without the ``<agency-id> <year>: `` it may start with, for printing
        beside the agency and year."""
        return self.message.removeprefix(f"{self.agency_id} {self.year}: ")

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


def default_work() -> WorkFn:
    from ..render.pipeline import render_agency_year

    work: WorkFn = render_agency_year
    return work


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def execute(work: WorkFn, task: Task) -> Outcome:
    """Render one agency-year with ``work`` and record it. Never raises for a failed render.

    The agency-year's folder is locked for the whole unit (render and records;
    :func:`~reportkit.render.safety.output_lock`): another process rendering it is waited for
    up to ``task.lock_wait`` seconds, and when it has meanwhile rendered the same inputs the
    outcome is "up to date". A folder that stays locked, or cannot be written at all, fails
    this agency-year only, and nothing of the other process's is touched.
    """
    directory = out_dir(task.out_root, task.item)
    start = time.monotonic()
    try:
        with output_lock(directory, wait=task.lock_wait):
            if task.reason != "forced" and stale_reason(directory, task.key) is None:
                return _outcome(task, "up to date", "rendered meanwhile by another process")
            remove_stamp(directory)
            rendered = run_work(work, task)
            return record(task, rendered, time.monotonic() - start)
    except OutputsBusy as err:
        return _outcome(task, "failed", str(err), start)
    except OSError as err:
        return _outcome(task, "failed", describe_os_error(err, directory), start)


def _outcome(task: Task, status: Status, message: str, start: float | None = None) -> Outcome:
    seconds = round(time.monotonic() - start, 3) if start is not None else 0.0
    return replace(task_outcome(task, status, message), seconds=seconds)


@dataclass(frozen=True)
class Rendered:
    """What the work function said about one agency-year (before it is recorded)."""

    status: Status
    message: str = ""
    failed_notebook: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)


def run_work(
    work: WorkFn,
    task: Task,
    *,
    params: str | None = None,
    out_root: str | None = None,
    notebooks_dir: str | None = None,
    docx_template: str | None = None,
) -> Rendered:
    """Call ``work`` for ``task`` (at other paths than the task's when given: a Dask worker
    renders from its mirror of the client's files). Never raises for a failed render."""
    failed_notebook: str | None = None
    findings: list[dict[str, Any]] = []
    status: Status
    extra: dict[str, Any] = {}
    if task.cell_timeout is not None:
        extra["cell_timeout"] = task.cell_timeout
    source = params if params is not None else str(task.item.params)
    try:
        check_agency_folder(source, task.item.agency_id)
    except ParamsError as err:
        return Rendered("invalid", str(err), None, [])
    try:
        result = work(
            source,
            out_root if out_root is not None else task.out_root,
            strict=task.strict,
            notebooks_dir=notebooks_dir if notebooks_dir is not None else task.notebooks_dir,
            docx_template=docx_template if docx_template is not None else task.docx_template,
            **extra,
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
    return Rendered(status, _one_line(message, str(task.item.params)), failed_notebook, findings)


def _one_line(message: str, params: str) -> str:
    """A render's message as the one line a batch prints and records: its first problem, and
    how many more there are (a ledger with nine bad rows printed them as one huge line)."""
    lines = [" ".join(line.split()) for line in message.splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    more = len(lines) - 1
    return (
        f"{lines[0]} (and {more} more problem{'s' if more > 1 else ''}: "
        f"reportkit check {params} lists them)"
    )


def record(task: Task, rendered: Rendered, seconds: float) -> Outcome:
    """The outcome of ``task``, recorded beside its outputs: ``.last-run.json``, and the inputs
    key after a successful render."""
    directory = out_dir(task.out_root, task.item)
    outcome = Outcome(
        agency_id=task.item.agency_id,
        year=task.item.year,
        params=str(task.item.params),
        out_dir=str(directory),
        status=rendered.status,
        message=rendered.message,
        reason=task.reason,
        failed_notebook=rendered.failed_notebook,
        findings=rendered.findings,
        seconds=round(seconds, 3),
    )
    try:
        _write_json(directory / LAST_RUN_NAME, outcome.as_json())
        if rendered.status == "rendered":
            write_stamp(directory, task.key)
    except OSError as err:
        # an older record must not outlive this attempt (removing needs no space)
        with suppress(OSError):
            (directory / LAST_RUN_NAME).unlink(missing_ok=True)
        with suppress(OSError):
            remove_stamp(directory)
        note = f"the outcome could not be recorded: {describe_os_error(err, directory)}"
        outcome = replace(
            outcome, message=f"{outcome.message}; {note}" if outcome.message else note
        )
    return outcome


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM (``by``): the workers were stopped; what was rendered stays, the next
    run picks up."""

    def __init__(self, rendered: int, remaining: int, by: str = "Ctrl-C") -> None:
        super().__init__(rendered, remaining, by)
        self.rendered = rendered
        self.remaining = remaining
        self.by = by

    def __str__(self) -> str:
        what = "Terminated (SIGTERM)" if self.by == "SIGTERM" else "Interrupted"
        return (
            f"{what}: {self.rendered} rendered, {self.remaining} not finished; "
            "nothing half-written was kept. Run the same command again to continue."
        )


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
