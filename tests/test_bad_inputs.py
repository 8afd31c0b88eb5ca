"""The bad-input corpus (``tests/data/bad/cases.yaml``) and fuzzing of params values and import
text: whatever a user hands reportkit, one clear ``Error:`` line naming the file and the fix,
a non-zero exit, no traceback, and nothing written under the output folder.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.cli import main
from reportkit.errors import ReportImportError, ReportkitError
from reportkit.importer import import_report, import_text
from reportkit.model.params import load_report
from reportkit.render import notebook

from .conftest import REPO, SEED_PARAMS, SEED_TXT

BAD = Path(__file__).parent / "data" / "bad"
CASES: list[dict[str, Any]] = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
SEED = SEED_PARAMS.read_text(encoding="utf-8")


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 60
    kinds = {case["kind"] for case in CASES}
    assert kinds >= {"params", "import", "notebook", "ledger"}
    ids = [case["id"] for case in CASES]
    assert len(set(ids)) == len(ids)
    named = {str(p.relative_to(BAD)) for p in BAD.rglob("*") if p.is_file()}
    used = {case["file"] for case in CASES if "file" in case}
    folders = {u.rsplit("/", 1)[0] for u in used if u.count("/") > 1}
    siblings = {f for f in named if f.rsplit("/", 1)[0] in folders}
    assert named - {"cases.yaml", "README.md"} <= used | siblings, "every file is a case"


SMALL_LIMIT = 4 * 1024 * 1024  # the size limits of import and ledgers, lowered for the test
LEDGER_AGENCY = REPO / "params" / "qinghe-public-security"  # a demo agency that keeps a ledger


def _ledger_case(case: dict[str, Any], tmp_path: Path) -> tuple[Path, Path]:
    """The demo agency's params with ``case``'s file as its ledger: (2024.yaml, the ledger)."""
    folder = tmp_path / "in" / LEDGER_AGENCY.name
    shutil.copytree(LEDGER_AGENCY, folder)
    (folder / "ledger.csv").unlink()
    source = BAD / case["file"] if "file" in case else None
    ledger = folder / f"ledger{source.suffix if source else '.csv'}"
    if source is not None:
        shutil.copyfile(source, ledger)
    elif case["make"] == "huge":
        with ledger.open("wb") as handle:
            handle.truncate(SMALL_LIMIT + 1)
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "ledger: ledger.csv" in text
        path.write_text(text.replace("ledger: ledger.csv", f"ledger: {ledger.name}"), "utf-8")
    return folder / "2024.yaml", ledger


def _materialize(case: dict[str, Any], tmp_path: Path) -> Path:
    """The input file of ``case`` inside ``tmp_path`` (its folder's siblings copied too)."""
    limit = SMALL_LIMIT
    if "file" in case:
        source = BAD / case["file"]
        folder = tmp_path / "in" / source.parent.name
        shutil.copytree(source.parent, folder)
        return folder / source.name
    target = (
        tmp_path / "in" / "2024.yaml" if case["kind"] == "params" else tmp_path / "in" / "r.txt"
    )
    target.parent.mkdir(parents=True)
    if case.get("seed"):
        old, new = case["replace"]
        assert SEED.count(old) == 1, f"{case['id']}: {old!r} is not once in the seed"
        target.write_text(SEED.replace(old, new), encoding="utf-8")
    elif case["make"] == "huge":
        with target.open("wb") as handle:
            handle.write(b"# " + b"x" * 100 + b"\n")
            handle.truncate(limit + 1)  # sparse: quick to make, too big to read
    elif case["make"] == "folder":
        target.mkdir()
    elif case["make"] != "missing":
        raise AssertionError(case)
    return target


def _one_error_line(err: str, case: dict[str, Any], names: str) -> str:
    """The case's problem as the first line; a file with more problems has one line each,
    every one an ``Error:`` naming the file and the fix."""
    assert "Traceback" not in err and "failed unexpectedly" not in err, err
    lines = err.strip().splitlines()
    assert lines, f"{case['id']}: nothing said"
    for line in lines:
        assert line.startswith("Error: ") and names in line, (names, line)
        assert " — " in line, f"no fix: {line}"
    assert case["expect"] in lines[0], (case["expect"], lines[0])
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(
    case: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "outputs"
    if case.get("make") == "huge":  # the same code path, without reading 64 or 256 MB
        monkeypatch.setattr("reportkit.importer.MAX_BYTES", SMALL_LIMIT)
        monkeypatch.setattr("reportkit.model.ledger.read.MAX_BYTES", SMALL_LIMIT)
    if case["kind"] == "notebook":
        value = case["params_path"]
        if isinstance(value, str) and value.startswith("@"):
            value = str(Path(__file__).parent / value[1:])
        monkeypatch.chdir(REPO / "notebooks")
        with pytest.raises(ReportkitError) as err:
            notebook.load(value, charts=case.get("charts"))
        _one_error_line("\n".join(err.value._render_traceback_()), case, "")
        return

    if case["kind"] == "ledger":
        path, ledger = _ledger_case(case, tmp_path)
        for command in (["check", str(path)], ["run", str(path), "--out", str(out)]):
            assert main(command) == 2
            _one_error_line(capsys.readouterr().err, case, str(ledger))
        assert not out.exists(), "nothing is written for a bad input"
        return
    path = _materialize(case, tmp_path)
    if case["kind"] == "params":
        assert main(["check", str(path)]) == 2
        line = _one_error_line(capsys.readouterr().err, case, str(path.parent))
        assert main(["run", str(path), "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert _one_error_line(captured.err, case, str(path.parent)) == line
    else:
        target = out / "params" / "x" / "2024.yaml"
        code = main(["import", str(path), "--agency-id", "x", "-o", str(target)])
        assert code == 2
        _one_error_line(capsys.readouterr().err, case, str(path))
    assert not out.exists(), "nothing is written for a bad input"


# ---------------------------------------------------------------- fuzzing

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["010", "0x1F", "1:30", "1_000", ".inf", "-0.0", "/", "~", "yes", "'3'"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [path] + [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [path] + [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


SEED_DATA = yaml.safe_load(SEED)
SEED_PATHS = [p for p in _leaves(SEED_DATA) if p]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    import copy

    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@given(st.sampled_from(SEED_PATHS), _VALUES, st.booleans())
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_params_values_give_a_report_or_a_params_error(
    tmp_path: Path, where: tuple[Any, ...], value: Any, raw: bool
) -> None:
    """Any value anywhere in a params file: a Report, or one ParamsError with a field."""
    path = tmp_path / "fuzz" / "2024.yaml"
    path.parent.mkdir(exist_ok=True)
    if raw and isinstance(value, str):  # the text as typed, unquoted, where the value was
        data = yaml.safe_dump(_set(SEED_DATA, where, "@@@"), allow_unicode=True, sort_keys=False)
        typed = value.replace("\n", " ")
        path.write_text(data.replace("'@@@'", typed).replace("@@@", typed), encoding="utf-8")
    else:
        data = yaml.safe_dump(_set(SEED_DATA, where, value), allow_unicode=True)
        path.write_text(data, encoding="utf-8")
    try:
        load_report(path)
    except ReportkitError as err:
        message = str(err)
        assert message.startswith(str(path)) and "\n" not in message.strip()


_REPORT_LINES = SEED_TXT.read_text(encoding="utf-8").splitlines()


@given(
    st.lists(
        st.one_of(
            st.sampled_from(_REPORT_LINES),
            st.text(max_size=40),
            st.sampled_from(["<table>", "</td><td>", "\t", "|", "—", "第 3 页", "<div>" * 50]),
        ),
        max_size=60,
    )
)
@settings(max_examples=150, deadline=None)
def test_fuzzed_import_text_gives_a_result_or_an_import_error(lines: list[str]) -> None:
    try:
        result = import_text("\n".join(lines), "fuzz")
    except ReportImportError as err:
        assert "\n" not in str(err).strip()
    else:
        assert result.report.agency.id == "fuzz"


@given(st.binary(max_size=400), st.sampled_from(["", "%PDF-", "PK\x03\x04", "\ufeff"]))
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_fuzzed_import_bytes_give_a_result_or_an_import_error(
    tmp_path: Path, data: bytes, head: str
) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(head.encode("utf-8") + data)
    try:
        import_report(path, "fuzz")
    except ReportImportError as err:
        assert str(err).startswith(str(path))


def test_fuzzed_seed_text_mutations(tmp_path: Path) -> None:
    """Characters of the seed params file replaced at random: never anything but ParamsError."""
    rng = random.Random(12)
    alphabet = "0123456789:_.-+[]{}#&*!|>'\"\t\n ,xe一"
    path = tmp_path / "m" / "2024.yaml"
    path.parent.mkdir()
    outcomes = {"valid": 0, "refused": 0}
    for _ in range(300):
        chars = list(SEED)
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        path.write_text("".join(chars), encoding="utf-8")
        try:
            load_report(path)
            outcomes["valid"] += 1
        except ReportkitError as err:  # anything else fails the test
            assert str(err).startswith(f"{path}: "), err
            outcomes["refused"] += 1
    assert outcomes["refused"] > 50 and outcomes["valid"] > 0, outcomes


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.decimals(allow_nan=False, allow_infinity=True),
        st.text(alphabet="0123456789.-/年月日:_xe ", max_size=14),
    )
)
def test_any_ledger_date_cell_is_a_date_or_refused(value: object) -> None:
    """Whatever number or text sits in a ledger's date column: a plausible date, or None."""
    import datetime as dt

    from reportkit.model.ledger.dates import EARLIEST, LATEST, parse_date

    parsed = parse_date(value)
    assert parsed is None or (isinstance(parsed, dt.date) and EARLIEST <= parsed <= LATEST)


def test_a_ledger_without_header_never_shows_its_first_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first data row of a ledger holds names and phone numbers: no message may show it."""
    path, ledger = _ledger_case({"kind": "ledger", "file": "ledger/empty.csv"}, tmp_path)
    ledger.write_text(
        "2024-001,2024-01-05,自然人,张三丰,13912345678,查询低保,予以公开,2024-01-20\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no header row" in err and "张三丰" not in err and "13912345678" not in err


def test_a_negative_published_count_is_imported_blank_and_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not refused: a published report with a negative count imports, that cell left blank and
    listed as uncertain (exit 3), so R8 reports it until a person has checked the source."""
    source = Path(__file__).parent / "data" / "import" / "negative-count.txt"
    target = tmp_path / "params" / "x" / "2024.yaml"
    assert main(["import", str(source), "--agency-id", "x", "-o", str(target)]) == 3
    err = capsys.readouterr().err
    assert "proactive.penalty: -3 is negative" in err and "Traceback" not in err
    report = load_report(target)
    assert report.proactive.penalty is None  # type: ignore[union-attr]
    assert report.uncertain == ["proactive.penalty"]
