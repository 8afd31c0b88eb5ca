"""How fast is ``reportkit batch --scheduler``? Prints figures; asserts nothing about time.

Renders the 2024 reports of N demo agencies (``reportkit demo --agencies N --years 2022-2024``:
earlier years beside them, two agencies with ledgers) on a ``LocalCluster`` of 1, 2 and 4
single-threaded worker processes (the cluster is started in a child process per run, its
start-up timed apart), and prints agency-years per minute. Then it measures what the transport
to workers without a shared filesystem costs per agency-year (:mod:`reportkit.batch.remote`):
packing the inputs here, rebuilding them in a worker's mirror and collecting the outputs there,
publishing them here — against the render itself.

``--src DIR`` runs the batches with the reportkit source in DIR instead (e.g. an older version
unpacked with ``git archive``), to compare; ``--workers 2`` picks the cluster sizes.

    .venv/bin/python benchmarks/bench_cluster.py [-n 12] [--workers 1,2,4] [--src DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
YEAR = 2024


def run_phase(workers: int, params: Path, out: Path) -> dict[str, Any]:
    """One batch on a new LocalCluster of ``workers`` single-threaded processes."""
    import distributed

    from reportkit.batch import run_batch

    local_cluster: Any = distributed.LocalCluster
    start = time.perf_counter()
    cluster = local_cluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    started = time.perf_counter() - start
    try:
        start = time.perf_counter()
        result = run_batch(params, out, year=YEAR, scheduler=cluster.scheduler_address)
        seconds = time.perf_counter() - start
    finally:
        cluster.close()
    renders = sorted(o.seconds for o in result.rendered)
    return {
        "workers": workers,
        "cluster_start_s": round(started, 2),
        "seconds": round(seconds, 2),
        "done": len(result.rendered),
        "failed": [o.message for o in result.failed],
        "render_median": round(statistics.median(renders), 2) if renders else None,
        "render_max": renders[-1] if renders else None,
    }


def transport_costs(params: Path, out: Path, scratch: Path) -> dict[str, Any]:
    """Per agency-year: pack (here), mirror + collect (worker), publish (here), and the bytes
    each way, with the rendered outputs of ``out`` standing in for a render."""
    from dataclasses import dataclass

    from reportkit.batch.discover import discover
    from reportkit.batch.remote import notebook_files, pack, publish, render_job, sha256
    from reportkit.batch.run import plan
    from reportkit.render.locations import default_notebooks_dir

    @dataclass(frozen=True)
    class Replay:
        """Writes the outputs a real render made (so only the transport is timed)."""

        source: Path

        def __call__(self, params_path: str, out_root: str = "", **kw: Any) -> Any:
            from reportkit.render.pipeline import RenderResult

            agency, year = Path(params_path).parent.name, int(Path(params_path).stem)
            target = Path(out_root) / str(year) / agency
            for path in (self.source / str(year) / agency).rglob("*"):
                rel = path.relative_to(self.source / str(year) / agency)
                if path.is_file() and not rel.parts[0].startswith("."):
                    (target / rel).parent.mkdir(parents=True, exist_ok=True)
                    (target / rel).write_bytes(path.read_bytes())
            return RenderResult(agency, year, params_path, str(target), "rendered", "", None)

    tasks, _ = plan(discover(params, YEAR), scratch / "published", force=True)
    notebooks = notebook_files(default_notebooks_dir())
    named = [(n, sha256(d)) for n, d in notebooks]
    shared = {sha256(d): d for _, d in notebooks}
    rows = []
    for task in tasks:
        t0 = time.perf_counter()
        job, blobs = pack(task, default_notebooks_dir(), named)
        t1 = time.perf_counter()
        returned = render_job(Replay(out), job, {**blobs, **shared}, local_dir=str(scratch))
        t2 = time.perf_counter()
        publish(task.out_root, returned.files)
        t3 = time.perf_counter()
        rows.append(
            {
                "pack": t1 - t0,
                "worker": t2 - t1,
                "publish": t3 - t2,
                "sent_kib": sum(len(b) for b in blobs.values()) / 1024,
                "returned_kib": sum(len(b) for b in returned.files.values()) / 1024,
            }
        )
    return {k: round(statistics.median(r[k] for r in rows), 3) for k in rows[0]}


def main() -> None:
    """Make the demo params, run each cluster size in a child process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=12, help="agency-years (default 12)")
    parser.add_argument("--workers", default="1,2,4", help="cluster sizes (default 1,2,4)")
    parser.add_argument("--src", type=Path, help="another reportkit source folder to run")
    parser.add_argument("--phase", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--params", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.params, args.out)))
        return

    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-cluster-") as tmp:
        root = Path(tmp)
        from reportkit.demo import write

        write(root / "params", agencies=args.n, years=range(2022, YEAR + 1))
        print(
            f"reportkit batch --scheduler benchmark: {args.n} agency-years ({YEAR}), "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"source {args.src or 'this checkout'}, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        rows = []
        for n in [int(w) for w in args.workers.split(",") if w]:
            cmd = [sys.executable, __file__, "--phase", str(n), "--params", str(root / "params")]
            cmd += ["--out", str(root / f"out-{n}")]
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
            if done.returncode != 0:
                print(f"{n} workers: failed\n{done.stderr[-3000:]}", flush=True)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["load"] = round(os.getloadavg()[0], 1)
            rows.append(row)
            print(f"  {json.dumps(row, ensure_ascii=False)}", flush=True)
        print()
        print(
            f"{'workers':>7} {'done':>4} {'cluster start s':>15} {'batch s':>8} "
            f"{'agency-years/min':>16} {'one render s (median)':>22} {'load':>5}"
        )
        for row in rows:
            rate = 60 * row["done"] / row["seconds"] if row["seconds"] else 0.0
            print(
                f"{row['workers']:>7} {row['done']:>4} {row['cluster_start_s']:>15.1f} "
                f"{row['seconds']:>8.1f} {rate:>16.1f} {row['render_median'] or 0:>22.2f} "
                f"{row['load']:>5}"
            )
        if rows and not args.src:
            out = root / f"out-{rows[-1]['workers']}"
            costs = transport_costs(root / "params", out, root / "transport")
            print(
                "\ntransport per agency-year (median): "
                f"pack {costs['pack'] * 1000:.0f} ms, worker mirror + collect "
                f"{costs['worker'] * 1000:.0f} ms, publish {costs['publish'] * 1000:.0f} ms; "
                f"{costs['sent_kib']:.0f} KiB sent with the task (the notebooks apart), "
                f"{costs['returned_kib']:.0f} KiB returned"
            )
        print(
            "\nbatch s: wall time of run_batch (each worker's first render starts its kernel);"
            "\nagency-years/min = 60 × done / batch s."
        )


if __name__ == "__main__":
    main()
