"""The Dask transport in memory, without Dask: what a worker is sent, how it renders while the
client's folders are out of its sight, what comes back, how it is published; the scheduler
probe and the check of the workers' reportkit. The real cluster is in ``test_cluster.py``."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.batch.address import SchedulerError, check_reachable, parse_local
from reportkit.batch.cluster import check_workers, dashboard_line, probe
from reportkit.batch.discover import discover
from reportkit.batch.freshness import code_parts, key_of, out_dir
from reportkit.batch.inputs import input_files
from reportkit.batch.remote import (
    SCRATCH_PREFIX,
    Identity,
    Returned,
    Translation,
    TransportError,
    WorkerMismatch,
    checked_relative,
    local_identity,
    pack,
    publish,
    render_job,
    scratch_root,
    sha256,
)
from reportkit.batch.run import plan
from reportkit.batch.units import Rendered, Task, execute, record
from reportkit.model.inputs import load_inputs
from reportkit.model.references import MIRROR_MARK, in_mirror, referenced_path
from reportkit.render.locations import TEMPLATES
from tests.test_batch_helpers import REPO, FakeResult, FakeWork, make_params
from tests.test_docx import _letterhead
from tests.test_ledger import DATA, write_params

NOTEBOOKS = REPO / "notebooks"


@dataclass(frozen=True)
class LoadingWork:
    """A render stand-in that reads what a render reads — the params file, every earlier year,
    their ledgers, the Word template, the notebooks — and writes where it found them."""

    def __call__(
        self,
        params_path: str,
        out_root: str = "outputs",
        *,
        strict: bool = False,
        notebooks_dir: str | None = None,
        docx_template: str | None = None,
    ) -> FakeResult:
        inputs = load_inputs(params_path)
        report = inputs.report
        out = Path(out_root) / str(report.year) / report.agency.id
        template = inputs.docx_template or (Path(docx_template) if docx_template else None)
        notebooks = sorted(Path(notebooks_dir or "").glob("*.ipynb"))
        seen = {
            "params": params_path,
            "history": [str(p) for p in inputs.history_paths],
            "years": [r.year for r in inputs.history],
            "sources": [f.sha256 for f in report.sources.files()] if report.sources else [],
            "template": str(template) if template else None,
            "template_sha256": hashlib.sha256(template.read_bytes()).hexdigest()
            if template
            else None,
            "notebooks": [p.name for p in notebooks],
        }
        (out / "sections").mkdir(parents=True, exist_ok=True)
        (out / "sections" / "01_overview.ipynb").write_text("{}", encoding="utf-8")
        (out / "seen.json").write_text(json.dumps(seen, ensure_ascii=False), encoding="utf-8")
        (out / "report.html").write_text(f"<p>{params_path}</p>", encoding="utf-8")
        (out / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n" + params_path.encode())
        (out / "manifest.json").write_text(
            json.dumps({"params": params_path}, ensure_ascii=False), encoding="utf-8"
        )
        message = f"rendered {params_path}"
        return FakeResult(
            report.agency.id, report.year, params_path, str(out), "rendered", message, None, []
        )


@contextmanager
def out_of_sight(*folders: Path) -> Iterator[None]:
    """The folders renamed away (as a worker on another machine does not see them)."""
    moved = [(f, f.with_name(f.name + ".away")) for f in folders]
    for folder, away in moved:
        folder.rename(away)
    try:
        yield
    finally:
        for folder, away in moved:
            away.rename(folder)


def on_worker(
    task: Task, work: Any, client: Path, scratch: Path, notebooks: Path = NOTEBOOKS
) -> Returned:
    """Pack ``task`` here, then render it as a worker would, with ``client`` out of sight."""
    named = [(p.name, p.read_bytes()) for p in sorted(notebooks.glob("*.ipynb"))]
    job, blobs = pack(task, notebooks, [(n, sha256(d)) for n, d in named])
    blobs.update({sha256(d): d for _, d in named})
    with out_of_sight(client):
        return render_job(work, job, blobs, local_dir=str(scratch))


def tasks_of(params: Path, out: Path, **kw: Any) -> list[Task]:
    tasks, _ = plan(discover(params), out, **kw)
    return tasks


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """The worker's local directory; this thread's mirror is made anew in it."""
    import reportkit.batch.remote as remote

    folder = tmp_path / "worker"
    folder.mkdir()
    old = getattr(remote._SCRATCH, "root", None)
    remote._SCRATCH.root = None
    yield folder
    remote._SCRATCH.root = old


def ledger_agency(folder: Path, shared: Path, home: Path) -> None:
    """2022–2024 of one agency: 2024 and 2023 compute 表三 from a ledger outside the agency
    folder (2024 by a relative name with ``..``, 2023 by an absolute one), 2024 names its Word
    template under the user's home (``~/``), and a year file sits beside the params."""
    shared.mkdir(parents=True)
    shutil.copy(DATA / "requests.csv", shared / "requests.csv")
    shutil.copy(DATA / "cases.csv", shared / "cases.csv")
    write_params(folder, 2022)
    write_params(folder, 2023, ledger=str(shared / "requests.csv"))
    path = write_params(
        folder, 2024, ledger="../../shared/requests.csv", register="../../shared/cases.csv"
    )
    path.write_text(
        path.read_text(encoding="utf-8") + "docx_template: ~/letterhead.docx\n", encoding="utf-8"
    )
    home.mkdir(parents=True, exist_ok=True)
    _letterhead(home / "letterhead.docx")
    (folder / "2024-notes.csv").write_text("a note\n", encoding="utf-8")


