"""Import on text it was not built on: properties over random valid reports, rendered and then
printed the ways published reports reach a reviewer (issue 14).

(a) the narrative wrapped as in a PDF's text, at any width from 20 to 60, indented paragraph
    starts, blank lines or none, page footers and form feeds at random lines → the same
    paragraphs;
(b) table 三's three （六） rows printed as one, or numbers deleted from any row, in a browser
    copy, space-aligned rows or rows run together → no cell is written unflagged with a value
    other than the source's;
(c) cells padded with no-break, ideographic or zero-width spaces → the same import.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reportkit.importer import ImportResult, import_text
from reportkit.model import Report
from reportkit.model import labels as L
from reportkit.model.export import normalized
from reportkit.render.sections import report_body_html

from .conftest import normalized_narrative
from .reporttext import (
    PdfStyle,
    browser_text,
    glued_rows,
    layout_rows,
    pdftotext_narrative,
)
from .test_import_roundtrip import SEED, reports

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _tables(report: Report) -> dict[str, Any]:
    data = normalized(report)
    return {k: data[k] for k in ("format", "proactive", "requests", "review_litigation")}


# ---------------------------------------------------------------- (a) wrapped narrative


@st.composite
def pdf_styles(draw: st.DrawFn) -> PdfStyle:
    lines = draw(st.integers(5, 400))
    return PdfStyle(
        width=draw(st.integers(20, 60)),
        unit=draw(st.sampled_from(["em", "char"])),
        indent=draw(st.sampled_from(["    ", "   ", "\u3000\u3000", "      "])),
        blank=draw(st.sampled_from(["never", "always", "some"])),
        breaks=draw(st.lists(st.integers(0, lines), max_size=6)),
        footer=draw(st.sampled_from(["— {} —", "-{}-", "第 {} 页", "                 - {} -"])),
        blanks_at=draw(st.lists(st.booleans(), min_size=1, max_size=7)),
    )


@SETTINGS
@given(reports(), pdf_styles())
def test_wrapped_narrative_imports_back_to_the_same_paragraphs(
    report: Report, style: PdfStyle
) -> None:
    text = pdftotext_narrative(browser_text(report_body_html(report)), style)
    result = import_text(text, report.agency.id)
    assert normalized_narrative(result.report, wrapped=True) == normalized_narrative(
        report, wrapped=True
    )
    assert _tables(result.report) == _tables(report)
    assert result.uncertain == []


def test_the_wrapping_is_real() -> None:
    """The property's text has paragraphs over several lines, indents and page breaks."""
    report = SEED
    text = pdftotext_narrative(
        browser_text(report_body_html(report)),
        PdfStyle(width=20, breaks=[3, 9], blank="never"),
    )
    lines = text.split("\n")
    assert "\f" in text and "— 1 —" in text
    assert any(x.startswith("    ") for x in lines) and any(
        x and not x.startswith(" ") and "\t" not in x for x in lines
    )


# ---------------------------------------------------------------- (b) merged, deleted cells

RENDERINGS = ("browser", "layout", "glued")


def _render(report: Report, how: str, merge: bool) -> str:
    text = browser_text(report_body_html(report))
    if merge:
        text = _merge_other_rows(text, report)
    if how == "layout":
        return layout_rows(text)
    if how == "glued":
        return glued_rows(text)
    return text


def _merge_other_rows(text: str, report: Report) -> str:
    """（六）其他处理's three rows printed as one row of their column sums."""
    lines = text.split("\n")
    first = next(i for i, x in enumerate(lines) if x.startswith(f"{L.OTHER_GROUP}\t1."))
    sums = []
    for col in range(7):
        cells = [report.request_row(f"other_{i}")[col] for i in (1, 2, 3)]
        nums = [c for c in cells if isinstance(c, int)]
        sums.append(str(sum(nums)) if nums else "")
    lines[first : first + 3] = [f"{L.OTHER_GROUP}\t" + "\t".join(sums)]
    return "\n".join(lines)


