"""The combined notebook → ``report.html``, through nbconvert with reportkit's own template.

The template (``templates/reportkit/``) prints only the outputs of cells tagged ``report``,
grouped into one ``<section>`` per report section, with ``report.css`` inlined: no code, no
prompts, no scripts and no network references, so the page opens offline and WeasyPrint
renders it in well under a second.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import TYPE_CHECKING, Any

from ..errors import RenderError
from .locations import TEMPLATES
from .templating import html, render_part, static_text

if TYPE_CHECKING:  # nbformat imports jsonschema, whose formats compile grammars: seconds
    from nbformat.notebooknode import NotebookNode

TEMPLATE_NAME = "reportkit"
TITLE_TAG = "title"
_REMOTE = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I
)


def mark_sections(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` whose report cells say where a ``<section>`` opens and closes."""
    from .combine import REPORT_TAG

    out = copy.deepcopy(nb)
    shown = [c for c in out.cells if REPORT_TAG in c.get("metadata", {}).get("tags", [])]
    previous: int | None = None
    for i, cell in enumerate(shown):
        rk = cell.metadata.setdefault("reportkit", {})
        section = rk.get("section")
        is_title = TITLE_TAG in cell.metadata.get("tags", [])
        rk["open"] = bool(section is not None and section != previous and not is_title)
        nxt = (
            shown[i + 1].metadata.get("reportkit", {}).get("section")
            if i + 1 < len(shown)
            else None
        )
        rk["close"] = bool(not is_title and section is not None and nxt != section)
        if not is_title:
            previous = section
    return out


_THREAD = threading.local()


def new_exporter() -> Any:
    """An nbconvert ``HTMLExporter`` with reportkit's template."""
    from nbconvert import HTMLExporter

    return HTMLExporter(  # type: ignore[no-untyped-call]
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
        exclude_anchor_links=True,
    )


def exporter() -> Any:
    """This thread's exporter (:func:`new_exporter`), made on first use — or taken over from
    the warm-up (:mod:`.warm`): finding and compiling the templates costs more than
    converting a report."""
    made = getattr(_THREAD, "exporter", None)
    if made is None:
        from . import warm

        made = _THREAD.exporter = warm.take("exporter") or new_exporter()
    return made


def notebook_to_html(nb: NotebookNode) -> str:
    """The HTML page of a combined report notebook (``nb.metadata.title`` is its title)."""
    body: str
    body, _resources = exporter().from_notebook_node(mark_sections(nb))
    remote = _REMOTE.search(body)
    if remote:
        raise RenderError(
            f"report.html would load a network resource ({body[remote.start() : remote.end() + 40]!r}); "
            "reports must open offline — embed it instead"
        )
    return body.rstrip() + "\n"


def report_css() -> str:
    """The report stylesheet, ``templates/reportkit/static/report.css`` (inlined in every page)."""
    return static_text("reportkit.render", "templates", TEMPLATE_NAME, "static", "report.css")


def standalone_html(body_html: str, title: str) -> str:
    """One self-contained page around a report body, with the report stylesheet inlined.

    For PDFs and previews made without a notebook (tests, the import round trip); a rendered
    report's page comes from :func:`notebook_to_html`.
    """
    return render_part(
        "standalone.html.j2", title=title, css=html(report_css()), body=html(body_html)
    )
