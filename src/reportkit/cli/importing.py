"""``reportkit import``: a published report → a params file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..importer import import_report
from ..importer.write import check_target, default_target, params_text, write_params
from ..model import slug_ok
from ..model.params import load_report
from . import EXIT_OK, EXIT_UNCERTAIN, command


def _setup_import(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "import",
        help="import a published report (PDF, text, HTML or pdftotext output) into a params file",
    )
    p.add_argument("file", type=Path, help="the report: PDF, text, saved HTML, or pdftotext output")
    p.add_argument("--agency-id", required=True, help="e.g. xigong-education")
    p.add_argument("--year", type=int, help="the report year (default: from the title)")
    p.add_argument(
        "-o", "--output", type=Path, help="params file to write (default params/<id>/<year>.yaml)"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing params file")


@command(_setup_import)
def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0: imported completely; 3: some cells uncertain (listed); 2: unusable input."""
    if not slug_ok(args.agency_id):
        raise UsageError(
            f"--agency-id {args.agency_id!r} is not a valid agency id — use lower-case "
            "letters, digits and '-' only, e.g. xigong-education"
        )
    result = import_report(args.file, args.agency_id, args.year)
    report = result.report
    target = args.output or default_target(report.agency.id, report.year)
    check_target(target, report)
    write_params(params_text(result, target, str(args.file)), target, force=args.force)
    load_report(target)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.format_choice is not None:
        print(f"{args.file}: {result.format_choice.line()}")
    print(f"{target}: {report.agency.name} {report.year} (format {report.format})")
    if result.uncertain:
        print(
            f"{args.file}: {len(result.uncertain)} uncertain cell(s), recorded under "
            f"`uncertain` in {target} — verify them against the source:",
            file=sys.stderr,
        )
        for path in result.uncertain:
            print(f"  {path}", file=sys.stderr)
        return EXIT_UNCERTAIN
    return EXIT_OK
