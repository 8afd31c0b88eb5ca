"""Batch scheduling with a fake render: discovery, the inputs key, failures, fail-fast, CLI."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.batch import BatchResult, Outcome, run_batch
from reportkit.batch.discover import AgencyYear, discover, parse_year
from reportkit.batch.freshness import (
    STAMP_NAME,
    code_parts,
    default_notebooks_dir,
    inputs_key,
    read_stamp,
)
from reportkit.batch.progress import PlainProgress
from reportkit.cli import main
from reportkit.errors import UsageError
from tests.test_batch_helpers import REPO, FakeWork, make_params

ALL = {
    ("a-bureau", 2023),
    ("a-bureau", 2024),
    ("b-office", 2023),
    ("b-office", 2024),
    ("c-commission", 2023),
    ("c-commission", 2024),
}


@pytest.fixture
def params(tmp_path: Path) -> Path:
    """3 agencies × 2023, 2024 under tmp_path/params."""
    return make_params(tmp_path)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The outputs folder."""
    return tmp_path / "outputs"


def batch(params: Path, out: Path, work: FakeWork | None = None, **kw: object) -> BatchResult:
    """run_batch in this process with the fake render; no index (tests of it are elsewhere)."""
    kw.setdefault("jobs", 1)
    kw.setdefault("write_index", False)
    return run_batch(params, out, work=work or FakeWork(), **kw)  # type: ignore[arg-type]


def ids(outcomes: list[Outcome]) -> set[tuple[str, int]]:
    """(agency, year) of outcomes."""
    return {(o.agency_id, o.year) for o in outcomes}


# ---------------------------------------------------------------- discovery


def test_discover_finds_every_agency_year_sorted(params: Path) -> None:
    (params / "a-bureau" / "notes.yaml").write_text("x", encoding="utf-8")
    (params / "a-bureau" / "2024.ledger.csv").write_text("x", encoding="utf-8")
    (params / ".hidden").mkdir()
    (params / ".hidden" / "2024.yaml").write_text("x", encoding="utf-8")
    found = discover(params)
    assert [(a.agency_id, a.year) for a in found] == sorted(ALL)
    assert [a.year for a in discover(params, 2024)] == [2024, 2024, 2024]
    item = discover(params, 2024)[0]
    assert item.ledgers() == [params / "a-bureau" / "2024.ledger.csv"]
    assert item.previous_params() == params / "a-bureau" / "2023.yaml"


def test_discover_missing_folder_names_path_and_fix(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        discover(tmp_path / "nope")
    assert str(err.value) == (
        f"params folder {tmp_path / 'nope'}/ does not exist; pass --params DIR with the folder "
        "that holds <agency-id>/<year>.yaml files"
    )


def test_discover_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "params" / "x").mkdir(parents=True)
    with pytest.raises(UsageError, match=r"no params files under .*params/ \(expected"):
        discover(tmp_path / "params")


def test_discover_year_without_files_lists_years(params: Path) -> None:
    with pytest.raises(UsageError, match=r"no params files for 2031 .*found years: 2023, 2024"):
        discover(params, 2031)


@pytest.mark.parametrize("bad", ["abc", "24", "1999", "20245"])
def test_bad_year(bad: str) -> None:
    with pytest.raises(UsageError, match=rf"--year '{bad}' is not a report year"):
        parse_year(bad)


# ---------------------------------------------------------------- incremental


def test_second_run_renders_nothing(params: Path, out: Path) -> None:
    first = batch(params, out)
    assert ids(first.rendered) == ALL and first.exit_code == 0
    assert all(o.reason == "never rendered" for o in first.rendered)
    second = batch(params, out)
    assert second.rendered == [] and ids(second.up_to_date) == ALL and second.exit_code == 0


