"""Params files: safe YAML, strict validation, one clear line per problem (exit 2)."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.cli import main
from reportkit.errors import ParamsError
from reportkit.model.params import dump_report, load_report, read_yaml

from .conftest import SEED_PARAMS

SEED = SEED_PARAMS.read_text(encoding="utf-8")


def _sub(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return mutate


# (case id, file content (text or bytes, or a mutation of the seed), text the message must name)
MALFORMED: list[tuple[str, str | bytes | Callable[[str], str], str]] = [
    ("yaml-syntax", _sub("  licensing: 284", "  licensing: [284"), "line "),
    ("bad-indent", _sub("  penalty: 3\n", "  penalty: 3\n    bogus: 1\n"), "line "),
    ("tab-indent", _sub("  penalty: 3\n", "\tpenalty: 3\n"), "line "),
    ("duplicate-key", _sub("  penalty: 3\n", "  penalty: 3\n  penalty: 4\n"), "duplicate key"),
    ("wrong-type-count", _sub("  licensing: 284", "  licensing: many"), "proactive.licensing"),
    ("negative-count", _sub("  new: [0, 0, 0, 0", "  new: [0, 0, -1, 0"), "requests.new[2]"),
    ("float-count", _sub("  penalty: 3", "  penalty: 3.5"), "proactive.penalty"),
    ("bool-count", _sub("  enforcement: 0", "  enforcement: true"), "proactive.enforcement"),
    ("typo-key", _sub("requests:\n", "requets:\n"), "requets"),
    ("typo-nested-key", _sub("  licensing: 284", "  licencing: 284"), "licencing"),
    (
        "missing-section",
        lambda t: t.split("problems:")[0] + "other_matters:\n  text: 无\n",
        "problems",
    ),
    (
        "row-of-6",
        _sub("  carried_over: [0, 0, 0, 0, 0, 0, 0]", "  carried_over: [0, 0, 0, 0, 0, 0]"),
        "requests.carried_over",
    ),
    (
        "row-of-8",
        _sub("  granted: [0, 0, 0, 0, 0, 0, 0]", "  granted: [0, 0, 0, 0, 0, 0, 0, 0]"),
        "requests.granted",
    ),
    (
        "group-of-4",
        _sub("  review: [0, 0, 0, 0, 0]", "  review: [0, 0, 0, 0]"),
        "review_litigation.review",
    ),
    (
        "fee-as-text",
        _sub("  fees_10k_yuan: 633.8612", "  fees_10k_yuan: 六百三十三万"),
        "fees_10k_yuan",
    ),
    (
        "fee-quoted",
        _sub("  fees_10k_yuan: 633.8612", "  fees_10k_yuan: '633.8612'"),
        "fees_10k_yuan",
    ),
    ("year-1899", _sub("year: 2024", "year: 1899"), "year"),
    ("year-text", _sub("year: 2024", "year: 二〇二四"), "year"),
    ("agency-id-dotdot", _sub("  id: xigong-education", "  id: ../x"), "agency.id"),
    ("agency-id-upper", _sub("  id: xigong-education", "  id: Xigong_Education"), "agency.id"),
    ("format-unknown", _sub("format: '2021'", "format: '2020'"), "format"),
    ("non-utf8", SEED.encode("gb18030"), "UTF-8"),
    ("empty-file", "", "empty"),
    ("only-comments", "# nothing here\n", "empty"),
    ("list-not-mapping", "- agency\n- year\n", "not a mapping"),
    ("scalar-not-mapping", "just text\n", "not a mapping"),
    (
        "section-as-list",
        _sub("other_matters:\n  text: |\n    无\n", "other_matters:\n- 无\n"),
        "other_matters",
    ),
    (
        "cell-text",
        _sub("  withheld_3: [0, 0, 0", "  withheld_3: [0, abc, 0"),
        "requests.withheld_3[1]",
    ),
    (
        "mapping-row-typo",
        _sub("  new: [0, 0, 0, 0, 0, 0, 0]", "  new: {natural_person: 1, comercial: 0}"),
        "comercial",
    ),
    (
        "mapping-group-missing",
        _sub("  review: [0, 0, 0, 0, 0]", "  review: {upheld: 1, corrected: 0}"),
        "'other' missing in group review",
    ),
    (
        "row-not-list",
        _sub("  withheld_2: [0, 0, 0, 0, 0, 0, 0]", "  withheld_2: 0"),
        "requests.withheld_2",
    ),
    (
        "trial-row-in-2021",
        _sub("  other_1: [0, 0, 0, 0, 0, 0, 0]", "  other: [0, 0, 0, 0, 0, 0, 0]"),
        "other",
    ),
]


def _write(tmp_path: Path, content: str | bytes | Callable[[str], str]) -> Path:
    path = tmp_path / "params" / "xigong-education" / "2024.yaml"
    path.parent.mkdir(parents=True)
    if callable(content):
        content = content(SEED)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "content", "names"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_params_exit_2_with_one_line(
    case: str,
    content: str | bytes | Callable[[str], str],
    names: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(tmp_path, content)
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"Error: {path}"), lines[0]
    assert names in lines[0], lines[0]
    assert "Traceback" not in err + out
    assert " — " in lines[0], f"no fix given: {lines[0]}"


def test_at_least_twenty_malformed_cases() -> None:
    assert len(MALFORMED) >= 20


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "is a directory" in err


def test_unknown_key_suggests_the_nearest() -> None:
    with pytest.raises(ParamsError) as info:
        load_report(_write_tmp(_sub("  licensing: 284", "  licencing: 284")(SEED)))
    assert "did you mean 'licensing'?" in str(info.value)


def test_negative_cell_message_names_the_official_cell() -> None:
    with pytest.raises(ParamsError) as info:
        load_report(
            _write_tmp(
                _sub("  withheld_1: [0, 0, 0, 0, 0, 0, 0]", "  withheld_1: [0, 0, 0, 0, 0, 0, -2]")(
                    SEED
                )
            )
        )
    err = info.value
    assert err.field is not None and "表三 （三）不予公开 1.属于国家秘密 × 总计" in err.field
    assert err.value == -2


def test_dates_stay_strings_and_floats_stay_exact(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("date: 2025-01-31\nfee: 633.8612\n", encoding="utf-8")
    data = read_yaml(path)
    assert data["date"] == "2025-01-31"
    assert str(data["fee"]) == "633.8612"


def test_year_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "2023.yaml"
    path.write_text(SEED, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"rename the file to 2024\.yaml"):
        load_report(path)


def test_agency_folder_must_match_id(tmp_path: Path) -> None:
    path = tmp_path / "params" / "other-agency" / "2024.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(SEED, encoding="utf-8")
    with pytest.raises(ParamsError, match=r"agency\.id"):
        load_report(path)


def test_blank_and_slash_cells_are_kept() -> None:
    text = _sub("  new: [0, 0, 0, 0, 0, 0, 0]", "  new: [0, null, '/', 0, 0, 0, 0]")(SEED)
    report = load_report(_write_tmp(text))
    assert report.request_row("new") == [0, None, "/", 0, 0, 0, 0]


def test_dump_then_load_round_trips(tmp_path: Path) -> None:
    report = load_report(SEED_PARAMS)
    path = tmp_path / "2024.yaml"
    path.write_text(dump_report(report, "../../schema/params.schema.json"), encoding="utf-8")
    assert load_report(path) == report
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_params_error_pickles() -> None:
    err = ParamsError("p.yaml", "bad", field="year", value=1899, fix="fix it")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, ParamsError) and str(back) == str(err) and back.value == 1899


_tmp_counter = iter(range(10_000))


def _write_tmp(text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp()) / f"case{next(_tmp_counter)}"
    folder.mkdir()
    path = folder / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- every problem of a file at once

_KEYS = st.lists(
    st.from_regex(r"zz[a-z]{3,8}", fullmatch=True), min_size=1, max_size=6, unique=True
)


@settings(max_examples=30, deadline=None)
@given(keys=_KEYS)
def test_check_names_every_problem_of_a_file_one_line_each(keys: list[str]) -> None:
    import io
    import json
    import tempfile
    from contextlib import redirect_stderr, redirect_stdout

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2024.yaml"
        path.write_text(SEED + "".join(f"{k}: 1\n" for k in keys), encoding="utf-8")
        err, out = io.StringIO(), io.StringIO()
        with redirect_stderr(err), redirect_stdout(out):
            assert main(["check", str(path)]) == 2
            assert main(["check", "--json", str(path)]) == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == 2 * len(keys)  # each command: one line per unknown key
    for key in keys:
        assert sum(f"{path}: {key}: unknown key {key!r}" in line for line in lines) == 2
    data = json.loads(out.getvalue())
    assert len(data["errors"]) == len(keys)
    more = len(keys) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})"
    assert data["error"].endswith(suffix) == bool(more), data["error"]


def test_a_typo_is_one_problem_not_also_its_missing_key() -> None:
    text = SEED.replace("  carried_over:", "  carried_ovr:", 1).replace(
        "\nyear:", "\nyera: 1\nyear:", 1
    )
    with pytest.raises(ParamsError) as caught:
        load_report_text(text)
    lines = caught.value.lines()
    assert len(lines) == 2, lines
    assert "unknown key 'carried_ovr' — did you mean 'carried_over'?" in "\n".join(lines)
    assert "unknown key 'yera'" in "\n".join(lines)
    assert not any("is missing" in line for line in lines)


def test_a_typo_is_matched_with_the_keys_not_yet_given() -> None:
    """``carried_foward`` beside a present ``carried_forward`` meant the absent one."""
    text = SEED.replace("  carried_over:", "  carried_foward:", 1)
    with pytest.raises(ParamsError) as caught:
        load_report_text(text)
    assert caught.value.fix == "did you mean 'carried_over'?"
    assert caught.value.more == []


def load_report_text(text: str) -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2024.yaml"
        path.write_text(text, encoding="utf-8")
        return load_report(path)


# ---------------------------------------------------------------- full-width input (全角)

_FULL = str.maketrans("0123456789,[]", "０１２３４５６７８９，［］")


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.integers(0, 99999), min_size=7, max_size=7),
    digits=st.booleans(),
    comma=st.sampled_from([",", "，", "、"]),
    brackets=st.booleans(),
)
def test_a_row_typed_in_full_width_is_named_with_the_row_meant(
    cells: list[int], digits: bool, comma: str, brackets: bool
) -> None:
    row = comma.join(str(c).translate(_FULL) if digits else str(c) for c in cells)
    row = f"［{row}］" if brackets else f"[{row}]"
    text = SEED.replace("  carried_over: [0, 0, 0, 0, 0, 0, 0]", f"  carried_over: {row}", 1)
    assert text != SEED
    meant = "[" + ", ".join(str(c) for c in cells) + "]"
    if not (digits or brackets or comma != ","):
        assert load_report_text(text) is not None  # all half-width: read as written
        return
    with pytest.raises(ParamsError) as caught:
        load_report_text(text)
    line = str(caught.value)
    assert "requests.carried_over" in line and "full-width" in line, line
    if not digits or comma != ",":  # a row YAML could not read as numbers: shown as meant
        assert caught.value.fix == f"write {meant} (half-width, 半角)", line


@settings(max_examples=40, deadline=None)
@given(index=st.integers(0, 10_000))
def test_a_full_width_colon_after_any_key_names_its_line(index: int) -> None:
    lines = SEED.splitlines()
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+: \S", line)]
    i = keyed[index % len(keyed)]
    key = lines[i].split(":", 1)[0].strip()
    lines[i] = lines[i].replace(":", "：", 1)
    with pytest.raises(ParamsError) as caught:
        load_report_text("\n".join(lines) + "\n")
    message = str(caught.value)
    assert "full-width colon" in message, message
    # YAML stops at the line, or reads it as text where the key's mapping was meant
    assert caught.value.field == f"line {i + 1}" or f"after {key!r}" in message, message


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("  licensing: 284", "  licensing：284", "write 'licensing: 284'"),
        (
            "  rules: {issued: 0, repealed: 0, in_force: 0}",
            "  rules: {issued：0, repealed: 0, in_force: 0}",
            "'issued：0' has a full-width colon — write issued: 0",
        ),
        (
            "  carried_over: [0, 0, 0, 0, 0, 0, 0]",
            "  carried_over: {natural_person: 0, commercial：0, research: 0, social_welfare: 0,"
            " legal_services: 0, other: 0}",
            "'commercial：0' in row carried_over has a full-width colon — write commercial: 0",
        ),
    ],
)
def test_a_full_width_colon_anywhere_is_one_problem_with_a_fix_that_works(
    old: str, new: str, said: str
) -> None:
    assert SEED.count(old) == 1
    with pytest.raises(ParamsError) as caught:
        load_report_text(SEED.replace(old, new))
    assert said in str(caught.value) and caught.value.more == [], caught.value.lines()
    fixed = said.rsplit("write ", 1)[1].strip("'")  # e.g. "issued: 0"
    name, value = fixed.split(": ")
    assert f"{name}：{value}" in new
    assert load_report_text(SEED.replace(old, new.replace(f"{name}：{value}", fixed))) is not None


def test_check_refuses_what_run_refuses_a_missing_word_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "xigong-education" / "2024.yaml"
    path.parent.mkdir()
    path.write_text(SEED + "docx_template: nothere.docx\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "docx_template: " in capsys.readouterr().err
