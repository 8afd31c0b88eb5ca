"""The narrative parts of a report as HTML: title, sections 一, 五 and 六.

Text is printed as written (one ``<p>`` per non-empty line, HTML-escaped); reportkit only adds
the official numbering of section 一's items (``（一）主动公开。``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape

from . import labels as L
from .model import OverviewItem, Report, paragraphs

# a run-in heading already ending in one of these gets no added 。
_HEADING_STOPS = "。．.：:；;！!？?"


def paragraph_html(text: str, cls: str = "") -> str:
    """One escaped ``<p>``."""
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(text)}</p>\n"


def paragraphs_html(text: str) -> str:
    """Every non-empty line of ``text`` as its own paragraph."""
    return "".join(paragraph_html(p) for p in paragraphs(text))


def _join(parts: Iterable[str]) -> str:
    return "".join(parts)


def title_html(report: Report) -> str:
    """The title as printed, then the issuing agency and date line (when a date is given)."""
    title = report.display_title
    meta = [report.agency.name] if report.agency.name not in title or report.date else []
    if report.date:
        meta.append(report.date)
    line = f'<p class="rk-meta">{"　".join(escape(m) for m in meta)}</p>\n' if meta else ""
    return f'<header class="rk-titleblock">\n<h1 class="rk-title">{escape(title)}</h1>\n{line}</header>\n'


def run_in_heading(number: str, heading: str) -> str:
    """``（一）主动公开。`` — the item heading that starts its first paragraph."""
    head = heading.strip()
    stop = "" if head.endswith(tuple(_HEADING_STOPS)) else "。"
    return f"{number}{head}{stop}"


def overview_item_html(n: int, item: OverviewItem) -> str:
    """One numbered item of section 一, run-in or with its heading on its own line."""
    number = L.item_number(n)
    paras = paragraphs(item.text)
    if not item.run_in:
        return f'<h3 class="rk-item">{escape(number + item.heading.strip())}</h3>\n' + _join(
            paragraph_html(p) for p in paras
        )
    head = f'<span class="rk-runin">{escape(run_in_heading(number, item.heading))}</span>'
    first = escape(paras[0]) if paras else ""
    rest = _join(paragraph_html(p) for p in paras[1:])
    return f'<p class="rk-item-first">{head}{first}</p>\n{rest}'


def overview_html(report: Report) -> str:
    """Section 一 body: intro paragraphs, then the numbered items."""
    ov = report.overview
    return paragraphs_html(ov.intro) + _join(
        overview_item_html(i, item) for i, item in enumerate(ov.items, 1)
    )


def problems_html(report: Report) -> str:
    """Section 五 body: intro paragraphs, then each subsection with its heading as written."""
    pr = report.problems
    parts = [paragraphs_html(pr.intro)]
    for sub in pr.subsections:
        parts.append(f'<h3 class="rk-subheading">{escape(sub.heading.strip())}</h3>\n')
        parts.append(paragraphs_html(sub.text))
    return _join(parts)


def processing_fee_sentence(fee_yuan: Decimal) -> str:
    """The 信息处理费 statement for a report whose section 六 has no text of its own."""
    if fee_yuan == 0:
        return "本年度未收取信息处理费。"
    return f"本年度收取信息处理费{format(fee_yuan, 'f')}元。"


def other_html(report: Report) -> str:
    """Section 六 body: the text as written; when there is none, the 信息处理费 statement."""
    om = report.other_matters
    if paragraphs(om.text):
        return paragraphs_html(om.text)
    if om.processing_fee_yuan is not None:
        return paragraph_html(processing_fee_sentence(om.processing_fee_yuan))
    return ""
