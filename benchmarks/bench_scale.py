"""How fast and how big is reportkit at scale, against the chain a user would write by hand?
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_scale.py            # everything, ~20 min on 2 cores
    .venv/bin/python benchmarks/bench_scale.py --only b,c --runs 1   # a part, once

On N synthetic agency-years (``reportkit demo --agencies N --seed S``: a district of N agencies,
2022–2024, rendered for 2024 with the earlier years as history), side by side in one run:

- (a) the naive chain, per agency: the ``papermill`` CLI on each of the six section notebooks,
  a merge of the six into one notebook (nbformat, as a user's script would), ``jupyter nbconvert
  --to html`` of it, ``weasyprint`` on that HTML — on ``--naive`` agencies (its cost per agency
  does not depend on N); one agency is one run;
- (b) ``reportkit batch -j 2`` from a cold cache (no outputs) on N = ``--n`` (50): wall time,
  seconds per agency-year, and throughput against (a);
- (c) the no-change rerun of (b): the same command again;
- (d) one cold ``reportkit run`` (a new process, no outputs) against (a) for one agency;
- (e) peak RSS of the whole ``batch -j 2`` process tree (the CLI, its workers, their kernels;
  sampled every 0.1 s) at N = ``--n-small`` (20) and N = ``--n-large`` (200);
- (f) the CPU of a warm render of one agency-year (sections + HTML + PDF: the kernel's CPU and
  this process's in those stages), in one warm kernel as a batch worker has it;

and the time split per stage (kernel start, sections, combine, HTML, write, PDF, docx) from the
manifests of (b). Each measured figure is the median of ``--runs`` runs (3); the load average
before each run is printed, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
NOTEBOOKS = REPO / "notebooks"
BIN = Path(sys.executable).parent
YEAR = 2024
PARTS = ("a", "b", "c", "d", "e", "f")
STAGES = ("kernel_start", "sections", "combine", "html", "write", "pdf", "docx")
MERGE = """
import sys, nbformat
merged = nbformat.v4.new_notebook()
for path in sys.argv[2:]:
    nb = nbformat.read(path, as_version=4)
    merged.cells.extend(nb.cells)
    merged.metadata = merged.metadata or nb.metadata
nbformat.write(merged, sys.argv[1])
"""


def tool(name: str) -> str:
    """A command of this environment (``.venv/bin/NAME``)."""
    path = BIN / name
    if not path.exists():
        raise SystemExit(f"{path} not found: run ./dev setup first")
    return str(path)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else float("nan")


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    """Run ``cmd`` (its output discarded); its wall seconds. Exits on failure."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # batch exits 1 when an agency-year fails its render
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


