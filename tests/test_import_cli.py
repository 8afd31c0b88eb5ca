"""``reportkit import``: exit codes 0/3/2, the params file it writes, and refusing to overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.cli import main
from reportkit.model.params import load_report

HERE = Path(__file__).resolve()
FIXTURES = HERE.parents[2] / "shared" / "fixtures" / "reports"
SEED_TXT = HERE.parents[2] / "shared" / "seeds" / "000_083e95083e692b05.txt"
FLATTENED = FIXTURES / "06_pingtan_zonghe_shiyanqu_2023.txt"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in err
    return lines[0]


def test_complete_import_exits_0_and_writes_the_default_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run([str(SEED_TXT), "--agency-id", "xigong-education"], capsys)
    assert code == 0
    target = tmp_path / "params" / "xigong-education" / "2024.yaml"
    assert str(target.relative_to(tmp_path)) in out
    report = load_report(target)
    assert report.year == 2024 and report.uncertain == []
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Imported by `reportkit import` from 000_083e95083e692b05.txt")
    assert not list(target.parent.glob(".*.tmp"))


def test_uncertain_cells_exit_3_listed_and_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.yaml"
    code, _, err = _run([str(FLATTENED), "--agency-id", "pingtan", "-o", str(target)], capsys)
    assert code == 3
    report = load_report(target)
    assert "requests.new.total" in report.uncertain
    for path in report.uncertain:
        assert f"  {path}\n" in err
    assert "uncertain cell(s)" in err


def test_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = _run(
        [str(SEED_TXT), "--agency-id", "xigong-education", "-o", str(target)], capsys
    )
    assert code == 2
    line = _one_error_line(err)
    assert str(target) in line and "--force" in line
    assert target.read_text(encoding="utf-8") == "mine\n"
    args = [str(SEED_TXT), "--agency-id", "xigong-education", "-o", str(target), "--force"]
    code, _, _ = _run(args, capsys)
    assert code == 0
    assert load_report(target).agency.name == "西工区教育局"


@pytest.mark.parametrize(
    ("content", "args", "names"),
    [
        (None, [], "no such file"),
        (b"\xff\xfe\x00", [], "byte-order mark"),
        (b"\x81\x30\xff\xff not text", [], "neither UTF-8 nor GB18030"),
        (b"just a shopping list\nmilk\n", [], "no section headings"),
        (SEED_TXT.read_bytes().replace("2024 年政府".encode(), "年政府".encode()), [], "--year"),
        (SEED_TXT.read_bytes(), ["--agency-id", "Bad Id"], "not a valid agency id"),
        (SEED_TXT.read_bytes(), ["--year", "1999"], "out of range"),
    ],
    ids=[
        "missing",
        "utf16-bom-garbage",
        "undecodable",
        "not-a-report",
        "no-year",
        "bad-id",
        "year",
    ],
)
def test_unusable_input_exits_2_with_one_error_line(
    content: bytes | None,
    args: list[str],
    names: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "report.txt"
    if content is not None:
        source.write_bytes(content)
    agency = [] if "--agency-id" in args else ["--agency-id", "some-agency"]
    code, _, err = _run([str(source), *agency, *args, "-o", str(tmp_path / "o.yaml")], capsys)
    assert code == 2
    line = _one_error_line(err)
    assert names in line
    assert not (tmp_path / "o.yaml").exists()


def test_output_that_is_a_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run([str(SEED_TXT), "--agency-id", "x", "-o", str(tmp_path)], capsys)
    assert code == 2
    assert "is a directory" in _one_error_line(err)


def test_target_named_for_another_year_is_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "params" / "xigong-education" / "2023.yaml"
    code, _, err = _run(
        [str(SEED_TXT), "--agency-id", "xigong-education", "-o", str(target)], capsys
    )
    assert code == 2
    assert "2024.yaml" in _one_error_line(err)
    assert not target.exists()
