"""``reportkit batch --scheduler`` on a cluster whose workers see none of the client's files: a
``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, started here in their own mount
namespace with an empty tmpfs over the client's folder (params, outputs, notebooks, ledgers, the
Word template) and another working folder. Batches on it are compared byte for byte with a local
batch; one has a worker SIGKILLed mid-task; one is stopped with Ctrl-C. Slow: marked ``cluster``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

from reportkit.batch import BatchResult, run_batch
from reportkit.batch.remote import SCRATCH_PREFIX
from reportkit.cli import main
from tests.test_batch_helpers import FakeWork, kernel_processes, make_params, wait_no_kernels
from tests.test_batch_kernel import _notebooks
from tests.test_docx import _letterhead
from tests.test_ledger import DATA, write_params

pytestmark = pytest.mark.cluster

AGENCIES = {"a-bureau": "西工区甲局", "b-office": "西工区乙办公室"}
REPORT_FILES = ("report.html", "report.pdf", "report.docx", "report.ipynb")
VENV_BIN = Path(sys.executable).parent


def _wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.3)


# ---------------------------------------------------------------- a cluster that sees nothing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Isolated:
    """A scheduler and two workers that cannot see ``client`` (the client's whole world)."""

    address: str
    client: Path
    workdir: Path
    processes: list[subprocess.Popen[bytes]]


def _can_unshare() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.fixture(scope="module")
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Isolated]:
    if not _can_unshare():
        pytest.skip("needs root and unshare(1) to hide the client's folders from the workers")
    from distributed import Client

    base = tmp_path_factory.mktemp("isolated")
    client_dir, workdir = base / "client", base / "workers"
    client_dir.mkdir()
    workdir.mkdir()
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = []
    processes = []

    def start(name: str, argv: list[str], hide: bool) -> None:
        log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed at teardown
        logs.append(log)
        command = " ".join(f"'{a}'" for a in argv)
        script = (
            f"mount -t tmpfs -o size=1m,mode=0700 tmpfs '{client_dir}' && cd '{workdir}' && "
            f"exec {command}"
            if hide
            else f"cd '{workdir}' && exec {command}"
        )
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script]
        processes.append(
            subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )

    dask = str(VENV_BIN / "dask")
    start(
        "scheduler",
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        False,
    )
    for n in (1, 2):
        start(
            f"worker{n}",
            [
                dask,
                "worker",
                address,
                "--nthreads",
                "1",
                "--name",
                f"w{n}",
                "--no-dashboard",
                "--local-directory",
                str(workdir / f"dask{n}"),
            ],
            True,
        )
    try:
        with Client(address, timeout=60, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=120)
            # the workers' view: the client's folder is an empty, private tmpfs
            seen = client.run(os.listdir, str(client_dir))
            assert list(seen.values()) == [[], []], seen
        yield Isolated(address, client_dir, workdir, processes)
    finally:
        for proc in reversed(processes):  # workers first: their kernels go with them
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for log in logs:
            log.close()
    assert wait_no_kernels(workdir, 20) == [], "a worker's kernel outlived its worker"


def client_files(root: Path) -> tuple[Path, Path]:
    """The params (2 agencies × 2023–2024, and one whose 表三/表四 come from a ledger and a case
    register outside its folder and whose Word template is named by absolute path) and a
    private copy of the notebooks, under ``root``; returns (params, notebooks)."""
    params = make_params(root, AGENCIES)
    shared = root / "shared"
    shared.mkdir()
    shutil.copy(DATA / "requests.csv", shared / "依申请公开台账.csv")
    shutil.copy(DATA / "cases.csv", shared / "cases.csv")
    template = _letterhead(shared / "letterhead.docx")
    folder = params / "ledger-bureau"
    write_params(folder, 2023, ledger="../../shared/依申请公开台账.csv")
    path = write_params(
        folder, 2024, ledger="../../shared/依申请公开台账.csv", register=str(shared / "cases.csv")
    )
    path.write_text(
        path.read_text(encoding="utf-8") + f"docx_template: {template}\n", encoding="utf-8"
    )
    return params, _notebooks(root / "notebooks")


