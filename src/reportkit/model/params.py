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
from .messages import translate
from .report import Report
from .yamlfile import dump_yaml, read_yaml

SCHEMA_COMMENT = "# yaml-language-server: $schema={}"
SCHEMA_FILENAME = "params.schema.json"


def parse_report(data: Any, path: str = "<params>") -> Report:
    """Validate already-parsed params data into a :class:`Report`."""
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
    try:
        return Report.model_validate(data)
    except ValidationError as err:
        raise translate(err, path, data) from None


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
    if path.parent.parent.name == "params" and path.parent.name != report.agency.id:
        raise ParamsError(
            str(path),
            f"the folder is {path.parent.name}/ but agency.id is {report.agency.id!r}",
            field="agency.id",
            value=report.agency.id,
            fix=f"move the file to params/{report.agency.id}/ or correct agency.id",
        )


def previous_year_path(path: str | Path, report: Report) -> Path:
    """Where the same agency's previous-year params file would be."""
    return Path(path).with_name(f"{report.year - 1}.yaml")


def load_previous(path: str | Path, report: Report) -> Report | None:
    """The same agency's previous-year report, when its file exists next to ``path``."""
    prev = previous_year_path(path, report)
    return load_report(prev) if prev.is_file() else None


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
    for key in ("title", "date"):
        if data.get(key) is None:
            data.pop(key, None)
    if not data.get("preamble"):
        data.pop("preamble", None)
    if data["agency"].get("region") is None:
        data["agency"].pop("region")
    if not data.get("uncertain"):
        data.pop("uncertain", None)
    requests = data["requests"]
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
