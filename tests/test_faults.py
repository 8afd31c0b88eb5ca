"""Faults leave true records, without kernels: a file in the way, a full disk, locks, signals.

Kernel deaths, hung cells and a real full disk are in ``test_faults_kernel.py``. Every case
here checks the same three things: one clear message (no traceback), no good output replaced
by a partial one, and a next run that completes what is missing.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reportkit.batch import run_batch
from reportkit.batch.freshness import STAMP_NAME
from reportkit.batch.units import LAST_RUN_NAME
from reportkit.cli import main
from reportkit.render import pipeline as render_mod
from reportkit.render.pipeline import render_agency_year
from reportkit.render.safety import HOLDER_NAME, deferred_signals, output_lock
from tests.test_batch_helpers import REPO, FakeWork, make_params
from tests.test_run_units import _fake_pdf, _fake_run

from .conftest import SEED_PARAMS

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def params(tmp_path: Path) -> Path:
    return make_params(tmp_path, years=(2024,))


@pytest.fixture
def fake_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """render_agency_year without kernels: sections and PDF faked, the rest real."""
    monkeypatch.setattr(render_mod, "_run", _fake_run)
    monkeypatch.setattr(render_mod, "_pdf", _fake_pdf)


def leftovers(root: Path) -> list[Path]:
    """Work folders, temp files and lock records a finished run must not leave."""
    patterns = (".render-*", ".old-*", "*.tmp", "*.part", HOLDER_NAME)
    return sorted(p for pattern in patterns for p in root.rglob(pattern))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# ---------------------------------------------------------------- an output path that is a file


@pytest.mark.parametrize("command", ["run", "batch"])
def test_out_that_is_a_file_is_one_line_exit_2(
    tmp_path: Path, params: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "outputs"
    blocker.write_text("not a folder", encoding="utf-8")
    target = [str(SEED_PARAMS)] if command == "run" else ["--params", str(params)]
    assert main([command, *target, "--out", str(blocker / "sub")]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"Error: --out {blocker / 'sub'} is inside {blocker}, a file, not a folder — give a "
        "folder for the outputs (it is created when missing), e.g. --out outputs\n"
    )
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_agency_folder_that_is_a_file_fails_that_agency_only(tmp_path: Path, params: Path) -> None:
    out = tmp_path / "out"
    blocker = out / "2024" / "b-office"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("in the way", encoding="utf-8")
    result = run_batch(params, out, jobs=1, work=FakeWork())
    statuses = {o.agency_id: o.status for o in result.outcomes}
    assert statuses == {"a-bureau": "rendered", "b-office": "failed", "c-commission": "rendered"}
    failed = result.failed[0]
    assert failed.message == (
        f"the output folder {blocker} cannot be created: a file is in the way ({blocker}) — "
        "move that file, or choose another --out"
    )
    assert blocker.read_text(encoding="utf-8") == "in the way"
    blocker.unlink()
    again = run_batch(params, out, jobs=1, work=FakeWork())
    assert [o.agency_id for o in again.rendered] == ["b-office"] and again.exit_code == 0


@pytest.mark.usefixtures("fake_render")
def test_render_into_a_file_fails_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "xigong-education").write_text("x", encoding="utf-8")
    result = render_agency_year(SEED_PARAMS, tmp_path)
    assert result.status == "failed" and result.failed_notebook is None
    assert "cannot be created: a file is in the way" in result.message
    assert "\n" not in result.message


# ---------------------------------------------------------------- a full disk


@pytest.mark.usefixtures("fake_render")
def test_full_disk_at_the_pdf_keeps_the_earlier_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render_agency_year(SEED_PARAMS, tmp_path).status == "rendered"
    out = tmp_path / "2024" / "xigong-education"
    before = snapshot(out)

    def full(html: str, path: Path) -> None:
        path.write_bytes(b"%PDF-1.7 half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(render_mod, "_pdf", full)
    result = render_agency_year(SEED_PARAMS, tmp_path)
    assert result.status == "failed"
    assert result.message.startswith("xigong-education 2024: no space left on the device (")
    assert result.message.endswith(
        f"free space on the disk that holds {out}, then run again; the earlier outputs were kept"
    )
    after = snapshot(out)
    for name in ("report.html", "report.pdf", "report.ipynb"):
        assert after[name] == before[name], f"{name} was replaced"
    assert leftovers(tmp_path) == []


@pytest.mark.usefixtures("fake_render")
def test_full_disk_even_for_the_manifest_keeps_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render_agency_year(SEED_PARAMS, tmp_path).status == "rendered"
    out = tmp_path / "2024" / "xigong-education"
    before = snapshot(out)

    def no_space(*args: Any, **kwargs: Any) -> None:
        raise ENOSPC

    monkeypatch.setattr(render_mod, "_pdf", no_space)
    monkeypatch.setattr(render_mod, "build_manifest", no_space)
    result = render_agency_year(SEED_PARAMS, tmp_path)
    assert result.status == "failed" and "no space left on the device" in result.message
    assert snapshot(out) == before, "the manifest of the good report stays, true to its files"
    assert leftovers(tmp_path) == []


def test_full_disk_for_the_batch_records(
    tmp_path: Path, params: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"

    def no_space(path: Path, data: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("reportkit.batch.units._write_json", no_space)
    result = run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)
    assert [o.status for o in result.outcomes] == ["rendered"] * 3
    for outcome in result.outcomes:
        assert "the outcome could not be recorded: no space left on the device" in outcome.message
    assert not list(out.rglob(STAMP_NAME)) and not list(out.rglob(LAST_RUN_NAME))
    monkeypatch.undo()
    again = run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)
    assert len(again.rendered) == 3, "without a record they are rendered again"


def test_full_disk_for_the_index_is_one_error_line_exit_1(
    tmp_path: Path,
    params: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def no_space(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("reportkit.batch.run.default_work", lambda: FakeWork())
    monkeypatch.setattr("reportkit.batch.index.write_text_atomic", no_space)
    out = tmp_path / "out"
    code = main(["batch", "--params", str(params), "--out", str(out), "-j", "1"])
    captured = capsys.readouterr()
    assert code == 1
    assert "3 rendered, 0 up to date (skipped), 0 failed" in captured.out
    errors = [line for line in captured.err.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: the index was not written: no space left on the device "
        f"({out / '2024' / 'index.html'}) — free space on the disk that holds {out}, "
        "then run again; the earlier outputs were kept"
    ]
    assert "Traceback" not in captured.err


# ---------------------------------------------------------------- locks


@contextmanager
def held_elsewhere(folder: Path, seconds: float = 30.0) -> Iterator[threading.Event]:
    """Hold ``folder``'s lock in another thread (another holder) until the event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with output_lock(folder, wait=0):
            taken.set()
            release.wait(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        yield release
    finally:
        release.set()
        thread.join()


@pytest.mark.usefixtures("fake_render")
def test_run_refuses_a_folder_being_rendered_and_names_the_holder(tmp_path: Path) -> None:
    out = tmp_path / "2024" / "xigong-education"
    with held_elsewhere(out):
        result = render_agency_year(SEED_PARAMS, tmp_path)
    assert result.status == "failed"
    assert result.message.startswith(
        f"xigong-education 2024: {out}/ is being rendered by reportkit process {os.getpid()} on "
    )
    assert result.message.endswith(
        "— run again when it has finished; two processes never write one folder at once"
    )
    assert sorted(p.name for p in out.iterdir()) == [], "nothing written meanwhile"
    assert render_agency_year(SEED_PARAMS, tmp_path).status == "rendered"
    assert leftovers(tmp_path) == []


def test_batch_waits_for_a_held_folder_then_renders(tmp_path: Path, params: Path) -> None:
    out = tmp_path / "out"
    with held_elsewhere(out / "2024" / "b-office") as release:
        threading.Timer(1.0, release.set).start()
        started = time.monotonic()
        result = run_batch(params, out, jobs=1, work=FakeWork(), lock_wait=30)
    assert time.monotonic() - started >= 1.0
    assert len(result.rendered) == 3 and result.exit_code == 0


def test_batch_gives_up_on_a_folder_held_too_long_and_touches_nothing(
    tmp_path: Path, params: Path
) -> None:
    out = tmp_path / "out"
    held = out / "2024" / "b-office"
    with held_elsewhere(held):
        result = run_batch(params, out, jobs=1, work=FakeWork(), lock_wait=0.5)
    statuses = {o.agency_id: o.status for o in result.outcomes}
    assert statuses == {"a-bureau": "rendered", "b-office": "failed", "c-commission": "rendered"}
    assert "is being rendered by reportkit process" in result.failed[0].message
    assert "(waited 0 s)" not in result.failed[0].message
    assert sorted(p.name for p in held.iterdir()) == [], "the other process's folder untouched"
    assert result.exit_code == 1


def test_index_is_written_by_one_process_at_a_time(
    tmp_path: Path, params: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr("reportkit.batch.run.INDEX_LOCK_WAIT", 0.3)
    with held_elsewhere(out):
        result = run_batch(params, out, jobs=1, work=FakeWork())
    assert result.index_error is not None and result.exit_code == 1
    assert result.index_error.startswith(f"the index was not written: {out}/ has its index ")
    assert not (out / "2024" / "index.html").exists()
    again = run_batch(params, out, jobs=1, work=FakeWork())
    assert again.index_error is None and (out / "2024" / "index.html").is_file()


def test_the_lock_is_reentrant_in_one_thread(tmp_path: Path) -> None:
    with output_lock(tmp_path, wait=0), output_lock(tmp_path, wait=0):
        assert (tmp_path / HOLDER_NAME).is_file()
    assert not (tmp_path / HOLDER_NAME).exists()
    with output_lock(tmp_path, wait=0):
        pass


CONCURRENT_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from tests.test_batch_helpers import FakeWork
import reportkit.batch.run
reportkit.batch.run.default_work = lambda: FakeWork(delay=0.3, log={log!r})
from reportkit.cli import main
sys.exit(main(["batch", "--params", {params!r}, "--out", {out!r}, "-j", {jobs!r}]))
"""


def test_two_concurrent_batches_never_write_one_folder_at_once(tmp_path: Path) -> None:
    params = make_params(tmp_path)  # 3 agencies × 2 years
    out, log = tmp_path / "out", tmp_path / "renders.log"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CONCURRENT_SCRIPT.format(
                    root=str(REPO), log=str(log), params=str(params), out=str(out), jobs=jobs
                ),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for jobs in ("2", "1")
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_stdout, stderr) in zip(procs, results, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    starts: dict[tuple[str, str, str], int] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        what, agency, year, ns, pid = line.split()
        if what == "start":
            starts[(agency, year, pid)] = int(ns)
        else:
            spans.setdefault((agency, year), []).append((starts[(agency, year, pid)], int(ns)))
    assert len(spans) == 6
    assert all(len(s) == 1 for s in spans.values()), "each agency-year rendered once"
    counts = [re.search(r"(\d+) rendered, (\d+) up to date", r[0]) for r in results]
    rendered = [int(m.group(1)) for m in counts if m]
    assert sum(rendered) == 6, [r[0] for r in results]
    assert leftovers(out) == []
    for folder in out.glob("*/*"):
        if folder.is_dir():
            assert (folder / STAMP_NAME).is_file() and (folder / "report.html").is_file()


# ---------------------------------------------------------------- signals


def test_signals_wait_while_files_are_published() -> None:
    received: list[str] = []
    with pytest.raises(KeyboardInterrupt), deferred_signals():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        received.append("published")
    assert received == ["published"]


SIGNAL_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from tests.test_batch_helpers import FakeWork
import reportkit.batch.run
reportkit.batch.run.default_work = lambda: FakeWork(delay={delay})
from reportkit.cli import main
sys.exit(main(["batch", "--params", {params!r}, "--out", {out!r}, "-j", "2"]))
"""


def _workers(pid: int) -> set[int]:
    out = subprocess.run(
        ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return {int(line.split()[0]) for line in out.stdout.splitlines() if "spawn_main" in line}


def _gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while (alive := {p for p in pids if Path(f"/proc/{p}").exists() and _running(p)}) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    return alive


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_batch(params: Path, out: Path, delay: float) -> subprocess.Popen[str]:
    script = SIGNAL_SCRIPT.format(root=str(REPO), delay=delay, params=str(params), out=str(out))
    return subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for_first_stamp(out: Path, proc: subprocess.Popen[str]) -> set[int]:
    deadline = time.monotonic() + 60
    while not list(out.glob("*/*/" + STAMP_NAME)) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _workers(proc.pid)
    assert workers, "no worker processes seen"
    return workers


def _stamped(out: Path) -> set[tuple[str, int]]:
    return {(p.parent.name, int(p.parent.parent.name)) for p in out.glob("*/*/" + STAMP_NAME)}


def test_sigterm_mid_batch_stops_cleanly_and_the_next_run_completes(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    out = tmp_path / "out"
    proc = _start_batch(params, out, delay=1.5)
    try:
        workers = _wait_for_first_stamp(out, proc)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143, stderr
    assert "Terminated (SIGTERM):" in stderr and "Run the same command again to continue." in stderr
    assert "Traceback" not in stderr
    assert _gone(workers, 10) == set(), "worker processes left running"
    assert leftovers(out) == []
    stamped = _stamped(out)
    assert 1 <= len(stamped) < 6
    again = run_batch(params, out, jobs=1, work=FakeWork())
    assert {(o.agency_id, o.year) for o in again.up_to_date} == stamped
    assert len(again.rendered) == 6 - len(stamped) and again.exit_code == 0


def test_kill_9_of_the_batch_workers_finish_their_render_then_end(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    out = tmp_path / "out"
    proc = _start_batch(params, out, delay=1.0)
    try:
        workers = _wait_for_first_stamp(out, proc)
        proc.kill()
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert _gone(workers, 15) == set(), "orphaned workers kept running"
    for folder in [p for p in out.glob("*/*") if p.is_dir()]:
        if (folder / STAMP_NAME).exists():  # complete, never half-written
            assert (folder / "report.html").is_file() and (folder / "manifest.json").is_file()
    assert not list(out.rglob("*.tmp"))
    stamped = _stamped(out)
    again = run_batch(params, out, jobs=1, work=FakeWork())
    assert {(o.agency_id, o.year) for o in again.up_to_date} == stamped
    assert len(again.rendered) == 6 - len(stamped) and again.exit_code == 0


# ---------------------------------------------------------------- the cell timeout option


def test_batch_hands_the_cell_timeout_to_every_render(tmp_path: Path, params: Path) -> None:
    seen: list[object] = []
    fake = FakeWork()

    def work(params_path: str, out_root: str = "outputs", **kw: Any) -> Any:
        seen.append(kw.get("cell_timeout"))
        return fake(params_path, out_root, strict=kw["strict"], notebooks_dir=kw["notebooks_dir"])

    result = run_batch(params, tmp_path / "out", jobs=1, work=work, cell_timeout=5)  # type: ignore[arg-type]
    assert result.exit_code == 0 and seen == [5.0, 5.0, 5.0]


@pytest.mark.parametrize("value", ["0", "-3", "inf", "nan"])
@pytest.mark.parametrize("command", ["run", "batch"])
def test_an_unusable_cell_timeout_is_one_line_exit_2(
    tmp_path: Path, params: Path, command: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = [str(SEED_PARAMS)] if command == "run" else ["--params", str(params)]
    out = tmp_path / "out"
    assert main([command, *target, "--out", str(out), "--cell-timeout", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: --cell-timeout {float(value):g} is not usable; give the seconds")
    assert len(err.splitlines()) == 1 and not out.exists()


@pytest.mark.usefixtures("fake_render")
def test_work_folders_of_a_killed_render_are_swept_once_its_process_is_gone(
    tmp_path: Path,
) -> None:
    import socket

    out = tmp_path / "2024" / "xigong-education"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    host = socket.gethostname()
    killed = out / f".render-{dead.stdout.strip()}@{host}-abcd1234"
    alive = out / f".render-{os.getpid()}@{host}-efgh5678"
    elsewhere = out / f".render-{dead.stdout.strip()}@another-host-ijkl9012"
    for folder in (killed, alive, elsewhere):
        (folder / "sections").mkdir(parents=True)
    assert render_agency_year(SEED_PARAMS, tmp_path).status == "rendered"
    assert not killed.exists(), "its process is gone"
    assert alive.exists() and elsewhere.exists(), "a live process's, or another host's, stays"
