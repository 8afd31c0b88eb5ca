"""What one render reads: the params file and the earlier years of the same agency.

Section notebooks and :mod:`reportkit.render` both load through :func:`load_inputs`, so the
files a report depends on (recorded in its manifest) are exactly the files its notebooks read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ParamsError
from .params import check_same_agency, load_report, previous_year_path
from .references import referenced_path
from .report import Report

DOCX_TEMPLATE_SUFFIXES = (".docx", ".dotx")


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

    @property
    def docx_template(self) -> Path | None:
        """The params file's ``docx_template``, relative to the params file's folder."""
        return declared_docx_template(self.path, self.report)


def declared_docx_template(params_path: str | Path, report: Report) -> Path | None:
    """``report.docx_template`` as a path: absolute as given, else beside the params file
    (:func:`~reportkit.model.references.referenced_path`)."""
    if not report.docx_template:
        return None
    return referenced_path(Path(params_path).parent, report.docx_template, home=True)


def check_docx_template(path: Path, source: str, field: str | None = "docx_template") -> None:
    """Raise :class:`ParamsError` unless ``path`` is an existing ``.docx``/``.dotx`` file.

    ``source`` is the file (a params file) or option (``--docx-template``) that named it.
    Whether the file really is a Word document is checked when it is opened
    (:func:`reportkit.render.docx_layout.open_template`).
    """
    fix = "give the path of the office's .docx or .dotx" + (
        " (relative to the params file's folder)"
        if field is not None
        else " (relative to the current folder)"
    )
    if path.suffix.lower() not in DOCX_TEMPLATE_SUFFIXES:
        raise ParamsError(
            source,
            f"{path} is not a Word file (.docx or .dotx)",
            field=field,
            value=str(path),
            fix=f"{fix}; a .doc or .wps must first be saved as .docx in Word or WPS",
        )
    if not path.is_file():
        raise ParamsError(source, f"{path} does not exist", field=field, value=str(path), fix=fix)


def load_inputs(params_path: str | Path, *, charts: bool | None = None) -> Inputs:
    """Load and validate ``params_path`` and every consecutive earlier year beside it.

    ``charts`` (when not None) overrides the params file's ``charts`` switch. Raises
    :class:`~reportkit.errors.ParamsError` for any unusable file, earlier years included, and
    for a ``docx_template`` that is not an existing ``.docx``/``.dotx`` file.
    """
    path = Path(params_path)
    report = load_report(path)
    template = declared_docx_template(path, report)
    if template is not None:
        check_docx_template(template, str(path))
    if charts is not None:
        report = report.model_copy(update={"charts": charts})
    history: list[Report] = []
    paths: list[Path] = []
    current = report
    while True:
        earlier = previous_year_path(path, current)
        if not earlier.is_file():
            break
        before = current
        current = load_report(earlier)
        check_same_agency(earlier, current, before)
        history.insert(0, current)
        paths.insert(0, earlier)
        path = earlier
    return Inputs(Path(params_path), report, tuple(history), tuple(paths))
