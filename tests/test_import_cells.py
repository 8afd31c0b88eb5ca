"""A table cell that cannot be a number, or holds a value the model refuses, is left blank and
flagged by name — never read as part of itself, never an aborted import — in every table
(二, 三, 四) and every text form (tabs, markdown pipes, ``pdftotext -layout`` columns, HTML).

Properties over random valid reports: one cell is printed as a random garbled token (digits
mixed with letters or punctuation, or letters standing for digits), or as a random value
the model's own cell type refuses; the import flags exactly that cell (blank, listed, a note
naming it) and reads every other cell as before.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from reportkit.cli import main
from reportkit.importer import ImportResult, import_text
from reportkit.importer.cells import refusal
from reportkit.importer.lines import read_field, split_line
from reportkit.model import Report
from reportkit.model import labels as L
from reportkit.model.numbers import MAX_AMOUNT, MAX_COUNT
from reportkit.model.params import load_report
from reportkit.render.sections import report_body_html

from .reporttext import browser_text, layout_rows
from .test_import_properties import _truth
from .test_import_roundtrip import SEED, reports

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
SENTINEL = 7777777
FEE_SENTINEL = Decimal("7777.777")
RENDERINGS = ("browser", "pipe", "layout", "html")


def _cell_paths(report: Report) -> list[str]:
    paths = [p for p in _truth(report, merged=False) if p != "proactive.procurement.amount"]
    return sorted(paths)


def _set(report: Report, path: str, value: Any) -> Report:
    data = report.model_dump()
    table, key, *col = path.split(".")
    if table == "requests":
        data[table][key][L.REQUEST_COLUMN_KEYS.index(col[0])] = value
    elif table == "review_litigation":
        data[table][key][L.REVIEW_COLUMN_KEYS.index(col[0])] = value
    elif col:
        data[table][key][col[0]] = value
    else:
        data[table][key] = value
    return Report.model_validate(data)


def _pipe_rows(text: str) -> str:
    return "\n".join(
        "| " + " | ".join(x.split("\t")) + " |" if "\t" in x else x for x in text.split("\n")
    )


def _printed(report: Report, path: str, token: str | None, how: str) -> str:
    """``report`` printed ``how``, the cell ``path`` showing ``token`` instead of its value
    (None: its own value)."""
    sentinel = FEE_SENTINEL if path == "proactive.fees_10k_yuan" else SENTINEL
    html = report_body_html(_set(report, path, sentinel))
    text = html if how == "html" else browser_text(html)
    if how == "layout":
        text = layout_rows(text)
    elif how == "pipe":
        text = _pipe_rows(text)
    shown = str(sentinel)
    assume(text.count(shown) == 1)
    if token is None:
        value = _truth(report, merged=False)[path]
        token = "" if value is None else str(value)
    # a layout column keeps its width: the token takes the sentinel's place, right-aligned
    return text.replace(shown, token.rjust(len(shown)) if how == "layout" else token)


def _check_one_cell_flagged(
    report: Report, path: str, how: str, result: ImportResult, token: str
) -> None:
    """``path`` blank, flagged and named; every other cell as the same print with the true
    value imports it (a layout row with blank cells may be flagged whole: its numbers are then
    placed by position, which a cell that is no number defeats), never silently wrong."""
    baseline = import_text(_printed(report, path, None, how), report.agency.id)
    truth = _truth(report, merged=False)
    before = _truth(baseline.report, merged=False)
    got = _truth(result.report, merged=False)
    assert path in result.uncertain
    assert any(token.strip() in n for n in result.notes), result.notes
    if how != "layout" or not any("number(s)" in n and token.strip() in n for n in result.notes):
        assert got[path] is None
        assert any(n.startswith(path) and token.strip() in n for n in result.notes)
    flagged = set(result.uncertain)
    wrong = {p: (got[p], v) for p, v in truth.items() if p not in flagged and got[p] != v}
    assert wrong == {}
    if how != "layout":
        assert flagged == {*baseline.uncertain, path}
        changed = {p: (got[p], v) for p, v in before.items() if p != path and got[p] != v}
        assert changed == {}


# ---------------------------------------------------------------- garbled cells

_LOOK = st.sampled_from(list("OoIl"))
_JUNK = st.sampled_from([*"OoIlSBZxa.,，。、:;'`_!?%*#~", "——", "·"])


@st.composite
def garbled_tokens(draw: st.DrawFn) -> str:
    """A cell meant as a number, printed wrong: digits with a letter or punctuation inside,
    before or after them, or digit-like letters alone."""
    if draw(st.integers(0, 5)) == 0:
        return "".join(draw(st.lists(_LOOK, min_size=1, max_size=3)))
    digits = draw(st.text(alphabet="0123456789", min_size=1, max_size=5))
    junk = draw(_JUNK)
    at = draw(st.integers(0, len(digits)))
    token = digits[:at] + junk + digits[at:]
    assume(not re.fullmatch(r"\d{1,3}(?:[,，]\d{3})+", token))  # a thousands separator
    assume(not re.fullmatch(r"\d+\.\d+", token))  # a decimal: a refused value, tested below
    return token


@SETTINGS
@given(st.data(), reports(), st.sampled_from(RENDERINGS), garbled_tokens())
def test_a_garbled_cell_is_flagged_and_the_rest_read(
    data: st.DataObject, report: Report, how: str, token: str
) -> None:
    path = data.draw(st.sampled_from(_cell_paths(report)))
    result = import_text(_printed(report, path, token, how), report.agency.id)
    _check_one_cell_flagged(report, path, how, result, token)


@pytest.mark.parametrize(
    "token", ["4O", "40O", "l2", "O", "2,43", "24。", "4.O", ".5", "—16", "１Ｏ", "4o件"]
)
def test_read_field_never_reads_a_garbled_cell_as_a_number(token: str) -> None:
    """Tab, pipe, HTML and PDF cells are read by ``read_field``; space-separated text by
    ``split_line``: neither gives a number for any of these."""
    assert read_field(token).kind == "garbled"
    fields = split_line(f"行政许可        {token}").fields
    assert [f.kind for f in fields[1:2]] == ["garbled"]
    assert all(f.kind != "number" for f in fields)


@pytest.mark.parametrize("token", ["1,234", "12", "0", "/", "-3", "633.8612", "5（含2件）"])
def test_numbers_stay_numbers(token: str) -> None:
    assert read_field(token).kind in ("number", "slash")
    assert split_line(f"行政许可        {token}").fields[1].kind in ("number", "slash")


def test_labels_with_numbering_stay_labels() -> None:
    line = split_line("（六）其他处理 1.申请人无正当理由逾期不补正        0    0")
    assert [f.kind for f in line.fields] == ["text", "number", "number"]


def test_a_letter_o_in_a_layout_row_is_flagged_not_read_as_its_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reported case: 表二 行政许可 printed ``4O`` in pdftotext -layout text → exit 3,
    licensing blank and named (it used to be read as 4, exit 0)."""
    report = _set(SEED, "proactive.licensing", 40)
    source = tmp_path / "v.txt"
    source.write_text(
        _printed(report, "proactive.licensing", "4O", "layout").replace("\f", ""),
        encoding="utf-8",
    )
    target = tmp_path / "x" / "2024.yaml"
    assert main(["import", str(source), "--agency-id", "x", "-o", str(target)]) == 3
    err = capsys.readouterr().err
    assert "proactive.licensing (表二 行政许可" in err and "“4O”" in err
    imported = load_report(target)
    assert imported.proactive.licensing is None  # type: ignore[union-attr]
    assert imported.uncertain == ["proactive.licensing"]


