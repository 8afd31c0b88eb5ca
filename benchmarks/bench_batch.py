"""How fast is ``reportkit batch``? Prints figures; asserts nothing about time.

Renders N agency-years (default 6: the 2024 params of the first N bundled demo agencies, their
earlier years copied beside them as R5 and the charts read them) in a temporary folder, in
these modes, each in its own process so its memory is its own:

- ``naive``: DESIGN.md's naive loop, one ``papermill.execute_notebook`` per section notebook,
  each in a fresh kernel; the six executed notebooks only (no combined notebook, HTML or PDF);
- ``cold-j1``: ``run_batch(jobs=1, warm_kernels=False)``, a kernel per section (full render);
- ``warm-j1``: ``run_batch(jobs=1)``: one warm kernel for every section of every agency-year;
- ``warm-j2``: ``run_batch(jobs=2)``: two worker processes, each with its warm kernel;
- ``dask-2``: ``run_batch(scheduler=...)`` on a ``LocalCluster`` of 2 single-threaded worker
  processes started in that process (its start-up is timed apart).

The batch modes make the whole report (combined notebook, HTML, PDF) and still beat the naive
loop that makes only the section notebooks. Peak memory: ``largest`` is the largest single
process (``getrusage``), ``tree`` the highest sum over the process and all its descendants
(sampled every 0.2 s).

    .venv/bin/python benchmarks/bench_batch.py [-n 6] [--modes naive,warm-j1,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MODES = ("naive", "cold-j1", "warm-j1", "warm-j2", "dask-2")
YEAR = 2024


def make_params(target: Path, n: int) -> list[Path]:
    """Copy the first ``n`` demo agencies that have a ``YEAR`` file; their ``YEAR`` params."""
    agencies = sorted(p for p in (REPO / "params").iterdir() if (p / f"{YEAR}.yaml").is_file())
    if n > len(agencies):
        raise SystemExit(f"-n {n}: the demo params have {len(agencies)} agencies for {YEAR}")
    chosen = []
    for folder in agencies[:n]:
        shutil.copytree(folder, target / folder.name)
        chosen.append(target / folder.name / f"{YEAR}.yaml")
    return chosen


class TreeMemory:
    """Samples the summed RSS of this process and its descendants; keeps the highest."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil  # type: ignore[import-untyped]

        self.psutil = psutil
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = self.psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except self.psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_naive(params: list[Path], out: Path) -> list[float]:
    """The six section notebooks of each agency-year, each by papermill in a new kernel."""
    import papermill

    notebooks = REPO / "notebooks"
    seconds = []
    for path in params:
        start = time.perf_counter()
        folder = out / path.parent.name
        folder.mkdir(parents=True)
        for nb in sorted(notebooks.glob("0*.ipynb")):
            papermill.execute_notebook(
                str(nb),
                str(folder / nb.name),
                parameters={"params_path": str(path)},
                kernel_name="python3",
                cwd=str(notebooks),
                progress_bar=False,
            )
        seconds.append(time.perf_counter() - start)
    return seconds


