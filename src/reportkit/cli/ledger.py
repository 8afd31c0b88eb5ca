"""``reportkit ledger template``: the ledger and case-register templates an office fills in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..model.ledger.templates import write_templates
from . import EXIT_OK, command


def _setup_ledger(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "ledger",
        help="the 依申请公开台账 and case register that 表三/表四 can be computed from",
    )
    actions = p.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    t = actions.add_parser(
        "template",
        help="write the templates (XLSX with drop-down lists, an example and notes sheet; CSV)",
    )
    t.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the folder to write them into (default: the current folder)",
    )
    t.add_argument("--force", action="store_true", help="overwrite files that differ")


@command(_setup_ledger)
def cmd_ledger(args: argparse.Namespace) -> int:
    """Write the template files; one line names each."""
    for path in write_templates(args.output, force=args.force):
        print(path)
    return EXIT_OK