def test_input_files_are_what_the_render_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "client" / "home"
    monkeypatch.setenv("HOME", str(home))
    params = tmp_path / "client" / "params"
    folder = params / "ledger-bureau"
    shared = tmp_path / "client" / "shared"
    ledger_agency(folder, shared, home)
    item = next(i for i in discover(params) if i.year == 2024)
    files = input_files(item)
    assert files.params == folder / "2024.yaml"
    assert files.history == (folder / "2023.yaml", folder / "2022.yaml")
    assert set(files.sources) == {
        folder / "../../shared/requests.csv",
        folder / "../../shared/cases.csv",
        shared / "requests.csv",
    }
    assert set(files.others) == {folder / "2024-notes.csv", home / "letterhead.docx"}
    assert files.paths()[0] == files.params and len(set(files.paths())) == len(files.paths())

    # every one of them changes the key, but a ledger (by what the year takes from it)
    shared_parts = code_parts()
    key = key_of(item, shared_parts, files).key
    for path in (*files.history, home / "letterhead.docx", folder / "2024-notes.csv"):
        before = path.read_bytes()
        path.write_bytes(before + b"\n# edited\n")
        assert key_of(item, shared_parts, input_files(item)).key != key, path
        path.write_bytes(before)
    assert key_of(item, shared_parts, input_files(item)).key == key


def test_a_worker_that_sees_none_of_the_clients_folders_reads_the_same_files(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = tmp_path / "client"
    home = client / "home"
    monkeypatch.setenv("HOME", str(home))
    params, out = client / "params", client / "outputs"
    ledger_agency(params / "ledger-bureau", client / "shared", home)
    (task,) = [t for t in tasks_of(params, out) if t.item.year == 2024]
    here = LoadingWork()(
        str(task.item.params), str(client / "local-out"), notebooks_dir=str(NOTEBOOKS)
    )

    returned = on_worker(task, LoadingWork(), client, scratch)
    assert returned.rendered.status == "rendered", returned.rendered.message
    assert returned.rendered.message == f"rendered {task.item.params}"
    publish(out, returned.files)
    seen = json.loads((out_dir(out, task.item) / "seen.json").read_text(encoding="utf-8"))
    local = json.loads((Path(here.out_dir) / "seen.json").read_text(encoding="utf-8"))
    assert seen == local  # the same files, by the client's names, and the same bytes
    assert seen["years"] == [2022, 2023] and len(seen["sources"]) == 2
    assert seen["template"] == str(home / "letterhead.docx")
    assert len(seen["notebooks"]) == 6
    assert not list(scratch.rglob("*.yaml")), "the mirror is emptied after the render"


def test_mirror_paths_never_reach_an_output_or_message(tmp_path: Path, scratch: Path) -> None:
    client = tmp_path / "client"
    params, out = make_params(client, {"a-bureau": "西工区甲局"}, years=(2024,)), client / "out"
    (task,) = tasks_of(params, out)
    returned = on_worker(task, LoadingWork(), client, scratch)
    root = str(scratch_root())
    for rel, data in returned.files.items():
        if not rel.endswith(".pdf"):
            assert root.encode() not in data, rel
    assert str(task.item.params).encode() in returned.files["2024/a-bureau/report.html"]
    # binary files are left as they are (a PDF's offsets must not move)
    assert returned.files["2024/a-bureau/report.pdf"].endswith(
        str(in_mirror(Path(root), str(task.item.params))).encode()
    )
    failed = on_worker(task, FakeWork(fail=frozenset({"a-bureau"})), client, scratch)
    assert failed.rendered.status == "failed"
    assert failed.rendered.failed_notebook == str(out / "2024/a-bureau/sections/03_requests.ipynb")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden records aside) by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(s.startswith(".") for s in p.relative_to(root).parts)
    }


