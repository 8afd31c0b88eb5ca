"""What one render reads: the params file and the earlier years of the same agency.

Section notebooks and :mod:`reportkit.render` both load through :func:`load_inputs`, so the
files a report depends on (recorded in its manifest) are exactly the files its notebooks read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .params import load_report, previous_year_path
from .report import Report


@dataclass(frozen=True)
class Inputs:
    """One agency-year and its history (earlier years, oldest first)."""

    path: Path
    report: Report
    history: tuple[Report, ...]
    history_paths: tuple[Path, ...]

    @property
    def previous(self) -> Report | None:
        """Last year's report, when its params file exists (rule R5, R6)."""
        if self.history and self.history[-1].year == self.report.year - 1:
            return self.history[-1]
        return None

    @property
    def previous_path(self) -> Path | None:
        """Last year's params file, when it exists."""
        return self.history_paths[-1] if self.previous is not None else None


def load_inputs(params_path: str | Path, *, charts: bool | None = None) -> Inputs:
    """Load and validate ``params_path`` and every consecutive earlier year beside it.

    ``charts`` (when not None) overrides the params file's ``charts`` switch. Raises
    :class:`~reportkit.errors.ParamsError` for any unusable file, earlier years included.
    """
    path = Path(params_path)
    report = load_report(path)
    if charts is not None:
        report = report.model_copy(update={"charts": charts})
    history: list[Report] = []
    paths: list[Path] = []
    current = report
    while True:
        earlier = previous_year_path(path, current)
        if not earlier.is_file():
            break
        current = load_report(earlier)
        history.insert(0, current)
        paths.insert(0, earlier)
        path = earlier
    return Inputs(Path(params_path), report, tuple(history), tuple(paths))
