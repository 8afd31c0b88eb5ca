"""Render one agency-year: params → six executed section notebooks → report.ipynb/html/pdf,
and report.docx from the same content.

:func:`render_agency_year` is the unit of work of ``reportkit run`` and of batch (worker
processes, Dask workers): plain arguments in, a picklable :class:`RenderResult` out; it never
raises for a bad agency-year, so one failure cannot stop the others.

Everything is written into a temporary folder beside the outputs and renamed into place at
the end, so an earlier good ``report.html``/``report.pdf``/``report.docx`` is never replaced by a
partial one.
A failed section keeps its partial executed notebook (with papermill's error banner) under
``sections/``: it is the reviewer's evidence.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from ..checks import Finding, check_report, has_errors
from ..errors import OutputsBusy, RenderError, ReportkitError
from ..model.inputs import Inputs, check_docx_template, load_inputs
from . import warm
from .combine import combine_notebooks, read_notebook, write_notebook
from .environment import warn_if_pdf_slow
from .execution import (
    SECTIONS,
    KernelSession,
    Section,
    StartFailure,
    kernel_session,
    run_notebook,
)
from .html import notebook_to_html
from .locations import (
    REPORT_FILES,
    WORK_PREFIX,
    default_notebooks_dir,
    output_dir,
    template_files,
    work_prefix,
)
from .manifest import MANIFEST_NAME, build_manifest, manifest_text
from .safety import (
    CELL_TIMEOUT,
    check_cell_timeout,
    deferred_signals,
    describe_os_error,
    output_lock,
    replace_dir,
)

Status = Literal["rendered", "failed", "invalid", "refused"]
T = TypeVar("T")

STALE_AFTER = 6 * 3600.0  # seconds after which a leftover temp folder is a killed render's
SECTION_TIMEOUT = CELL_TIMEOUT  # the name it had before it could be set per render


@dataclass(frozen=True)
class RenderResult:
    """The outcome of one agency-year render: plain data, picklable."""

    agency_id: str
    year: int
    params: str
    out_dir: str
    status: Status
    message: str
    failed_notebook: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    """Seconds per stage, in the order the stages ran, and the total so far."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()

    def total(self) -> dict[str, float]:
        """The stage timings with ``total`` (wall time since the render started)."""
        self.timings["total"] = round(time.perf_counter() - self.started, 3)
        return dict(self.timings)

    def time(self, stage: str, fn: Callable[[], T]) -> T:
        start = time.perf_counter()
        try:
            return fn()
        finally:
            self.timings[stage] = round(time.perf_counter() - start, 3)


def _guess_identity(params_path: Path) -> tuple[str, int]:
    """Agency id and year from ``params/<agency-id>/<year>.yaml`` when the file is unusable."""
    year = int(params_path.stem) if params_path.stem.isdigit() else 0
    return params_path.parent.name or "?", year


def render_agency_year(
    params_path: str | Path,
    out_root: str | Path = "outputs",
    *,
    strict: bool = False,
    notebooks_dir: str | Path | None = None,
    cell_timeout: float | None = None,
    lock_wait: float = 0.0,
    docx_template: str | Path | None = None,
) -> RenderResult:
    """Render one params file to ``<out_root>/<year>/<agency-id>/``.

    ``docx_template`` is the Word template for ``report.docx`` when the params file names
    none (``--docx-template``); the params file's own ``docx_template`` wins.

    Status ``invalid``: the params (or an earlier year's) or the Word template cannot be used;
    no kernel started.
    ``refused``: ``strict`` and a rule error. ``failed``: a section raised, its kernel died, a
    cell ran past ``cell_timeout`` seconds (default :data:`CELL_TIMEOUT`), HTML/PDF/Word could
    not be made, the output folder cannot be written (a file in the way, a full disk), or
    another process kept the folder locked for more than ``lock_wait`` seconds (see
    :func:`~reportkit.render.safety.output_lock`); ``failed_notebook`` is the partial notebook
    when one was kept. ``rendered``: all written. Rule findings never stop a render; they are
    returned and recorded in the manifest. Raises only for an unusable ``cell_timeout``.
    """
    timeout = check_cell_timeout(cell_timeout)
    clock = _Clock()
    params = Path(params_path)
    try:
        inputs, template = clock.time("validate", lambda: _validated(params, docx_template))
    except ReportkitError as err:
        agency_id, year = _guess_identity(params)
        message = "\n".join(err.lines())  # every problem of the file, one line each
        return RenderResult(
            agency_id, year, str(params), "", "invalid", message, None, [], clock.total()
        )

    report = inputs.report
    found: list[Finding] = clock.time("check", lambda: check_report(report, inputs.previous))
    findings = [f.as_json() for f in found]
    out_dir = output_dir(out_root, report.agency.id, report.year)
    who = f"{report.agency.id} {report.year}"

    def result(status: Status, message: str = "", failed: str | None = None) -> RenderResult:
        return RenderResult(
            report.agency.id,
            report.year,
            str(params),
            str(out_dir),
            status,
            message,
            failed,
            findings,
            clock.total(),
        )

    if strict and has_errors(found):
        errors = [f for f in found if f.severity == "error"]
        return result(
            "refused",
            f"{who}: --strict: {len(errors)} rule error(s), first: {errors[0].line()}",
        )

    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    missing = [s.filename for s in SECTIONS if not (folder / s.filename).is_file()]
    if missing:
        return result(
            "failed",
            f"{who}: section notebook(s) missing in {folder}: {', '.join(missing)}",
        )

    warn_if_pdf_slow()  # once per process: PDFs without HarfBuzz subsetting take ~20 s
    try:
        with output_lock(out_dir, wait=lock_wait):
            _sweep(out_dir)
            work = Path(tempfile.mkdtemp(prefix=work_prefix(), dir=out_dir)).resolve()
            try:
                return _render(
                    inputs,
                    template,
                    folder,
                    out_dir,
                    work,
                    clock,
                    strict,
                    findings,
                    result,
                    timeout,
                )
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except OutputsBusy as err:
        return result("failed", f"{who}: {err}")
    except OSError as err:  # a file in the way, a full disk, no permission: one clear line
        return result("failed", f"{who}: {describe_os_error(err, out_dir)}")
    except Exception as err:  # a system failure: still one result, never a crash
        detail = f"{type(err).__name__}: {err}".splitlines()[0]
        return result("failed", f"{who}: {detail}")


