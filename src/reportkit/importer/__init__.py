"""Import a published 政府信息公开工作年度报告 (PDF, text, HTML or pdftotext output) into a Report.

:func:`import_report` never guesses silently: a cell it cannot read with certainty is left as
it could best be read (blank when nothing fits) and its path is listed in ``uncertain``; the
format follows the signal that cannot be misread, and a disagreement is said
(:class:`~reportkit.importer.detect.FormatChoice`).

Owns, in the order an import runs them: ``pdf`` (a PDF to text: ruled tables as rows, the text
layer with its indents) or ``decode`` (UTF-8 or GB18030), ``html`` (a saved page to text),
``lines`` (page breaks, cleaning and splitting lines), ``sections`` (the six sections, the
preamble and the narrative) with ``paragraphs`` (wrapped lines back into paragraphs),
``detect`` (title, year, format), ``tables`` with ``cells`` and ``columns`` (tables 二, 三, 四),
``write`` (the params file).

May import: :mod:`reportkit.model` and :mod:`reportkit.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ReportImportError
from ..model import Report
from ..model import labels as L
from ..model.messages import translate
from .decode import decode_bytes, refuse_binary
from .detect import FormatChoice, Title, byline_date, detect_format, find_title, is_date_line
from .html import html_to_text, looks_like_html
from .lines import clean_lines
from .paragraphs import measure
from .pdf import is_pdf, pdf_to_text
from .sections import (
    Sections,
    explode,
    find_sections,
    read_other,
    read_overview,
    read_preamble,
    read_problems,
)
from .tables import TableRead, read_proactive, read_requests, read_review

__all__ = ["ImportResult", "import_report", "import_text"]

MAX_BYTES = 64 * 1024 * 1024  # a saved page with its images inlined stays well below this


@dataclass
class ImportResult:
    """An imported report, the cells that could not be read with certainty, and notes."""

    report: Report
    uncertain: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    format_choice: FormatChoice | None = None


def import_report(path: Path | str, agency_id: str, year: int | None = None) -> ImportResult:
    """Read a published report file: a PDF, or text (UTF-8 or GB18030) — a web page's text,
    a saved HTML page, or ``pdftotext`` output with or without ``-layout``."""
    shown = str(path)
    source = Path(path)
    try:
        with source.open("rb") as handle:  # at most MAX_BYTES + 1: a pipe may not end
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ReportImportError(shown, "no such file — check the path") from None
    except IsADirectoryError:
        raise ReportImportError(shown, "is a directory — give the report file") from None
    except OSError as err:
        raise ReportImportError(
            shown, f"cannot be read ({err.strerror or err}) — check the path and permissions"
        ) from None
    if len(data) > MAX_BYTES:
        raise ReportImportError(
            shown,
            f"is larger than {MAX_BYTES // 1024 // 1024} MB — a report's text or saved page is "
            "far smaller; give the report itself (not an archive or a whole site)",
        )
    if not data.strip():
        raise ReportImportError(
            shown, "is empty — give the report's text, saved HTML page or pdftotext output"
        )
    if is_pdf(data):
        text, encoding = pdf_to_text(data, shown), "pdf"
    else:
        refuse_binary(data, shown)
        text, encoding = decode_bytes(data, shown)
    result = import_text(text, agency_id, year, source=shown)
    result.encoding = encoding
    if encoding == "pdf":
        result.notes.insert(
            0, "read as PDF (tables from the ruling lines, text from the text layer)"
        )
    return result


def import_text(
    text: str, agency_id: str, year: int | None = None, source: str = "<text>"
) -> ImportResult:
    """Import a report given as text (HTML is converted first)."""
    notes: list[str] = []
    if looks_like_html(text):
        try:
            text = html_to_text(text)
        except RecursionError:
            raise ReportImportError(
                source,
                "the HTML is nested too deeply to read (thousands of elements inside each "
                "other) — save the report's text from the browser instead",
            ) from None
        notes.append("read as HTML (tables from <table> cells)")
    if not text.strip():
        raise ReportImportError(
            source, "is empty — give the report's text, saved HTML page or pdftotext output"
        )
    lines = explode(clean_lines(text))
    sections = find_sections(lines)
    found = [n for n, i in sections.heads.items() if i is not None]
    if not {2, 3, 4} & set(found) and len(found) < 2:
        if found:
            raise ReportImportError(
                source,
                f"only {'、'.join(L.section_heading(n) for n in found)} found, no table "
                "section (二、三、四) — the file may be cut short: give the whole report",
            )
        raise ReportImportError(
            source,
            "no section headings of a 政府信息公开工作年度报告 found (一、总体情况 … "
            "六、其他需要报告的事项) — give the report's text, HTML page or pdftotext -layout output",
        )
    missing = [L.section_heading(n) for n in range(1, 7) if n not in found]
    if missing:
        notes.append(f"headings not found: {'、'.join(missing)}")

    title = find_title(sections.preamble or lines)
    year = _year(title, year, source, notes)
    agency_name = title.agency if title and title.agency else agency_id
    if agency_name == agency_id:
        notes.append(f"agency name not found in the title; agency.name is {agency_id!r} — edit it")

    t2_lines = sections.text_lines(2)
    t3_lines = sections.text_lines(3)
    choice = detect_format("\n".join(t2_lines), "\n".join(t3_lines), year)
    fmt = choice.format

    proactive = read_proactive(t2_lines, fmt)
    requests = read_requests(t3_lines, fmt)
    review = read_review(sections.text_lines(4))
    for table, name in ((proactive, "表二"), (requests, "表三"), (review, "表四")):
        notes.extend(table.notes)
        if all(v is None for v in table.cells.values()):
            notes.append(f"{name}: not found")
    _one_cell_per_line(notes, [proactive, requests, review])

    one = sections.text_lines(1)
    problems_lines = _problems_lines(sections, review, notes)
    six = sections.text_lines(6)
    other_lines = _drop_signature(six, agency_name)
    title_lines = set(title.lines) if title and sections.preamble else set()
    front = [x for i, x in enumerate(sections.preamble) if i not in title_lines]
    layout = measure([*front, *one, *problems_lines, *other_lines])
    preamble = read_preamble(front, layout, title.text if title else None)
    overview = read_overview(one, layout)
    problems = read_problems(problems_lines, layout)
    date = _date([*six[len(other_lines) :], *sections.preamble])
    other, fee_notes = read_other(other_lines, layout)
    notes.extend(fee_notes)

    uncertain = [*proactive.uncertain, *requests.uncertain, *review.uncertain]
    data: dict[str, Any] = {
        "agency": {"id": agency_id, "name": agency_name},
        "year": year,
        "format": fmt,
        "overview": overview.model_dump(),
        "proactive": _proactive_data(proactive, fmt),
        "requests": _rows(requests, fmt),
        "review_litigation": {
            g: [review.cells[f"review_litigation.{g}.{c}"] for c in L.REVIEW_COLUMN_KEYS]
            for g in L.REVIEW_GROUPS
        },
        "problems": problems.model_dump(),
        "other_matters": other.model_dump(),
        "uncertain": uncertain,
    }
    if title:
        data["title"] = title.text
    if preamble:
        data["preamble"] = "".join(p + "\n" for p in preamble)
    if date:
        data["date"] = date
    try:
        report = Report.model_validate(data)
    except ValidationError as err:
        problem = translate(err, source, data).message.removeprefix(f"{source}: ")
        raise ReportImportError(
            source, f"the imported data is not a valid report: {problem}"
        ) from None
    return ImportResult(report, uncertain, notes, format_choice=choice)


LONE_NUMBERS = 10  # more numbers than this alone on their lines: a table printed a cell a line


def _one_cell_per_line(notes: list[str], tables: list[TableRead]) -> None:
    """Tables printed one cell per line (plain ``pdftotext`` of many PDFs) cannot be lined up
    with their rows: every cell is left blank and flagged. Say so once, with what to import
    instead, in place of a note per number."""
    lone = [n for n in notes if "ignored a lone number" in n]
    empty = any(all(v is None for v in t.cells.values()) for t in tables)
    if len(lone) <= LONE_NUMBERS or not empty:
        return
    notes[:] = [n for n in notes if n not in lone]
    notes.insert(
        0,
        f"the tables are printed one cell per line ({len(lone)} numbers stand alone on their "
        "lines), so their cells cannot be placed and are left blank — import the PDF itself "
        "(reportkit import report.pdf) or the text of `pdftotext -layout`",
    )


def _year(title: Title | None, year: int | None, source: str, notes: list[str]) -> int:
    if year is None:
        if title is None:
            raise ReportImportError(
                source, "no year found in the title — give it with --year, e.g. --year 2024"
            )
        year = title.year
    if not 2008 <= year <= 2100:
        raise ReportImportError(
            source,
            f"year {year} is out of range — give the report year (2008 or later) with --year",
        )
    if title and title.year != year:
        notes.append(f"--year {year} given; the title says {title.year}")
    return year


def _problems_lines(sections: Sections, review: TableRead, notes: list[str]) -> list[str]:
    if sections.heads.get(5) is not None:
        return sections.text_lines(5)
    four = sections.text_lines(4)
    if review.end is not None and review.end < len(four):
        rest = four[review.end :]
        if any(x.strip() for x in rest):
            notes.append("section 五 heading not found: the text after table 四 is read as 五")
            return rest
    return []


def _drop_signature(lines: list[str], agency: str) -> list[str]:
    out = list(lines)
    while out and (
        not out[-1].strip()
        or is_date_line(out[-1])
        or out[-1].strip().lstrip("#").strip() == agency
    ):
        out.pop()
    return out


def _date(lines: list[str]) -> str | None:
    """The signature date as printed (``2024年1月17日``), if the report has one."""
    for line in lines:
        if is_date_line(line):
            return line.strip().strip("()（）").strip()
    return next((d for d in map(byline_date, lines) if d is not None), None)


def _rows(table: TableRead, fmt: L.Format) -> dict[str, list[Any]]:
    return {
        key: [table.cells[f"requests.{key}.{c}"] for c in L.REQUEST_COLUMN_KEYS]
        for key in L.request_row_keys(fmt)
    }


def _proactive_data(table: TableRead, fmt: L.Format) -> dict[str, Any]:
    cells = table.cells
    if fmt == "2021":
        return {
            **{
                key: {c: cells[f"proactive.{key}.{c}"] for c in L.DOC_COLUMNS} for key in L.DOC_ROWS
            },
            **{key: cells[f"proactive.{key}"] for key in L.DECISION_ROWS},
            "fees_10k_yuan": _money(cells["proactive.fees_10k_yuan"]),
        }
    return {
        **{
            key: {c: cells[f"proactive.{key}.{c}"] for c in L.TRIAL_DOC_COLUMNS}
            for key in L.TRIAL_DOC_ROWS
        },
        **{
            key: {c: cells[f"proactive.{key}.{c}"] for c in L.TRIAL_ITEM_COLUMNS}
            for key in L.TRIAL_ITEM_ROWS
        },
        "fees": {c: cells[f"proactive.fees.{c}"] for c in L.TRIAL_FEE_COLUMNS},
        "procurement": {
            "projects": cells.get("proactive.procurement.projects"),
            "amount": _text_or_none(cells.get("proactive.procurement.amount")),
        },
    }


def _money(value: Any) -> Any:
    return Decimal(value) if isinstance(value, int) else value


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
