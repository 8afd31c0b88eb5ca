"""``reportkit.demo`` and ``reportkit demo``: districts beyond the bundled one (issue 8, item 4).

Fast: no kernels. The bundled files themselves: ``test_demo_params.py``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit import demo
from reportkit.checks import Finding, check_report, has_errors
from reportkit.cli import main
from reportkit.errors import UsageError
from reportkit.model import Report, load_previous, load_report, paragraphs, slug_ok

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params"
BUNDLED = sorted(PARAMS.glob("qinghe-*/*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/params.schema.json"
R1_TO_R6 = {"R1", "R2", "R3", "R4", "R5", "R6"}
ITEMS = ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]


def _write(files: dict[str, str | bytes], root: Path) -> list[Path]:
    """Write the generated files; return the params files among them (ledgers are beside)."""
    paths = []
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
            continue
        path.write_text(content, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def _checked(paths: Iterable[Path]) -> dict[Path, tuple[Report, list[Finding]]]:
    out = {}
    for path in paths:
        report = load_report(path)
        out[path] = (report, check_report(report, load_previous(path, report)))
    return out


def _is_broken(report: Report) -> bool:
    return (report.agency.id, report.year) == demo.BROKEN


def _numbers(text: str) -> list[str]:
    """The table rows of a params file (what a seed changes)."""
    return re.findall(r"^\s+\w+: \[[\d, ]+\]$", text, re.M)


# ---------------------------------------------------------------- the command


def test_demo_command_regenerates_the_bundled_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"21 demo params files, and 4 ledger files written under {tmp_path} "
        "(7 agencies × 2022–2024)"
    ]
    written = sorted(tmp_path.glob("*/*.yaml"))
    assert [p.relative_to(tmp_path) for p in written] == [p.relative_to(PARAMS) for p in BUNDLED]
    for path in BUNDLED:
        assert (tmp_path / path.relative_to(PARAMS)).read_bytes() == path.read_bytes(), path
    assert main(["demo", "-o", str(tmp_path)]) == 0
    assert "0 demo params files written" in capsys.readouterr().out


def test_demo_command_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["demo", "--agencies", "9", "--years", "2024-2025", "--seed", "4", "-o", str(tmp_path)]
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == (
        f"18 demo params files, and 4 ledger files written under {tmp_path} "
        "(9 agencies × 2024–2025)"
    )
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*.*")} == set(
        demo.generate(9, (2024, 2025), 4)
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--years", "2024-2022"], ["--years '2024-2022'", "2022-2024"]),
        (["--years", "24"], ["--years '24'", "2022-2024"]),
        (["--agencies", "0"], ["--agencies 0", f"1 to {demo.MAX_AGENCIES}"]),
    ],
)
def test_demo_command_usage_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: list[str]
) -> None:
    assert main(["demo", *argv, "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and len(err.strip().splitlines()) == 1
    assert all(word in err for word in words), err
    assert not any(tmp_path.iterdir())


def test_demo_command_refuses_to_overwrite_a_differing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "-o", str(tmp_path)]) == 0
    edited = tmp_path / "qinghe-hrss" / "2023.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# my note\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["demo", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(edited) in err and "--force" in err
    assert edited.read_text(encoding="utf-8").endswith("# my note\n")
    assert main(["demo", "--force", "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("1 demo params file written")
    assert edited.read_bytes() == (PARAMS / "qinghe-hrss" / "2023.yaml").read_bytes()


# ---------------------------------------------------------------- 50 agencies × 3 years


@pytest.fixture(scope="module")
def district50(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Path, tuple[Report, list[Finding]]]:
    root = tmp_path_factory.mktemp("district50") / "params"
    return _checked(_write(demo.generate(agencies=50), root))


def test_50_agencies_pass_every_rule_but_the_deliberate_one(
    district50: dict[Path, tuple[Report, list[Finding]]],
) -> None:
    assert len(district50) == 150
    assert len({r.agency.id for r, _ in district50.values()}) == 50
    failing = {p.parent.name + "/" + p.stem: f for p, (_, f) in district50.items() if f}
    assert list(failing) == ["qinghe-market-regulation/2023"]
    assert [(f.rule, f.severity) for f in failing["qinghe-market-regulation/2023"]] == [
        ("R3", "error"),
        ("R3", "error"),
    ]


def test_50_agencies_are_marked_fictional_and_named_like_a_district(
    district50: dict[Path, tuple[Report, list[Finding]]],
) -> None:
    names = set()
    for path, (report, _) in district50.items():
        assert report.demo is True and report.agency.region == "临川市青禾区"
        assert report.agency.id == path.parent.name and slug_ok(report.agency.id)
        assert report.agency.id.startswith("qinghe-")
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0] == SCHEMA_LINE
        assert "演示数据（虚构）" in lines[1] and "Fictional demonstration data" in lines[2]
        names.add(report.agency.name)
    assert len(names) == 50
    for kind in ["发展和改革局", "财政局", "卫生健康委员会", "生态环境局青禾分局", "统计局"]:
        assert any(kind in name for name in names), kind
    assert any(name.endswith("街道办事处") for name in names)
    assert sum(name.endswith("人民政府") for name in names) >= 2


def test_50_agencies_have_the_narrative_shape_and_state_the_tables(
    district50: dict[Path, tuple[Report, list[Finding]]],
) -> None:
    for path, (report, _) in district50.items():
        items = report.overview.items
        assert [i.heading for i in items] == ITEMS
        for item in items:
            paras = paragraphs(item.text)
            assert 1 <= len(paras) <= 3, (path, item.heading)
            for para in paras:
                assert 80 <= len(para) <= 250, (path, item.heading, len(para), para)
                assert not re.search(r"\{\w+\}", para), (path, para)
        stated = re.search(r"政府信息公开申请(?:共)?\s*(\d+)\s*件", items[1].text)
        assert stated and int(stated.group(1)) == report.request_row("new")[6]
        assert "信息处理费" in report.other_matters.text
        assert report.request_row("new")[6] > 0  # type: ignore[operator]
        problems, fixes = (s.text for s in report.problems.subsections)
        assert re.search(r"^2\.", problems, re.M) and "三是" in fixes


def test_no_paragraph_is_shared_by_two_of_50_agencies_in_a_year(
    district50: dict[Path, tuple[Report, list[Finding]]],
) -> None:
    owners: dict[tuple[int, str], set[str]] = defaultdict(set)
    item_years: dict[tuple[str, str], set[int]] = defaultdict(set)
    for report, _ in district50.values():
        texts = [report.overview.intro, *(i.text for i in report.overview.items)]
        texts += [s.text for s in report.problems.subsections] + [report.other_matters.text]
        for text in texts:
            for para in paragraphs(text):
                owners[(report.year, para)].add(report.agency.id)
        for item in report.overview.items:
            for para in paragraphs(item.text):
                item_years[(report.agency.id, para)].add(report.year)
    assert [p for p, who in owners.items() if len(who) > 1] == []
    assert [p for p, years in item_years.items() if len(years) > 1] == []


def test_200_agencies_make_a_province_scale_benchmark() -> None:
    files = demo.params_files(demo.generate(agencies=200, years=(2024,)))
    ids = [name.split("/")[0] for name in files]
    assert len(ids) == len(set(ids)) == 200
    assert all(slug_ok(i) and re.fullmatch(r"qinghe-[a-z0-9-]+", i) for i in ids)
    assert ids[:7] == [a.id for a in demo.district(7)]
    assert sum(i.endswith(("-street", "-town")) for i in ids) > 150
    largest = demo.district(demo.MAX_AGENCIES, seed=1)
    assert len({a.id for a in largest}) == len({a.name for a in largest}) == demo.MAX_AGENCIES


# ---------------------------------------------------------------- seeds, prefixes, windows


def test_same_seed_same_bytes_other_seed_other_numbers() -> None:
    first = demo.generate(agencies=10, seed=11)
    assert first == demo.generate(agencies=10, seed=11)
    other = demo.generate(agencies=10, seed=12)
    bundled = demo.generate(agencies=10)
    assert first.keys() == other.keys() == bundled.keys()
    for name, content in first.items():
        if isinstance(content, bytes) or not _numbers(content):  # a ledger, or its params file
            ledger = next(n for n in first if n.startswith(name.split("/")[0] + "/ledger."))
            assert first[ledger] != other[ledger] and first[ledger] != bundled[ledger], name
            continue
        assert _numbers(content) != _numbers(other[name]), name  # type: ignore[arg-type]
        assert _numbers(content) != _numbers(bundled[name]), name  # type: ignore[arg-type]
    assert demo.generate(agencies=8, seed=0) != demo.generate(agencies=8)


def test_a_larger_district_starts_with_the_smaller_one() -> None:
    small, large = demo.generate(agencies=9, seed=5), demo.generate(agencies=40, seed=5)
    assert {name: large[name] for name in small} == small
    assert demo.district(40, seed=5)[:9] == demo.district(9, seed=5)


def test_years_are_windows_of_one_history(tmp_path: Path) -> None:
    bundled = demo.generate()
    later = demo.generate(years=(2024, 2025))
    assert {n: t for n, t in later.items() if n.endswith("2024.yaml")} == {
        n: t for n, t in bundled.items() if n.endswith("2024.yaml")
    }
    wide = demo.generate(agencies=12, years=range(2021, 2027), seed=3)
    assert demo.params_files(demo.generate(agencies=12, years=(2023,), seed=3)) == {
        n: t for n, t in wide.items() if n.endswith("/2023.yaml")
    }
    params = tmp_path / "params"
    _write(wide, params)
    for path, (report, findings) in _checked(sorted(params.glob("*/*.yaml"))).items():
        expected = {"R3"} if _is_broken(report) else set()
        assert {f.rule for f in findings} == expected, (path, [f.line() for f in findings])
        if report.year > 2021:
            assert load_previous(path, report) is not None


def test_2025_continues_the_bundled_2024(tmp_path: Path) -> None:
    params = tmp_path / "params"
    _write(demo.generate(), params)
    before = {p: load_report(p).requests for p in params.glob("*/2024.yaml")}
    # the ledgers grow by a year: they are rewritten, and still give 2022–2024 as they were
    assert demo.write(params, years=(2025,), force=True).written
    assert {p: load_report(p).requests for p in params.glob("*/2024.yaml")} == before
    for path in sorted(params.glob("*/2025.yaml")):
        report = load_report(path)
        previous = load_previous(path, report)
        assert previous is not None and previous.year == 2024
        assert check_report(report, previous) == [], path


# ---------------------------------------------------------------- --years and --agencies


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2022-2024", (2022, 2023, 2024)),
        ("2024", (2024,)),
        (" 2021 - 2022 ", (2021, 2022)),
        ("2023–2024", (2023, 2024)),
        ("2030-2030", (2030,)),
    ],
)
def test_parse_years(text: str, years: tuple[int, ...]) -> None:
    assert demo.parse_years(text) == years


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("", "write one year (2024) or a range A-B (2022-2024)"),
        ("2022..2024", "write one year (2024) or a range A-B (2022-2024)"),
        ("22-24", "write one year (2024) or a range A-B (2022-2024)"),
        ("2022,2024", "write one year (2024) or a range A-B (2022-2024)"),
        ("2024-2022", "write the earlier year first: 2022-2024"),
        ("2019-2022", "from 2021 to 2099"),
        ("2020", "from 2021 to 2099"),
        ("2098-2100", "2100 is too far ahead — write one year"),
    ],
)
def test_parse_years_errors_name_the_argument_value_and_fix(text: str, fix: str) -> None:
    with pytest.raises(UsageError) as info:
        demo.parse_years(text)
    message = str(info.value)
    assert message.startswith(f"--years {text!r}: ") and " — " in message
    assert fix in message


@pytest.mark.parametrize("agencies", [0, -3, demo.MAX_AGENCIES + 1])
def test_agencies_out_of_range_is_a_usage_error(agencies: int) -> None:
    with pytest.raises(UsageError, match=rf"^--agencies {agencies}: .* — give a whole number"):
        demo.generate(agencies=agencies)


def test_library_years_are_checked_too() -> None:
    with pytest.raises(UsageError, match="--years"):
        demo.generate(years=())
    with pytest.raises(UsageError, match="from 2021"):
        demo.generate(years=(2020, 2021))
    assert demo.params_files(demo.generate(agencies=1, years=(2023, 2022, 2023))).keys() == {
        "qinghe-education/2022.yaml",
        "qinghe-education/2023.yaml",
    }


# ---------------------------------------------------------------- writing


def test_write_refuses_a_differing_file_and_writes_nothing(tmp_path: Path) -> None:
    params = tmp_path / "params"
    first = demo.write(params, agencies=2)
    assert len(first.written) == 6 + 4 and first.unchanged == []  # both keep ledgers
    edited = params / "qinghe-education" / "2024.yaml"
    edited.write_text("agency: mine\n", encoding="utf-8")
    missing = params / "qinghe-education" / "2022.yaml"
    missing.unlink()
    with pytest.raises(UsageError) as info:
        demo.write(params, agencies=2)
    assert str(info.value).startswith(f"{edited}: exists and differs")
    assert "--force" in str(info.value)
    assert edited.read_text(encoding="utf-8") == "agency: mine\n" and not missing.exists()
    again = demo.write(params, agencies=2, force=True)
    assert sorted(again.written) == sorted([edited, missing]) and len(again.unchanged) == 8
    assert (
        edited.read_text(encoding="utf-8")
        == demo.generate(agencies=2)["qinghe-education/2024.yaml"]
    )


def test_write_names_every_differing_file_count(tmp_path: Path) -> None:
    demo.write(tmp_path, agencies=1)
    for path in tmp_path.glob("*/*.yaml"):
        path.write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"\(and 2 more\)"):
        demo.write(tmp_path, agencies=1)


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo.write(tmp_path, agencies=1)
    target = tmp_path / "qinghe-education" / "2023.yaml"
    target.write_text("old\n", encoding="utf-8")

    def fail(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match=rf"^{re.escape(str(target))}: cannot be written"):
        demo.write(tmp_path, agencies=1, force=True)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "2022.yaml",
        "2023.yaml",
        "2024.yaml",
        "case-register.csv",
        "ledger.xlsx",
    ]


def test_write_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "params"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="is not a folder"):
        demo.write(not_a_folder)


# ---------------------------------------------------------------- any seed, any small district


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=-(2**40), max_value=2**40),
    agencies=st.integers(min_value=1, max_value=12),
    first=st.integers(min_value=demo.EARLIEST_YEAR, max_value=2030),
    count=st.integers(min_value=1, max_value=3),
)
def test_every_seeded_district_validates(seed: int, agencies: int, first: int, count: int) -> None:
    years = tuple(range(first, first + count))
    files = demo.generate(agencies, years, seed)
    assert len(demo.params_files(files)) == agencies * count
    with tempfile.TemporaryDirectory() as tmp:
        for path, (report, findings) in _checked(_write(files, Path(tmp) / "params")).items():
            rules = {f.rule for f in findings}
            if _is_broken(report):
                assert rules == {"R3"} and has_errors(findings)
            else:
                assert not has_errors(findings) and not rules & R1_TO_R6, (
                    path.relative_to(tmp),
                    [f.line() for f in findings],
                )
            if report.year > first:
                assert load_previous(path, report) is not None
