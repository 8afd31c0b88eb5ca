"""Progress of a batch: a live bar on a terminal, plain lines otherwise, nothing in a library call.

:func:`reportkit.batch.run_batch` reports to a :class:`ProgressSink`; the CLI picks one with
:func:`progress_for` (rich's live bar when stderr is a TTY, one line per agency-year otherwise).
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .discover import AgencyYear


class OutcomeLike(Protocol):
    """What a sink reads of a finished agency-year."""

    @property
    def agency_id(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def seconds(self) -> float: ...


class ProgressSink(Protocol):
    """Receives the events of a batch run, in the main process."""

    def start(self, total: int, up_to_date: int) -> None:
        """``total`` agency-years will be rendered; ``up_to_date`` were skipped."""

    def begin(self, item: AgencyYear) -> None:
        """``item`` was handed to a worker."""

    def end(self, outcome: OutcomeLike) -> None:
        """``item`` finished (rendered, failed, …)."""

    def close(self) -> None:
        """The batch is over (or interrupted)."""


class NullProgress:
    """Reports nothing (the default of the library)."""

    def start(self, total: int, up_to_date: int) -> None:
        """Ignore."""

    def begin(self, item: AgencyYear) -> None:
        """Ignore."""

    def end(self, outcome: OutcomeLike) -> None:
        """Ignore."""

    def close(self) -> None:
        """Ignore."""


class PlainProgress:
    """One line per finished agency-year: ``[3/10] rendered xigong-education 2024 (4.2 s)``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0

    def start(self, total: int, up_to_date: int) -> None:
        """Say how much there is to do."""
        self.total = total
        self.stream.write(f"{up_to_date} up to date, {total} to render\n")
        self.stream.flush()

    def begin(self, item: AgencyYear) -> None:
        """Nothing: the line is written when the agency-year ends."""

    def end(self, outcome: OutcomeLike) -> None:
        """Write one line."""
        self.done += 1
        tail = f": {outcome.detail}" if outcome.status != "rendered" and outcome.detail else ""
        self.stream.write(
            f"[{self.done}/{self.total}] {outcome.status} {outcome.agency_id} {outcome.year}"
            f" ({outcome.seconds:.1f} s){tail}\n"
        )
        self.stream.flush()

    def close(self) -> None:
        """Nothing to close."""


class RichProgress:
    """A live bar: done/total, the agencies being rendered, elapsed time and ETA."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]渲染[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=False,
        )
        self.task: TaskID | None = None
        self.current: dict[AgencyYear, float] = {}

    def _describe(self) -> str:
        names = [item.label for item in sorted(self.current, key=self.current.__getitem__)]
        shown = ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
        return f"[dim]{shown}[/dim]"

    def start(self, total: int, up_to_date: int) -> None:
        """Show the bar."""
        self.console.print(f"{up_to_date} up to date, {total} to render")
        self.progress.start()
        self.task = self.progress.add_task("", total=total)

    def begin(self, item: AgencyYear) -> None:
        """Add ``item`` to the agencies shown as running."""
        self.current[item] = time.monotonic()
        if self.task is not None:
            self.progress.update(self.task, description=self._describe())

    def end(self, outcome: OutcomeLike) -> None:
        """Advance the bar; failures are printed above it."""
        for item in [i for i in self.current if (i.agency_id, i.year) == outcome_key(outcome)]:
            del self.current[item]
        if outcome.status != "rendered":
            self.progress.console.print(
                f"[red]{outcome.status}[/red] {outcome.agency_id} {outcome.year}: {outcome.detail}"
            )
        if self.task is not None:
            self.progress.update(self.task, advance=1, description=self._describe())

    def close(self) -> None:
        """Stop the live display."""
        self.progress.stop()


def outcome_key(outcome: OutcomeLike) -> tuple[str, int]:
    """(agency id, year) of an outcome."""
    return outcome.agency_id, outcome.year


def progress_for(stream: TextIO | None = None) -> ProgressSink:
    """A live bar when ``stream`` (default stderr) is a terminal, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if out.isatty():
        return RichProgress(Console(file=out, stderr=out is sys.stderr))
    return PlainProgress(out)
