"""Is an agency-year's output up to date? The inputs key and the stamp beside the outputs.

The key is a sha256 over everything a rendered report depends on:

- the params file, the same agency's earlier years (R5 reads last year's file, the
  year-over-year charts every consecutive earlier year; a missing year counts too), the
  agency-year's ledger files and the Word template ``report.docx`` is made with (the params
  file's ``docx_template``, else the batch's ``--docx-template``: :func:`docx_template_for`);
- for params files that compute 表三/表四 from a ledger (``ledger:``, ``case_register:``), what
  each of those years takes from it (:func:`reportkit.model.ledger.year_digest`: the year's
  tables, rows used and monthly receipts). One ledger serves many years, so its own hash is not
  in the key: editing a row of 2024 re-renders 2024 (and later years, whose charts show 2024),
  not 2022. The manifest records the hash of the version each render read. Computing that
  digest reads the ledger (pandas, openpyxl: ~0.5 s); the stamp remembers it (``memo``, not part
  of the key) under a digest of everything it depends on — the params file's bytes, the bytes
  of each file it references, the code — so an unchanged agency-year is recognized without
  reading its ledger, and a params file that names no ledger is not even parsed;
- the section notebooks, the report's templates and stylesheet (``reportkit/render/templates``),
  the reportkit version and the source files of the stages a render runs: ``model``, ``checks``,
  ``render`` and the package's root modules (:data:`REPORT_PACKAGES`). The batch itself, the
  CLI, the importer of published reports and the demo generator are left out: changing them does
  not change a report (a test holds a render's imports to :data:`REPORT_PACKAGES`).

After a successful render the stamp ``.inputs-key`` (JSON: the key and its parts) is written
beside the outputs. An agency-year is up to date when the stamp matches and ``report.html``,
``report.pdf``, ``report.docx`` and ``manifest.json`` exist and are not empty.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import ReportkitError
from ..model.ledger import PARAMS_KEYS, reference, year_digest
from ..model.yamlfile import read_yaml
from ..render.locations import TEMPLATES, default_notebooks_dir, output_dir, template_files
from ..render.manifest import sha256_file
from .discover import AgencyYear
from .inputs import (
    InputFiles,
    declared_docx_template,
    docx_template_for,
    history_paths,
    input_files,
)

__all__ = [
    "InputFiles",
    "InputsKey",
    "code_identity",
    "code_parts",
    "declared_docx_template",
    "docx_template_for",
    "history_part",
    "input_files",
    "inputs_key",
    "key_of",
    "out_dir",
    "read_stamp",
    "remove_stamp",
    "stale_reason",
    "write_stamp",
]

STAMP_NAME = ".inputs-key"
REQUIRED_OUTPUTS = ("report.html", "report.pdf", "report.docx", "manifest.json")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# The sub-packages whose code a render runs; modules directly in the package count too.
REPORT_PACKAGES = frozenset({"model", "checks", "render"})
ABSENT = "absent"


def _digest_files(root: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(sha256_file(path).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def code_parts(notebooks_dir: str | Path | None = None) -> dict[str, str]:
    """The parts of the key shared by every agency-year: notebooks, templates, code, version."""
    notebooks = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    return {
        "notebooks": _digest_files(notebooks, notebooks.glob("*.ipynb"))
        if notebooks.is_dir()
        else ABSENT,
        **code_identity(),
    }


def code_identity() -> dict[str, str]:
    """What a render runs, as installed here: ``templates`` (the report's templates and
    stylesheet), ``code`` (the source of :data:`REPORT_PACKAGES`) and ``version`` — what a Dask
    worker must share with the client (:mod:`.remote`)."""
    sources = [p for p in PACKAGE_DIR.rglob("*.py") if is_report_code(p)]
    return {
        "templates": _digest_files(TEMPLATES, template_files()),
        "code": _digest_files(PACKAGE_DIR, sources),
        "version": __version__,
    }


def is_report_code(path: Path) -> bool:
    """True for a source file of the package that a render runs (see :data:`REPORT_PACKAGES`)."""
    parts = path.relative_to(PACKAGE_DIR).parts
    return len(parts) == 1 or parts[0] in REPORT_PACKAGES


@dataclass(frozen=True)
class InputsKey:
    """The key of one agency-year, the parts it was computed from, and ``memo``: ledger digests
    by the digest of their inputs (see the module docstring; not part of the key)."""

    key: str
    parts: dict[str, str]
    memo: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The stamp file's content."""
        data: dict[str, object] = {"key": self.key, "parts": dict(sorted(self.parts.items()))}
        if self.memo:
            data["memo"] = dict(sorted(self.memo.items()))
        return data


def _file_part(path: Path) -> str:
    return sha256_file(path) if path.is_file() else ABSENT


def history_part(item: AgencyYear, history: Iterable[Path] | None = None) -> str:
    """The digest of the same agency's consecutive earlier years (what rendering loads).

    R5 reads last year; the year-over-year charts read every consecutive earlier year. The first
    missing year ends the chain, so adding last year's file changes the digest too.
    ``history``: those files, newest first, when already found (:func:`.inputs.history_paths`).
    """
    digest = hashlib.sha256()
    for path in history if history is not None else history_paths(item):
        digest.update(f"{path.stem}:{sha256_file(path)}\n".encode())
    return digest.hexdigest()


_LEDGER_KEYS = tuple(key.encode() for key in PARAMS_KEYS.values())


