"""Numbers as people write them: reportkit's rules, never YAML 1.1's silent conversions.

The issue's instances (``penalty: 010`` became 8, ``1:30`` 90, ``0x1F`` 31, a fee of ``-0.0``
printed as ``-0.0``) and the kind, as properties: whatever a person writes where a number
goes, reportkit reads the decimal number written or refuses with a message naming the cell —
never a different value.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.errors import ParamsError
from reportkit.importer.lines import read_field
from reportkit.model import labels as L
from reportkit.model.numbers import NUMBERISH, OddNumber, read_number
from reportkit.model.params import load_report
from reportkit.model.yamlfile import _Loader
from reportkit.render.tables import table2_html

from .conftest import SEED_PARAMS

SEED = SEED_PARAMS.read_text(encoding="utf-8")


def _load(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


def _params(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SEED, old
    path = tmp_path / "params" / "xigong-education" / "2024.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SEED.replace(old, new, 1), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the instances


@pytest.mark.parametrize(
    ("written", "yaml11", "says"),
    [
        ("010", 8, "has a leading zero; YAML 1.1 would read it as octal 8 — write 10"),
        ("1:30", 90, "is a sexagesimal (base-60) number, which YAML 1.1 reads as 90"),
        ("0x1F", 31, "is a hexadecimal number (31 in decimal)"),
        ("1_000", 1000, "has digit-group separators '_' — write the digits without separators"),
    ],
)
def test_odd_counts_are_refused_naming_the_cell(
    tmp_path: Path, written: str, yaml11: int, says: str
) -> None:
    assert yaml.safe_load(f"x: {written}") == {"x": yaml11}, "PyYAML's YAML 1.1 reading"
    path = _params(tmp_path, "  penalty: 3\n", f"  penalty: {written}\n")
    with pytest.raises(ParamsError) as err:
        load_report(path)
    label = L.proactive_cell("penalty", None)
    assert str(err.value).startswith(f"{path}: proactive.penalty ({label}): '{written}' {says}")


def test_negative_zero_fee_is_zero_and_printed_without_sign(tmp_path: Path) -> None:
    path = _params(tmp_path, "  fees_10k_yuan: 633.8612", "  fees_10k_yuan: -0.0")
    report = load_report(path)
    fee = report.proactive.fees_10k_yuan  # type: ignore[union-attr]
    assert fee == 0 and isinstance(fee, Decimal) and not fee.is_signed()
    html = table2_html(report)
    assert "-0" not in html and ">0.0<" in html


def test_negative_zero_everywhere_a_number_goes(tmp_path: Path) -> None:
    path = _params(
        tmp_path,
        "  new: [0, 0, 0, 0, 0, 0, 0]",
        "  new: [-0, 0, 0, 0, 0, 0, +0]",
    )
    assert load_report(path).requests.new == [0] * 7
    assert read_field("-0.00").value == Decimal("0.00")
    assert not Decimal(str(read_field("-0.00").value)).is_signed()


# ---------------------------------------------------------------- the kind, as properties

_NUMERIC_TEXT = st.text(alphabet="0123456789_:.+-xXoObBeE", min_size=1, max_size=12)
_SPECIAL = st.sampled_from([".inf", "-.inf", "+.Inf", ".nan", ".NaN", "0x1F", "0o17", "0b11"])


@given(st.one_of(_NUMERIC_TEXT, _SPECIAL))
def test_a_scalar_is_its_decimal_value_or_kept_as_written(text: str) -> None:
    """Whatever a person types where a number goes: the decimal number written, or text."""
    try:
        loaded = _load(f"x: {text}\n")
    except yaml.YAMLError:
        return  # not a scalar at all (e.g. '-' alone starts a list): a syntax error
    if not isinstance(loaded, dict) or "x" not in loaded:
        return
    value = loaded["x"]
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | Decimal):
        assert re.fullmatch(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|[-+]?\.[0-9]+", text), text
        assert Decimal(text) == value, text
        assert not (isinstance(value, Decimal) and value.is_zero() and value.is_signed())
    else:
        assert isinstance(value, str) and value == text, (text, value)
        if NUMBERISH.match(text):
            assert isinstance(value, OddNumber) and value.problem and value.fix


@given(st.integers(min_value=0, max_value=10**12))
def test_plain_whole_numbers_read_as_written(n: int) -> None:
    assert _load(f"x: {n}") == {"x": n}
    assert read_number(f"+{n}") == n
    assert read_number(f"-{n}") == -n


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, places=4))
def test_plain_decimals_read_exactly(value: Decimal) -> None:
    text = format(value, "f")
    loaded = _load(f"x: {text}")["x"]  # type: ignore[index]
    assert loaded == value
    if value.is_zero():
        assert not loaded.is_signed() and str(loaded) == text.lstrip("-")
    else:
        assert str(loaded) == text


@given(
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["lead0", "underscore", "hex", "octal", "binary", "sexagesimal", "exp"]),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_every_odd_form_in_any_cell_is_refused(tmp_path: Path, n: int, form: str) -> None:
    written = {
        "lead0": f"0{n}",
        "underscore": f"{n}_0",
        "hex": hex(n),
        "octal": f"0o{n:o}",
        "binary": bin(n),
        "sexagesimal": f"{n + 1}:05",
        "exp": f"{n}e1",
    }[form]
    path = _params(
        tmp_path,
        "  withheld_4: [0, 0, 0, 0, 0, 0, 0]",
        f"  withheld_4: [0, 0, 0, {written}, 0, 0, 0]",
    )
    with pytest.raises(ParamsError) as err:
        load_report(path)
    label = L.request_cell("withheld_4", "social_welfare")
    assert f"requests.withheld_4[3] ({label}): '{written}' " in str(err.value)
    assert err.value.fix


@pytest.mark.parametrize(
    ("field", "text"),
    [("title", "1:30"), ("title", "010"), ("date", "2025-01-20"), ("title", "0x1F")],
)
def test_text_fields_keep_number_like_text_as_written(
    tmp_path: Path, field: str, text: str
) -> None:
    old = "title: 西工区教育局 2024 年政府信息公开工作年度报告\n"
    path = _params(tmp_path, old, f"{old}date: 2025-01-20\n" if field == "date" else "")
    if field == "title":
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "year: 2024\n", f"year: 2024\ntitle: {text}\n"
            ),
            encoding="utf-8",
        )
    report = load_report(path)
    assert getattr(report, field) == text and type(getattr(report, field)) is str


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("  penalty: 3", "  penalty: 1000000000", "is implausibly large (more than 999,999,999)"),
        ("  fees_10k_yuan: 633.8612", "  fees_10k_yuan: 1.0000001", "more than 6 decimal places"),
        ("  penalty: 3", "  penalty: '3'", "is a number written as text"),
        ("  penalty: 3", "  penalty: 3.0", "3.0 is not a whole number — write 3"),
        ("  penalty: 3", "  penalty: .inf", "'.inf' is YAML's infinity"),
        ("  penalty: 3", "  penalty: 5.", "'5.' ends with a decimal point"),
        ("year: 2024", "year: 02024", "'02024' has a leading zero"),
    ],
)
def test_absurd_and_oddly_written_numbers(tmp_path: Path, old: str, new: str, says: str) -> None:
    path = _params(tmp_path, old, new)
    with pytest.raises(ParamsError, match=re.escape(says)):
        load_report(path)


@given(st.from_regex(r"0[0-9]{1,5}", fullmatch=True))
def test_import_reads_a_leading_zero_as_decimal_and_flags_it(text: str) -> None:
    field = read_field(text)
    assert field.kind == "number" and field.value == int(text, 10) and field.doubtful
