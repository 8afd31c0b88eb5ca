"""The ``--scheduler`` argument: ``local[:N]``, or the address of a Dask scheduler, and whether
anything listens there — answered without importing Dask (1–3 s), so that an address where
nothing listens is one error line within a second or two of the command starting.
"""

from __future__ import annotations

import os
import re
import socket

from ..errors import UsageError

LOCAL = "local"
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
