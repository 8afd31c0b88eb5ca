"""Read and write params files: ``params/<agency-id>/<year>.yaml``.

Reading is strict: the safe YAML loader of :mod:`.yamlfile`, then the :mod:`.report` validation;
every problem becomes one :class:`~reportkit.errors.ParamsError` (:mod:`.messages`) whose message
names the file, the field (with the official cell label for table cells), the bad value and the
fix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ParamsError
from . import labels as L
from .ledger.sources import TableSources, load_sources, reference
from .messages import translate
from .report import AGENCY_ID_PATTERN, Report, Requests, ReviewLitigation
from .yamlfile import dump_yaml, read_yaml

SCHEMA_COMMENT = "# yaml-language-server: $schema={}"
SCHEMA_FILENAME = "params.schema.json"


def parse_report(data: Any, path: str = "<params>", *, sources: bool = True) -> Report:
    """Validate already-parsed params data into a :class:`Report`.

    When the data references a ``ledger`` or ``case_register`` (paths relative to the folder
    of ``path``) and ``sources`` is true, 表三/表四 are computed from those files for the year
    (:mod:`reportkit.model.ledger`); numbers typed beside them are validated, kept in
    :attr:`Report.sources` for rule R11, and replaced by the computed ones. Raises
    :class:`~reportkit.errors.ParamsError`, or :class:`~reportkit.errors.LedgerError` with
    every problem of the referenced files.
    """
    if data is None:
        raise ParamsError(path, "is empty", fix="a params file is a YAML mapping")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ParamsError(
            path,
            f"the top level is {kind}, not a mapping",
            fix="a params file is a mapping with keys agency, year, overview, proactive, "
            "requests, review_litigation, problems, other_matters",
        )
    found = _table_sources(data, path) if sources else None
    if found is None:
        return _validate(data, path)
    typed = {k: data.get(k) for k in ("requests", "review_litigation")}
    filled = dict(data)
    if found.ledger is not None and typed["requests"] is None:
        filled["requests"] = found.ledger.view.rows
    if found.register is not None and typed["review_litigation"] is None:
        filled["review_litigation"] = found.register.view.rows
    report = _validate(filled, path)
    typed_requests = typed_review = None
    if found.ledger is not None:
        if typed["requests"] is not None:
            typed_requests = _rows(report.requests, L.request_row_keys(report.format))
        report.requests = Requests.model_validate(found.ledger.view.rows)
    if found.register is not None:
        if typed["review_litigation"] is not None:
            typed_review = _rows(report.review_litigation, tuple(L.REVIEW_GROUPS))
        report.review_litigation = ReviewLitigation.model_validate(found.register.view.rows)
    report._sources = TableSources(found.ledger, found.register, typed_requests, typed_review)
    return report


def _validate(data: dict[str, Any], path: str) -> Report:
    try:
        return Report.model_validate(data)
    except ValidationError as err:
        raise translate(err, path, data) from None


def _rows(table: Requests | ReviewLitigation, keys: tuple[str, ...]) -> dict[str, list[Any]]:
    return {key: list(getattr(table, key)) for key in keys}


def _table_sources(data: dict[str, Any], path: str) -> TableSources | None:
    """The ledger files ``data`` references, read for its year; None when there are none (or
    when the year, format or reference is not usable yet: validation then reports it)."""
    refs = [reference(data.get(key)) for key in ("ledger", "case_register")]
    if not any(refs):
        return None
    year, fmt = data.get("year"), data.get("format", "2021")
    if isinstance(year, bool) or not isinstance(year, int) or fmt not in L.FORMATS:
        return None
    return load_sources(data, Path(path).parent, year, fmt)


def load_report(path: str | Path) -> Report:
    """Read and validate one params file."""
    p = Path(path)
    report = parse_report(read_yaml(p), str(p))
    _check_location(p, report)
    return report


def _check_location(path: Path, report: Report) -> None:
    if re.fullmatch(r"\d{4}", path.stem) and int(path.stem) != report.year:
        raise ParamsError(
            str(path),
            f"the file is named {path.name} but says year {report.year}",
            field="year",
            value=report.year,
            fix=f"rename the file to {report.year}.yaml or correct the year",
        )
    if path.parent.parent.name == "params" or _in_params_tree(path):
        _check_folder(path, path.parent.name, report.agency.id)


_YEAR_FILE = re.compile(r"\d{4}\.yaml")


def _in_params_tree(path: Path) -> bool:
    """``path`` is ``<dir>/<agency-id>/<year>.yaml`` and ``<dir>`` holds another agency's
    folder of such files: a params tree, where the folder's name is the agency's id (as batch
    reads it), whatever ``<dir>`` is called."""
    folder = path.parent
    if not _YEAR_FILE.fullmatch(path.name) or not re.match(AGENCY_ID_PATTERN, folder.name):
        return False
    try:
        siblings = [p for p in folder.parent.iterdir() if p.is_dir() and p.name != folder.name]
        return any(
            re.match(AGENCY_ID_PATTERN, s.name)
            and any(_YEAR_FILE.fullmatch(f.name) for f in s.iterdir())
            for s in siblings[:500]
        )
    except OSError:
        return False


def check_agency_folder(path: str | Path, folder_id: str) -> None:
    """Refuse a params file of a batch layout (``<params-dir>/<agency-id>/<year>.yaml``) whose
    ``agency.id`` is not ``folder_id``, the name of its folder: its outputs would go to the
    other agency's folder (``<out>/<year>/<agency.id>/``) and overwrite that agency's report.

    Only ``agency.id`` is read; a file that cannot be read or names no id passes here (its
    render reports it). Raises :class:`~reportkit.errors.ParamsError` naming both ids and
    the fix.
    """
    p = Path(path)
    try:
        data = read_yaml(p)
    except ParamsError:
        return
    agency = data.get("agency") if isinstance(data, dict) else None
    agency_id = agency.get("id") if isinstance(agency, dict) else None
    if isinstance(agency_id, str):
        _check_folder(p, folder_id, agency_id)


def _check_folder(path: Path, folder_id: str, agency_id: str) -> None:
    if folder_id != agency_id:
        raise ParamsError(
            str(path),
            f"the folder is {folder_id}/ but agency.id is {agency_id!r}: its report would "
            f"overwrite {agency_id}'s",
            field="agency.id",
            value=agency_id,
            fix=f"correct agency.id to {folder_id!r}, or move the file to "
            f"{path.parent.parent / agency_id}/ if it is {agency_id}'s",
        )


def previous_year_path(path: str | Path, report: Report) -> Path:
    """Where the same agency's previous-year params file would be."""
    return Path(path).with_name(f"{report.year - 1}.yaml")


