"""`reportkit check` exit codes and JSON; errors are one line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reportkit.cli import main

from .conftest import SEED_PARAMS

SEED = SEED_PARAMS.read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, year: int = 2024) -> Path:
    path = tmp_path / "params" / "xigong-education" / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED_PARAMS)]) == 0
    assert "0 error(s), 1 warning(s)" in capsys.readouterr().out


def test_rule_error_exits_1_and_names_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path, SEED.replace("  new: [0, 0, 0, 0, 0, 0, 0]", "  new: [4, 0, 0, 0, 0, 0, 4]")
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "R3 error 表三 自然人列: 一 + 二 = 4 ≠ 三（七）+ 四 = 0" in out


def test_worst_exit_code_over_several_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, "- a list\n")
    assert main(["check", str(SEED_PARAMS), str(bad)]) == 2


def test_check_json_has_tables_findings_and_previous_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = SEED.replace("year: 2024", "year: 2023").replace(
        "  carried_forward: [0, 0, 0, 0, 0, 0, 0]", "  carried_forward: [1, 0, 0, 0, 0, 0, 1]"
    )
    _write(tmp_path, previous, 2023)
    path = _write(tmp_path, SEED)
    assert main(["check", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["tables"]["requests"]["new"] == [0] * 7
    assert data["previous_year"].endswith("2023.yaml")
    r5 = [f for f in data["findings"] if f["rule"] == "R5"]
    assert {f["where"] for f in r5} == {
        "表三 二、上年结转政府信息公开申请数量 × 自然人",
        "表三 二、上年结转政府信息公开申请数量 × 总计",
    }
    assert all({"rule", "severity", "where", "message"} <= set(f) for f in data["findings"])


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, "agency: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "reportkit", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_export_requires_json_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", str(SEED_PARAMS)])
    assert info.value.code == 2