def test_changed_params_rerenders_that_year_and_the_next(params: Path, out: Path) -> None:
    batch(params, out)
    path = params / "b-office" / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    result = batch(params, out)
    assert ids(result.rendered) == {("b-office", 2023), ("b-office", 2024)}
    reasons = {(o.agency_id, o.year): o.reason for o in result.rendered}
    assert reasons == {
        ("b-office", 2023): "params changed",
        ("b-office", 2024): "an earlier year's params changed",
    }
    assert len(result.up_to_date) == 4


def test_touch_without_change_renders_nothing(params: Path, out: Path) -> None:
    batch(params, out)
    os.utime(params / "a-bureau" / "2023.yaml")
    assert batch(params, out).rendered == []


def test_new_previous_year_rerenders_the_next(params: Path, out: Path) -> None:
    batch(params, out, year=2023)
    (params / "a-bureau" / "2022.yaml").write_text(
        (params / "a-bureau" / "2023.yaml").read_text(encoding="utf-8").replace("2023", "2022"),
        encoding="utf-8",
    )
    result = batch(params, out, year=2023)
    assert ids(result.rendered) == {("a-bureau", 2023)}


def test_ledger_and_extra_inputs_are_in_the_key(params: Path, out: Path) -> None:
    ledger = params / "c-commission" / "2024.requests.csv"
    ledger.write_text("id,date\n1,2024-01-02\n", encoding="utf-8")
    batch(params, out)
    ledger.write_text("id,date\n1,2024-01-03\n", encoding="utf-8")
    assert ids(batch(params, out).rendered) == {("c-commission", 2024)}
    extra = params.parent / "district-ledger.csv"
    extra.write_text("a", encoding="utf-8")

    def extras(item: AgencyYear) -> list[Path]:
        return [extra] if item.agency_id == "a-bureau" else []

    assert ids(batch(params, out, extra_inputs=extras).rendered) == {
        ("a-bureau", 2023),
        ("a-bureau", 2024),
    }
    extra.write_text("b", encoding="utf-8")
    assert len(batch(params, out, extra_inputs=extras).rendered) == 2
    assert batch(params, out, extra_inputs=extras).rendered == []


def test_notebooks_change_rerenders_everything(params: Path, out: Path, tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "01_overview.ipynb").write_text("{}", encoding="utf-8")
    batch(params, out, notebooks_dir=notebooks)
    assert batch(params, out, notebooks_dir=notebooks).rendered == []
    (notebooks / "01_overview.ipynb").write_text('{"cells": []}', encoding="utf-8")
    result = batch(params, out, notebooks_dir=notebooks)
    assert ids(result.rendered) == ALL
    assert {o.reason for o in result.rendered} == {"notebooks changed"}


def test_key_covers_code_templates_and_version(params: Path) -> None:
    parts = code_parts()
    assert set(parts) == {"notebooks", "templates", "code", "version"}
    item = discover(params, 2024)[0]
    key = inputs_key(item, parts)
    changed = inputs_key(item, {**parts, "code": "0" * 64})
    assert key.key != changed.key
    assert key.key == inputs_key(item, dict(parts)).key


def test_notebooks_dir_rule_matches_render(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reportkit.render import locations, pipeline

    assert default_notebooks_dir is locations.default_notebooks_dir
    assert pipeline.default_notebooks_dir is locations.default_notebooks_dir
    assert default_notebooks_dir() == REPO / "notebooks"
    monkeypatch.setenv("REPORTKIT_NOTEBOOKS", str(tmp_path))
    assert default_notebooks_dir() == tmp_path


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: (d / "report.pdf").write_bytes(b""), "report.pdf is empty"),
        (lambda d: (d / "report.html").unlink(), "never rendered"),
        (lambda d: (d / "manifest.json").unlink(), "manifest.json missing"),
        (lambda d: (d / STAMP_NAME).write_text("{broken", encoding="utf-8"), "no inputs key"),
        (
            lambda d: (d / STAMP_NAME).write_text(
                '{"key": "x", "parts": {"params": "y"}}', encoding="utf-8"
            ),
            "params changed",
        ),
    ],
)
def test_damaged_output_is_rerendered(params: Path, out: Path, damage: object, reason: str) -> None:
    batch(params, out)
    damage(out / "2024" / "a-bureau")  # type: ignore[operator]
    result = batch(params, out)
    assert ids(result.rendered) == {("a-bureau", 2024)}
    assert reason in result.rendered[0].reason


