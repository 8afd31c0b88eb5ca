"""``reportkit compare OLD NEW [-o FILE.html] [--json]``: what changed, and what was copied."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import EXIT_OK, _print_json, command


def _setup_compare(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "compare",
        help="compare two agency-years: changed table cells, paragraphs, the share copied",
        description="Compare two params files — usually one agency's two consecutive years "
        "(OLD the earlier), or two agencies of one year. Imported published reports work too.",
    )
    p.add_argument("old", type=Path, metavar="OLD", help="the earlier params file")
    p.add_argument("new", type=Path, metavar="NEW", help="the later params file")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE.html",
        help="write the comparison as one self-contained HTML page",
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")


@command(_setup_compare)
def cmd_compare(args: argparse.Namespace) -> int:
    """Exit 0 compared; 2 a file could not be used (or the page could not be written)."""
    from ..compare import compare_files
    from ..compare.page import summary_lines, write_comparison_html

    comparison = compare_files(args.old, args.new)
    old, new = comparison.old.report, comparison.new.report
    if old.agency.id == new.agency.id and old.year > new.year:
        print(
            f"note: OLD is {old.year}, NEW is {new.year} — this shows the changes from "
            f"{old.year} to {new.year}; swap the files to see what changed since {new.year}",
            file=sys.stderr,
        )
    if args.output is not None:
        write_comparison_html(comparison, args.output)
    if args.json:
        _print_json(comparison.as_json())
    else:
        for line in summary_lines(comparison):
            print(line)
        if args.output is not None:
            print(f"written: {args.output}")
    return EXIT_OK
