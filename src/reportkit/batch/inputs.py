"""The input files of an agency-year: every file its render reads, as this machine sees them.

One list serves both the inputs key (:mod:`.freshness`: is the output up to date?) and the Dask
transport (:mod:`.remote`: what a worker that sees none of this machine's folders is sent), so
an input that the key covers is also an input that reaches the worker, and the reverse.

- the params file;
- the same agency's consecutive earlier years (R5 reads last year, the year-over-year charts
  every consecutive earlier year; the first missing year ends the chain);
- the ledger and case-register files (``ledger:``, ``case_register:``) that the params file and
  those earlier years name (their tables are computed from them);
- the files beside the params file whose names start with its year
  (:meth:`~reportkit.batch.discover.AgencyYear.ledgers`);
- the Word template ``report.docx`` is made with (the params file's ``docx_template``, else the
  batch's ``--docx-template``);
- any extra inputs a caller names.

Files that do not exist are listed too (a reference to a missing ledger is an input whose
absence the render reports; the key records it as absent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReportkitError
from ..model.ledger import PARAMS_KEYS, reference
from ..model.references import referenced_path
from ..model.yamlfile import read_yaml
from .discover import AgencyYear

SOURCE_KEYS = tuple(PARAMS_KEYS.values())  # ledger, case_register


@dataclass(frozen=True)
class InputFiles:
    """The files one agency-year's render reads.

    ``history`` holds the earlier years newest first; ``sources`` the ledger files named by
    the params file and its earlier years; ``others`` the year's files beside the params file,
    the Word template and extra inputs.
    """

    params: Path
    history: tuple[Path, ...] = ()
    sources: tuple[Path, ...] = ()
    others: tuple[Path, ...] = ()

    def paths(self) -> tuple[Path, ...]:
        """Every file, each once: the params file, earlier years, ledgers, the others."""
        seen: dict[Path, None] = {}
        for path in (self.params, *self.history, *self.sources, *self.others):
            seen.setdefault(path, None)
        return tuple(seen)


def history_paths(item: AgencyYear) -> tuple[Path, ...]:
    """The same agency's consecutive earlier-year params files, newest first."""
    found: list[Path] = []
    year = item.year - 1
    while (path := item.params.with_name(f"{year}.yaml")).is_file():
        found.append(path)
        year -= 1
    return tuple(found)


def _params_data(params: Path, *keys: str) -> dict[str, Any] | None:
    """The parsed params file when its text mentions one of ``keys`` (most files mention
    none, and are not parsed); None when it does not, or cannot be read (its render says why)."""
    try:
        text = params.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not any(key in text for key in keys):
        return None
    try:
        data = read_yaml(params)
    except ReportkitError:
        return None
    return data if isinstance(data, dict) else None


def named_sources(params: Path) -> list[Path]:
    """The ledger and case-register files ``params`` names (``ledger:``, ``case_register:``)."""
    data = _params_data(params, *SOURCE_KEYS)
    if data is None:
        return []
    found = []
    for key in SOURCE_KEYS:
        ref = reference(data.get(key))
        if ref is not None:
            found.append(referenced_path(params.parent, ref[0]))
    return found


def declared_docx_template(params: Path) -> Path | None:
    """The ``docx_template`` a params file names, as a path (relative ones beside the file).

    Only a file that mentions ``docx_template`` is parsed (most do not); an unreadable one
    names none here (its render reports it as invalid).
    """
    data = _params_data(params, "docx_template")
    value = data.get("docx_template") if data is not None else None
    if not isinstance(value, str) or not value:
        return None
    return referenced_path(params.parent, value, home=True)


def docx_template_for(item: AgencyYear, default: str | Path | None = None) -> Path | None:
    """The Word template of ``item``'s render: its params file's, else ``default``."""
    declared = declared_docx_template(item.params)
    if declared is not None:
        return declared
    return Path(default) if default is not None else None


def input_files(
    item: AgencyYear,
    docx_template: str | Path | None = None,
    extra: Iterable[str | Path] = (),
) -> InputFiles:
    """Every file ``item``'s render reads (see the module docstring); ``docx_template`` is the
    batch's ``--docx-template``, used when the params file names none."""
    history = history_paths(item)
    sources: dict[Path, None] = {}
    for params in (item.params, *history):
        for path in named_sources(params):
            sources.setdefault(path, None)
    others = {*item.ledgers(), *(Path(p) for p in extra)}
    template = docx_template_for(item, docx_template)
    if template is not None:
        others.add(template)
    return InputFiles(item.params, history, tuple(sources), tuple(sorted(others)))