def test_force_rerenders_everything(params: Path, out: Path) -> None:
    batch(params, out)
    result = batch(params, out, force=True)
    assert ids(result.rendered) == ALL and {o.reason for o in result.rendered} == {"forced"}


def test_year_limits_the_batch(params: Path, out: Path) -> None:
    result = batch(params, out, year="2024")
    assert ids(result.outcomes) == {a for a in ALL if a[1] == 2024}
    assert sorted(batch(params, out, year=2024, write_index=True).indexes) == [2024]


# ---------------------------------------------------------------- failures


def test_failure_does_not_stop_the_others(params: Path, out: Path) -> None:
    result = batch(params, out, FakeWork(fail=frozenset({"b-office"})))
    assert ids(result.failed) == {("b-office", 2023), ("b-office", 2024)}
    assert len(result.rendered) == 4 and result.exit_code == 1
    failed = result.failed[0]
    assert "section 03_requests" in failed.message
    assert failed.failed_notebook is not None and Path(failed.failed_notebook).is_file()
    assert read_stamp(out / "2023" / "b-office") is None
    again = batch(params, out)
    assert ids(again.rendered) == {("b-office", 2023), ("b-office", 2024)}
    assert {o.reason for o in again.rendered} == {"last run failed"}
    assert again.exit_code == 0


def test_a_raising_work_function_is_a_failure(params: Path, out: Path) -> None:
    result = batch(params, out, FakeWork(crash=frozenset({"c-commission"})), year=2024)
    assert [(o.agency_id, o.status) for o in result.outcomes] == [
        ("a-bureau", "rendered"),
        ("b-office", "rendered"),
        ("c-commission", "failed"),
    ]
    assert result.failed[0].message == "RuntimeError: bug while rendering c-commission"


def test_invalid_params_is_reported_and_the_rest_rendered(params: Path, out: Path) -> None:
    (params / "a-bureau" / "2024.yaml").write_text("agency: [", encoding="utf-8")
    result = batch(params, out, year=2024)
    assert [o.status for o in result.outcomes] == ["invalid", "rendered", "rendered"]
    assert result.exit_code == 1


def test_fail_fast_stops_at_the_first_failure(params: Path, out: Path) -> None:
    result = batch(params, out, FakeWork(fail=frozenset({"a-bureau"})), fail_fast=True)
    statuses = {(o.agency_id, o.year): o.status for o in result.outcomes}
    assert statuses[("a-bureau", 2023)] == "failed"
    assert list(statuses.values()).count("not run") == 5
    assert result.exit_code == 1


def test_parallel_workers(params: Path, out: Path) -> None:
    """Spawned worker processes: the fake work and its results cross process boundaries."""
    result = run_batch(params, out, jobs=2, work=FakeWork(fail=frozenset({"c-commission"})))
    assert len(result.rendered) == 4 and len(result.failed) == 2
    assert ids(run_batch(params, out, jobs=2, work=FakeWork()).rendered) == {
        ("c-commission", 2023),
        ("c-commission", 2024),
    }


def test_parallel_fail_fast_submits_nothing_more(params: Path, out: Path) -> None:
    result = run_batch(
        params,
        out,
        jobs=2,
        fail_fast=True,
        work=FakeWork(fail=frozenset({"a-bureau"}), delay=0.3),
    )
    assert len(result.not_run) >= 3
    assert result.exit_code == 1


def test_strict_refuses_rule_errors_and_reports_them(params: Path, out: Path) -> None:
    path = params / "c-commission" / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("review: [1, 0, 0, 0, 1]", "review: [1, 0, 0, 0, 7]"), "utf-8")
    lenient = batch(params, out, year=2024)
    assert [o.errors for o in lenient.outcomes] == [0, 0, 1] and lenient.exit_code == 0
    strict = batch(params, out, year=2024, strict=True, force=True)
    assert [o.status for o in strict.outcomes] == ["rendered", "rendered", "refused"]
    assert strict.exit_code == 1


