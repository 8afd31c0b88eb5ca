"""While the kernel runs the first sections, the process gets its own libraries ready.

A cold render (``reportkit run``, a batch worker's first render) imports nbconvert, WeasyPrint and
python-docx, compiles the report template and loads the CJK fonts for its first PDF: seconds in
which the process would otherwise only wait for the kernel, which runs on the other core.
:func:`start` does that work once per process in a background thread as the sections begin (the
main thread mostly waits on the kernel's sockets meanwhile). The exporter and the font
configuration it makes are handed over to the first render that asks for them — it waits for
the warm-up rather than making its own — so nothing is made twice, and what a render uses is
still used by one thread at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

_LOCK = threading.Lock()
_PENDING: dict[str, Future[Any]] = {}
_STARTED: list[bool] = []

TINY_PAGE = (
    '<html lang="zh-CN"><body><p style="font-family: \'Noto Serif CJK SC\', serif">'
    "政府信息公开工作年度报告 0123456789</p>"
    "<h2 style=\"font-family: 'Noto Sans CJK SC', sans-serif\">一、总体情况</h2></body></html>"
)


def _exporter() -> Any:
    import nbformat

    from .html import new_exporter

    made = new_exporter()
    empty = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    made.from_notebook_node(empty)  # finds and compiles the templates
    return made


def _font_configuration() -> Any:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    # lays out and subsets both CJK faces once: fontconfig's lists, Pango's caches, HarfBuzz
    weasyprint.HTML(string=TINY_PAGE).render(font_config=config).write_pdf()
    return config


def _libraries() -> None:
    import docx  # noqa: F401  # python-docx and lxml, for report.docx

    from . import docx as report_docx  # noqa: F401


WARMERS: dict[str, Callable[[], Any]] = {
    "exporter": _exporter,
    "font_configuration": _font_configuration,
    "libraries": _libraries,
}


def start() -> None:
    """Warm up in a background thread, once per process (later calls do nothing)."""
    with _LOCK:
        if _STARTED:
            return
        _STARTED.append(True)
        pending = {name: Future[Any]() for name in WARMERS}
        _PENDING.update(pending)

    def run() -> None:
        for name, warm in WARMERS.items():
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
