"""``reportkit doctor``: is this machine ready to render? One line per check, ✓ or ✗ and the fix."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from . import EXIT_OK, EXIT_RULES, command


def _setup_doctor(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "doctor",
        help="check this machine: Python, fonts, WeasyPrint's fast path, poppler, a kernel, "
        "notebooks, the outputs folder, the optional fonts (the first thing to run on a problem)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("outputs"),
        metavar="DIR",
        help="the outputs folder to check (default: outputs)",
    )
    p.add_argument(
        "--no-kernel", action="store_true", help="skip starting a kernel (saves a few seconds)"
    )


@command(_setup_doctor)
def cmd_doctor(args: argparse.Namespace) -> int:
    """Exit 0 when every must-have holds, 1 otherwise (optional fonts never fail it)."""
    from ..render.environment import diagnose, healthy

    checks = diagnose(args.out, kernel=not args.no_kernel)
    for check in checks:
        print(check.line(), flush=True)
    if healthy(checks):
        print("Ready: every must-have holds.")
        return EXIT_OK
    missing = sum(1 for c in checks if c.required and not c.ok)
    print(f"Not ready: {missing} must-have(s) missing — see the ✗ lines above.")
    return EXIT_RULES
