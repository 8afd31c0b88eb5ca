"""Run section notebooks with papermill, in a kernel of this very Python.

The kernel is started from ``sys.executable`` (not from whatever ``python3`` kernelspec a user
or system folder holds), with ``COLUMNS=80`` and the notebooks folder as working directory, so
that a render is the same on a laptop, in a batch worker and on a Dask worker.

Starting a kernel and importing pandas/matplotlib costs seconds; running a section's cells
costs a fraction of that. A :class:`KernelSession` therefore keeps one warm kernel for many
notebooks: before each notebook after the first it clears the user namespace (``%reset -f``)
and returns to the notebook's folder, so every notebook still starts from its own parameters;
only imported modules stay loaded. A kernel that died or timed out is replaced. The session
also keeps its kernel client connected between notebooks, and the reset freezes the surviving
objects out of the garbage collector's walks (see :data:`RESET_CODE`): together they took a
warm section from ~0.5 s to ~0.05–0.15 s.

papermill treats the paths it is given as templates (``str.format`` with the parameters);
:func:`literal_path` keeps reportkit's paths literal (braces, spaces, quotes, CJK, ``$``). A
kernel that dies in a cell, or a cell that runs past the timeout, is recorded in that cell by
the engine (:mod:`.engine`), and the session's kernel is replaced for the next notebook.

Kernels talk over Unix domain sockets (zmq's ``ipc`` transport) in a private folder per
kernel, not over TCP: with TCP, jupyter_client picks free ports, releases them, and the kernel
binds them a moment later, by which time another process (a second batch worker, a test run)
may have taken one — the kernel then dies with "Address already in use". Socket files cannot
collide. A kernel that still dies before it answers ``kernel_info`` is started again (at most
:data:`START_ATTEMPTS` times); that happens before any cell of a notebook runs, so a retry never
runs a cell twice.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import papermill
import zmq
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.exceptions import PapermillExecutionError
from traitlets import Unicode

from ..errors import RenderError
from .engine import ENGINE_NAME, KERNEL_FAILURES, ResetFailed

KERNEL_NAME = "python3"
KERNEL_ENV: Mapping[str, str] = {"COLUMNS": "80", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
START_TIMEOUT = 60
START_ATTEMPTS = 3
KERNEL_TRANSPORT = "ipc" if zmq.has("ipc") else "tcp"
KERNEL_STDERR = "kernel-stderr.log"
KERNEL_DIR_PREFIX = "rk-kernel-"
# an AF_UNIX socket path must fit in 108 bytes (104 on macOS); ours are <folder>/k-<n>
_MAX_SOCKET_PATH = 100
# Before each notebook after a session's first: clear the namespace (``%reset -f``, which
# runs gc.collect twice), then freeze what survived — the imported modules, and what they
# keep — out of the collector's sight (gc.freeze), so that later collections, the reset's own
# and those that run while cells allocate, walk only objects made since: a reset falls from
# ~0.1 s to a few ms once pandas and matplotlib are loaded. What a reset leaves is reachable
# anyway; frozen objects are just never collected should they become garbage later. The
# kernel goes to the notebook's folder first: ``%reset`` reads the working directory, which
# may be gone (a Dask worker's mirror of the last agency-year's files is emptied after it).
RESET_CODE = (
    "import os as _os\n_os.chdir({cwd!r})\n%reset -f\nimport gc as _gc\n_gc.freeze()\ndel _gc"
)

log = logging.getLogger(__name__)


class ThisPythonKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is ipykernel in ``sys.executable``'s environment.

    The kernel starts in ``kernel_cwd`` with ``KERNEL_ENV`` added to its environment; neither
    touches this process's working directory or ``os.environ``, so threads can render at once.
    With ``private_dir`` set (see :func:`new_kernel_manager`) the kernel's stderr is written to
    a file there, and the folder is removed with the kernel's other resources.
    """

    kernel_cwd = Unicode("", help="the kernel's working directory").tag(config=True)
    private_dir = Unicode(
        "", help="this kernel's own folder: connection file, ipc sockets, stderr"
    ).tag(config=True)

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        """Start the kernel in ``kernel_cwd`` with ``COLUMNS=80``."""
        if self.kernel_cwd:
            kw.setdefault("cwd", self.kernel_cwd)
        kw.setdefault("env", {**os.environ, **KERNEL_ENV})
        if self.private_dir and "stderr" not in kw:
            with open(os.path.join(self.private_dir, KERNEL_STDERR), "ab") as stderr:
                await super().start_kernel(stderr=stderr, **kw)
            return
        await super().start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.private_dir and not restart:
            shutil.rmtree(self.private_dir, ignore_errors=True)

    # AsyncKernelManager binds this name to the base class's coroutine, not to an override
    cleanup_resources = _async_cleanup_resources

    def stderr_tail(self, lines: int = 1) -> str:
        """The last ``lines`` non-blank lines the kernel wrote to stderr ('' if none)."""
        if not self.private_dir:
            return ""
        try:
            text = Path(self.private_dir, KERNEL_STDERR).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join([line for line in text.splitlines() if line.strip()][-lines:])

    @property
    def kernel_spec(self) -> KernelSpec:
        """The python3 kernelspec, pointing at this interpreter."""
        return KernelSpec(
            argv=[
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                # not the shared ~/.ipython history database: kernels run side by side
                "--HistoryManager.hist_file=:memory:",
                # the kernel's own log (TCP warning, shutdown interrupt) is noise here;
                # cell errors reach us through the notebook's error outputs
                "--IPKernelApp.log_level=CRITICAL",
            ],
            display_name="Python 3 (ipykernel)",
            language="python",
            metadata={"debugger": False},
        )


