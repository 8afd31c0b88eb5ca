"""``reportkit batch``: render every agency-year, then print the summary and where the index is."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..batch import BatchInterrupted, BatchResult, Outcome, run_batch
from ..batch.comparisons import counts_line
from ..batch.discover import unread_params
from ..batch.progress import progress_for
from ..batch.units import LOCK_WAIT
from ..render.safety import quiet_abandoned_work
from . import EXIT_INTERRUPTED, EXIT_TERMINATED, at_least_one, command, seconds
from .run import add_cell_timeout


def _setup_batch(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "batch",
        help="render every agency-year (parallel, incremental) and write the reviewers' index",
    )
    p.add_argument("--year", help="only this year (default: every year found)")
    p.add_argument("--params", type=Path, default=Path("params"), help="default: params")
    p.add_argument("--out", type=Path, default=Path("outputs"), help="default: outputs")
    p.add_argument(
        "-j",
        "--jobs",
        type=at_least_one,
        help="worker processes (default: number of cores); with --scheduler, the most "
        "agency-years in flight (default: the cluster's worker threads)",
    )
    p.add_argument("--force", action="store_true", help="re-render even what is up to date")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    p.add_argument("--strict", action="store_true", help="refuse agency-years with a rule error")
    p.add_argument(
        "--docx-template",
        type=Path,
        metavar="FILE",
        help="the office's Word template (.docx/.dotx: styles, header, footer) for every "
        "report.docx whose params file names none (docx_template:)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="render on the Dask cluster of this scheduler (tcp://HOST:PORT) instead of local "
        "processes; its workers need the same reportkit, not this machine's folders: each gets "
        "what its agency-year reads, and the outputs are written here. local[:N] starts N "
        "single-threaded workers on this machine (default: one per core)",
    )
    add_cell_timeout(p)
    p.add_argument(
        "--lock-wait",
        type=seconds,
        default=LOCK_WAIT,
        metavar="SECONDS",
        help="how long to wait for an agency-year that another reportkit process is rendering "
        f"into the same --out (default: {LOCK_WAIT:.0f})",
    )


@command(_setup_batch)
def cmd_batch(args: argparse.Namespace) -> int:
    """Exit 0: all rendered or up to date; 1: any failed; 2: unusable arguments."""
    for line in unread_params(args.params):  # 2024.yml, "2024 copy.yaml": read by no one
        print(f"note: {line}", file=sys.stderr)
    try:
        result = run_batch(
            args.params,
            args.out,
            year=args.year,
            jobs=args.jobs,
            force=args.force,
            fail_fast=args.fail_fast,
            strict=args.strict,
            progress=progress_for(sys.stderr),
            scheduler=args.scheduler,
            docx_template=args.docx_template,
            cell_timeout=args.cell_timeout,
            lock_wait=args.lock_wait,
            note=_note,
        )
    except BatchInterrupted as err:
        quiet_abandoned_work()
        print(str(err), file=sys.stderr)
        return EXIT_TERMINATED if err.by == "SIGTERM" else EXIT_INTERRUPTED
    print_summary(result, Console(file=sys.stdout, soft_wrap=True, highlight=False))
    if result.index_error:
        print(f"Error: {result.index_error}", file=sys.stderr)
    return result.exit_code


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _rules(outcome: Outcome) -> str:
    rules = sorted({str(f.get("rule")) for f in outcome.findings if f.get("severity") == "error"})
    return f"{outcome.errors} ({', '.join(rules)})" if rules else "0"


def print_summary(result: BatchResult, console: Console) -> None:
    """The end-of-batch summary: what was rendered and why, failures, rule errors, counts.

    A table on a terminal; plain lines otherwise (logs, CI), so paths are never wrapped.
    """
    rows = [o for o in result.outcomes if o.status != "up to date" or o.errors]
    if rows and console.is_terminal:
        table = Table(title="批量渲染结果")
        for name in ("agency", "year", "status", "rule errors", "reason / message"):
            table.add_column(name, overflow="fold")
        for o in rows:
            text = o.detail if o.status != "rendered" else o.reason
            if o.failed_notebook:
                text += f"\nfailed notebook: {o.failed_notebook}"
            style = "red" if o.status not in ("rendered", "up to date") else None
            table.add_row(o.agency_id, str(o.year), o.status, _rules(o), text, style=style)
        console.print(table)
    else:
        for o in rows:
            text = o.detail if o.status != "rendered" else o.reason
            errors = f" [rule errors: {_rules(o)}]" if o.errors else ""
            console.print(f"{o.status:<10} {o.agency_id} {o.year}: {text}{errors}", markup=False)
            if o.failed_notebook:
                console.print(f"{'':<10} failed notebook: {o.failed_notebook}", markup=False)
    counts = (
        f"{len(result.rendered)} rendered, {len(result.up_to_date)} up to date (skipped), "
        f"{len(result.failed)} failed"
    )
    if result.not_run:
        counts += f", {len(result.not_run)} not run"
    console.print(f"{counts} in {result.seconds:.1f} s.", markup=False)
    if result.comparisons:
        console.print(counts_line(result.comparisons), markup=False)
    for c in result.failed_comparisons:
        console.print(
            f"{'failed':<10} compare.html {c.agency_id} {c.year}: {c.message}", markup=False
        )
    if not result.rendered and not result.failed:
        console.print("Nothing to render: every agency-year is up to date.")
    for year, path in sorted(result.indexes.items()):
        console.print(f"Index {year}: {path}", markup=False)
    if result.root_index is not None:
        console.print(f"All years: {result.root_index}", markup=False)