@pytest.fixture(scope="module")
def reference(isolated: Isolated, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The client's files and what a local batch (-j 2) makes of them."""
    params, notebooks = client_files(isolated.client)
    out = tmp_path_factory.mktemp("local") / "outputs"
    result = run_batch(params, out, jobs=2, notebooks_dir=notebooks, write_index=False)
    assert result.exit_code == 0, [(o.agency_id, o.year, o.message) for o in result.failed]
    return {"params": params, "notebooks": notebooks, "out": out, "result": result}


def normalized_notebook(data: bytes, out: Path) -> Any:
    """An executed notebook without what differs between any two runs: papermill's and the
    kernel's timings, execution counts (a warm kernel counts on), the random id papermill gives
    the injected-parameters cell, and the render's temporary work folder."""
    nb = json.loads(data.decode("utf-8").replace(str(out), "<OUT>"))
    nb["metadata"].get("papermill", {}).update(
        start_time=None, end_time=None, duration=None, output_path=None
    )
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        cell["metadata"].get("papermill", {}).update(start_time=None, end_time=None, duration=None)
        if "execution_count" in cell:
            cell["execution_count"] = None
            for output in cell.get("outputs", []):
                output.pop("execution_count", None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell["id"] = None
    return nb


def normalized_manifest(data: bytes) -> Any:
    manifest = json.loads(data)
    # which stages ran, not how long; nor whether this render waited for a kernel to start
    # (a warm one was ready, or not: a worker killed mid-task takes its kernels with it)
    manifest["timings"] = sorted(set(manifest["timings"]) - {"kernel_start", "kernel_retries"})
    return manifest


def assert_same_outputs(mine: Path, theirs: Path, result: BatchResult) -> None:
    """Every report file byte for byte, the executed sections and manifest but for timings
    (``result``: the local batch that wrote ``theirs``)."""
    assert result.outcomes, "nothing rendered"
    for outcome in result.outcomes:
        rel = Path(outcome.out_dir).relative_to(theirs)
        a, b = mine / rel, theirs / rel
        for name in REPORT_FILES:
            assert (a / name).read_bytes() == (b / name).read_bytes(), f"{rel}/{name}"
        sections = sorted(p.name for p in (b / "sections").iterdir())
        assert sorted(p.name for p in (a / "sections").iterdir()) == sections and sections
        for name in sections:
            assert normalized_notebook((a / "sections" / name).read_bytes(), mine) == (
                normalized_notebook((b / "sections" / name).read_bytes(), theirs)
            ), f"{rel}/sections/{name}"
        assert normalized_manifest((a / "manifest.json").read_bytes()) == normalized_manifest(
            (b / "manifest.json").read_bytes()
        )
        assert not [p for p in a.iterdir() if p.name.startswith((".render-", ".old-"))]


def test_workers_that_see_none_of_the_clients_folders_make_the_same_outputs(
    isolated: Isolated,
    reference: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = isolated.client / "cluster-outputs"
    args = ["batch", "--params", str(reference["params"]), "--out", str(out)]
    monkeypatch.setenv("REPORTKIT_NOTEBOOKS", str(reference["notebooks"]))
    code = main([*args, "--scheduler", isolated.address])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert "6 rendered, 0 up to date (skipped), 0 failed" in captured.out
    assert str(isolated.client) in captured.out  # the index, at the client's path
    result = run_batch(
        reference["params"],
        out,
        notebooks_dir=reference["notebooks"],
        scheduler=isolated.address,
        write_index=False,
    )
    assert len(result.up_to_date) == 6 and result.exit_code == 0  # the same keys as locally
    rendered = run_batch(
        reference["params"],
        out,
        notebooks_dir=reference["notebooks"],
        write_index=False,
        jobs=1,
        work=FakeWork(),
    )
    assert rendered.rendered == []  # a local batch agrees: everything is up to date
    assert_same_outputs(out, reference["out"], reference["result"])
    manifest = json.loads((out / "2024" / "ledger-bureau" / "manifest.json").read_text("utf-8"))
    assert manifest["params"]["path"] == str(reference["params"] / "ledger-bureau" / "2024.yaml")
    assert manifest["docx_template"]["path"] == str(isolated.client / "shared" / "letterhead.docx")
    assert [s["path"] for s in manifest["sources"]] == [
        "../../shared/依申请公开台账.csv",
        str(isolated.client / "shared" / "cases.csv"),
    ]


def _processing(client: Any) -> dict[str, list[str]]:
    busy = client.processing()
    return {w: [k for k in keys if "reportkit-" in str(k)] for w, keys in busy.items() if keys}


def test_a_worker_killed_mid_task_has_its_task_run_again_elsewhere(
    isolated: Isolated, reference: dict[str, Any]
) -> None:
    from distributed import Client

    out = isolated.client / "killed-outputs"
    killed: list[str] = []

    def kill_one() -> None:
        with Client(isolated.address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            _wait_for(lambda: _processing(client), 120, "no render started")
            time.sleep(2.0)  # into the render: the kernel starts, sections run
            victim = next(iter(_processing(client)))
            pid = client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            killed.append(victim)

    killer = threading.Thread(target=kill_one)
    killer.start()
    result = run_batch(
        reference["params"],
        out,
        notebooks_dir=reference["notebooks"],
        scheduler=isolated.address,
        write_index=False,
    )
    killer.join()
    assert killed, "no worker was killed"
    assert result.exit_code == 0, [(o.agency_id, o.year, o.message) for o in result.failed]
    assert len(result.rendered) == 6
    assert_same_outputs(out, reference["out"], reference["result"])
    with Client(isolated.address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        _wait_for(lambda: len(client.nthreads()) == 2, 120, "the nanny did not restart it")
    # the dead worker's kernel ended with it, and its mirror of the inputs is gone
    _wait_for(lambda: len(kernel_processes(isolated.workdir)) <= 2, 30, "an orphaned kernel")
    mirrors = list(isolated.workdir.rglob(f"{SCRATCH_PREFIX}*"))
    pids = {int(m.name.removeprefix(SCRATCH_PREFIX).split("-")[0]) for m in mirrors}
    assert all(psutil.pid_exists(pid) for pid in pids), mirrors


def test_ctrl_c_cancels_the_clusters_tasks(isolated: Isolated, reference: dict[str, Any]) -> None:
    from distributed import Client

    out = isolated.client / "interrupted-outputs"
    env = {**os.environ, "REPORTKIT_NOTEBOOKS": str(reference["notebooks"])}
    argv = [
        sys.executable,
        "-m",
        "reportkit",
        "batch",
        "--params",
        str(reference["params"]),
        "--out",
        str(out),
        "--scheduler",
        isolated.address,
        "-j",
        "2",
    ]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    with Client(isolated.address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        _wait_for(lambda: _processing(client), 120, "no render started")
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, stderr
        last = stderr.splitlines()[-1]
        assert last.startswith("Interrupted: ") and "Traceback" not in stderr
        _wait_for(lambda: not _processing(client), 60, "the batch's tasks still scheduled")
    # what the client wrote are the renders it reported, complete; nothing of the others
    done = [f for f in out.glob("*/*") if (f / ".inputs-key").is_file()]
    assert last.startswith(f"Interrupted: {len(done)} rendered, {6 - len(done)} not finished")
    for folder in out.glob("*/*"):
        names = {p.name for p in folder.iterdir()}
        assert not any(n.startswith((".render-", ".old-")) for n in names), names
        assert folder in done or not names & {"report.html", "manifest.json", "sections"}