@dataclass(frozen=True)
class Section:
    """One section notebook of a render: ``01_overview`` is number 1, name ``overview``."""

    number: int
    stem: str

    @property
    def name(self) -> str:
        """``overview`` for ``01_overview``."""
        return self.stem.split("_", 1)[1]

    @property
    def filename(self) -> str:
        """``01_overview.ipynb``."""
        return f"{self.stem}.ipynb"


SECTIONS: tuple[Section, ...] = tuple(
    Section(i, stem)
    for i, stem in enumerate(
        (
            "01_overview",
            "02_proactive",
            "03_requests",
            "04_review_litigation",
            "05_problems",
            "06_other",
        ),
        start=1,
    )
)


def new_kernel_manager(
    cwd: str | Path, *, transport: str = KERNEL_TRANSPORT
) -> ThisPythonKernelManager:
    """A kernel manager (no kernel yet) with its own private folder under the temp folder.

    The folder holds the connection file, the kernel's stderr and, with the ``ipc``
    transport, its five sockets; it is removed when the kernel's resources are cleaned up.
    """
    base = tempfile.gettempdir()
    prefix = f"{KERNEL_DIR_PREFIX}{os.getpid()}-"
    # mkdtemp adds 8 characters to the prefix
    if len(f"{base}/{prefix}12345678/k-99999") > _MAX_SOCKET_PATH:
        base = "/tmp"
    if base not in _SWEPT:
        _SWEPT.add(base)
        sweep_orphaned_kernel_dirs(base)
    folder = tempfile.mkdtemp(prefix=prefix, dir=base)
    settings: dict[str, Any] = {
        "kernel_cwd": str(cwd),
        "private_dir": folder,
        "transport": transport,
        "connection_file": os.path.join(folder, "kernel.json"),
    }
    if transport == "ipc":
        settings["ip"] = os.path.join(folder, "k")
    return ThisPythonKernelManager(**settings)


_SWEPT: set[str] = set()


def sweep_orphaned_kernel_dirs(base: str | Path) -> list[Path]:
    """Remove kernel folders in ``base`` whose process is gone; return them.

    A process killed with its kernels (a batch worker on SIGKILL or SIGTERM) cannot clean up;
    its folders are named after its pid. Only this user's folders, and only on POSIX.
    """
    removed: list[Path] = []
    if os.name != "posix":
        return removed
    for folder in Path(base).glob(f"{KERNEL_DIR_PREFIX}*-*"):
        pid = folder.name[len(KERNEL_DIR_PREFIX) :].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except OSError:  # another user's process, or the folder went away
            continue
    return removed


@dataclass(frozen=True)
class StartFailure:
    """A kernel start that failed and was retried."""

    attempt: int
    seconds: float
    reason: str


async def _launch(km: ThisPythonKernelManager, timeout: float) -> None:
    """Start ``km``'s kernel and wait until it answers ``kernel_info``."""
    await km.start_kernel()
    client: Any = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
    finally:
        client.stop_channels()


def shutdown(km: ThisPythonKernelManager) -> None:
    """Stop ``km``'s kernel (if any) and remove its connection file, sockets and folder."""
    if km.has_kernel:
        with suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
    with suppress(Exception):
        run_sync(km.cleanup_resources)()


