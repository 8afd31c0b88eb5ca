"""``reportkit check``, ``export`` and ``schema``: validation and the normalized tables."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..checks import Finding, check_report, has_errors
from ..errors import ReportkitError
from ..model.export import normalized
from ..model.inputs import load_inputs
from ..model.params import load_report
from . import EXIT_INPUT, EXIT_OK, EXIT_RULES, _print_json, command, print_error

# ---------------------------------------------------------------- check


def _setup_check(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "check", help="validate params files (and their ledgers) and run the checks R1–R11"
    )
    p.add_argument("params", nargs="+", type=Path, help="params/<agency-id>/<year>.yaml files")
    p.add_argument("--json", action="store_true", help="print the tables and findings as JSON")


@command(_setup_check)
def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0: valid, no rule error; 1: a rule error; 2: a file could not be used."""
    worst = EXIT_OK
    results: list[dict[str, Any]] = []
    for path in args.params:
        try:
            inputs = load_inputs(path)  # as run reads it: earlier years, the Word template
            report, previous = inputs.report, inputs.previous
        except ReportkitError as err:
            print_error(err)
            if args.json:
                results.append({"params": str(path), "error": str(err), "errors": err.lines()})
            worst = EXIT_INPUT
            continue
        findings = check_report(report, previous)
        if has_errors(findings) and worst == EXIT_OK:
            worst = EXIT_RULES
        if args.json:
            results.append(
                {
                    "params": str(path),
                    "tables": normalized(report),
                    "previous_year": str(path.with_name(f"{report.year - 1}.yaml"))
                    if previous
                    else None,
                    "findings": [f.as_json() for f in findings],
                }
            )
        else:
            _print_findings(path, findings)
    if args.json:
        _print_json(results[0] if len(results) == 1 else results)
    return worst


def _print_findings(path: Path, findings: Sequence[Finding]) -> None:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    status = "ok" if not findings else f"{errors} error(s), {warnings} warning(s)"
    print(f"{path}: {status}")
    for f in findings:
        print(f"  {f.line()}")


# ---------------------------------------------------------------- export


def _setup_export(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("export", help="print the normalized tables of one params file")
    p.add_argument("params", type=Path)
    p.add_argument("--json", action="store_true", required=True, help="JSON (the only format)")


@command(_setup_export)
def cmd_export(args: argparse.Namespace) -> int:
    """Print the normalized JSON of DESIGN.md."""
    _print_json(normalized(load_report(args.params)))
    return EXIT_OK


# ---------------------------------------------------------------- schema


def _setup_schema(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("schema", help="print (or write) the JSON Schema of params files")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")


@command(_setup_schema)
def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema generated from the model."""
    from ..model.schema import schema_text

    text = schema_text()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
