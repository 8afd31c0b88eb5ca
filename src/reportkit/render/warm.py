"""While the kernel runs the first sections, the process gets its own libraries ready.

A cold render (``reportkit run``, a batch worker's first render) imports nbconvert, WeasyPrint and
python-docx, compiles the report template and loads the CJK fonts for its first PDF: seconds in
which the process would otherwise only wait for the kernel, which runs on the other core.
:func:`start` does that work once per process in a background thread as the sections begin (the
main thread mostly waits on the kernel's sockets meanwhile). The exporter and the font
configuration it makes are handed over to the first render that asks for them — it waits for
the warm-up rather than making its own — so nothing is made twice, and what a render uses is
still used by one thread at a time. What to make comes from the modules that use it
(:func:`reportkit.render.html.warmed_exporter`, :func:`reportkit.render.pdf.
warmed_font_configuration`); this module imports none of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

_LOCK = threading.Lock()
_PENDING: dict[str, Future[Any]] = {}
_STARTED: list[bool] = []


def start(warmers: Mapping[str, Callable[[], Any]]) -> None:
    """Run ``warmers`` (name → what makes it) in a background thread, once per process (later
    calls do nothing); :func:`take` hands each result over."""
    with _LOCK:
        if _STARTED:
            return
        _STARTED.append(True)
        pending = {name: Future[Any]() for name in warmers}
        _PENDING.update(pending)

    def run() -> None:
        for name, warm in warmers.items():
            future = pending[name]
            try:
                future.set_result(warm())
            except BaseException as err:  # the render then makes its own, and reports
                future.set_exception(err)

    threading.Thread(target=run, name="reportkit-warm-up", daemon=True).start()


def take(name: str) -> Any | None:
    """What the warm-up made under ``name`` (waiting for it if it is under way), once; None
    when there was no warm-up or it failed (the caller then makes its own)."""
    with _LOCK:
        future = _PENDING.pop(name, None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:
        return None