def test_published_outputs_and_records_equal_a_local_batchs(tmp_path: Path, scratch: Path) -> None:
    client = tmp_path / "client"
    params = make_params(client)
    local, remote_out = client / "local", client / "remote"
    work = FakeWork(fail=frozenset({"b-office"}))
    for task in tasks_of(params, local):
        execute(work, task)
    for task in tasks_of(params, remote_out):
        returned = on_worker(task, work, client, scratch)
        publish(remote_out, returned.files)
        outcome = record(task, returned.rendered, returned.seconds)
        assert outcome.status == ("failed" if task.item.agency_id == "b-office" else "rendered")
    mine = tree(remote_out)
    theirs = {
        k: v.replace(str(local).encode(), str(remote_out).encode()) for k, v in tree(local).items()
    }
    assert mine == theirs
    for task in tasks_of(params, local):
        a = json.loads((out_dir(local, task.item) / ".last-run.json").read_text(encoding="utf-8"))
        b = json.loads(
            (out_dir(remote_out, task.item) / ".last-run.json").read_text(encoding="utf-8")
        )
        for last, root in ((a, local), (b, remote_out)):
            last.pop("seconds")
            last["out_dir"] = last["out_dir"].replace(str(root), "OUT")
            if last["failed_notebook"]:
                last["failed_notebook"] = last["failed_notebook"].replace(str(root), "OUT")
        assert a == b
    # the next plan finds everything rendered up to date, as after a local batch
    assert {t.item.agency_id for t in tasks_of(params, remote_out)} == {"b-office"}


def test_an_input_inside_the_output_folder_is_not_an_output(tmp_path: Path, scratch: Path) -> None:
    client = tmp_path / "client"
    params = make_params(client, {"a-bureau": "西工区甲局"}, years=(2024,))
    out = client / "out"
    out.mkdir(parents=True)
    template = _letterhead(out / "letterhead.docx")
    (task,) = tasks_of(params, out, docx_template=template)
    returned = on_worker(task, LoadingWork(), client, scratch)
    assert "letterhead.docx" not in returned.files
    assert "2024/a-bureau/seen.json" in returned.files


def test_a_failed_render_keeps_the_earlier_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = {
        "2024/a/report.html": b"good",
        "2024/a/sections/01_overview.ipynb": b"1",
        "2024/a/sections/03_requests.ipynb": b"3",
        "2024/a/manifest.json": b'{"status": "rendered"}',
    }
    publish(out, good)
    failed = {
        "2024/a/sections/01_overview.ipynb": b"1 again",
        "2024/a/manifest.json": b'{"status": "failed"}',
    }
    assert publish(out, failed) == [out / "2024" / "a"]
    assert tree(out) == {
        "2024/a/report.html": b"good",
        "2024/a/sections/01_overview.ipynb": b"1 again",
        "2024/a/manifest.json": b'{"status": "failed"}',
    }
    assert not [p for p in (out / "2024" / "a").iterdir() if p.name.startswith(".")]


def test_manifest_is_published_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    real = os.replace

    def spy(src: Any, dst: Any) -> None:
        order.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr("reportkit.batch.remote.os.replace", spy)
    publish(
        tmp_path,
        {
            "2024/a/manifest.json": b"{}",
            "2024/a/report.pdf": b"%PDF",
            "2024/a/sections/01_overview.ipynb": b"{}",
            "2024/a/report.html": b"<p>",
        },
    )
    assert order == ["sections", "report.html", "report.pdf", "manifest.json"]


segment = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=8
)


