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
# report cells before the first section: the title and the preamble
FRONT_TAGS = frozenset({TITLE_TAG, "preamble"})

# What a browser (or WeasyPrint) fetches by itself: attributes that load, per element; CSS
# url() and @import in <style> and style=. <a href> only links (nothing is fetched).
_LOADING_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"src", "srcset", "background", "poster", "data", "lowsrc", "dynsrc"}),
    "link": frozenset({"href"}),
    "base": frozenset({"href"}),
    "image": frozenset({"href", "xlink:href"}),
    "use": frozenset({"href", "xlink:href"}),
    "feimage": frozenset({"href", "xlink:href"}),
}
_NETWORK = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:)?//|^\s*(?:https?|ftp|wss?):", re.I)
_LOCAL_SCHEME = re.compile(r"^\s*(?:data|file|about|blob|cid):", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)")


def _css_unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", body):
            code = int(body.strip(), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return body

    return _CSS_ESCAPE.sub(one, text)


def _is_network(url: str) -> bool:
    cleaned = "".join(ch for ch in url if ch >= " " and ch != "\x7f")  # browsers drop these
    return bool(_NETWORK.match(cleaned)) and not _LOCAL_SCHEME.match(cleaned)


def _css_urls(css: str) -> list[str]:
    text = _css_unescape(_CSS_COMMENT.sub("", css))
    return [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(text)]


def network_resources(page: str) -> list[str]:
    """What ``page`` would fetch over the network, as ``<tag attr="url">`` or ``url(…)`` texts.

    The page is parsed (BeautifulSoup, Python's HTML parser): element attributes that load
    (``src``, ``srcset``, ``<link href>``, SVG ``<image href>`` …, entity references decoded as
    a browser decodes them) and CSS ``url()``/``@import`` in ``<style>`` elements and ``style``
    attributes. Text is never a resource, so a paragraph may mention ``URL(http://…)``.
    """
    from bs4 import BeautifulSoup

    found: list[str] = []
    soup = BeautifulSoup(page, "html.parser")
    for element in soup.find_all(True):
        name = element.name.lower()
        loading = _LOADING_ATTRIBUTES["*"] | _LOADING_ATTRIBUTES.get(name, frozenset())
        for attr, raw in element.attrs.items():
            values = raw if isinstance(raw, list) else [raw]
            for value in values:
                text = str(value)
                key = attr.lower()
                if key in loading:
                    urls = (
                        [u.split()[0] for u in text.split(",") if u.split()]
                        if "srcset" in key
                        else [text]
                    )
                    found.extend(f"<{name} {attr}={u!r}>" for u in urls if _is_network(u))
                if key == "style":
                    found.extend(
                        f"<{name} style> url({u})" for u in _css_urls(text) if _is_network(u)
                    )
                if name == "meta" and key == "content" and "url=" in text.lower():
                    target = text.lower().split("url=", 1)[1]
                    if _is_network(target.strip("'\" ")):
                        found.append(f"<meta content={text!r}>")
        if name == "style":
            found.extend(
                f"<style> url({u})" for u in _css_urls(element.get_text()) if _is_network(u)
            )
    return found


def mark_sections(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` whose report cells say where a ``<section>`` opens and closes."""
    from .combine import REPORT_TAG

    out = copy.deepcopy(nb)
    shown = [c for c in out.cells if REPORT_TAG in c.get("metadata", {}).get("tags", [])]
    previous: int | None = None
    for i, cell in enumerate(shown):
        rk = cell.metadata.setdefault("reportkit", {})
        section = rk.get("section")
        is_title = bool(FRONT_TAGS & set(cell.metadata.get("tags", [])))
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


def warmed_exporter() -> Any:
    """A new exporter that has converted an empty notebook (its templates found and compiled):
    what :mod:`.warm` makes ahead of a cold process's first page."""
    import nbformat

    made = new_exporter()
    empty = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    made.from_notebook_node(empty)
    return made


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
    remote = network_resources(body)
    if remote:
        more = f" (and {len(remote) - 1} more)" if len(remote) > 1 else ""
        raise RenderError(
            f"report.html would load a network resource: {remote[0]}{more}; "
            "reports must open offline — embed it instead (a data: URL)"
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
