"""``reportkit batch --scheduler`` on a ``LocalCluster`` on 127.0.0.1 (2 single-threaded worker
processes, started here): warm kernels, failures, workers that die every time, workers that run
other reportkit code, ``local:N``. Workers that see none of the client's files:
``test_cluster_isolated.py``. Few and slow: marked ``cluster``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

from reportkit.batch import run_batch
from reportkit.batch.address import SchedulerError
from reportkit.batch.cluster import PLUGIN_NAME, DaskRunner
from reportkit.batch.discover import discover
from reportkit.batch.freshness import code_parts
from reportkit.batch.progress import NullProgress
from reportkit.batch.remote import Identity
from reportkit.batch.run import plan
from reportkit.cli import main
from tests.test_batch_helpers import FakeWork, make_params
from tests.test_batch_kernel import _failing_notebooks, _notebooks

pytestmark = pytest.mark.cluster

AGENCIES = {"a-bureau": "西工区甲局", "b-office": "西工区乙办公室"}
REPORT_FILES = ("report.html", "report.pdf", "report.docx", "report.ipynb")
VENV_BIN = Path(sys.executable).parent


# ---------------------------------------------------------------- a LocalCluster


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the notebooks: the cluster's kernels are those running in it."""
    return _notebooks(tmp_path_factory.mktemp("cluster") / "notebooks")