def start_kernel(
    cwd: str | Path,
    *,
    attempts: int = START_ATTEMPTS,
    timeout: float = START_TIMEOUT,
    transport: str = KERNEL_TRANSPORT,
    failures: list[StartFailure] | None = None,
) -> ThisPythonKernelManager:
    """A kernel manager whose kernel (in ``cwd``) has answered ``kernel_info``.

    A kernel that dies or fails before it answers is shut down and a new one started, up to
    ``attempts`` times in all; each failure is logged and appended to ``failures``. A start
    that timed out is not retried (it has already cost ``timeout``). The last error is raised.
    """
    for attempt in range(1, attempts + 1):
        km = new_kernel_manager(cwd, transport=transport)
        began = time.perf_counter()
        try:
            run_sync(_launch)(km, timeout)
            return km
        except Exception as err:
            seconds = time.perf_counter() - began
            stderr = km.stderr_tail()
            shutdown(km)
            reason = f"{type(err).__name__}: {_first_line(str(err))}"
            if stderr:
                reason += f" ({stderr})"
            if attempt == attempts or seconds >= timeout:
                if stderr:
                    raise RuntimeError(
                        f"{_first_line(str(err))} — kernel stderr: {stderr}"
                    ) from err
                raise
            log.warning("kernel start %d/%d failed, retrying: %s", attempt, attempts, reason)
            if failures is not None:
                failures.append(StartFailure(attempt, round(seconds, 3), reason))
    raise AssertionError("unreachable")  # pragma: no cover


class KernelSession:
    """One warm kernel shared by the notebooks run through it (see the module docstring)."""

    def __init__(self) -> None:
        self._km: ThisPythonKernelManager | None = None
        self._kc: Any = None  # a ready kernel client of ``_km``, kept between notebooks
        self.notebooks = 0
        self.kernels_started = 0
        self.start_seconds = 0.0  # spent starting kernels, until each answered kernel_info
        self.start_failures: list[StartFailure] = []

    def kernel(self, cwd: str | Path) -> tuple[ThisPythonKernelManager, str]:
        """The session's kernel manager and the code that readies it for the next notebook.

        The first notebook gets a new kernel, started in ``cwd`` and ready, that needs no
        reset; later ones clear the namespace and return to ``cwd``. A dead kernel is
        replaced. Raises when no kernel could be started (see :func:`start_kernel`).
        """
        self.notebooks += 1
        km = self._km
        if km is not None and km.has_kernel and run_sync(km.is_alive)():
            return km, RESET_CODE.format(cwd=str(cwd))
        self.close()
        began = time.perf_counter()
        try:
            self._km = start_kernel(cwd, failures=self.start_failures)
        finally:
            self.start_seconds += time.perf_counter() - began
        self.kernels_started += 1
        return self._km, ""

    def take_client(self) -> Any:
        """The ready client of the current kernel kept from the last notebook, or None."""
        client, self._kc = self._kc, None
        return client

    def keep_client(self, client: Any) -> None:
        """Keep ``client`` (connected to the current kernel) for the next notebook."""
        if self._km is None or self._kc is not None:
            client.stop_channels()
            return
        self._kc = client

    def stderr_tail(self) -> str:
        """The last line the current kernel wrote to its stderr ('' if none)."""
        return self._km.stderr_tail() if self._km is not None else ""

    def discard(self) -> None:
        """Forget the kernel after a failure that may have left it unusable (it is shut down)."""
        self.close()

    def close(self) -> None:
        """Shut the kernel down (a later notebook starts a new one)."""
        client, self._kc = self._kc, None
        if client is not None:
            with suppress(Exception):
                client.stop_channels()
        km, self._km = self._km, None
        if km is not None:
            shutdown(km)

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SESSION: ContextVar[KernelSession | None] = ContextVar("reportkit_kernel_session", default=None)
_WORKER = threading.local()
_ALL_WORKER_SESSIONS: list[KernelSession] = []


def current_session() -> KernelSession | None:
    """The session of the enclosing :func:`kernel_session`, else this thread's worker session."""
    return _SESSION.get() or getattr(_WORKER, "session", None)


@contextmanager
def kernel_session() -> Iterator[KernelSession]:
    """Run every notebook inside this block in one warm kernel (nested blocks share it)."""
    existing = current_session()
    if existing is not None:
        yield existing
        return
    session = KernelSession()
    token = _SESSION.set(session)
    try:
        yield session
    finally:
        _SESSION.reset(token)
        session.close()


