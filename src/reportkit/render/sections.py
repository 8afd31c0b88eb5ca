"""What each of the six sections prints, in one place.

Section notebooks call :func:`section_html`; tests and the import round trip call
:func:`report_body_html` for the whole document (title, preamble, six sections).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model import Report
from ..model import labels as L
from .narrative import other_html, overview_html, preamble_html, problems_html, title_html
from .tables import table2_html, table3_html, table4_html
from .templating import html, part_macro

TEMPLATE = "sections.html.j2"

SECTION_COUNT = 6
SECTION_NAMES: tuple[str, ...] = (
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "problems",
    "other",
)

_BODIES: dict[int, Callable[[Report], str]] = {
    1: overview_html,
    2: table2_html,
    3: table3_html,
    4: table4_html,
    5: problems_html,
    6: other_html,
}


def section_heading_html(n: int) -> str:
    """``<h2>一、总体情况</h2>`` for n = 1."""
    return str(part_macro(TEMPLATE, "heading")(L.section_heading(n)))


def _check_number(n: int) -> None:
    if not 1 <= n <= SECTION_COUNT:
        raise ValueError(f"section {n} does not exist; sections are numbered 1 to {SECTION_COUNT}")


def charts_html(report: Report, history: Sequence[Report] = ()) -> str:
    """The 图解 block: every chart of :mod:`reportkit.charts` as an embedded PNG at print
    resolution (drawn once: the same image serves the HTML, the PDF and the Word document)."""
    from .charts import report_figures_html  # matplotlib is imported only when charts are drawn

    return report_figures_html(report, history)


def section_html(
    n: int, report: Report, history: Sequence[Report] = (), *, charts: bool = False
) -> str:
    """Section ``n`` (1–6): its official heading and its narrative or table.

    With ``charts=True`` (and ``report.charts`` on) section 四 ends with the 图解 block, so the
    charts follow the tables. ``history`` holds earlier years of the same agency.
    """
    _check_number(n)
    body = _BODIES[n](report)
    if n == 4 and charts and report.charts:
        body += charts_html(report, history)
    return str(part_macro(TEMPLATE, "section")(n, L.section_heading(n), html(body)))


def report_body_html(report: Report, history: Sequence[Report] = (), charts: bool = False) -> str:
    """The whole document body: title, preamble (if any), then the six sections in order."""
    parts = [section_html(n, report, history, charts=charts) for n in range(1, SECTION_COUNT + 1)]
    document = part_macro(TEMPLATE, "document")
    front = title_html(report) + preamble_html(report)
    return str(document(html(front), [html(p) for p in parts]))
