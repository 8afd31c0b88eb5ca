"""One root exception; every subclass carries structured fields and survives pickling.

Batch runs move errors across process (and Dask worker) boundaries, so each class keeps its
constructor arguments in ``args`` order via ``__reduce__``.
"""

from __future__ import annotations

from typing import Any


class ReportkitError(Exception):
    """Root of every error reportkit raises on purpose. ``str(err)`` is the one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        """The message as lines, one problem each (most errors are one line)."""
        return self.message.splitlines() or [self.message]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__dict__.copy()))

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: in a notebook, one line per problem, as
        on the CLI."""
        return [f"Error: {line}" for line in self.lines()]


def _rebuild(cls: type[ReportkitError], state: dict[str, Any]) -> ReportkitError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class ParamsError(ReportkitError, ValueError):
    """A params file that cannot be used: unreadable, not YAML, or not a valid agency-year.

    ``path`` is the file, ``field`` the dotted path inside it (``requests.new[3]``), ``value``
    the offending value and ``fix`` what to do about it.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        fix: str | None = None,
    ) -> None:
        self.path = path
        self.field = field
        self.value = value
        self.fix = fix
        self.more: list[str] = []  # the file's other problems, one line each
        where = f"{path}: {field}: " if field else f"{path}: "
        tail = f" — {fix}" if fix else ""
        super().__init__(f"{where}{message}{tail}")

    def __str__(self) -> str:
        n = len(self.more)
        return f"{self.message} (and {n} more problem{'s' if n > 1 else ''})" if n else self.message

    def lines(self) -> list[str]:
        """This problem and the file's others, one line each (``check`` prints them all)."""
        return [self.message, *self.more]


class ParamsFileError(ParamsError, OSError):
    """The params file cannot be read at all (missing, a directory, not UTF-8)."""


class LedgerError(ReportkitError, ValueError):
    """A ledger or case register (CSV/XLSX) that cannot be used, with every problem in it.

    ``path`` is the file as the params file names it; ``problems`` holds one line per problem
    (``<file>: row 7 (编号 2024-006): 办结日期 … — <fix>``), so ``check`` reports them all at
    once. Lines name a row by its number and 编号, never by its personal data.
    """

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ReportImportError(ReportkitError, ValueError):
    """A published report that cannot be imported (unreadable, not a report)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


class RenderError(ReportkitError, RuntimeError):
    """A section notebook failed, or HTML/PDF could not be produced.

    ``notebook`` is the path of the partial executed notebook kept as evidence.
    """

    def __init__(
        self,
        message: str,
        *,
        agency: str | None = None,
        year: int | None = None,
        section: str | None = None,
        cell: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
        notebook: str | None = None,
    ) -> None:
        self.agency = agency
        self.year = year
        self.section = section
        self.cell = cell
        self.ename = ename
        self.evalue = evalue
        self.notebook = notebook
        super().__init__(message)


class OutputsBusy(ReportkitError, RuntimeError):
    """An output folder is being written by another process (it holds the folder's lock).

    ``folder`` is the folder and ``holder`` who holds it (pid, host, since, command).
    """

    def __init__(
        self, folder: str, holder: str, what: str = "is being rendered", waited: str = ""
    ) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(
            f"{folder}/ {what} by {holder}{waited} — run again when it has finished; "
            "two processes never write one folder at once"
        )


class FontError(ReportkitError, OSError):
    """No CJK font is installed, so charts and the PDF would show missing-glyph boxes."""


class ParameterError(ReportkitError, ValueError):
    """A section notebook's parameter (papermill ``-p``, or the parameters cell) is unusable.

    ``name`` is the parameter, ``value`` what it was given, ``accepted`` the values it takes.
    """

    def __init__(self, name: str, value: Any, accepted: str, *, problem: str = "") -> None:
        self.name = name
        self.value = value
        self.accepted = accepted
        shown = (
            repr(value)
            if not isinstance(value, str) or len(value) <= 80
            else repr(value[:77] + "...")
        )
        kinds: dict[type, str] = {
            str: "text",
            int: "a number",
            float: "a number",
            list: "a list",
            dict: "a mapping",
            type(None): "nothing",
        }
        what = problem or f"is not accepted ({kinds.get(type(value), type(value).__name__)})"
        super().__init__(f"notebook parameter {name} = {shown} {what} — accepted: {accepted}")


class UsageError(ReportkitError, ValueError):
    """Command-line arguments that cannot be used (no params found, bad year …)."""