def enable_worker_session() -> KernelSession:
    """Keep one warm kernel for every later render in this thread (a batch worker calls this
    once); it is shut down when the process exits. Threads never share a kernel."""
    session: KernelSession | None = getattr(_WORKER, "session", None)
    if session is None:
        session = KernelSession()
        _WORKER.session = session
        if not _ALL_WORKER_SESSIONS:
            atexit.register(_close_worker_sessions)
        _ALL_WORKER_SESSIONS.append(session)
    return session


def _close_worker_sessions() -> None:
    for session in _ALL_WORKER_SESSIONS:
        session.close()


def run_notebook(
    notebook: str | Path,
    output: str | Path,
    parameters: Mapping[str, Any],
    *,
    cwd: str | Path,
    agency: str | None = None,
    year: int | None = None,
    section: str | None = None,
    timeout: float | None = None,
    session: KernelSession | None = None,
) -> float:
    """Execute ``notebook`` into ``output`` with ``parameters``; return the seconds it took.

    On an exception in a cell the partial executed notebook (with papermill's error banner) is
    kept at ``output`` and :class:`RenderError` is raised naming agency, year, section, the
    failing cell (its index in the section notebook and its id), ``ename`` and ``evalue``.
    With a ``session`` the notebook runs in the session's warm kernel; without, in a new one.
    """
    start = time.perf_counter()
    label = section or Path(notebook).stem
    own = session is None
    session = session if session is not None else KernelSession()

    def execute() -> None:
        km, reset_code = session.kernel(cwd)
        papermill.execute_notebook(
            literal_path(notebook),
            literal_path(output),
            parameters=dict(parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=timeout,
            km=km,
            engine_name=ENGINE_NAME,
            reset_code=reset_code,
            session=session,
        )

    try:
        try:
            execute()
        except ResetFailed as err:
            # the warm kernel died between notebooks (before any cell ran): a new one, once
            log.warning("%s; starting a new kernel", err)
            session.discard()
            execute()
    except PapermillExecutionError as err:
        if err.ename in KERNEL_FAILURES:  # the kernel is dead, or still busy with the cell
            session.discard()
        cell_id = _failed_cell_id(output, err.ename)
        cell = _source_index(notebook, cell_id, err.cell_index)
        where = f"cell {cell}" + (f" (id {cell_id!r})" if cell_id else "")
        evalue = _first_line(str(err.evalue))
        raise RenderError(
            f"{agency} {year}: section {label} failed at {where}: {err.ename}: {evalue}"
            f" — see {output}",
            agency=agency,
            year=year,
            section=label,
            cell=cell,
            ename=err.ename,
            evalue=str(err.evalue),
            notebook=str(output),
        ) from None
    except Exception as err:  # kernel died, timeout, unreadable notebook …
        stderr = session.stderr_tail()
        session.discard()
        detail = _first_line(str(err)) + (f" — kernel stderr: {stderr}" if stderr else "")
        raise RenderError(
            f"{agency} {year}: section {label} could not be run: {type(err).__name__}: {detail}",
            agency=agency,
            year=year,
            section=label,
            ename=type(err).__name__,
            evalue=str(err),
            notebook=str(output) if Path(output).is_file() else None,
        ) from err
    finally:
        if own:
            session.close()
    return time.perf_counter() - start


def literal_path(path: str | Path) -> str:
    """``path`` for papermill, which formats paths as templates (``str.format`` with the
    parameters: ``out_{year}`` would need a ``year`` parameter): braces doubled, so the path
    papermill opens is ``path`` itself."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _read(path: str | Path) -> Any:
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    except Exception:
        return None


def _failed_cell_id(output: str | Path, ename: str) -> str | None:
    """The id of the cell that raised, read back from the partial executed notebook."""
    nb = _read(output)
    for cell in nb.cells if nb is not None else []:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == ename:
                return str(cell.get("id")) if cell.get("id") else None
    return None


def _source_index(notebook: str | Path, cell_id: str | None, fallback: int) -> int:
    """The failing cell's index in the section notebook itself (as JupyterLab counts)."""
    nb = _read(notebook)
    if nb is not None and cell_id:
        for index, cell in enumerate(nb.cells):
            if cell.get("id") == cell_id:
                return index
    return fallback