# ---------------------------------------------------------------- values the model refuses


def _plain(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


@st.composite
def refused_values(draw: st.DrawFn, path: str, fmt: str) -> int | Decimal:
    """Any number printable in a cell that the model refuses for ``path``."""
    value = draw(
        st.one_of(
            st.integers(-(10**12), -1),
            st.integers(MAX_COUNT + 1, 10**13),
            st.decimals(min_value=-(10**4), max_value=10**4, places=draw(st.integers(1, 9))).filter(
                lambda d: d.is_finite() and d != d.to_integral_value()
            ),
            st.decimals(min_value=MAX_AMOUNT + 1, max_value=10**13, places=2),
        )
    )
    assume(refusal(path, value, fmt) is not None)  # type: ignore[arg-type]
    return value


@SETTINGS
@given(st.data(), reports(), st.sampled_from(RENDERINGS))
def test_a_refused_value_is_flagged_and_the_rest_read(
    data: st.DataObject, report: Report, how: str
) -> None:
    path = data.draw(st.sampled_from(_cell_paths(report)))
    value = data.draw(refused_values(path, report.format))
    token = _plain(value)
    result = import_text(_printed(report, path, token, how), report.agency.id)
    _check_one_cell_flagged(report, path, how, result, token)
    assert not any("published report" in n and "rewrite" in n for n in result.notes)


@pytest.mark.parametrize(
    ("path", "value", "fmt"),
    [
        ("requests.new.total", Decimal("16.5"), "2021"),
        ("requests.new.total", Decimal("16.0"), "2021"),
        ("proactive.penalty", -3, "2021"),
        ("review_litigation.review.total", MAX_COUNT + 1, "2021"),
        ("proactive.fees_10k_yuan", Decimal("1.1234567"), "2021"),
        ("proactive.fees_10k_yuan", Decimal("-1.5"), "2021"),
        ("proactive.licensing.decisions", -2, "2019-trial"),
    ],
)
def test_refusal_follows_the_model(path: str, value: int | Decimal, fmt: str) -> None:
    assert refusal(path, value, fmt) is not None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "value", "fmt"),
    [
        ("requests.new.total", 16, "2021"),
        ("proactive.fees_10k_yuan", Decimal("1.123456"), "2021"),
        ("proactive.fees_10k_yuan", 3, "2021"),
        ("proactive.licensing.change", -2, "2019-trial"),
        ("requests.new.total", "/", "2021"),
        ("requests.new.total", None, "2021"),
    ],
)
def test_refusal_takes_what_the_model_takes(path: str, value: Any, fmt: str) -> None:
    assert refusal(path, value, fmt) is None  # type: ignore[arg-type]


def test_a_fractional_count_no_longer_aborts_the_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reported case: 表三 本年新收 总计 printed ``16.5`` → exit 3 with the rest imported
    (it used to exit 2 and write nothing)."""
    source = tmp_path / "v.txt"
    source.write_text(
        _printed(SEED, "requests.new.total", "16.5", "layout").replace("\f", ""),
        encoding="utf-8",
    )
    target = tmp_path / "x" / "2024.yaml"
    assert main(["import", str(source), "--agency-id", "x", "-o", str(target)]) == 3
    err = capsys.readouterr().err
    assert "requests.new.total: 16.5 is not a whole number" in err and "Traceback" not in err
    imported = load_report(target)
    assert imported.requests.new[6] is None
    assert imported.requests.new[:6] == SEED.requests.new[:6]
    assert imported.uncertain == ["requests.new.total"]