def _validated(params: Path, docx_template: str | Path | None) -> tuple[Inputs, Path | None]:
    inputs = load_inputs(params)
    return inputs, _template(inputs, docx_template)


def _template(inputs: Inputs, default: str | Path | None) -> Path | None:
    """The Word template of this render, checked (it opens as a Word document) before any
    kernel starts: the params file's ``docx_template``, else ``default``."""
    template = inputs.docx_template
    source = str(inputs.path)
    if template is None and default is not None:
        template, source = Path(default), "--docx-template"
        check_docx_template(template, source, field=None)
    if template is not None:
        from .docx_layout import open_template

        open_template(template, source)
    return template


def _render(
    inputs: Inputs,
    template: Path | None,
    folder: Path,
    out_dir: Path,
    work: Path,
    clock: _Clock,
    strict: bool,
    findings: list[dict[str, Any]],
    result: Callable[[Status, str, str | None], RenderResult],
    timeout: float,
) -> RenderResult:
    """Run, combine, convert, then publish from ``work`` into ``out_dir``."""
    report = inputs.report
    sections_dir = work / "sections"
    sections_dir.mkdir()
    notebooks = {s.stem: folder / s.filename for s in SECTIONS}

    def manifest(status: Status, message: str, failed: str | None, made: dict[str, Path]) -> None:
        data = build_manifest(
            agency={"id": report.agency.id, "name": report.agency.name},
            year=report.year,
            status=status,
            message=message,
            params=inputs.path,
            history=inputs.history_paths,
            previous=inputs.previous_path,
            notebooks=notebooks,
            template_files=template_files(),
            docx_template=template,
            outputs=made,
            failed_notebook=failed,
            findings=findings,
            timings=clock.total(),
            strict=strict,
            sources=[f.as_json() for f in report.sources.files()] if report.sources else (),
        )
        (work / MANIFEST_NAME).write_text(manifest_text(data), encoding="utf-8")

    _warm_up()  # once per process: HTML, PDF and Word libraries while the kernel works
    executed: list[tuple[int, Any]] = []
    with kernel_session() as session:
        retried = len(session.start_failures)  # a batch worker's session outlives one render
        for section in SECTIONS:
            target = sections_dir / section.filename
            starting = session.start_seconds
            try:
                clock.time(
                    section.stem,
                    partial(_run, section, target, inputs, folder, session, timeout),
                )
            except RenderError as err:
                _note_kernel_start(clock, section.stem, session.start_seconds - starting)
                _note_kernel_retries(clock, session.start_failures[retried:])
                final = out_dir / "sections" / section.filename
                # name the partial notebook only when papermill could keep one
                kept = str(final) if target.is_file() else None
                message = str(err).replace(str(target), str(final))
                manifest("failed", message, kept, {})
                _publish(work, out_dir, files=(MANIFEST_NAME,))
                return result("failed", message, kept)
            _note_kernel_start(clock, section.stem, session.start_seconds - starting)
            executed.append((section.number, read_notebook(target)))
        _note_kernel_retries(clock, session.start_failures[retried:])

    try:
        combined = clock.time(
            "combine",
            lambda: combine_notebooks(
                executed,
                {
                    "title": report.display_title,
                    "agency_id": report.agency.id,
                    "agency": report.agency.name,
                    "year": report.year,
                },
            ),
        )
        html = clock.time("html", lambda: notebook_to_html(combined))
        clock.time("write", lambda: _write(combined, html, work))
        clock.time("pdf", lambda: _pdf(html, work / "report.pdf"))
        clock.time("docx", lambda: _docx(inputs, template, work / "report.docx", html))
    except Exception as err:
        if isinstance(err, ReportkitError):
            detail = str(err)
        elif isinstance(err, OSError):
            detail = describe_os_error(err, out_dir)
        else:
            detail = f"{type(err).__name__}: {err}"
        message = f"{report.agency.id} {report.year}: {detail}".splitlines()[0]
        manifest("failed", message, None, {})
        _publish(work, out_dir, files=(MANIFEST_NAME,))
        return result("failed", message, None)

    made = {name: work / name for name in REPORT_FILES}
    manifest("rendered", "", None, made)
    _publish(work, out_dir, files=(*REPORT_FILES, MANIFEST_NAME))
    return result("rendered", "", None)


