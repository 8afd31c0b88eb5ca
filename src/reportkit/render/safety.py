"""What keeps outputs true when processes collide or are stopped: locks and signals.

- :func:`output_lock` — one writer per output folder. An agency-year folder
  (``<out>/<year>/<agency-id>/``) is written by one process at a time, and so is the index of an
  output root: ``fcntl.flock`` on the folder itself (no lock file is left behind). A second
  process waits up to ``wait`` seconds, then gets :class:`~reportkit.errors.OutputsBusy` naming
  the process that holds it (recorded in ``.lock-holder`` while the lock is held). Within one
  thread the lock is re-entrant, so ``batch`` can hold it around a render that takes it too.
  Where folders cannot be locked (no ``fcntl`` on Windows; some network filesystems) nothing
  is locked, and a warning says so once.
- :func:`deferred_signals` — Ctrl-C and SIGTERM wait while the finished files are renamed into
  place (milliseconds), so a stop never leaves a folder half published.
- :func:`check_cell_timeout` — the bound on a cell that hangs (:data:`CELL_TIMEOUT`).
- :func:`describe_os_error` — a failed write as one line with its fix (a full disk above all).
- :func:`sigterm_as_interrupt` — SIGTERM handled like Ctrl-C (:class:`Terminated`), so the same
  cleanup runs: work folders removed, kernels and workers stopped, a clear message.

Locks are advisory: they keep reportkit processes apart, not other programs.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from types import FrameType

from ..errors import OutputsBusy, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CELL_TIMEOUT = 600.0  # seconds one cell may run before its section counts as failed
HOLDER_NAME = ".lock-holder"
POLL = 0.2  # seconds between attempts while waiting for a lock

log = logging.getLogger(__name__)
_warned: set[str] = set()

_held: dict[tuple[str, int], tuple[int, int]] = {}  # (lock file, thread) → (fd, depth)
_held_guard = threading.Lock()


def _holder(path: Path) -> str:
    """Who holds the lock at ``path``, as recorded by them (best effort)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not isinstance(data, dict) or "pid" not in data:
        return "another process"
    return (
        f"reportkit process {data['pid']} on {data.get('host', '?')} "
        f"(since {data.get('since', '?')}: {data.get('command', '?')})"
    )


def _record(path: Path) -> None:
    """Write who holds the lock beside it (for the message of a waiting process)."""
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["reportkit", *sys.argv[1:]])[:160],
    }
    with suppress(OSError):
        path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


def _try_lock(fd: int, directory: Path) -> bool | None:
    """True: locked; False: held by another process; None: this folder cannot be locked."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as err:  # EBADF, ENOLCK, EOPNOTSUPP: a filesystem without flock
        if str(directory) not in _warned:
            _warned.add(str(directory))
            log.warning("%s cannot be locked (%s); writing it unlocked", directory, err.strerror)
        return None
    return True


@contextmanager
def output_lock(
    folder: str | Path, *, wait: float, what: str = "is being rendered"
) -> Iterator[None]:
    """Hold the lock of ``folder`` (created when missing) for the ``with`` block.

    Waits up to ``wait`` seconds for another process to release it, then raises
    :class:`~reportkit.errors.OutputsBusy` (``what`` completes its message: "… is being
    rendered by …"). Raises ``OSError`` when the folder cannot be created or opened.
    """
    directory = Path(folder)
    directory.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    key = (os.path.realpath(directory), threading.get_ident())
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            _held[key] = (held[0], held[1] + 1)
    if held is not None:
        try:
            yield
        finally:
            with _held_guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return
    holder = directory / HOLDER_NAME
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    deadline = time.monotonic() + max(0.0, wait)
    try:
        while (locked := _try_lock(fd, directory)) is False:
            if time.monotonic() >= deadline:
                waited = f" (waited {wait:.0f} s)" if wait >= 1 else ""
                raise OutputsBusy(str(directory), _holder(holder), what, waited)
            time.sleep(POLL)
        if locked:
            _record(holder)
        with _held_guard:
            _held[key] = (fd, 1)
        try:
            yield
        finally:
            with _held_guard:
                del _held[key]
            if locked:
                with suppress(OSError):
                    holder.unlink()
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def forget_holders() -> None:
    """Remove the ``.lock-holder`` records of every lock this process holds: for a process
    about to end at once (a worker on SIGTERM), whose locks the system releases."""
    for folder, _thread in list(_held):
        with suppress(OSError):
            (Path(folder) / HOLDER_NAME).unlink()


@contextmanager
def deferred_signals(signums: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """Hold back ``signums`` during the block; deliver them (to the usual handlers) after it.

    Only the main thread receives signals, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {s: signal.getsignal(s) for s in signums}
    replaced = [s for s, handler in previous.items() if handler is not None]
    for s in replaced:
        signal.signal(s, record)
    try:
        yield
    finally:
        for s in replaced:
            signal.signal(s, previous[s])
        for s in dict.fromkeys(received):
            signal.raise_signal(s)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's ``KeyboardInterrupt`` so that the same cleanup runs."""

    signum = signal.SIGTERM


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """During the block, SIGTERM raises :class:`Terminated` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def describe_os_error(err: OSError, out_dir: Path) -> str:
    """One line for a failed write: what, where, and the fix (a full disk above all)."""
    where = f" ({err.filename})" if err.filename else ""
    if err.errno == errno.ENOSPC:
        return (
            f"no space left on the device{where} — free space on the disk that holds "
            f"{out_dir}, then run again; the earlier outputs were kept"
        )
    if err.errno in (errno.ENOTDIR, errno.EEXIST) or isinstance(
        err, NotADirectoryError | FileExistsError
    ):
        return (
            f"the output folder {out_dir} cannot be created: a file is in the way{where} — "
            "move that file, or choose another --out"
        )
    if isinstance(err, PermissionError):
        return f"no permission to write{where} — choose another --out, or fix the permissions"
    return f"cannot write the outputs{where}: {err.strerror or err} — check {out_dir}"


def check_cell_timeout(seconds: float | None) -> float:
    """``seconds`` (default :data:`CELL_TIMEOUT`) when it is a usable cell timeout.

    Raises :class:`~reportkit.errors.UsageError` unless it is a number of seconds > 0.
    """
    if seconds is None:
        return CELL_TIMEOUT
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise UsageError(f"--cell-timeout {seconds!r} is not a number of seconds, e.g. 600")
    if not math.isfinite(seconds) or seconds <= 0:
        raise UsageError(
            f"--cell-timeout {seconds:g} is not usable; give the seconds one cell may run, "
            f"a number above 0 (default {CELL_TIMEOUT:g})"
        )
    return float(seconds)


def quiet_abandoned_work() -> None:
    """After Ctrl-C or SIGTERM: the kernel client's pending asyncio tasks were abandoned with
    the kernel, and asyncio would print each one's traceback when it is collected at exit
    ("Task exception was never retrieved"). Nothing is lost there; keep the user's screen to
    the one message that says what happened."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)


def stopped_by(err: BaseException) -> str:
    """``SIGTERM`` or ``Ctrl-C``: what stopped a run, for its message."""
    return "SIGTERM" if isinstance(err, Terminated) else "Ctrl-C"


def replace_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``, removing what was there: the old folder is renamed
    aside (``.old-*``, which a later render sweeps if this process dies) before ``new`` takes
    its place, so ``target`` is never half one and half the other."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".old-", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target)