class TreeMemory:
    """Peak summed RSS of a process and all its descendants, sampled every ``every`` s."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        import psutil  # type: ignore[import-untyped]  # a dependency of distributed

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except self.psutil.Error:
                procs = []
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except self.psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def batch_command(params: Path, out: Path, jobs: int) -> list[str]:
    command = [tool("reportkit"), "batch", "--params", str(params), "--out", str(out)]
    return [*command, "--year", str(YEAR), "-j", str(jobs)]


def run_batch_tree(params: Path, out: Path, jobs: int) -> tuple[float, int]:
    """``reportkit batch``: wall seconds and peak RSS (bytes) of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        batch_command(params, out, jobs), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    memory = TreeMemory(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return seconds, peak


def district(root: Path, agencies: int, seed: int) -> Path:
    """``reportkit demo --agencies N --seed S`` into ``root/params-N``."""
    target = root / f"params-{agencies}"
    if not target.exists():
        cmd = [tool("reportkit"), "demo", "-o", str(target), "--agencies", str(agencies)]
        timed([*cmd, "--seed", str(seed)])
    return target


def agency_params(params: Path, count: int) -> list[Path]:
    return sorted(params.glob(f"*/{YEAR}.yaml"))[:count]


# ---------------------------------------------------------------- (a) the naive chain


def naive_agency(params_file: Path, work: Path) -> dict[str, float]:
    """The chain a user writes with the seed's stack, for one agency-year; seconds per step."""
    work.mkdir(parents=True)
    steps: dict[str, float] = {"papermill": 0.0}
    executed = []
    for nb in sorted(NOTEBOOKS.glob("0*.ipynb")):
        out = work / nb.name
        cmd = [tool("papermill"), str(nb), str(out), "-p", "params_path", str(params_file)]
        steps["papermill"] += timed(cmd, cwd=NOTEBOOKS)
        executed.append(str(out))
    merged = work / "report.ipynb"
    steps["merge"] = timed([sys.executable, "-c", MERGE, str(merged), *executed])
    steps["nbconvert"] = timed([tool("jupyter"), "nbconvert", "--to", "html", str(merged)])
    html = merged.with_suffix(".html")
    steps["weasyprint"] = timed([tool("weasyprint"), str(html), str(work / "report.pdf")])
    steps["total"] = sum(steps.values())
    return steps


# ---------------------------------------------------------------- (f) a warm render's CPU


def warm_phase(params: list[Path], out: Path) -> dict[str, Any]:
    """In this process, as a batch worker: every render in one warm kernel; per render the CPU
    of sections + HTML + PDF (the kernel's and this process's), and of the docx."""
    import psutil

    import reportkit.render.pipeline as pipeline
    from reportkit.render.execution import kernel_session

    me = psutil.Process()
    spent: dict[str, float] = {}

    def kernel_cpu() -> float:
        total = 0.0
        for child in me.children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def measured(stage: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.process_time() - start

        return wrapper

    pipeline._run = measured("sections", pipeline._run)  # type: ignore[method-assign]
    pipeline.notebook_to_html = measured("html", pipeline.notebook_to_html)  # type: ignore[assignment]
    pipeline._pdf = measured("pdf", pipeline._pdf)  # type: ignore[method-assign]
    pipeline._docx = measured("docx", pipeline._docx)  # type: ignore[method-assign]
    rows = []
    with kernel_session():
        for i, path in enumerate(params):
            spent.clear()
            kernel_before = kernel_cpu()
            wall = time.perf_counter()
            result = pipeline.render_agency_year(path, out)
            wall = time.perf_counter() - wall
            kernel = kernel_cpu() - kernel_before
            if i < 2 or result.status != "rendered":  # the first renders start and warm up
                continue
            rows.append(
                {
                    "cpu": kernel + sum(spent.get(k, 0.0) for k in ("sections", "html", "pdf")),
                    "kernel": kernel,
                    "html": spent.get("html", 0.0),
                    "pdf": spent.get("pdf", 0.0),
                    "docx": spent.get("docx", 0.0),
                    "wall": wall,
                }
            )
    return {key: median([r[key] for r in rows]) for key in rows[0]} | {"renders": len(rows)}


# ---------------------------------------------------------------- the whole run


def stage_split(out: Path) -> dict[str, float]:
    """Median seconds per stage over the manifests of a batch (kernel_start: the mean, since
    only each worker's first render starts a kernel)."""
    rows = []
    for path in sorted(out.glob(f"{YEAR}/*/manifest.json")):
        timings = json.loads(path.read_text(encoding="utf-8")).get("timings", {})
        sections = sum(v for k, v in timings.items() if k[:2].isdigit())
        rows.append({"sections": sections, **timings})
    split = {stage: median([r.get(stage, 0.0) for r in rows]) for stage in STAGES}
    split["kernel_start"] = round(sum(r.get("kernel_start", 0.0) for r in rows) / len(rows), 3)
    split["total"] = median([r.get("total", 0.0) for r in rows])
    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="agency-years of (b)-(c) (50)")
    parser.add_argument("--n-small", type=int, default=20, help="(e) small N (20)")
    parser.add_argument("--n-large", type=int, default=200, help="(e) large N (200)")
    parser.add_argument("--naive", type=int, default=3, help="agencies of (a) (3)")
    parser.add_argument("--warm", type=int, default=12, help="renders of (f) (12)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure (3)")
    parser.add_argument("--jobs", type=int, default=2, help="batch -j (2)")
    parser.add_argument("--seed", type=int, default=1, help="demo seed (1)")
    parser.add_argument("--only", default=",".join(PARTS), help="some of a,b,c,d,e,f")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--params", type=Path, nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "warm":
        print(json.dumps(warm_phase(args.params, args.out)))
        return
    only = {p for p in args.only.split(",") if p}
    if only - set(PARTS):
        raise SystemExit(f"--only: use some of {','.join(PARTS)}")
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:  # no git on this machine
        commit = ""
    print(
        f"reportkit scale benchmark — {platform.node()}, {os.cpu_count()} CPUs, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"commit {commit or '?'}, load average {load()}",
        flush=True,
    )
    figures: dict[str, Any] = {"runs": args.runs, "n": args.n, "jobs": args.jobs}
    with tempfile.TemporaryDirectory(prefix="reportkit-scale-") as tmp:
        root = Path(tmp)
        params = district(root, args.n, args.seed)
        chosen = agency_params(params, max(args.naive, 1))

        if "a" in only:
            runs = []
            for i, path in enumerate(chosen[: args.naive]):
                before = load()
                steps = naive_agency(path, root / f"naive-{i}")
                runs.append(steps)
                print(f"  (a) naive {path.parent.name}: {steps['total']:.1f} s (load {before})")
            figures["a"] = {k: median([r[k] for r in runs]) for k in runs[0]}

        if "b" in only or "c" in only:
            walls, reruns = [], []
            out = root / "out-b"
            for _ in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)
                before = load()
                seconds, _ = run_batch_tree(params, out, args.jobs)
                walls.append(seconds)
                print(
                    f"  (b) batch -j {args.jobs} N={args.n} cold: {seconds:.1f} s (load {before})"
                )
            figures["b"] = {"wall": median(walls), "per_agency": median(walls) / args.n}
            figures["split"] = stage_split(out)
            if "c" in only:
                for _ in range(args.runs):
                    before = load()
                    seconds = timed(batch_command(params, out, args.jobs))
                    reruns.append(seconds)
                    print(f"  (c) no-change rerun N={args.n}: {seconds:.2f} s (load {before})")
                figures["c"] = {"wall": median(reruns)}

        if "d" in only:
            colds = []
            for run in range(args.runs):
                out = root / f"out-d-{run}"
                before = load()
                seconds = timed([tool("reportkit"), "run", str(chosen[0]), "--out", str(out)])
                colds.append(seconds)
                print(f"  (d) cold run {chosen[0].parent.name}: {seconds:.1f} s (load {before})")
            figures["d"] = {"wall": median(colds)}

        if "e" in only:
            figures["e"] = {}
            for n in (args.n_small, args.n_large):
                tree = district(root, n, args.seed)
                peaks, walls = [], []
                for run in range(args.runs):
                    out = root / f"out-e-{n}-{run}"
                    before = load()
                    seconds, peak = run_batch_tree(tree, out, args.jobs)
                    peaks.append(peak / 2**20)
                    walls.append(seconds)
                    shutil.rmtree(out, ignore_errors=True)
                    print(
                        f"  (e) batch N={n}: peak RSS {peak / 2**20:.0f} MiB, {seconds:.1f} s "
                        f"(load {before})"
                    )
                figures["e"][n] = {"peak_mib": median(peaks), "wall": median(walls)}

        if "f" in only:
            rows = []
            warm = agency_params(params, args.warm + 2)
            for _ in range(args.runs):
                before = load()
                cmd = [sys.executable, __file__, "--phase", "warm", "--out", str(root / "out-f")]
                done = subprocess.run(
                    [*cmd, "--params", *map(str, warm)], capture_output=True, text=True
                )
                if done.returncode != 0:
                    raise SystemExit(f"warm phase failed:\n{done.stderr[-2000:]}")
                row = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(f"  (f) warm render CPU: {row['cpu']:.2f} s (load {before})")
            figures["f"] = {k: median([r[k] for r in rows]) for k in rows[0]}

    report(figures, args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


def report(f: dict[str, Any], args: argparse.Namespace) -> None:
    """The figures side by side."""
    print(f"\nmedians of {args.runs} run(s); N = {args.n}, batch -j {args.jobs}")
    naive = f.get("a", {}).get("total")
    if naive:
        a = f["a"]
        print(
            f"(a) naive chain, one agency: {naive:.1f} s  (papermill ×6 {a['papermill']:.1f}, "
            f"merge {a['merge']:.1f}, nbconvert {a['nbconvert']:.1f}, "
            f"weasyprint {a['weasyprint']:.1f})"
        )
    if "b" in f:
        b = f["b"]
        line = f"(b) batch -j {args.jobs}, N={args.n}, cold: {b['wall']:.1f} s, "
        line += f"{b['per_agency']:.2f} s per agency-year"
        if naive:
            line += f" — {naive / b['per_agency']:.0f}× the naive throughput (target ≥ 100×)"
        print(line)
    if "c" in f:
        print(f"(c) no-change rerun, N={args.n}: {f['c']['wall']:.2f} s (target ≤ 1 s)")
    if "d" in f:
        line = f"(d) one cold reportkit run: {f['d']['wall']:.1f} s"
        if naive:
            line += f" — {100 * f['d']['wall'] / naive:.1f} % of the naive chain (target ≤ 10 %)"
        print(line)
    if "e" in f:
        small, large = f["e"][args.n_small], f["e"][args.n_large]
        print(
            f"(e) peak RSS of the batch tree: N={args.n_small} {small['peak_mib']:.0f} MiB, "
            f"N={args.n_large} {large['peak_mib']:.0f} MiB — "
            f"{large['peak_mib'] / small['peak_mib']:.2f}× (target ≤ 1.2×)"
        )
    if "f" in f:
        w = f["f"]
        print(
            f"(f) warm render CPU (sections + HTML + PDF): {w['cpu']:.2f} s (target ≤ 1.0 s); "
            f"kernel {w['kernel']:.2f}, HTML {w['html']:.2f}, PDF {w['pdf']:.2f}; "
            f"docx {w['docx']:.2f}; wall {w['wall']:.2f} (of {w['renders']} renders)"
        )
    if "split" in f:
        s = f["split"]
        parts = ", ".join(f"{k} {s[k]:.3f}" for k in STAGES)
        print(f"stage split of (b), s per agency-year (median): {parts}; total {s['total']:.2f}")


if __name__ == "__main__":
    main()