def _truth(report: Report, merged: bool) -> dict[str, Any]:
    """Cell path → the value the source shows (None: the source cannot say; must be flagged)."""
    out: dict[str, Any] = {}
    for key in L.request_row_keys(report.format):
        for col, value in zip(L.REQUEST_COLUMN_KEYS, report.request_row(key), strict=True):
            out[f"requests.{key}.{col}"] = value
    if merged:
        sub = [report.request_row(f"other_{i}") for i in (1, 2, 3)]
        # the one row prints each column's sum: all zeros say every sub-row is 0
        zeros = all(
            any(isinstance(row[col], int) for row in sub)
            and sum(c for c in (row[col] for row in sub) if isinstance(c, int)) == 0
            for col in range(7)
        )
        for i in (1, 2, 3):
            for col in L.REQUEST_COLUMN_KEYS:
                out[f"requests.other_{i}.{col}"] = 0 if zeros else _UNKNOWN
    for group in L.REVIEW_GROUPS:
        for col, value in zip(
            L.REVIEW_COLUMN_KEYS, report.review_litigation.group(group), strict=True
        ):
            out[f"review_litigation.{group}.{col}"] = value
    for key, value in normalized(report)["proactive"].items():
        if isinstance(value, dict):
            out.update({f"proactive.{key}.{col}": v for col, v in value.items()})
        else:
            out[f"proactive.{key}"] = value
    return out


_UNKNOWN = object()


def _imported(result: ImportResult) -> dict[str, Any]:
    return _truth(result.report, merged=False)


