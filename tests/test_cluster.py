"""``reportkit batch --scheduler`` on a real Dask cluster (a scheduler and 2 worker processes on
127.0.0.1, started here) with the real render. Few and slow: marked ``cluster``."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest

from reportkit.batch import run_batch
from reportkit.batch.cluster import PLUGIN_NAME
from reportkit.batch.freshness import code_parts
from reportkit.cli import main
from tests.test_batch_helpers import make_params
from tests.test_batch_kernel import _failing_notebooks, _notebooks

pytestmark = pytest.mark.cluster

AGENCIES = {"a-bureau": "西工区甲局", "b-office": "西工区乙办公室"}


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the notebooks: the cluster's kernels are those running in it."""
    return _notebooks(tmp_path_factory.mktemp("cluster") / "notebooks")


def worker_kernels() -> list[Any]:
    """The kernels among this process's descendants (the local cluster's workers' kernels)."""
    return [
        p
        for p in psutil.Process().children(recursive=True)
        if "ipykernel_launcher" in " ".join(p.cmdline())
    ]


def wait_gone(processes: list[Any], seconds: float = 10.0) -> list[Any]:
    """Those of ``processes`` still running after up to ``seconds``."""
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return list(alive)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a scheduler with 2 single-threaded worker processes; all stopped after."""
    import distributed

    local_cluster: Any = distributed.LocalCluster
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
        kernels = worker_kernels()
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
    kernels = worker_kernels()
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
    assert failed.failed_notebook is not None and Path(failed.failed_notebook).is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_unreachable_scheduler_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = make_params(tmp_path, AGENCIES, years=(2024,))
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    code = main(
        ["batch", "--params", str(params), "--out", str(tmp_path / "o"), "--scheduler", address]
    )
    seconds = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"Error: cannot reach the Dask scheduler at {address} (")
    assert lines[0].endswith(
        f"start it with `dask scheduler` and workers with `dask worker {address}`, "
        "or pass the address it prints: --scheduler tcp://HOST:PORT"
    )
    assert seconds < 30
    assert not (tmp_path / "o").exists()


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