def render_stats(result: Any) -> dict[str, Any]:
    """Median seconds of one render, of its six sections, and of combine + HTML + PDF."""
    renders, sections, rest = [], [], []
    for outcome in result.rendered:
        renders.append(outcome.seconds)
        manifest = json.loads((Path(outcome.out_dir) / "manifest.json").read_text("utf-8"))
        timings = manifest.get("timings", {})
        sections.append(sum(v for k, v in timings.items() if k[:1].isdigit()))
        rest.append(sum(timings.get(k, 0.0) for k in ("combine", "html", "pdf")))
    return {
        "render_median": _median(renders),
        "render_first": renders[0] if renders else None,
        "sections_median": _median(sections),
        "html_pdf_median": _median(rest),
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def run_phase(mode: str, params_dir: Path, out: Path) -> dict[str, Any]:
    """Run one mode here; its wall time, agency-years rendered and memory."""
    from reportkit.batch import run_batch

    params = sorted(params_dir.glob(f"*/{YEAR}.yaml"))
    extra: dict[str, Any] = {}
    with TreeMemory() as memory:
        if mode == "naive":
            start = time.perf_counter()
            each = run_naive(params, out)
            seconds = time.perf_counter() - start
            done = len(each)
            extra["render_median"] = _median(each)
            extra["sections_median"] = _median(each)
        elif mode == "dask-2":
            import distributed

            local_cluster: Any = distributed.LocalCluster
            start = time.perf_counter()
            cluster = local_cluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            extra["cluster_start_s"] = round(time.perf_counter() - start, 2)
            try:
                start = time.perf_counter()
                result = run_batch(params_dir, out, year=YEAR, scheduler=cluster.scheduler_address)
                seconds = time.perf_counter() - start
            finally:
                cluster.close()
            done = len(result.rendered)
            extra["failed"] = [o.message for o in result.failed]
            extra.update(render_stats(result))
        else:
            jobs = 2 if mode.endswith("j2") else 1
            start = time.perf_counter()
            result = run_batch(
                params_dir, out, year=YEAR, jobs=jobs, warm_kernels=mode.startswith("warm")
            )
            seconds = time.perf_counter() - start
            done = len(result.rendered)
            extra["failed"] = [o.message for o in result.failed]
            extra.update(render_stats(result))
    largest_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "mode": mode,
        "seconds": round(seconds, 2),
        "done": done,
        "largest_mib": round(largest_kib / 1024),
        "tree_mib": round(memory.peak / 2**20),
        **extra,
    }


def main() -> None:
    """Run every mode in a child process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=6, help="agency-years (default 6)")
    parser.add_argument("--modes", default=",".join(MODES), help=f"default: {','.join(MODES)}")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--params", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.params, args.out)))
        return

    modes = [m for m in args.modes.split(",") if m]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        raise SystemExit(f"unknown mode(s) {', '.join(unknown)}; use some of {', '.join(MODES)}")
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        root = Path(tmp)
        make_params(root / "params", args.n)
        print(
            f"reportkit batch benchmark: {args.n} agency-years ({YEAR}), {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        rows = []
        for mode in modes:
            cmd = [sys.executable, __file__, "--phase", mode, "--params", str(root / "params")]
            cmd += ["--out", str(root / f"out-{mode}")]
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
            if done.returncode != 0:
                print(f"{mode}: failed\n{done.stderr[-3000:]}", flush=True)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"  {mode}: {json.dumps(row, ensure_ascii=False)}", flush=True)
        naive = next((r for r in rows if r["mode"] == "naive"), None)
        print()
        header = f"{'mode':<9} {'done':>4} {'total s':>8} {'s/agency-year':>14} {'vs naive':>9}"
        print(
            f"{header} {'one render s':>13} {'sections s':>11} {'html+pdf s':>11}"
            f" {'peak MiB largest':>17} {'peak MiB tree':>14}"
        )
        for row in rows:
            per = row["seconds"] / max(1, row["done"])
            speedup = ""
            if naive is not None and row["done"]:
                speedup = f"{naive['seconds'] / naive['done'] / per:.1f}x"
            print(
                f"{row['mode']:<9} {row['done']:>4} {row['seconds']:>8.1f} {per:>14.2f} "
                f"{speedup:>9} {_cell(row.get('render_median')):>13}"
                f" {_cell(row.get('sections_median')):>11} {_cell(row.get('html_pdf_median')):>11}"
                f" {row['largest_mib']:>17} {row['tree_mib']:>14}"
            )
        print(
            "\ns/agency-year: wall time of the run / agency-years (start-up included); one render,"
            "\nsections, html+pdf: medians per agency-year. naive makes the section notebooks only;"
            "\nthe batch modes also make report.ipynb/html/pdf."
        )


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
