"""How fast are rule R10 (glyph coverage) and report.docx? Prints figures; asserts nothing.

R10 runs on every ``reportkit check`` and in every section notebook, so it must cost little:

- ``r10 cold``: a fresh process with an empty disk cache (fc-list, then every font's cmap read
  with fontTools and cached);
- ``r10 warm cache``: a fresh process, coverage from the disk cache;
- ``r10 in-process``: the same process again (what the 2nd–6th section notebook pays);
- ``check_report``: all ten rules in-process, for scale.

``report.docx``: median of N builds in one process (charts drawn and saved at 300 dpi for the
demo agency-year, none for the seed, which received no requests).

    .venv/bin/python benchmarks/bench_documents.py [-n 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "params" / "xigong-education" / "2024.yaml"
DEMO = REPO / "params" / "qinghe-market-regulation" / "2024.yaml"

_R10 = """
import sys, time
t0 = time.perf_counter()
from reportkit.checks.glyphs import rule_r10
from reportkit.model import load_report
report = load_report(sys.argv[1])
t1 = time.perf_counter()
rule_r10(report)
t2 = time.perf_counter()
rule_r10(report)
t3 = time.perf_counter()
from reportkit.checks import check_report
t4 = time.perf_counter()
check_report(report)
t5 = time.perf_counter()
print(t2 - t1, t3 - t2, t5 - t4)
"""


def _r10_process(cache: Path) -> tuple[float, float, float]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", _R10, str(SEED)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=REPO,
    ).stdout.split()
    first, again, check = (float(x) for x in out)
    return first, again, check


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="repetitions (default 5)")
    args = parser.parse_args()

    cold, warm, in_process, checks = [], [], [], []
    for _ in range(args.n):
        with tempfile.TemporaryDirectory() as cache:
            first, _, _ = _r10_process(Path(cache))
            cold.append(first)
            first, again, check = _r10_process(Path(cache))
            warm.append(first)
            in_process.append(again)
            checks.append(check)
    print(f"R10 glyph coverage, seed, median of {args.n}")
    print(f"  cold (empty disk cache)     {_ms(statistics.median(cold))}")
    print(f"  warm disk cache, new process{_ms(statistics.median(warm))}")
    print(f"  again in the same process   {_ms(statistics.median(in_process))}")
    print(f"  check_report (R1–R10), warm {_ms(statistics.median(checks))}")

    sys.path.insert(0, str(REPO / "src"))
    from reportkit.model.inputs import load_inputs
    from reportkit.render.docx import report_docx_bytes

    print(f"report.docx build, median of {args.n} (first build apart: imports)")
    for name, path in (("seed (no charts drawn)", SEED), ("demo, 3 charts at 300 dpi", DEMO)):
        inputs = load_inputs(path)
        start = time.perf_counter()
        data = report_docx_bytes(inputs.report, inputs.history)
        first = time.perf_counter() - start
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            report_docx_bytes(inputs.report, inputs.history)
            times.append(time.perf_counter() - start)
        print(
            f"  {name:<28}{_ms(statistics.median(times))}  (first {_ms(first).strip()}, "
            f"{len(data) / 1024:.0f} KiB)"
        )


if __name__ == "__main__":
    main()