def test_plain_progress_lines(params: Path, out: Path) -> None:
    stream = io.StringIO()
    batch(
        params,
        out,
        FakeWork(fail=frozenset({"b-office"})),
        year=2024,
        progress=PlainProgress(stream),
    )
    lines = stream.getvalue().splitlines()
    assert lines[0] == "0 up to date, 3 to render"
    assert [re.sub(r" \(\d+\.\d s\)", "", line) for line in lines[1:]] == [
        "[1/3] rendered a-bureau 2024",
        "[2/3] failed b-office 2024: section 03_requests, cell 4: ValueError: boom",
        "[3/3] rendered c-commission 2024",
    ]


def test_a_dying_worker_fails_its_agency_and_the_batch_goes_on(params: Path, out: Path) -> None:
    result = run_batch(params, out, jobs=2, work=FakeWork(die=frozenset({"a-bureau"})), year=2023)
    statuses = {o.agency_id: o.status for o in result.outcomes}
    assert statuses["a-bureau"] == "failed"
    assert "the worker process died" in result.failed[0].message
    assert statuses["b-office"] == "rendered"  # in the same pool, run again alone
    assert statuses["c-commission"] == "rendered"  # submitted after the pool was replaced
    assert result.exit_code == 1


# ---------------------------------------------------------------- CLI


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``reportkit`` in this process; returns exit code, stdout, stderr."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fake_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's batch renders with the fake."""
    monkeypatch.setattr("reportkit.batch.run.default_work", lambda: FakeWork())