def load_previous(path: str | Path, report: Report) -> Report | None:
    """The same agency's previous-year report, when its file exists next to ``path``.

    Raises :class:`~reportkit.errors.ParamsError` when that file is unusable, or names
    another agency (R5, R6 and the history chart would mix two agencies' numbers).
    """
    prev = previous_year_path(path, report)
    if not prev.is_file():
        return None
    earlier = load_report(prev)
    check_same_agency(prev, earlier, report)
    return earlier


def check_same_agency(path: Path, earlier: Report, report: Report) -> None:
    """Raise :class:`~reportkit.errors.ParamsError` unless ``earlier`` (read from ``path``,
    beside ``report``'s file) is the same agency's."""
    if earlier.agency.id != report.agency.id:
        raise ParamsError(
            str(path),
            f"the earlier year beside {report.agency.id} {report.year} names agency.id "
            f"{earlier.agency.id!r} ({earlier.agency.name}): its numbers would be checked "
            f"(R5, R6) and charted as {report.agency.id}'s",
            field="agency.id",
            value=earlier.agency.id,
            fix=f"correct agency.id to {report.agency.id!r} in {path.name}, or move the file "
            "to its agency's folder",
        )


def find_schema(start: Path) -> Path | None:
    """The repo's ``schema/params.schema.json`` above ``start``, if any."""
    for folder in [start, *start.parents]:
        candidate = folder / "schema" / SCHEMA_FILENAME
        if candidate.is_file():
            return candidate
    return None


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain data in params-file order, without empty optional keys."""
    data = report.model_dump(mode="python")
    for key in ("title", "date", "docx_template"):
        if data.get(key) is None:
            data.pop(key, None)
    if not data.get("preamble"):
        data.pop("preamble", None)
    if data["agency"].get("region") is None:
        data["agency"].pop("region")
    if not data.get("uncertain"):
        data.pop("uncertain", None)
    # tables computed from a ledger are not written back: the file is their source
    for ref, table in (("ledger", "requests"), ("case_register", "review_litigation")):
        if data.get(ref) is None:
            data.pop(ref, None)
        else:
            data.pop(table, None)
            if isinstance(data[ref], dict) and data[ref].get("sheet") is None:
                data[ref] = data[ref]["file"]
    requests = data.get("requests", {})
    for key in [k for k, v in requests.items() if v is None]:
        requests.pop(key)
    for section in ("overview", "problems"):
        if not data[section].get("intro"):
            data[section].pop("intro", None)
    if data["other_matters"].get("processing_fee_yuan") is None:
        data["other_matters"].pop("processing_fee_yuan")
    return data


def dump_report(report: Report, schema_ref: str | None = None, header: str = "") -> str:
    """The params-file text of ``report`` (with the schema comment when ``schema_ref`` is set)."""
    lines = []
    if schema_ref:
        lines.append(SCHEMA_COMMENT.format(schema_ref))
    lines.extend(f"# {line}" if line else "#" for line in header.splitlines())
    body = dump_yaml(report_data(report))
    return "\n".join([*lines, body]) if lines else body


def schema_ref_for(target: Path) -> str | None:
    """The relative path from a params file at ``target`` to the repo's JSON Schema."""
    schema = find_schema(target.resolve().parent)
    if schema is None:
        return None
    return os.path.relpath(schema, target.resolve().parent)
