"""The ``--scheduler`` argument: ``local[:N]``, or the address of a Dask scheduler, and whether
anything listens there — answered without importing Dask (1–3 s), so that an address where
nothing listens is one error line within a second or two of the command starting; whether what
answers is a Dask scheduler (:func:`probe`, which imports ``distributed.comm`` only then); and
where its dashboard is (:func:`dashboard_line`).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import re
import socket
import warnings
from typing import Any

from ..errors import UsageError

LOCAL = "local"
PROBE_TIMEOUT = 3.0  # seconds for an address to answer as a Dask scheduler
REACH_TIMEOUT = 3.0  # seconds for a TCP connection to the scheduler's port
_ADDRESS = re.compile(
    r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[^\]]*\]|[^:/]*):(?P<port>\d+)/?$"
)


class SchedulerError(UsageError):
    """The Dask scheduler cannot be used: unreachable, not a scheduler, without workers, or its
    workers run other reportkit code."""

    def __init__(self, address: str, message: str) -> None:
        self.address = address
        super().__init__(message)


def fix(address: str) -> str:
    """What to do when ``address`` is not a usable scheduler."""
    return (
        f"start it with `dask scheduler` and workers with `dask worker {address}`, "
        "or pass the address it prints: --scheduler tcp://HOST:PORT "
        "(or --scheduler local[:N] for workers on this machine)"
    )


def parse_local(address: str) -> int | None:
    """N of ``local:N`` (the number of cores for ``local``); None for another address.

    Raises :class:`SchedulerError` for ``local:`` followed by anything but a positive number.
    """
    if address != LOCAL and not address.startswith(f"{LOCAL}:"):
        return None
    count = address.partition(":")[2]
    if not count:
        return max(1, os.cpu_count() or 1)
    if not count.isdigit() or int(count) < 1:
        raise SchedulerError(
            address,
            f"--scheduler {address}: the number of local workers must be a positive whole "
            "number, e.g. --scheduler local:4 (or local for one per core)",
        )
    return int(count)


def check_form(address: str) -> None:
    """Raise :class:`SchedulerError` unless ``address`` is written as a scheduler address:
    ``local[:N]``, ``HOST:PORT`` or ``SCHEME://HOST[:PORT]`` — checked before anything runs,
    even when nothing is left to render."""
    if parse_local(address) is not None:
        return
    if _ADDRESS.match(address.strip()) or re.match(r"^[a-z][a-z0-9+.-]*://\S+$", address.strip()):
        return
    raise SchedulerError(
        address,
        f"--scheduler {address}: not a scheduler address — give tcp://HOST:PORT (what "
        "`dask scheduler` prints) or local[:N] for N workers on this machine",
    )


def tcp_endpoint(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a ``tcp://`` or ``tls://`` address (or ``HOST:PORT``); None for
    other transports (``inproc://``, ``ucx://``), which Dask itself connects to."""
    match = _ADDRESS.match(address.strip())
    if match is None or (match["scheme"] or "tcp") not in ("tcp", "tls"):
        return None
    return match["host"].strip("[]"), int(match["port"])


def check_reachable(address: str, timeout: float = REACH_TIMEOUT) -> None:
    """Raise :class:`SchedulerError` when no TCP connection can be made to ``address``
    (refused, unknown host, unreachable network, or no answer within ``timeout`` seconds).

    A refused connection is known at once; a silent network costs ``timeout``.
    """
    endpoint = tcp_endpoint(address)
    if endpoint is None:
        return
    try:
        socket.create_connection(endpoint, timeout=timeout).close()
    except OSError as err:
        detail = err.strerror or (
            f"no answer in {timeout:.0f} s" if isinstance(err, TimeoutError) else str(err)
        )
        raise SchedulerError(
            address, f"cannot reach the Dask scheduler at {address} ({detail}); " + fix(address)
        ) from None


def one_line(err: BaseException) -> str:
    """``Type: message`` of ``err`` on one line."""
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def probe(address: str, timeout: float = PROBE_TIMEOUT) -> dict[str, Any]:
    """The scheduler's identity (``type``, ``workers``, ``services`` …), asked directly.

    Raises :class:`SchedulerError` within about ``timeout`` seconds when nothing answers at
    ``address`` as a Dask scheduler: refused, unknown host, silence, another service, or a
    worker's address.
    """
    comm_module: Any = importlib.import_module("distributed.comm")
    connect = comm_module.connect
    check_reachable(address, timeout)

    async def ask() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            answer = asyncio.run(asyncio.wait_for(ask(), timeout))
    except Exception as err:  # anything at all: the address does not speak Dask
        raise SchedulerError(
            address,
            f"cannot talk to a Dask scheduler at {address} ({one_line(err)}); " + fix(address),
        ) from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        kind = answer.get("type") if isinstance(answer, dict) else type(answer).__name__
        theirs = answer.get("scheduler") if isinstance(answer, dict) else None
        hint = f"; its scheduler is {theirs}" if theirs else ""
        raise SchedulerError(
            address,
            f"{address} is a Dask {kind}, not the scheduler{hint}: pass the scheduler's address",
        )
    return answer


def dashboard_line(link: str | None) -> str:
    """How to watch the cluster: its dashboard address, or why there is none."""
    if not link:
        return "Dask dashboard: none (the scheduler serves no dashboard)"
    if importlib.util.find_spec("bokeh") is None:
        return (
            f"Dask dashboard: {link} — its pages need bokeh, which is not installed here "
            "(pip install 'bokeh>=3.1.0' in this environment, then restart the batch)"
        )
    return f"Dask dashboard: {link}"