@pytest.mark.usefixtures("fake_default")
def test_cli_batch_summary_and_exit_codes(
    params: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["batch", "--params", str(params), "--out", str(out), "-j", "1"]
    code, stdout, stderr = cli(args, capsys)
    assert code == 0
    assert "6 rendered, 0 up to date (skipped), 0 failed" in stdout
    assert f"Index 2024: {out / '2024' / 'index.html'}" in stdout
    assert f"All years: {out / 'index.html'}" in stdout
    assert "0 up to date, 6 to render" in stderr
    code, stdout, _ = cli(args, capsys)
    assert code == 0
    assert "0 rendered, 6 up to date (skipped), 0 failed" in stdout
    assert "Nothing to render: every agency-year is up to date." in stdout


def test_cli_failure_exit_1(
    params: Path, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "reportkit.batch.run.default_work", lambda: FakeWork(fail=frozenset({"a-bureau"}))
    )
    code, stdout, _ = cli(["batch", "--params", str(params), "--out", str(out), "-j1"], capsys)
    assert code == 1
    assert "4 rendered, 0 up to date (skipped), 2 failed" in stdout
    assert "failed notebook:" in stdout and "03_requests.ipynb" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--params", "{tmp}/missing"],
            "Error: params folder {tmp}/missing/ does not exist; pass --params DIR with the "
            "folder that holds <agency-id>/<year>.yaml files\n",
        ),
        (
            ["--params", "{tmp}/params", "--year", "20x4"],
            "Error: --year '20x4' is not a report year; use a four-digit year between 2008 "
            "and 2100, e.g. --year 2024\n",
        ),
    ],
)
def test_cli_unusable_arguments_exit_2(
    params: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["batch", *(a.format(tmp=tmp_path) for a in args)]
    code, stdout, stderr = cli(argv, capsys)
    assert code == 2 and stdout == ""
    assert stderr == message.format(tmp=tmp_path)


# ---------------------------------------------------------------- Ctrl-C

INTERRUPT_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from tests.test_batch_helpers import FakeWork
import reportkit.batch.run
reportkit.batch.run.default_work = lambda: FakeWork(delay={delay})
from reportkit.cli import main
sys.exit(main(["batch", "--params", {params!r}, "--out", {out!r}, "-j", "2"]))
"""


def _workers(pid: int) -> set[int]:
    """The spawned worker processes of ``pid`` (not multiprocessing's resource tracker)."""
    out = subprocess.run(
        ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return {int(line.split()[0]) for line in out.stdout.splitlines() if "spawn_main" in line}


def test_ctrl_c_stops_workers_and_the_next_run_picks_up(params: Path, out: Path) -> None:
    script = INTERRUPT_SCRIPT.format(root=str(REPO), delay=1.5, params=str(params), out=str(out))
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob("*/*/" + STAMP_NAME)) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _workers(proc.pid)
        assert workers, "no worker processes seen"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Interrupted:" in stderr and "Run the same command again to continue." in stderr
    assert "Traceback" not in stderr
    time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert alive == [], "worker processes left running"
    stamped = {(p.parent.name, int(p.parent.parent.name)) for p in out.glob("*/*/" + STAMP_NAME)}
    assert 1 <= len(stamped) < 6
    assert not list(out.glob("**/*.tmp"))
    again = run_batch(params, out, jobs=1, work=FakeWork())
    assert ids(again.rendered) == ALL - stamped
    assert ids(again.up_to_date) == stamped


# ---------------------------------------------------------------- a folder that names another agency


def _copied_agency(tmp_path: Path, folder: str, agency_id: str) -> Path:
    """A district folder not named ``params`` (batch takes any), with ``folder``/2024.yaml
    copied from ``a-bureau`` (2023 too) and its ``agency.id`` set to ``agency_id``."""
    district = make_params(tmp_path).rename(tmp_path / "district 区")
    copy = district / folder
    copy.mkdir(exist_ok=True)
    for year in (2023, 2024):
        text = (district / "a-bureau" / f"{year}.yaml").read_text(encoding="utf-8")
        text = text.replace("id: a-bureau", f"id: {agency_id}", 1)
        (copy / f"{year}.yaml").write_text(text, encoding="utf-8")
    return district


def test_a_copied_file_naming_another_agency_renders_nothing_and_says_why(
    tmp_path: Path, out: Path
) -> None:
    district = _copied_agency(tmp_path, "a-bureau-copy", "a-bureau")
    log = tmp_path / "work.log"
    result = batch(district, out, FakeWork(log=str(log)))
    by_id = {(o.agency_id, o.year): o for o in result.outcomes}
    for year in (2023, 2024):
        copy = by_id[("a-bureau-copy", year)]
        assert copy.status == "invalid"
        assert "agency.id" in copy.message and "a-bureau-copy/" in copy.message
        assert "'a-bureau'" in copy.message and "overwrite" in copy.message
        assert (
            f"correct agency.id to 'a-bureau-copy', or move the file to {district / 'a-bureau'}/"
            in copy.message
        )
        assert by_id[("a-bureau", year)].status == "rendered"
    started = log.read_text(encoding="utf-8")
    assert "a-bureau-copy" not in started  # the render never started for the copy
    assert result.exit_code == 1
    again = batch(district, out, FakeWork(log=str(log)))  # refused again, the others kept
    assert {o.status for o in again.outcomes if o.agency_id == "a-bureau-copy"} == {"invalid"}
    assert {o.status for o in again.outcomes if o.agency_id != "a-bureau-copy"} == {"up to date"}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    folder=st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True),
    agency_id=st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True),
)
def test_a_params_file_is_refused_exactly_when_its_folder_names_another_agency(
    tmp_path_factory: pytest.TempPathFactory, folder: str, agency_id: str
) -> None:
    from reportkit.errors import ParamsError
    from reportkit.model.params import check_agency_folder

    path = tmp_path_factory.mktemp("d") / folder / "2024.yaml"
    path.parent.mkdir()
    path.write_text(f"agency:\n  id: {agency_id}\n  name: 某局\nyear: 2024\n", encoding="utf-8")
    if folder == agency_id:
        check_agency_folder(path, folder)
    else:
        with pytest.raises(ParamsError, match=re.escape(f"agency.id is {agency_id!r}")):
            check_agency_folder(path, folder)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["-j", "0"], "argument -j/--jobs: 0 is less than 1: give 1 or more"),
        (["-j", "-1"], "argument -j/--jobs: -1 is less than 1"),
        (["-j", "two"], "argument -j/--jobs: 'two' is not a whole number"),
        (["--lock-wait", "-1"], "argument --lock-wait: -1 is not a number of seconds ≥ 0"),
        (["--lock-wait", "inf"], "argument --lock-wait: inf is not a number of seconds ≥ 0"),
        (["--lock-wait", "nan"], "argument --lock-wait: nan is not a number of seconds ≥ 0"),
    ],
)
def test_bad_counts_and_seconds_are_refused_before_anything_runs(
    params: Path, out: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["batch", "--params", str(params), "--out", str(out), *argv])
    assert stop.value.code == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_an_earlier_year_naming_another_agency_feeds_no_later_year(
    tmp_path: Path, out: Path
) -> None:
    """2023.yaml of a-bureau's folder says agency.id b-office: refused, and 2024 (whose R5, R6,
    history chart and comparison would read it) is not rendered or compared against it."""
    params = make_params(tmp_path).rename(tmp_path / "区")
    only = tmp_path / "one"
    only.mkdir()
    (params / "a-bureau").rename(only / "a-bureau")  # alone in its folder: no params tree
    earlier = only / "a-bureau" / "2023.yaml"
    earlier.write_text(
        earlier.read_text(encoding="utf-8").replace("id: a-bureau", "id: b-office", 1),
        encoding="utf-8",
    )
    result = run_batch(only, out, jobs=1, work=FakeWork(), write_index=False)
    by_year = {o.year: o for o in result.outcomes}
    assert by_year[2023].status == "invalid" and "'b-office'" in by_year[2023].message
    assert by_year[2024].status == "invalid"
    assert "names agency.id 'b-office'" in by_year[2024].message
    assert [c.status for c in result.comparisons] == ["failed"]
    assert not (out / "2024" / "a-bureau" / "compare.html").exists()
    from reportkit.cli import main as cli

    assert cli(["check", str(only / "a-bureau" / "2024.yaml")]) == 2  # check says it too


