"""One problem of a ledger file: where (file, row as Excel shows it, 编号, column), what, the fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

from ...errors import LedgerError

ID_SHOWN = 30  # characters of a 编号 shown in a message


def show_id(value: str) -> str:
    """A 编号 as messages show it (shortened when very long)."""
    return value if len(value) <= ID_SHOWN else value[: ID_SHOWN - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem, in the one-line form ``<file>: row 7 (编号 X): <message> — <fix>``."""

    file: str
    message: str
    fix: str
    row: int | None = None
    id: str | None = None

    def line(self) -> str:
        """The message line (never holds a cell of a column reportkit does not read)."""
        where = ""
        if self.row is not None:
            where = f"row {self.row}"
            if self.id:
                where += f" (编号 {show_id(self.id)})"
            where += ": "
        return f"{self.file}: {where}{self.message} — {self.fix}"


def fail(path: str, problems: Sequence[Problem]) -> NoReturn:
    """Raise one :class:`LedgerError` holding every problem, in row order."""
    ordered = sorted(problems, key=lambda p: (p.file, p.row or 0))
    raise LedgerError(path, [p.line() for p in ordered])