def ledger_inputs(params: Path, code: str) -> str:
    """A digest of everything :func:`~reportkit.model.ledger.year_digest` of ``params``
    depends on: the file's bytes, the bytes of each file it references, and ``code``; ``""``
    when the file does not name a ledger (then that digest is ``""`` too, and the file is not
    parsed)."""
    text = params.read_bytes()
    if not any(key in text for key in _LEDGER_KEYS):
        return ""
    digest = hashlib.sha256(code.encode() + b"\0" + text)
    try:
        data = read_yaml(params)
    except ReportkitError:
        return digest.hexdigest()
    for kind, key in sorted(PARAMS_KEYS.items()):
        ref = reference(data.get(key)) if isinstance(data, dict) else None
        if ref is not None:
            written, sheet = ref
            target = Path(written) if Path(written).is_absolute() else params.parent / written
            digest.update(f"{kind}\0{written}\0{sheet}\0{_file_part(target)}\n".encode())
    return digest.hexdigest()


def sources_part(
    item: AgencyYear, memo: Mapping[str, str] | None = None, code: str = ""
) -> tuple[str, dict[str, str]]:
    """The digest of what the year and its consecutive earlier years take from their ledgers
    ("" when none references one), and the memo of the digests computed or reused (digests are
    taken from ``memo`` when their :func:`ledger_inputs` are unchanged)."""
    digests = []
    kept: dict[str, str] = {}
    year = item.year
    path = item.params
    while path.is_file():
        inputs = ledger_inputs(path, code)
        digest = ""
        if inputs:
            found = (memo or {}).get(inputs)
            digest = found if found is not None else year_digest(path)
            kept[inputs] = digest
        digests.append(f"{year}:{digest}")
        year -= 1
        path = item.params.with_name(f"{year}.yaml")
    if not any(d.split(":", 1)[1] for d in digests):
        return "", kept
    return hashlib.sha256("\n".join(digests).encode()).hexdigest(), kept


def inputs_key(
    item: AgencyYear,
    shared: Mapping[str, str],
    extra_inputs: Iterable[Path] = (),
    previous: InputsKey | None = None,
) -> InputsKey:
    """The key of ``item`` given the :func:`code_parts` and any extra input files (the Word
    template among them): :func:`key_of` its :func:`~.inputs.input_files`."""
    return key_of(item, shared, input_files(item, extra=extra_inputs), previous)


def key_of(
    item: AgencyYear,
    shared: Mapping[str, str],
    files: InputFiles,
    previous: InputsKey | None = None,
) -> InputsKey:
    """The key of ``item`` whose render reads ``files`` (:func:`~.inputs.input_files`).

    The params file and earlier years enter by their hash, the ledgers they name by what the
    year takes from them (:func:`sources_part`), the other inputs by their name relative to
    the agency folder (or their absolute path when outside it) and hash. ``previous`` (the
    stamp of the last render) lends its memo of ledger digests.
    """
    parts = dict(shared)
    parts["params"] = _file_part(files.params)
    parts["previous"] = history_part(item, files.history)
    memo = previous.memo if previous is not None else None
    ledgers, kept = sources_part(item, memo, shared.get("code", ""))
    if ledgers:
        parts["ledgers"] = ledgers
    folder = item.params.parent
    for path in files.others:
        try:
            name = path.relative_to(folder).as_posix()
        except ValueError:
            name = str(path.resolve())
        parts[f"input:{name}"] = _file_part(path)
    text = json.dumps(sorted(parts.items()), ensure_ascii=False)
    return InputsKey(hashlib.sha256(text.encode()).hexdigest(), parts, kept)


def out_dir(out_root: str | Path, item: AgencyYear) -> Path:
    """``<out_root>/<year>/<agency-id>``."""
    return output_dir(out_root, item.agency_id, item.year)


def read_stamp(directory: Path) -> InputsKey | None:
    """The stamp in ``directory``, or None when missing or damaged."""
    try:
        data = json.loads((directory / STAMP_NAME).read_text(encoding="utf-8"))
        key, parts = data["key"], data["parts"]
        memo = data.get("memo", {})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(key, str) or not isinstance(parts, dict):
        return None
    if not isinstance(memo, dict):
        memo = {}
    memo = {str(k): str(v) for k, v in memo.items()}
    return InputsKey(key, {str(k): str(v) for k, v in parts.items()}, memo)


def write_stamp(directory: Path, key: InputsKey) -> None:
    """Write the stamp atomically (write aside, then rename)."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f"{STAMP_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(key.as_json(), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, directory / STAMP_NAME)


def remove_stamp(directory: Path) -> None:
    """Forget that ``directory`` is up to date (before re-rendering it)."""
    (directory / STAMP_NAME).unlink(missing_ok=True)


PART_REASONS = {
    "params": "params changed",
    "previous": "an earlier year's params changed",
    "notebooks": "notebooks changed",
    "templates": "template changed",
    "code": "reportkit code changed",
    "version": "reportkit version changed",
    "ledgers": "what the year takes from its ledger changed",
}


def stale_reason(directory: Path, key: InputsKey) -> str | None:
    """Why ``directory`` must be rendered again, or None when it is up to date."""
    for name in REQUIRED_OUTPUTS:
        path = directory / name
        if not path.is_file():
            return "never rendered" if name == "report.html" else f"{name} missing"
        if path.stat().st_size == 0:
            return f"{name} is empty"
    stamp = read_stamp(directory)
    if stamp is None:
        return "no inputs key"
    if stamp.key == key.key:
        return None
    changed = sorted(
        k for k in {*stamp.parts, *key.parts} if stamp.parts.get(k) != key.parts.get(k)
    )
    reasons = [PART_REASONS.get(k, f"{k.removeprefix('input:')} changed") for k in changed]
    return ", ".join(reasons) or "inputs changed"