def _import_docx() -> None:
    from . import docx  # noqa: F401  # python-docx and lxml, for report.docx


def _warm_up() -> None:
    from .html import warmed_exporter
    from .pdf import warmed_font_configuration

    warm.start(
        {
            "exporter": warmed_exporter,
            "font_configuration": warmed_font_configuration,
            "libraries": _import_docx,
        }
    )


def _write(combined: Any, html: str, work: Path) -> None:
    write_notebook(combined, work / "report.ipynb")
    (work / "report.html").write_text(html, encoding="utf-8")


def _note_kernel_start(clock: _Clock, section: str, seconds: float) -> None:
    """Timing ``kernel_start``: seconds this render spent starting kernels (the first render of
    a batch worker, a run, a kernel replaced after a failure), taken out of the section that
    waited for it, so that the stages add up."""
    if seconds > 0:
        clock.timings[section] = round(max(0.0, clock.timings[section] - seconds), 3)
        clock.timings["kernel_start"] = round(clock.timings.get("kernel_start", 0.0) + seconds, 3)


def _note_kernel_retries(clock: _Clock, failures: list[StartFailure]) -> None:
    """Timing ``kernel_retries``: seconds lost to kernel starts that failed and were retried
    (absent when none failed; the reasons are logged by :mod:`reportkit.execution`)."""
    if failures:
        clock.timings["kernel_retries"] = round(sum(f.seconds for f in failures), 3)


def _run(
    section: Section,
    target: Path,
    inputs: Inputs,
    folder: Path,
    session: KernelSession,
    timeout: float = SECTION_TIMEOUT,
) -> None:
    # absolute paths: papermill changes the working directory while it runs
    folder = folder.resolve()
    run_notebook(
        folder / section.filename,
        target.resolve(),
        {"params_path": str(inputs.path.resolve())},
        cwd=folder,
        agency=inputs.report.agency.id,
        year=inputs.report.year,
        section=section.stem,
        timeout=timeout,
        session=session,
    )


def _pdf(html: str, path: Path) -> None:
    from .pdf import html_to_pdf

    html_to_pdf(html, path)


def _docx(inputs: Inputs, template: Path | None, path: Path, page: str) -> None:
    """``report.docx``, with the chart images of ``page`` (``report.html``): drawn once, in the
    section notebook."""
    from .charts import charts_from_html
    from .docx import write_report_docx

    source = str(inputs.path) if inputs.docx_template is not None else "--docx-template"
    write_report_docx(
        inputs.report,
        path,
        inputs.history,
        template,
        template_source=source,
        charts=charts_from_html(page),
    )


def _owner_gone(folder: Path) -> bool:
    """True when ``folder`` is a work folder of a process of this host that no longer runs."""
    name = folder.name.split("-", 1)[1] if "-" in folder.name else ""
    pid, at, rest = name.partition("@")
    if not at or not pid.isdigit() or rest.rsplit("-", 1)[0] != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _sweep(out_dir: Path) -> None:
    """Remove work folders that a killed render (SIGKILL, power loss) left behind: those of a
    process of this host that is gone, and any older than :data:`STALE_AFTER`."""
    now = time.time()
    for leftover in [*out_dir.glob(f"{WORK_PREFIX}*"), *out_dir.glob(".old-*")]:
        try:
            if _owner_gone(leftover) or now - leftover.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            continue


def _publish(work: Path, out_dir: Path, files: tuple[str, ...]) -> None:
    """Move ``work/sections`` and ``files`` into ``out_dir`` (sections first, manifest last).

    Ctrl-C and SIGTERM wait until the renames are done (:func:`deferred_signals`).
    """
    with deferred_signals():
        replace_dir(work / "sections", out_dir / "sections")
        for name in files:
            os.replace(work / name, out_dir / name)
