"""``reportkit run``: render one agency-year to ``<out>/<year>/<agency-id>/``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..render.locations import check_out_root
from . import EXIT_INPUT, EXIT_OK, EXIT_RULES, command

if TYPE_CHECKING:
    from ..render.pipeline import RenderResult

EXIT_FOR_STATUS = {
    "rendered": EXIT_OK,
    "failed": EXIT_RULES,
    "refused": EXIT_RULES,
    "invalid": EXIT_INPUT,
}


def _setup_run(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "run",
        help="render one agency-year: section notebooks → report.ipynb, report.html, "
        "report.pdf, report.docx",
    )
    p.add_argument("params", type=Path, metavar="PARAMS", help="params/<agency-id>/<year>.yaml")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("outputs"),
        metavar="DIR",
        help="output root; the report goes to DIR/<year>/<agency-id>/ (default: outputs)",
    )
    p.add_argument(
        "--strict", action="store_true", help="refuse to render when a 勾稽 rule error is found"
    )
    p.add_argument(
        "--docx-template",
        type=Path,
        metavar="FILE",
        help="the office's Word template (.docx/.dotx: styles, header, footer) for report.docx "
        "when the params file names none (docx_template:)",
    )
    add_cell_timeout(p)


def add_cell_timeout(p: argparse.ArgumentParser) -> None:
    """``--cell-timeout SECONDS`` (run and batch)."""
    p.add_argument(
        "--cell-timeout",
        type=float,
        metavar="SECONDS",
        help="stop a section whose cell runs longer than this and record it as failed "
        "(default: 600)",
    )


@command(_setup_run)
def cmd_run(args: argparse.Namespace) -> int:
    """Exit 0 rendered; 1 render failed or --strict refusal; 2 unusable input."""
    from ..render.pipeline import render_agency_year  # papermill and nbformat load in seconds

    check_out_root(args.out)
    result = render_agency_year(
        args.params,
        args.out,
        strict=args.strict,
        docx_template=args.docx_template,
        cell_timeout=args.cell_timeout,
    )
    _print_result(result)
    return EXIT_FOR_STATUS[result.status]


def _print_result(result: RenderResult) -> None:
    for finding in result.findings:
        print(f"  {finding['rule']} {finding['severity']} {finding['where']}: {finding['message']}")
    if result.status == "rendered":
        seconds = result.timings.get("total", 0.0)
        print(f"rendered {result.agency_id} {result.year} → {result.out_dir} ({seconds:.1f} s)")
        return
    for line in result.message.splitlines() or [result.message]:
        print(f"Error: {line}", file=sys.stderr)  # a ledger's problems: one line each
