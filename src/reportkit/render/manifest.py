"""``manifest.json``: what one render read, with which versions, how long it took, what it found.

Batch (incremental rendering) and reviewers read it; it is written last, so a manifest that
says ``rendered`` always sits beside the complete report it describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
VERSIONED_PACKAGES = ("reportkit", "papermill", "nbconvert", "weasyprint", "matplotlib", "pandas")


def sha256_file(path: str | Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: str | Path) -> dict[str, str]:
    """``{"path": …, "sha256": …}`` for an input file."""
    return {"path": str(path), "sha256": sha256_file(path)}


def package_versions(names: Iterable[str] = VERSIONED_PACKAGES) -> dict[str, str]:
    """The installed version of each package (``"not installed"`` when missing)."""
    out: dict[str, str] = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_manifest(
    *,
    agency: Mapping[str, str],
    year: int,
    status: str,
    message: str,
    params: str | Path,
    history: Sequence[str | Path] = (),
    previous: str | Path | None = None,
    notebooks: Mapping[str, str | Path] | None = None,
    template_files: Sequence[str | Path] = (),
    docx_template: str | Path | None = None,
    outputs: Mapping[str, str | Path] | None = None,
    failed_notebook: str | None = None,
    findings: Sequence[Mapping[str, Any]] = (),
    timings: Mapping[str, float] | None = None,
    strict: bool = False,
    versions: Mapping[str, str] | None = None,
    sources: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The manifest of one render as plain JSON data.

    ``notebooks`` maps section stems to the notebooks that were run, ``outputs`` names the
    produced files (hashed here), ``history`` lists every earlier-year params file read,
    ``docx_template`` is the office's Word template ``report.docx`` was made with (if any).
    ``sources`` are the ledger files 表三/表四 were computed from
    (:meth:`reportkit.model.ledger.SourceFile.as_json`: path, sheet, sha256 of the version
    read, the year's digest and counts — never a cell of the file).
    """
    return {
        "agency": dict(agency),
        "year": year,
        "status": status,
        "message": message,
        "strict": strict,
        "params": file_entry(params),
        "previous_year": file_entry(previous) if previous else None,
        "history": [file_entry(p) for p in history],
        "sources": [dict(s) for s in sources],
        "notebooks": {stem: file_entry(p) for stem, p in (notebooks or {}).items()},
        "template": [file_entry(p) for p in template_files],
        "docx_template": file_entry(docx_template) if docx_template else None,
        "versions": dict(versions) if versions is not None else package_versions(),
        "timings": {k: round(v, 3) for k, v in (timings or {}).items()},
        "findings": [dict(f) for f in findings],
        "failed_notebook": failed_notebook,
        "outputs": {name: file_entry(p)["sha256"] for name, p in (outputs or {}).items()},
    }


def manifest_text(data: Mapping[str, Any]) -> str:
    """The manifest as indented UTF-8 JSON text (Chinese kept readable)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_manifest(out_dir: str | Path) -> dict[str, Any] | None:
    """The manifest in ``out_dir``, or None when missing or unreadable."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