def test_run_refuses_a_file_whose_folder_in_a_params_tree_names_another_agency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = make_params(tmp_path).rename(tmp_path / "tree")  # any name: its folders are agencies
    path = params / "a-bureau" / "2024.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: a-bureau", "id: b-office", 1),
        encoding="utf-8",
    )
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "the folder is a-bureau/ but agency.id is 'b-office'" in err
    assert not (tmp_path / "o").exists()
    assert main(["check", str(path)]) == 2


def test_files_batch_does_not_read_are_named_with_their_right_name(
    params: Path, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reportkit.cli.batch.run_batch", lambda *a, **k: BatchResult([], 0.0))
    text = (params / "a-bureau" / "2024.yaml").read_text(encoding="utf-8")
    for name in ("2022.yml", "2021 copy.yaml", "2020.YAML"):
        (params / "a-bureau" / name).write_text(text, encoding="utf-8")
    (params / "top.yaml").write_text(text, encoding="utf-8")
    (params / "a-bureau" / "2024.ledger.csv").write_text("编号\n", encoding="utf-8")
    main(["batch", "--params", str(params), "--out", str(out), "--year", "2024", "-j", "1"])
    notes = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("note: ")]
    folder = params / "a-bureau"
    assert notes == [
        f"note: {params / 'top.yaml'} is not read: params files are {params}/<agency-id>/"
        "<year>.yaml — move it into its agency's folder",
        f"note: {folder / '2020.YAML'} is not read: rename it to {folder / '2020.yaml'} if it is a report",
        f"note: {folder / '2021 copy.yaml'} is not read: rename it to {folder / '2021.yaml'} if it is a report",
        f"note: {folder / '2022.yml'} is not read: rename it to {folder / '2022.yaml'} if it is a report",
    ]
