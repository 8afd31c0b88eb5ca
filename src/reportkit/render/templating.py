"""Jinja2 for the HTML reportkit writes: the report's parts here, the reviewers' pages in batch.

Every page and part is a template; Python only prepares the data. Values are escaped as
:func:`html.escape` does (``&quot;`` and ``&#x27;`` for quotes), so a name or a paragraph can
never break the markup; HTML made by another template is passed as :class:`markupsafe.Markup`.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

PARTS = Path(__file__).resolve().parent / "templates" / "parts"


def _finalize(value: Any) -> Any:
    """Escape every printed value like :func:`html.escape` (markupsafe writes ``&#34;``)."""
    if isinstance(value, Markup):
        return value
    return Markup(escape(str(value)))


def environment(folder: Path) -> jinja2.Environment:
    """A Jinja2 environment over ``folder`` with reportkit's escaping.

    Templates keep their whitespace as written (no trimming), so the bytes of a page are exactly
    what the template shows.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _parts() -> jinja2.Environment:
    return environment(PARTS)


def render_part(name: str, **context: Any) -> str:
    """Render ``templates/parts/<name>`` with ``context``."""
    return _parts().get_template(name).render(**context)


def part_macro(name: str, macro: str) -> Any:
    """The macro ``macro`` of ``templates/parts/<name>`` (call it; it returns Markup)."""
    return getattr(_parts().get_template(name).module, macro)


def html(text: str) -> Markup:
    """``text`` is HTML already (made by another template): print it as it is."""
    return Markup(text)


@cache
def static_text(package: str, *parts: str) -> str:
    """The text of a static file shipped in ``package`` (a stylesheet, a script)."""
    return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
