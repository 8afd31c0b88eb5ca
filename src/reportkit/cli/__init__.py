"""``reportkit``: a thin command line over the library.

Each command (one module here: ``check`` — check, export, schema; ``run``; ``batch``;
``importing`` — import; ``demo``; ``compare``; ``ledger`` — ledger template; ``doctor``) parses
its arguments and calls one library function; library errors become one ``Error: …`` line on
stderr and an exit code (0 ok, 1 rule error or failed render, 2 unusable input, 3 import with
uncertain cells), and reportkit's warnings one ``Warning: …`` line. Nothing else lives here.

May import: every other stage (:mod:`reportkit.batch`, :mod:`reportkit.compare`,
:mod:`reportkit.render`, :mod:`reportkit.importer`, :mod:`reportkit.demo`,
:mod:`reportkit.checks`, :mod:`reportkit.model`); heavy ones inside the command that needs them,
so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .. import __version__
from ..errors import ReportkitError
from ..render.safety import Terminated, quiet_abandoned_work, sigterm_as_interrupt

EXIT_OK, EXIT_RULES, EXIT_INPUT, EXIT_UNCERTAIN = 0, 1, 2, 3
EXIT_BUG = 70  # EX_SOFTWARE: reportkit itself failed
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM

COMMAND_MODULES = ("check", "run", "batch", "importing", "demo", "compare", "ledger", "doctor")
# the module of each command: a command imports its own module only (some import pandas or
# Dask, seconds that `reportkit batch --scheduler` with a dead address must not wait for)
MODULE_OF = {
    "check": "check",
    "export": "check",
    "schema": "check",
    "run": "run",
    "batch": "batch",
    "import": "importing",
    "demo": "demo",
    "compare": "compare",
    "ledger": "ledger",
    "doctor": "doctor",
}

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction[Any]], None], Command]] = {}


def command(
    setup: Callable[[argparse._SubParsersAction[Any]], None],
) -> Callable[[Command], Command]:
    """Register a sub-command: ``setup`` adds its parser, the decorated function runs it."""

    def register(fn: Command) -> Command:
        _COMMANDS[fn.__name__.removeprefix("cmd_")] = (setup, fn)
        return fn

    return register


def print_error(err: ReportkitError) -> None:
    """``Error: …`` on stderr, one line per problem (a ledger may have many)."""
    for line in err.lines():
        print(f"Error: {line}", file=sys.stderr)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """reportkit's own warnings as one ``Warning: …`` line; others as Python shows them."""
    if category.__module__.startswith("reportkit."):
        print(f"Warning: {message}", file=sys.stderr, flush=True)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


_PYTHON_SHOWWARNING = warnings.showwarning


def at_least_one(text: str) -> int:
    """An argparse ``type``: a whole number ≥ 1 (``-j``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number: give 1 or more"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1: give 1 or more")
    return value


def seconds(text: str) -> float:
    """An argparse ``type``: a finite number of seconds ≥ 0 (``--lock-wait``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds ≥ 0")
    return value


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------- main


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of the command ``argv`` names (of every command when it names
    none: ``--help``, a mistyped command)."""
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    module = MODULE_OF.get(words[0]) if words else None
    _load_commands((module,) if module else COMMAND_MODULES)
    parser = argparse.ArgumentParser(
        prog="reportkit",
        description="政府信息公开工作年度报告: check, render, batch, import, export.",
    )
    parser.add_argument("--version", action="version", version=f"reportkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for setup, _ in _COMMANDS.values():
        setup(sub)
    return parser


def _load_commands(names: Sequence[str] = COMMAND_MODULES) -> None:
    """Import the modules whose commands register themselves."""
    import importlib

    for name in names:
        try:
            importlib.import_module(f"reportkit.cli.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"reportkit.cli.{name}":
                raise


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reportkit`` console script."""
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    warnings.showwarning = _show_warning
    from ..render.locations import skip_iri_grammars

    skip_iri_grammars()
    _, fn = _COMMANDS[args.command]
    try:
        with sigterm_as_interrupt():
            return fn(args)
    except ReportkitError as err:
        print_error(err)
        return EXIT_INPUT
    except KeyboardInterrupt as err:
        quiet_abandoned_work()
        stopped = isinstance(err, Terminated)
        print("Terminated (SIGTERM)." if stopped else "Interrupted.", file=sys.stderr)
        return EXIT_TERMINATED if stopped else EXIT_INTERRUPTED
    except BrokenPipeError:  # `reportkit export … | head`: the reader left; nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as err:
        where = f": {err.filename}" if err.filename else ""
        print(f"Error: {err.strerror or err}{where} — check the path and the disk", file=sys.stderr)
        return EXIT_INPUT
    except Exception as err:  # a bug: one line, the traceback only on request
        if os.environ.get("REPORTKIT_DEBUG"):
            raise
        detail = " ".join(f"{type(err).__name__}: {err}".split())[:300]
        print(
            f"Error: reportkit failed unexpectedly ({detail}) — this is a bug: please report it "
            "with the command; REPORTKIT_DEBUG=1 shows the traceback",
            file=sys.stderr,
        )
        return EXIT_BUG
