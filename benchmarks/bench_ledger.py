"""How long does a ledger take to read, validate and turn into 表三? Prints figures; asserts nothing.

Makes a 依申请公开台账 of N applications (default 2,000, 20,000) spread over five years, as CSV and
as XLSX (the template's workbook), then times, in this process:

- ``read+validate``: the file → validated records (cold: nothing cached);
- ``table 三 of a year``: one year's table from the records (pandas);
- ``load_report``: a params file that references the ledger, read again (the records cached, as
  for the several years and the batch's key computations that read one ledger).

    .venv/bin/python benchmarks/bench_ledger.py [-n 2000 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

from reportkit.model import load_report
from reportkit.model.ledger import csv_bytes, read_raw, workbook_bytes
from reportkit.model.ledger.compute import requests_view
from reportkit.model.ledger.validate import ledger_records
from reportkit.model.ledger.vocabulary import APPLICANT_TYPES, OUTCOMES

REPO = Path(__file__).resolve().parents[1]


def rows(n: int, seed: int = 1) -> list[list[object]]:
    """``n`` valid applications received 2020–2024 (the last ones still open)."""
    rng = random.Random(seed)
    out: list[list[object]] = []
    for i in range(n):
        received = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 5 * 365 - 1))
        finished = received + dt.timedelta(days=rng.randint(1, 30))
        closed = finished < dt.date(2025, 1, 1)
        out.append(
            [
                f"{received.year}-{i:06d}",
                received.isoformat(),
                rng.choice(list(APPLICANT_TYPES)),
                "某某",
                "",
                "某项政府信息",
                rng.choice(list(OUTCOMES)) if closed else None,
                finished.isoformat() if closed else None,
                None,
            ]
        )
    return out


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n: int, fmt: str, content: bytes, params: dict[str, object]) -> str:
    """One line of figures for ``n`` rows in ``fmt``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "params" / "xigong-education"
        folder.mkdir(parents=True)
        ledger = folder / f"ledger.{fmt}"
        ledger.write_bytes(content)
        path = folder / "2024.yaml"
        text = yaml.safe_dump({**params, "ledger": ledger.name}, allow_unicode=True)
        path.write_text(text, "utf-8")

        def cold() -> object:
            return ledger_records(read_raw("ledger", ledger, ledger.name))

        records = cold()
        read = median_seconds(cold, 3 if n <= 5000 else 1)
        table = median_seconds(partial(requests_view, records, 2024), 5)
        load_report(path)  # fills the cache
        warm = median_seconds(partial(load_report, path), 5)
    size = len(content) / 2**20
    return f"{n:>7} {fmt:>6} {size:>6.2f} {read:>16.3f} {table:>8.3f} {warm:>14.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    params = yaml.safe_load((REPO / "params/xigong-education/2024.yaml").read_text("utf-8"))
    del params["requests"]
    header = f"{'rows':>7} {'format':>6} {'MiB':>6} {'read+validate s':>16} {'表三 s':>8}"
    print(header + f" {'load_report s':>14}")
    for n in args.n:
        data = rows(n)
        print(measure(n, "csv", csv_bytes("ledger", data), params))
        print(measure(n, "xlsx", workbook_bytes("ledger", data), params))


if __name__ == "__main__":
    main()
