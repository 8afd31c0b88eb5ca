"""Find the agency-years of a params folder: ``<params>/<agency-id>/<year>.yaml``.

Discovery only looks at names (hidden folders such as ``.git`` are skipped); it does not parse the files (an invalid params file is still an
agency-year to render, and rendering reports it). Ledger files of an agency-year are the files
beside its params file whose names start with ``<year>.``, ``<year>-`` or ``<year>_``
(``2024.ledger.csv``, ``2024-requests.xlsx``): they are inputs of that report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

YEAR_FILE = re.compile(r"^(?P<year>\d{4})\.yaml$")
MIN_YEAR, MAX_YEAR = 2008, 2100


@dataclass(frozen=True, order=True)
class AgencyYear:
    """One params file: the agency id (its folder), the year (its name) and its path."""

    agency_id: str
    year: int
    params: Path

    @property
    def label(self) -> str:
        """``xigong-education 2024``."""
        return f"{self.agency_id} {self.year}"

    def previous_params(self) -> Path:
        """Where the same agency's previous-year params file is (it may not exist)."""
        return self.params.with_name(f"{self.year - 1}.yaml")

    def ledgers(self) -> list[Path]:
        """The ledger files beside the params file that belong to this year, sorted."""
        prefixes = tuple(f"{self.year}{sep}" for sep in ".-_")
        return sorted(
            p
            for p in self.params.parent.iterdir()
            if p.is_file() and p.name.startswith(prefixes) and p != self.params
        )


def parse_year(text: str | int | None) -> int | None:
    """The ``--year`` argument as an int; :class:`UsageError` when it is not a year."""
    if text is None:
        return None
    value = str(text).strip()
    if not re.fullmatch(r"\d{4}", value) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise UsageError(
            f"--year {value!r} is not a report year; "
            f"use a four-digit year between {MIN_YEAR} and {MAX_YEAR}, e.g. --year 2024"
        )
    return int(value)


def discover(params_dir: str | Path, year: int | None = None) -> list[AgencyYear]:
    """Every agency-year under ``params_dir`` (of ``year`` only, when given), sorted.

    Raises :class:`UsageError` when the folder is missing or holds no params file (of that
    year), naming the folder and the fix.
    """
    root = Path(params_dir)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        raise UsageError(
            f"params folder {root}/ {what}; pass --params DIR with the folder that holds "
            "<agency-id>/<year>.yaml files"
        )
    found: list[AgencyYear] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.iterdir()):
            match = YEAR_FILE.match(path.name)
            if match and path.is_file():
                found.append(AgencyYear(folder.name, int(match["year"]), path))
    if not found:
        raise UsageError(
            f"no params files under {root}/ (expected {root}/<agency-id>/<year>.yaml); "
            "create one with `reportkit import` or copy an existing agency's file"
        )
    if year is None:
        return sorted(found)
    chosen = [ay for ay in found if ay.year == year]
    if not chosen:
        years = ", ".join(str(y) for y in sorted({ay.year for ay in found}))
        raise UsageError(
            f"no params files for {year} under {root}/ (found years: {years}); "
            f"pick one of those with --year, or add {root}/<agency-id>/{year}.yaml"
        )
    return sorted(chosen)


_YAMLISH = re.compile(r"\.ya?ml$", re.IGNORECASE)


def unread_params(params_dir: str | Path) -> list[str]:
    """One line for each file under ``params_dir`` that looks like a params file but is not
    named so (``2024.yml``, ``2024 copy.yaml``, ``2023.YAML``, a YAML file beside the agency
    folders): batch does not read it, and says how to name it if it should."""
    root = Path(params_dir)
    if not root.is_dir():
        return []
    lines = []
    for path in sorted(root.iterdir()):
        if path.is_file() and _YAMLISH.search(path.name):
            lines.append(
                f"{path} is not read: params files are {root}/<agency-id>/<year>.yaml — move it "
                "into its agency's folder"
            )
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.iterdir()):
            if not path.is_file() or YEAR_FILE.match(path.name) or not _YAMLISH.search(path.name):
                continue
            year = re.search(r"(?<!\d)(\d{4})(?!\d)", path.stem)
            name = f"{year.group(1)}.yaml" if year else "<year>.yaml"
            lines.append(f"{path} is not read: rename it to {folder / name} if it is a report")
    return lines