def _without_slashes(report: Report) -> Report:
    """Flattened rows cannot print '/' apart from the digits around it: blanks instead."""
    data = report.model_dump()

    def clear(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clear(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clear(v) for v in value]
        return None if value == "/" else value

    for key in ("requests", "review_litigation", "proactive"):
        data[key] = clear(data[key])
    return Report.model_validate(data)


@st.composite
def deletions(draw: st.DrawFn, report: Report) -> Report:
    """``report`` with some numbers deleted (their cells blank) from random rows."""
    data = report.model_dump()
    rows = list(L.request_row_keys(report.format))
    for _ in range(draw(st.integers(0, 6))):
        table = draw(st.sampled_from(["requests", "review_litigation"]))
        keys = rows if table == "requests" else list(L.REVIEW_GROUPS)
        key = draw(st.sampled_from(keys))
        row = data[table][key]
        row[draw(st.integers(0, len(row) - 1))] = None
    if draw(st.booleans()) and report.format == "2021":
        pro = data["proactive"]
        doc = draw(st.sampled_from(list(L.DOC_ROWS)))
        pro[doc][draw(st.sampled_from(list(L.DOC_COLUMNS)))] = None
    return Report.model_validate(data)


@SETTINGS
@given(st.data(), reports(), st.sampled_from(RENDERINGS), st.booleans())
def test_merged_or_deleted_cells_are_never_silently_wrong(
    data: st.DataObject, report: Report, how: str, merge: bool
) -> None:
    if how == "glued":
        report = _without_slashes(report)
    report = data.draw(deletions(report))
    merge = merge and report.format == "2021"
    result = import_text(_render(report, how, merge), report.agency.id)
    assert result.report.format == report.format
    truth = _truth(report, merge)
    got = _imported(result)
    flagged = set(result.uncertain)
    wrong = {
        cell: (got.get(cell), want)
        for cell, want in truth.items()
        if cell not in flagged and (want is _UNKNOWN or got.get(cell) != want)
    }
    assert wrong == {}, (how, merge, wrong)


def test_one_other_row_of_zeros_spreads_and_a_non_zero_one_is_flagged() -> None:
    data = SEED.model_dump()
    for i in (1, 2, 3):
        data["requests"][f"other_{i}"] = [0] * 7
    zeros = Report.model_validate(data)
    result = import_text(_render(zeros, "browser", merge=True), zeros.agency.id)
    assert not [c for c in result.uncertain if c.startswith("requests.other_")]
    assert result.report.requests.other_2 == [0] * 7
    data["requests"]["other_2"] = [1, 0, 0, 0, 0, 0, 1]
    one = Report.model_validate(data)
    result = import_text(_render(one, "browser", merge=True), one.agency.id)
    flagged = {c for c in result.uncertain if c.startswith("requests.other_")}
    assert flagged == {f"requests.other_{i}.{c}" for i in (1, 2, 3) for c in L.REQUEST_COLUMN_KEYS}
    assert result.report.requests.other_1 == [1, 0, 0, 0, 0, 0, 1]  # R2 still sees the sum
    assert any("printed as one row" in n for n in result.notes)


# ---------------------------------------------------------------- (c) padded cells

PADS = ("\u00a0", "\u3000", "\u200b")


def _pad(text: str, rng: random.Random) -> str:
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        cells = []
        for cell in line.split("\t"):
            if (cell.strip() and cell.strip()[0].isdigit()) or cell.strip() == "/":
                left = "".join(rng.choice(PADS) for _ in range(rng.randint(0, 2)))
                right = "".join(rng.choice(PADS) for _ in range(rng.randint(0, 2)))
                cell = left + cell + right
            cells.append(cell)
        out.append("\t".join(cells))
    return "\n".join(out)


@SETTINGS
@given(reports(), st.integers(0, 2**32 - 1))
def test_padded_cells_change_nothing(report: Report, seed: int) -> None:
    text = browser_text(report_body_html(report))
    padded = _pad(text, random.Random(seed))
    assume(padded != text)
    plain, result = import_text(text, report.agency.id), import_text(padded, report.agency.id)
    assert _tables(result.report) == _tables(plain.report) == _tables(report)
    assert result.uncertain == plain.uncertain == []
    assert normalized_narrative(result.report) == normalized_narrative(plain.report)


@st.composite
def plain_pdftotext_styles(draw: st.DrawFn) -> PdfStyle:
    """Plain ``pdftotext`` (no -layout): lines wrapped at the page width, no indents."""
    return PdfStyle(
        width=draw(st.integers(20, 60)),
        unit=draw(st.sampled_from(["em", "char"])),
        indent="",
        blank=draw(st.sampled_from(["never", "always", "some"])),
        blanks_at=draw(st.lists(st.booleans(), min_size=1, max_size=7)),
    )


def _all_text(narrative: dict[str, Any]) -> str:
    """Every character of a normalized narrative, in order, paragraph breaks aside."""
    parts: list[str] = [*narrative["preamble"], *narrative["intro"]]
    for heading, texts, _ in narrative["items"]:
        parts += [heading, *texts]
    parts += narrative["problems"]
    for heading, texts in narrative["subsections"]:
        parts += [heading, *texts]
    parts += narrative["other"]
    # "。" aside: a run-in heading prints as （一）heading。text, a stop that belongs to
    # neither, and where a heading of punctuation alone ends cannot be told
    return "".join(p.replace(" ", "").replace("。", "") for p in parts)


@SETTINGS
@given(reports(), plain_pdftotext_styles())
def test_wrapped_narrative_without_indents_loses_no_text(report: Report, style: PdfStyle) -> None:
    """Where paragraph starts are not marked (no indents), a paragraph boundary may be
    uncertain, but no line of text is ever dropped or moved out of its section."""
    text = pdftotext_narrative(browser_text(report_body_html(report)), style)
    result = import_text(text, report.agency.id)
    got = normalized_narrative(result.report, wrapped=True)
    want = normalized_narrative(report, wrapped=True)
    assert _all_text(got) == _all_text(want)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_tables_printed_one_cell_per_line_are_named_once_with_what_to_import(
    report: Report,
) -> None:
    """Plain pdftotext of many PDFs prints each table cell on a line of its own: no cell can
    be placed; the import says so once (not a note per number) and flags the cells."""
    text = browser_text(report_body_html(report)).replace("\t", "\n")
    result = import_text(text, report.agency.id)
    assert not [n for n in result.notes if "ignored a lone number" in n]
    said = [n for n in result.notes if "one cell per line" in n]
    assert len(said) == 1 and "pdftotext -layout" in said[0], result.notes[:5]
    assert any(u.startswith("requests.") for u in result.uncertain)
