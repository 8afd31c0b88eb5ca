"""The narrative parts of a report as HTML: title, preamble, sections 一, 五 and 六.

Text is printed as written (one ``<p>`` per non-empty line, HTML-escaped); reportkit only adds
the official numbering of section 一's items (``（一）主动公开。``). The markup is
``templates/parts/narrative.html.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import OverviewItem, Report, paragraphs
from ..model import labels as L
from .templating import part_macro

TEMPLATE = "narrative.html.j2"
# a run-in heading already ending in one of these gets no added 。
_HEADING_STOPS = "。．.：:；;！!？?"


@dataclass(frozen=True)
class Block:
    """A heading with its paragraphs, as the template prints it."""

    heading: str
    paragraphs: list[str]
    run_in: bool = False


def _macro(name: str, *args: object) -> str:
    return str(part_macro(TEMPLATE, name)(*args))


def title_block(report: Report) -> tuple[str, list[str]]:
    """The title as printed, and the issuing agency and date line (when a date is given)."""
    title = report.display_title
    meta = [report.agency.name] if report.agency.name not in title or report.date else []
    if report.date:
        meta.append(report.date)
    return title, meta


def title_html(report: Report) -> str:
    """The title block as HTML."""
    return _macro("title", *title_block(report))


def overview_blocks(report: Report) -> tuple[list[str], list[Block]]:
    """Section 一: its intro paragraphs and its numbered items."""
    ov = report.overview
    return paragraphs(ov.intro), [overview_item(i, item) for i, item in enumerate(ov.items, 1)]


def problems_blocks(report: Report) -> tuple[list[str], list[Block]]:
    """Section 五: its intro paragraphs and its subsections (headings as written)."""
    pr = report.problems
    return paragraphs(pr.intro), [
        Block(sub.heading.strip(), paragraphs(sub.text)) for sub in pr.subsections
    ]


def preamble_html(report: Report) -> str:
    """The opening paragraphs between the title and 一、总体情况 ("" when there are none)."""
    paras = paragraphs(report.preamble)
    return _macro("preamble", paras) if paras else ""


def run_in_heading(number: str, heading: str) -> str:
    """``（一）主动公开。`` — the item heading that starts its first paragraph."""
    head = heading.strip()
    stop = "" if head.endswith(tuple(_HEADING_STOPS)) else "。"
    return f"{number}{head}{stop}"


def overview_item(n: int, item: OverviewItem) -> Block:
    """Item ``n`` of section 一, numbered: run-in (``（一）主动公开。…``) or on its own line."""
    number = L.item_number(n)
    heading = run_in_heading(number, item.heading) if item.run_in else number + item.heading.strip()
    return Block(heading, paragraphs(item.text), item.run_in)


def overview_html(report: Report) -> str:
    """Section 一 body: intro paragraphs, then the numbered items."""
    return _macro("overview", *overview_blocks(report))


def problems_html(report: Report) -> str:
    """Section 五 body: intro paragraphs, then each subsection with its heading as written."""
    return _macro("problems", *problems_blocks(report))


def processing_fee_sentence(fee_yuan: Decimal) -> str:
    """The 信息处理费 statement for a report whose section 六 has no text of its own."""
    if fee_yuan == 0:
        return "本年度未收取信息处理费。"
    return f"本年度收取信息处理费{format(fee_yuan, 'f')}元。"


def other_paragraphs(report: Report) -> list[str]:
    """Section 六: the text as written; when there is none, the 信息处理费 statement."""
    om = report.other_matters
    if paragraphs(om.text):
        return paragraphs(om.text)
    if om.processing_fee_yuan is not None:
        return [processing_fee_sentence(om.processing_fee_yuan)]
    return []


def other_html(report: Report) -> str:
    """Section 六 body."""
    return _macro("paragraphs", other_paragraphs(report))
