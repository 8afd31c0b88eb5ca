"""Write an imported report as a params file: atomically, and never over an existing file
unless asked to."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from ..errors import ReportImportError
from ..model import Report
from ..model.params import dump_report, schema_ref_for
from . import ImportResult


def default_target(agency_id: str, year: int, root: Path | None = None) -> Path:
    """``params/<agency-id>/<year>.yaml`` (under ``root``, default the working directory)."""
    return (root or Path()) / "params" / agency_id / f"{year}.yaml"


def check_target(target: Path, report: Report) -> None:
    """Refuse a target the params loader would reject (year or agency folder mismatch)."""
    if re.fullmatch(r"\d{4}", target.stem) and int(target.stem) != report.year:
        raise ReportImportError(
            str(target),
            f"is named for {target.stem} but the report is for {report.year} — "
            f"write to {target.with_name(f'{report.year}.yaml')} (or give --year if the "
            "title's year is wrong)",
        )
    if target.parent.parent.name == "params" and target.parent.name != report.agency.id:
        raise ReportImportError(
            str(target),
            f"is in params/{target.parent.name}/ but --agency-id is {report.agency.id!r} — "
            f"write to params/{report.agency.id}/{target.name}",
        )


def params_text(result: ImportResult, target: Path, source: str) -> str:
    """The params-file text: schema comment, a header naming the source, then the report."""
    header = [
        f"Imported by `reportkit import` from {Path(source).name} ({result.encoding}).",
        "Numbers are as published; `reportkit check` reports the ones that do not add up.",
    ]
    if result.uncertain:
        header.append(
            f"{len(result.uncertain)} cell(s) could not be read with certainty (listed under "
            "`uncertain`): verify them against the source, then remove them from the list."
        )
    return dump_report(result.report, schema_ref_for(target), "\n".join(header))


def write_params(text: str, target: Path, *, force: bool = False) -> None:
    """Write ``text`` to ``target`` atomically; refuse to replace a file unless ``force``."""
    if target.is_dir():
        raise ReportImportError(
            str(target), "is a directory — give a file such as params/<agency-id>/<year>.yaml"
        )
    if target.exists() and not force:
        raise ReportImportError(
            str(target), "already exists — pass --force to overwrite it, or -o to write elsewhere"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise ReportImportError(str(target), f"cannot be written ({err.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise ReportImportError(
                    str(target),
                    "already exists — pass --force to overwrite it, or -o to write elsewhere",
                ) from None
    except OSError as err:
        raise ReportImportError(str(target), f"cannot be written ({err.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