def worker_kernels(address: str) -> list[Any]:
    """The kernels the workers of the cluster at ``address`` started."""
    from distributed import Client

    with Client(address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        pids = client.run(os.getpid).values()
    kernels = []
    for pid in pids:
        try:
            children = psutil.Process(pid).children(recursive=True)
        except psutil.Error:
            continue
        kernels += [p for p in children if "ipykernel_launcher" in " ".join(p.cmdline())]
    return kernels


def wait_gone(processes: list[Any], seconds: float = 10.0) -> list[Any]:
    """Those of ``processes`` still running after up to ``seconds``."""
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return list(alive)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a scheduler with 2 single-threaded worker processes; all stopped after.
    A task is given up once the second worker running it dies (``allowed-failures``: 1)."""
    import dask
    import distributed

    local_cluster: Any = distributed.LocalCluster
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = local_cluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    kernels: list[Any] = []
    try:
        yield str(cluster.scheduler_address)
        kernels = worker_kernels(str(cluster.scheduler_address))
    finally:
        cluster.close()
    assert wait_gone(kernels) == [], "kernels outlived the cluster"


@pytest.fixture
def pinned_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the code part of the inputs key (an edit elsewhere must not re-render)."""
    parts = code_parts()
    monkeypatch.setattr("reportkit.batch.run.code_parts", lambda notebooks_dir=None: parts)


@pytest.mark.usefixtures("pinned_code")
def test_cluster_renders_all_then_none(
    tmp_path: Path,
    scheduler: str,
    notebooks: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPORTKIT_NOTEBOOKS", str(notebooks))
    params = make_params(tmp_path, AGENCIES)
    out = tmp_path / "outputs"
    args = ["batch", "--params", str(params), "--out", str(out), "--scheduler", scheduler]
    code = main([*args, *("--year", "2023")])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert "2 rendered, 0 up to date (skipped), 0 failed" in captured.out
    assert "0 up to date, 2 to render" in captured.err
    assert captured.err.startswith("Dask dashboard: ")  # its address, or why there is none

    first = run_batch(params, out, scheduler=scheduler, notebooks_dir=notebooks)
    assert {(o.agency_id, o.year) for o in first.rendered} == {
        ("a-bureau", 2024),
        ("b-office", 2024),
    }, first.failed
    assert len(first.up_to_date) == 2 and first.exit_code == 0
    for year in (2023, 2024):
        assert (out / str(year) / "index.html").is_file()
        for agency_id in AGENCIES:
            folder = out / str(year) / agency_id
            for name in ("report.html", "report.pdf", "report.ipynb", "manifest.json"):
                assert (folder / name).stat().st_size > 0

    second = run_batch(params, out, scheduler=scheduler, notebooks_dir=notebooks)
    assert second.rendered == [] and len(second.up_to_date) == 4 and second.exit_code == 0

    # one warm kernel per worker, shut down by the plugin's teardown (the workers live on)
    kernels = worker_kernels(scheduler)
    assert 1 <= len(kernels) <= 2
    from distributed import Client

    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        client.unregister_worker_plugin(PLUGIN_NAME)
        assert len(client.nthreads()) == 2
    assert wait_gone(kernels) == []


def test_cluster_isolates_a_failing_agency(tmp_path: Path, scheduler: str) -> None:
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    failing = _failing_notebooks(tmp_path / "failing", "b-office")
    result = run_batch(params, tmp_path / "out", scheduler=scheduler, notebooks_dir=failing)
    assert [(o.agency_id, o.status) for o in result.outcomes] == [
        ("a-bureau", "rendered"),
        ("b-office", "failed"),
    ]
    assert result.exit_code == 1
    failed = result.failed[0]
    assert "03_requests" in failed.message and "表三数据源不可用（测试）" in failed.message
    assert failed.failed_notebook == str(tmp_path / "out/2024/b-office/sections/03_requests.ipynb")
    assert Path(failed.failed_notebook).is_file()
    assert not (tmp_path / "out/2024/b-office/report.html").exists()


def _wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.3)


def test_a_task_that_kills_every_worker_fails_alone(tmp_path: Path, scheduler: str) -> None:
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    out = tmp_path / "out"
    work = FakeWork(die=frozenset({"b-office"}))
    result = run_batch(params, out, scheduler=scheduler, work=work, write_index=False)
    assert [(o.agency_id, o.status) for o in result.outcomes] == [
        ("a-bureau", "rendered"),
        ("b-office", "failed"),
    ], [o.message for o in result.outcomes]
    message = result.failed[0].message
    assert message.startswith(
        "its Dask worker died each of the 2 times it was tried (the last: tcp://127.0.0.1:"
    )
    assert message.endswith(
        "nothing was written — see that worker's log (out of memory? a crash in a library?)"
    )
    from distributed import Client

    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        _wait_for(lambda: len(client.nthreads()) == 2, 60, "the nannies did not restart")
    # its folder was locked (so made), and nothing was written in it
    assert list((out / "2024" / "b-office").iterdir()) == []


def _pretend(identity: Identity | None) -> None:
    """On a worker: report (and check jobs against) ``identity`` instead of its own."""
    import reportkit.batch.cluster as cluster
    import reportkit.batch.remote as remote

    real = getattr(remote, "_real_identity", None) or remote.local_identity
    remote._real_identity = real  # type: ignore[attr-defined]
    fake = (lambda: identity) if identity is not None else real
    remote.local_identity = fake  # type: ignore[assignment]
    cluster.local_identity = fake  # type: ignore[assignment]


def test_workers_running_other_reportkit_code_are_refused(tmp_path: Path, scheduler: str) -> None:
    from distributed import Client

    from reportkit.batch.remote import local_identity

    mine = local_identity()
    older = Identity("0.1.0", "0" * 64, mine.templates)
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        client.wait_for_workers(2, timeout=60)
        client.run(_pretend, older)
        try:
            started = time.monotonic()
            with pytest.raises(SchedulerError) as err:
                run_batch(params, tmp_path / "out", scheduler=scheduler, work=FakeWork())
            assert time.monotonic() - started < 30
            line = str(err.value)
            assert line.startswith("the Dask worker tcp://127.0.0.1:")
            assert (
                f"runs reportkit 0.1.0 (code 000000000000, templates {mine.templates[:12]}), this machine {mine.describe()}"
                in line
            )
            assert not (tmp_path / "out").exists()

            # a worker that joins later is caught by each task: that agency-year fails alone
            tasks, _ = plan(discover(params), tmp_path / "out")
            runner = DaskRunner(Client(scheduler, set_as_default=False), scheduler)  # type: ignore[no-untyped-call]
            try:
                nb = _notebooks(tmp_path / "notebooks")
                outcomes = runner.run(FakeWork(), tasks, None, False, NullProgress(), False, nb)
            finally:
                runner.close()
            assert [o.status for o in outcomes] == ["failed", "failed"]
            assert outcomes[0].message.startswith(
                "this Dask worker runs reportkit 0.1.0 (code 000000000000, templates "
            )
            assert not (tmp_path / "out" / "2024" / "a-bureau" / "report.html").exists()
        finally:
            client.run(_pretend, None)


def test_local_cluster_of_n_single_threaded_workers(tmp_path: Path) -> None:
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    notes: list[str] = []
    result = run_batch(
        params,
        tmp_path / "out",
        scheduler="local:2",
        work=FakeWork(),
        write_index=False,
        note=notes.append,
    )
    assert len(result.rendered) == 2
    assert notes[0].startswith(
        "Dask: a local cluster of 2 worker process(es), one thread each, at tcp://127.0.0.1:"
    )
    assert notes[1].startswith("Dask dashboard: http://127.0.0.1:")
    runner = DaskRunner.local(3)
    try:
        assert sorted(runner.client.nthreads().values()) == [1, 1, 1]
    finally:
        runner.close()
    assert runner.cluster.status.name == "closed"


def test_a_bad_local_count_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    code = main(
        ["batch", "--params", str(params), "--out", str(tmp_path / "o"), "--scheduler", "local:0"]
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "Error: --scheduler local:0: the number of local workers must be a positive whole "
        "number, e.g. --scheduler local:4 (or local for one per core)\n"
    )


def test_a_workers_address_is_not_a_scheduler(scheduler: str) -> None:
    from distributed import Client

    from reportkit.batch.cluster import probe

    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        worker = sorted(client.nthreads())[0]
    assert probe(scheduler)["type"] == "Scheduler"
    with pytest.raises(SchedulerError) as err:
        probe(worker)
    assert str(err.value) == (
        f"{worker} is a Dask Worker, not the scheduler; its scheduler is {scheduler}: pass the "
        "scheduler's address"
    )


def test_cluster_renders_into_odd_paths(tmp_path: Path, scheduler: str, notebooks: Path) -> None:
    """Paths are paths on the Dask runner too: braces, spaces, quotes, CJK and ``$``."""
    root = tmp_path / "out_{year} $HOME 'q\" 中文"
    params = make_params(root, {"a-bureau": "西工区甲局"}, years=(2024,))
    out = root / "outputs {agency}"
    result = run_batch(params, out, scheduler=scheduler, notebooks_dir=notebooks)
    assert [o.status for o in result.outcomes] == ["rendered"], result.outcomes
    folder = out / "2024" / "a-bureau"
    for name in ("report.html", "report.pdf", "report.ipynb", "manifest.json"):
        assert (folder / name).stat().st_size > 0
    assert result.indexes[2024] == out / "2024" / "index.html"
