"""``reportkit demo``: write the fictional demo district 临川市青禾区 into a params folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..demo import DEFAULT_AGENCIES, MAX_AGENCIES, parse_years, write
from . import EXIT_OK, command


def _setup_demo(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "demo",
        help="write the fictional demo district 青禾区 (params files; the bundled demo by default)",
    )
    p.add_argument(
        "--agencies",
        type=int,
        default=DEFAULT_AGENCIES,
        metavar="N",
        help=f"number of agencies, 1–{MAX_AGENCIES}: the 7 hand-written ones, then synthesized "
        f"departments and 街道/镇 (default: {DEFAULT_AGENCIES})",
    )
    p.add_argument(
        "--years",
        default="2022-2024",
        metavar="A-B",
        help="a year or a range of years (default: 2022-2024)",
    )
    p.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="vary every number with this seed (default: none, the bundled district)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files that differ")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help="the params folder to write <agency-id>/<year>.yaml into, e.g. params",
    )


@command(_setup_demo)
def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo params files; one line says how many, and where."""
    years = parse_years(args.years)
    result = write(args.output, args.agencies, years, args.seed, force=args.force)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    params = [p for p in result.written if p.suffix == ".yaml"]
    ledgers = len(result.written) - len(params)
    unchanged = sum(p.suffix == ".yaml" for p in result.unchanged)
    same = f"; {unchanged} already up to date" if unchanged else ""
    files = "file" if len(params) == 1 else "files"
    agencies = "agency" if args.agencies == 1 else "agencies"
    beside = f", and {ledgers} ledger file{'s' if ledgers > 1 else ''}" if ledgers else ""
    print(
        f"{len(params)} demo params {files}{beside} written under {args.output} "
        f"({args.agencies} {agencies} × {span}{same})"
    )
    return EXIT_OK