@given(st.lists(st.sampled_from(["..", ".", "", ".hidden"]) | segment, min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_a_worker_never_writes_outside_the_outputs(parts: list[str]) -> None:
    rel = "/".join(parts)
    bad = any(p in ("..", ".", "") or p.startswith(".") for p in parts) or "\\" in rel
    if bad:
        with pytest.raises(TransportError, match="outside the outputs"):
            checked_relative(rel)
    else:
        assert checked_relative(rel) == PurePosixPath(rel)
    for prefix in ("/", "/tmp/"):
        with pytest.raises(TransportError):
            checked_relative(prefix + rel)


@given(st.lists(st.sampled_from(["..", ".", "a", "b", "甲局", "x y"]), min_size=0, max_size=8))
@settings(max_examples=200, deadline=None)
def test_mirror_paths_stay_inside_the_mirror(parts: list[str]) -> None:
    root = Path("/scratch/reportkit-mirror-1-abc")
    client = "/" + "/".join(parts)
    inside = in_mirror(root, client)
    resolved = Path(os.path.normpath(inside))
    assert resolved == root or root in resolved.parents
    assert resolved == root / posixpath.normpath(client).lstrip("/")


@given(
    base=st.lists(st.sampled_from(["srv", "params", "甲局", "a b"]), min_size=1, max_size=4),
    written=st.lists(
        st.sampled_from(["..", "x.csv", "shared", "台账.xlsx"]), min_size=1, max_size=4
    ),
    absolute=st.booleans(),
)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_reference_in_the_mirror_is_the_clients_file(
    tmp_path: Path, base: list[str], written: list[str], absolute: bool
) -> None:
    root = tmp_path / "mirror"
    root.mkdir(exist_ok=True)
    (root / MIRROR_MARK).write_text('{"home": "/home/office"}', encoding="utf-8")
    client_base = "/" + "/".join(base)
    name = ("/" if absolute else "") + "/".join(written)
    client = referenced_path(Path(client_base), name)  # as the client resolves it
    (root / client_base.lstrip("/")).mkdir(parents=True, exist_ok=True)
    mirrored = referenced_path(root / client_base.lstrip("/"), name)
    assert os.path.normpath(mirrored) == os.path.normpath(in_mirror(root, str(client)))
    home = referenced_path(root / client_base.lstrip("/"), "~/letterhead.docx", home=True)
    assert home == root / "home/office/letterhead.docx"


def test_translation_of_paths() -> None:
    root = Path("/tmp/w/reportkit-mirror-9-abc")
    worker_templates = '/opt/rk "x"/templates'
    t = Translation(root, (worker_templates, "/home/office/rk/templates"))
    assert t.text(f"see {root}/srv/params/a/2024.yaml") == "see /srv/params/a/2024.yaml"
    escaped = json.dumps({"template": f"{worker_templates}/report.css"}, ensure_ascii=False)
    assert json.loads(t.file(escaped.encode()).decode()) == {
        "template": "/home/office/rk/templates/report.css"
    }
    binary = b"\0" + f"{root}/x".encode()
    assert t.file(binary) == binary
    assert t.data([{"message": f"{root}/a", "n": 1}]) == [{"message": "/a", "n": 1}]


def test_a_worker_running_other_code_refuses_the_job(tmp_path: Path, scratch: Path) -> None:
    params = make_params(tmp_path / "client", {"a-bureau": "西工区甲局"}, years=(2024,))
    (task,) = tasks_of(params, tmp_path / "out")
    job, blobs = pack(task, NOTEBOOKS, [])
    older = replace(job, identity=Identity("0.1.0", "0" * 64, job.identity.templates))
    with pytest.raises(WorkerMismatch) as err:
        render_job(FakeWork(), older, blobs, local_dir=str(scratch))
    mine = local_identity()
    assert str(err.value) == (
        f"this Dask worker runs {mine.describe()}, this machine reportkit 0.1.0 (code "
        f"000000000000, templates {mine.templates[:12]}); install the same reportkit on the "
        "workers (./dev setup from the same commit, or the same image) and restart them (warm "
        "kernels keep the code they loaded)"
    )


class FakeClient:
    """``Client.run`` answering for two workers."""

    def __init__(self, answers: dict[str, Any] | Exception, versions: dict[str, str] | None = None):
        self.answers = answers
        self.versions = versions or {}

    def run(self, fn: Any) -> dict[str, Any]:
        if fn.__name__ == "worker_identity":
            if isinstance(self.answers, Exception):
                raise self.answers
            return self.answers
        return self.versions


def _answer(**changes: Any) -> dict[str, Any]:
    from reportkit.batch.cluster import worker_identity

    answer = worker_identity()
    answer.update(changes)
    return answer


def test_workers_must_run_the_clients_reportkit() -> None:
    notes: list[str] = []
    same = {"tcp://w1:1": _answer(), "tcp://w2:2": _answer()}
    check_workers(FakeClient(same), "tcp://s:8786", notes.append)
    assert notes == []

    other = {"tcp://w1:1": _answer(), "tcp://w2:2": _answer(code="f" * 64)}
    with pytest.raises(SchedulerError) as err:
        check_workers(FakeClient(other), "tcp://s:8786", notes.append)
    assert str(err.value).startswith(
        "the Dask worker tcp://w2:2 (and 1 other worker(s)) runs reportkit "
    )
    assert "(code ffffffffffff," in str(err.value) and "\n" not in str(err.value)

    old = FakeClient(AttributeError("module has no attribute 'worker_identity'"), {"w": "0.1.0"})
    with pytest.raises(SchedulerError, match=r"run reportkit 0\.1\.0 \(AttributeError: module"):
        check_workers(old, "tcp://s:8786", notes.append)

    packages = dict(_answer()["packages"], weasyprint="1.0")
    check_workers(FakeClient({"tcp://w1:1": _answer(packages=packages)}), "tcp://s", notes.append)
    assert len(notes) == 1 and "weasyprint 1.0 (here " in notes[0]


def test_local_scheduler_argument() -> None:
    assert parse_local("tcp://127.0.0.1:8786") is None
    assert parse_local("local:3") == 3
    assert parse_local("local") == (os.cpu_count() or 1)
    for bad in ("local:0", "local:x", "local:-1", "local:"):
        if bad == "local:":
            assert parse_local(bad) == (os.cpu_count() or 1)
            continue
        with pytest.raises(SchedulerError, match="positive whole number"):
            parse_local(bad)


def test_dashboard_line_without_bokeh(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    line = dashboard_line("http://127.0.0.1:8787/status")
    assert line.startswith("Dask dashboard: http://127.0.0.1:8787/status — its pages need bokeh")
    assert dashboard_line(None) == "Dask dashboard: none (the scheduler serves no dashboard)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_probe_of_a_closed_port_fails_at_once() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(SchedulerError) as err:
        probe(address)
    assert time.monotonic() - started < 1.5
    assert str(err.value).startswith(f"cannot reach the Dask scheduler at {address} (")


def test_a_silent_address_fails_within_the_timeout() -> None:
    """A port whose connections are never answered (a firewall that drops them)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    held = []
    try:
        for _ in range(4):  # fill the backlog: later connection attempts go unanswered
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(server.getsockname())
            held.append(c)
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(SchedulerError) as err:
            check_reachable(address, timeout=1.0)
        assert 0.9 < time.monotonic() - started < 3.0
        assert str(err.value).startswith(f"cannot reach the Dask scheduler at {address} (")
    finally:
        for c in held:
            c.close()
        server.close()


@contextmanager
def talking_server(reply: bytes) -> Iterator[str]:
    """A TCP server that answers every connection with ``reply`` (not Dask)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(reply)
                time.sleep(0.3)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.mark.parametrize("reply", [b"HTTP/1.1 400 Bad Request\r\n\r\n", b"\xff" * 64, b""])
def test_probe_of_another_service_is_one_clear_error(reply: bytes) -> None:
    with talking_server(reply) as address:
        started = time.monotonic()
        with pytest.raises(SchedulerError) as err:
            probe(address, timeout=2.0)
    assert time.monotonic() - started < 4.0
    message = str(err.value)
    assert message.startswith(f"cannot talk to a Dask scheduler at {address} (")
    assert "\n" not in message


def test_unreachable_scheduler_is_one_line_exit_2_in_under_5_s(tmp_path: Path) -> None:
    params = make_params(tmp_path, {"a-bureau": "西工区甲局"}, years=(2024,))
    address = f"tcp://127.0.0.1:{free_port()}"
    argv = ["batch", "--params", str(params), "--out", str(tmp_path / "o"), "--scheduler", address]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reportkit", *argv], capture_output=True, text=True, timeout=60
    )
    seconds = time.monotonic() - started
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"Error: cannot reach the Dask scheduler at {address} (Connection refused); start it "
        f"with `dask scheduler` and workers with `dask worker {address}`, or pass the address "
        "it prints: --scheduler tcp://HOST:PORT (or --scheduler local[:N] for workers on this "
        "machine)"
    ]
    assert seconds < 5.0, f"{seconds:.1f} s"
    assert not (tmp_path / "o").exists()


def test_an_unreadable_input_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = make_params(tmp_path, {"a-bureau": "西工区甲局"})
    task = next(t for t in tasks_of(params, tmp_path / "o") if t.item.year == 2024)
    locked = str(params / "a-bureau" / "2023.yaml")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if str(self) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(TransportError) as err:
        pack(task, NOTEBOOKS, [])
    assert str(err.value) == (
        f"{locked}: cannot be read (Permission denied) — the Dask workers get its content "
        "from this machine; make it readable to the user running `reportkit batch`"
    )


def test_mirrors_of_dead_workers_are_swept(tmp_path: Path, scratch: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = scratch / f"{SCRATCH_PREFIX}{dead.pid}-0123456789ab"
    (left / "srv").mkdir(parents=True)
    mine = scratch_root(str(scratch))
    assert mine.parent == scratch and mine.name.startswith(f"{SCRATCH_PREFIX}{os.getpid()}-")
    assert not left.exists()
    assert scratch_root(str(scratch)) == mine  # one mirror per thread, kept


def test_a_scratch_folder_with_an_odd_name_is_not_used(tmp_path: Path, scratch: Path) -> None:
    odd = tmp_path / 'worker "甲" {x}'
    odd.mkdir()
    root = scratch_root(str(odd))
    assert odd not in root.parents
    assert all(c.isalnum() or c in "_./-" for c in str(root))


def test_rendered_record_for_an_invalid_transport(tmp_path: Path) -> None:
    params = make_params(tmp_path, {"a-bureau": "西工区甲局"}, years=(2024,))
    (task,) = tasks_of(params, tmp_path / "o")
    outcome = record(task, Rendered("invalid", "x: cannot be read"), 0.0)
    assert outcome.status == "invalid"
    last = json.loads((Path(outcome.out_dir) / ".last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "invalid" and last["message"] == "x: cannot be read"


def test_templates_folder_is_named_as_the_clients(tmp_path: Path, scratch: Path) -> None:
    client = tmp_path / "client"
    params = make_params(client, {"a-bureau": "西工区甲局"}, years=(2024,))
    (task,) = tasks_of(params, client / "out")

    @dataclass(frozen=True)
    class TemplateWork:
        def __call__(self, params_path: str, out_root: str = "", **kw: Any) -> FakeResult:
            out = Path(out_root) / "2024" / "a-bureau"
            out.mkdir(parents=True)
            data = {"template": [str(TEMPLATES / "reportkit" / "static" / "report.css")]}
            (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
            return FakeResult("a-bureau", 2024, params_path, str(out), "rendered", "", None, [])

    named = []
    job, blobs = pack(task, NOTEBOOKS, named)
    job = replace(job, templates_dir="/home/office/.venv/reportkit/render/templates")
    with out_of_sight(client):
        returned = render_job(TemplateWork(), job, blobs, local_dir=str(scratch))
    manifest = json.loads(returned.files["2024/a-bureau/manifest.json"])
    assert manifest["template"] == [
        "/home/office/.venv/reportkit/render/templates/reportkit/static/report.css"
    ]


def test_a_disk_that_refuses_the_outputs_fails_that_agency_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportkit.batch.cluster import publish_and_record
    from reportkit.batch.freshness import STAMP_NAME

    params = make_params(tmp_path, {"a-bureau": "西工区甲局"}, years=(2024,))
    out = tmp_path / "out"
    (task,) = tasks_of(params, out)
    good = Returned(Rendered("rendered"), {"2024/a-bureau/report.html": b"good"}, 1.0)
    assert publish_and_record(task, good).status == "rendered"
    folder = out / "2024" / "a-bureau"
    assert (folder / STAMP_NAME).is_file()

    def full(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reportkit.batch.cluster.publish", full)
    again = Returned(Rendered("rendered"), {"2024/a-bureau/report.html": b"new"}, 1.0)
    outcome = publish_and_record(task, again)
    assert outcome.status == "failed"
    assert outcome.message == (
        f"a-bureau 2024: no space left on the device — free space on the disk that holds "
        f"{folder}, then run again; the earlier outputs were kept"
    )
    assert (folder / "report.html").read_bytes() == b"good"
    assert not (folder / STAMP_NAME).exists()  # rendered again next time


@given(
    history=st.integers(min_value=0, max_value=2),
    ledger=st.sampled_from(["none", "relative", "absolute", "missing"]),
    template=st.sampled_from(["none", "params-relative", "params-home", "batch"]),
    beside=st.booleans(),
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_agency_year_reads_on_a_worker_what_it_reads_here(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    history: int,
    ledger: str,
    template: str,
    beside: bool,
) -> None:
    """Whatever an agency-year reads — earlier years, a ledger named any way, a Word template
    from the params file or the batch — a worker without the client's folders reads the same."""
    import reportkit.batch.remote as remote

    base = tmp_path_factory.mktemp("any")
    client = base / "client"
    home = client / "home"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    folder = client / "params" / "x-bureau"
    shared = client / "shared"
    shared.mkdir(parents=True)
    shutil.copy(DATA / "requests.csv", shared / "台账.csv")
    names = {
        "none": None,
        "relative": "../../shared/台账.csv",
        "absolute": str(shared / "台账.csv"),
        "missing": "../../shared/没有.csv",
    }
    for year in range(2024 - history, 2025):
        path = write_params(folder, year, ledger=names[ledger])
        if year == 2024 and template.startswith("params"):
            name = "~/letterhead.docx" if template == "params-home" else "../letterhead.docx"
            text = path.read_text(encoding="utf-8") + f"docx_template: {name}\n"
            path.write_text(text, encoding="utf-8")
    _letterhead(home / "letterhead.docx")
    _letterhead(client / "params" / "letterhead.docx")
    default = _letterhead(shared / "batch.docx") if template == "batch" else None
    if beside:
        (folder / "2024-notes.txt").write_text("note\n", encoding="utf-8")
    out = client / "out"
    params_dir = client / "params"
    (task,) = [t for t in tasks_of(params_dir, out, docx_template=default) if t.item.year == 2024]

    def seen(work_out: Path) -> Any:
        data = (work_out / "2024" / "x-bureau" / "seen.json").read_text(encoding="utf-8")
        return json.loads(data)

    work = LoadingWork()
    try:
        here = work(
            str(task.item.params),
            str(base / "here"),
            notebooks_dir=str(NOTEBOOKS),
            docx_template=str(default) if default else None,
        )
    except Exception as err:  # a missing ledger: the same error there, with the same names
        here = err
    remote._SCRATCH.root = None
    returned = on_worker(task, work, client, base / "worker")
    if isinstance(here, Exception):
        assert returned.rendered.status == "failed"
        assert returned.rendered.message == " ".join(f"{type(here).__name__}: {here}".split())
        return
    publish(out, returned.files)
    assert seen(out) == seen(base / "here")
    assert params_dir.is_dir()


def test_every_command_is_found_by_its_module() -> None:
    """A command imports its own CLI module only (so that `batch --scheduler` with a dead
    address answers in about a second): every command must be mapped to its module."""
    import reportkit.cli as cli

    parser = cli.build_parser(["--help"])  # every module
    commands = set(next(a for a in parser._actions if a.dest == "command").choices)
    assert commands == set(cli.MODULE_OF)
    code = (
        "import sys, reportkit.cli as c; c.build_parser(['batch', '--scheduler', 'x']);"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('reportkit.cli.', "
        "'pandas', 'distributed')))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.split()
    assert "reportkit.cli.batch" in loaded
    assert not {"reportkit.cli.demo", "reportkit.cli.importing", "reportkit.cli.check"} & set(
        loaded
    )
    assert not [m for m in loaded if m.startswith(("pandas", "distributed"))]


@pytest.mark.parametrize("bad", ["foo", "tcp//host:1", "host", "local:x", "http:", " "])
def test_a_bad_scheduler_address_is_refused_even_with_nothing_to_render(
    tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from reportkit.batch.address import check_form
    from reportkit.cli import main

    with pytest.raises(SchedulerError):
        check_form(bad)
    for good in ("tcp://127.0.0.1:8786", "127.0.0.1:8786", "tls://[::1]:8786", "local", "local:2"):
        check_form(good)
    params = tmp_path / "params"
    params.mkdir()  # no agency-year at all: nothing to render, the address still checked
    assert main(["batch", "--params", str(params), "--scheduler", bad]) == 2
    assert "--scheduler" in capsys.readouterr().err
