"""The report stylesheet and a standalone HTML page around a report body.

The nbconvert template inlines the same ``report.css``; :func:`standalone_html` is for tests,
previews and PDFs made without a notebook.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

CSS_RESOURCE = ("templates", "reportkit", "static", "report.css")


@cache
def report_css() -> str:
    """The text of ``templates/reportkit/static/report.css``."""
    return resources.files("reportkit").joinpath(*CSS_RESOURCE).read_text(encoding="utf-8")


def standalone_html(body_html: str, title: str) -> str:
    """One self-contained HTML page: the body with the report stylesheet inlined."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>\n{report_css()}</style>\n</head>\n"
        f"<body>\n{body_html}</body>\n</html>\n"
    )
