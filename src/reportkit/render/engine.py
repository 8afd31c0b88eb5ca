"""papermill's nbclient engine, adapted: warm kernels, and true records when a kernel fails.

:class:`SessionEngine` (registered with papermill as ``reportkit``) runs a notebook in a
:class:`~reportkit.render.execution.KernelSession`'s warm kernel through the session's kernel
client.

A kernel that dies while a cell runs (``os._exit``, a segfault, the OOM killer) or a cell that
runs past the cell timeout does not raise through papermill, which would keep no notebook and
only say "Kernel died while waiting for execute reply.". Instead the cell gets an error output
naming what happened — :data:`KERNEL_DIED` (with the exit status and the kernel's last stderr
line) or :data:`CELL_TIMEOUT` — and papermill then does what it does for any failing cell:
it saves the partial notebook with its error banner and raises ``PapermillExecutionError``. The
reviewer's evidence is kept, and the message names the cell.
"""

from __future__ import annotations

import signal
import time
from typing import Any, Protocol

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger as papermill_logger
from papermill.utils import merge_kwargs, remove_args
from traitlets import Unicode

ENGINE_NAME = "reportkit"
KERNEL_DIED = "DeadKernelError"
CELL_TIMEOUT = "CellTimeoutError"
KERNEL_FAILURES = frozenset({KERNEL_DIED, CELL_TIMEOUT})


class ClientKeeper(Protocol):
    """What the engine needs of a kernel session: its kept client, and taking one back."""

    def take_client(self) -> Any: ...
    def keep_client(self, client: Any) -> None: ...


class ResetFailed(RuntimeError):
    """The warm kernel died or failed while being readied, before the notebook's first cell."""


class _KernelFailed(Exception):
    """A cell's kernel died or the cell timed out; the cell already carries the error output."""


def exit_description(km: Any) -> str:
    """``exit status 3`` or ``killed by signal 9 (SIGKILL)`` for ``km``'s dead kernel, if known."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    code = None
    if process is not None:
        for _ in range(20):  # the process may take a moment to be reaped
            code = process.poll()
            if code is not None:
                break
            time.sleep(0.05)
    if code is None:
        return ""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " — out of memory?" if -code == signal.SIGKILL else ""
        return f"killed by signal {-code} ({name}{hint})"
    return f"exit status {code}"


def failure_output(ename: str, evalue: str) -> Any:
    """An error output as a cell that raised would have: one line, no traceback."""
    return nbformat.v4.new_output(  # type: ignore[no-untyped-call]
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class SessionClient(PapermillNotebookClient):  # type: ignore[misc]
    """papermill's client for a session's warm kernel.

    Before the notebook's first cell it runs ``reset_code`` (clear the namespace, go to the
    notebook's folder) on the same connection. It connects through the session's kernel
    client when the session holds one, and hands its client back to the session afterwards:
    a new client costs 0.2 s in ``wait_for_ready`` (it waits for its iopub channel to stay
    quiet that long), a fifth of a warm section. Without a session it closes its client,
    which nbclient only does when it shuts the kernel down (else sockets and a thread stay).
    """

    reset_code = Unicode("", help="code run silently before the first cell").tag(config=True)
    session: ClientKeeper | None = None

    def papermill_execute_cells(self) -> None:
        if self.reset_code:
            client: Any = self.kc
            try:
                msg_id = client.execute(self.reset_code, silent=True, store_history=False)
                reply = self.wait_for_reply(msg_id)
            except DeadKernelError as err:
                raise ResetFailed(f"the warm kernel died before the first cell ({err})") from err
            if reply is None or reply["content"]["status"] != "ok":
                raise ResetFailed("the warm kernel could not be reset")
        # papermill's loop, with a kernel that dies or a cell that times out recorded in the cell
        for index, cell in enumerate(self.nb.cells):
            try:
                self.nb_man.cell_start(cell, index)
                self.execute_cell(cell, index)
            except CellExecutionError as ex:
                self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=ex)
                break
            except (DeadKernelError, CellTimeoutError) as ex:
                cell.outputs.append(self._failure(ex))
                self.nb_man.cell_exception(cell, cell_index=index, exception=ex)
                raise _KernelFailed() from ex
            finally:
                self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)

    def _failure(self, ex: Exception) -> Any:
        if isinstance(ex, CellTimeoutError):
            return failure_output(
                CELL_TIMEOUT,
                f"the cell ran longer than the cell timeout ({self.timeout:g} s) and was "
                "stopped — find out why it hangs, or allow more time (--cell-timeout SECONDS)",
            )
        how = exit_description(self.km)
        tail = getattr(self.km, "stderr_tail", lambda: "")()
        return failure_output(
            KERNEL_DIED,
            "the kernel died while this cell ran"
            + (f" ({how})" if how else "")
            + (f"; kernel stderr: {tail}" if tail else ""),
        )

    def execute(self, **kwargs: Any) -> Any:
        try:
            return super().execute(**kwargs)
        finally:
            client: Any = getattr(self, "kc", None)
            if not self.owns_km and client is not None:
                self.kc = None
                if self.session is not None:
                    self.session.keep_client(client)
                else:
                    client.stop_channels()


class SessionEngine(NBClientEngine):  # type: ignore[misc]
    """papermill's nbclient engine, with :class:`SessionClient`."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """Execute as papermill's default engine does (in ``session``'s client, if given).

        A dead kernel or a timed-out cell returns the partial notebook (its cell carries the
        error output), so papermill saves it and raises as for any failing cell.
        """
        session: ClientKeeper | None = kwargs.pop("session", None)
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=papermill_logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = SessionClient(nb_man, **final_kwargs)
        if session is not None:
            client.session = session
            client.kc = session.take_client()  # None: nbclient connects a new one
        try:
            return client.execute()
        except _KernelFailed:
            return nb_man.nb


papermill_engines.register(ENGINE_NAME, SessionEngine)
