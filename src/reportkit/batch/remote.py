"""The batch's transport to workers that see none of this machine's folders (Dask, ``--scheduler``).

The client (the machine running ``reportkit batch``) sends each agency-year the *content* of
what its render reads — every file of :func:`~reportkit.batch.inputs.input_files` and the section
notebooks — as a :class:`Job` and a mapping of sha256 → bytes; the worker rebuilds those files
in a private *mirror* (each at its path on the client, under a scratch folder of its own:
``<mirror>/srv/office/params/a/2024.yaml``; see :mod:`reportkit.model.references`), renders
there, and returns every file the render produced under the output folder (:class:`Returned`).
The client then publishes them atomically (:func:`publish`: folders first, ``manifest.json``
last, as a local render does) and records the outcome and inputs key as for a local batch.

Paths: text outputs (executed notebooks, the manifest, messages) name the client's files, never
the mirror: the mirror's folder is chosen so that its name is written the same in JSON, Python
and HTML (letters, digits, ``_.-/``), and is cut out of every text output and message; the
worker's own report templates folder is named as the client's. So the outputs are the bytes a
local batch writes (the manifest's timings and the notebooks' execution times aside).

Nothing here imports Dask: :mod:`.cluster` moves jobs and results, this module makes and reads
them, and is tested in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ReportkitError
from ..model.references import MIRROR_MARK, in_mirror
from ..render.locations import TEMPLATES, work_prefix
from ..render.manifest import MANIFEST_NAME
from ..render.safety import replace_dir
from .freshness import code_identity, out_dir
from .units import Rendered, Task, WorkFn, run_work

PROTOCOL = 1  # raised whenever Job or Returned change shape
SAFE_NAME = re.compile(r"/[A-Za-z0-9_./-]+")
SCRATCH_PREFIX = "reportkit-mirror-"


class TransportError(ReportkitError, OSError):
    """A file could not be sent to, or received from, a worker (unreadable input, bad result)."""


class WorkerMismatch(ReportkitError, RuntimeError):
    """A worker runs other reportkit code than the client (version, code or templates)."""


@dataclass(frozen=True)
class Identity:
    """Which reportkit a process runs: version, digests of the report code and templates
    (:func:`~reportkit.batch.freshness.code_identity`), and the transport's protocol."""

    version: str
    code: str
    templates: str
    protocol: int = PROTOCOL

    def describe(self) -> str:
        """``reportkit 0.4.0 (code 1a2b3c4d5e6f, templates …)``."""
        return (
            f"reportkit {self.version} (code {self.code[:12]}, templates {self.templates[:12]}"
            + (f", protocol {self.protocol}" if self.protocol != PROTOCOL else "")
            + ")"
        )


@cache
def local_identity() -> Identity:
    """This process's :class:`Identity` (computed once: the code a process runs is the code it
    loaded)."""
    parts = code_identity()
    return Identity(parts["version"], parts["code"], parts["templates"])


def mismatch_message(client: Identity, worker: Identity, where: str) -> str:
    """The one line saying that ``where`` (a worker) runs other code than this machine."""
    return (
        f"{where} runs {worker.describe()}, this machine {client.describe()}; install the same "
        "reportkit on the workers (./dev setup from the same commit, or the same image) and "
        "restart them (warm kernels keep the code they loaded)"
    )


@dataclass(frozen=True)
class Job:
    """What a worker needs to render one agency-year, all of it named as on the client.

    ``files``: every input file that exists, as (client path, sha256); ``notebooks``: the
    notebooks folder's ``*.ipynb`` as (file name, sha256); the bytes travel beside the job,
    by sha256 (see :func:`pack`).
    """

    task: Task
    files: tuple[tuple[str, str], ...]
    notebooks_dir: str
    notebooks: tuple[tuple[str, str], ...]
    templates_dir: str
    home: str
    identity: Identity


@dataclass(frozen=True)
class Returned:
    """What a worker gives back: the render's verdict (client paths) and every file it wrote
    under the output folder, by its path relative to the output root
    (``2024/a-bureau/report.html``)."""

    rendered: Rendered
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0


def sha256(data: bytes) -> str:
    """The hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_input(path: str | Path) -> bytes | None:
    """The bytes of an input file; None when it does not exist (or is no file): the render
    reports a missing input as it would locally.

    Raises :class:`TransportError` naming the file when it exists but cannot be read.
    """
    p = Path(path)
    try:
        return p.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as err:
        raise TransportError(
            f"{p}: cannot be read ({err.strerror or err}) — the Dask workers get its content "
            "from this machine; make it readable to the user running `reportkit batch`"
        ) from None


def notebook_files(notebooks_dir: str | Path) -> list[tuple[str, bytes]]:
    """The section notebooks a worker needs: the folder's ``*.ipynb`` (those the inputs key
    covers), by name."""
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        return []
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.ipynb")) if p.is_file()]


def absolute(task: Task) -> Task:
    """``task`` with every path absolute, as this machine sees it (a worker has another working
    folder)."""

    def a(path: str | Path) -> str:
        return os.path.abspath(path)

    return replace(
        task,
        item=replace(task.item, params=Path(a(task.item.params))),
        out_root=a(task.out_root),
        notebooks_dir=a(task.notebooks_dir) if task.notebooks_dir else None,
        docx_template=a(task.docx_template) if task.docx_template else None,
        inputs=tuple(a(p) for p in task.inputs),
    )


def pack(
    task: Task,
    notebooks_dir: str | Path,
    notebooks: Iterable[tuple[str, str]],
    known: Mapping[str, str] | None = None,
) -> tuple[Job, dict[str, bytes]]:
    """The job of ``task`` and the bytes of its input files by sha256.

    ``notebooks``: (name, sha256) of the notebooks, sent apart (once per worker);
    ``known``: client path → sha256 of files sent apart as well (read by many agency-years):
    their bytes are left out. Raises :class:`TransportError` for an unreadable input.
    """
    known = known or {}
    task = absolute(task)
    files: list[tuple[str, str]] = []
    blobs: dict[str, bytes] = {}
    for path in task.inputs:
        if path in known:
            files.append((path, known[path]))
            continue
        data = read_input(path)
        if data is None:
            continue
        digest = sha256(data)
        files.append((path, digest))
        blobs[digest] = data
    job = Job(
        task=task,
        files=tuple(files),
        notebooks_dir=os.path.abspath(notebooks_dir),
        notebooks=tuple(notebooks),
        templates_dir=str(TEMPLATES),
        home=str(Path.home()),
        identity=local_identity(),
    )
    return job, blobs


# ---------------------------------------------------------------- worker side


_SCRATCH = threading.local()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sweep_scratch(base: Path) -> None:
    """Remove mirrors left by worker processes of this host that died (SIGKILL, OOM)."""
    for folder in base.glob(f"{SCRATCH_PREFIX}*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _scratch_base(preferred: str | None) -> Path:
    """A folder for mirrors whose absolute name is plain (see the module docstring)."""
    for candidate in (preferred, tempfile.gettempdir(), "/tmp", "/var/tmp"):
        if candidate and SAFE_NAME.fullmatch(os.path.abspath(candidate)):
            base = Path(os.path.abspath(candidate))
            with suppress(OSError):
                base.mkdir(parents=True, exist_ok=True)
                if os.access(base, os.W_OK | os.X_OK):
                    return base
    raise TransportError(
        "no folder for the worker's copies of the inputs: the temporary folders have "
        "characters other than letters, digits and _.-/ in their names, or cannot be written; "
        "start the worker with --local-directory /tmp/dask (or set TMPDIR)"
    )


def scratch_root(preferred: str | None = None) -> Path:
    """This thread's mirror folder: one per worker thread, kept (empty) between renders, so a
    warm kernel sees the same paths each time. ``preferred``: the worker's local directory."""
    root: Path | None = getattr(_SCRATCH, "root", None)
    if root is None:
        base = _scratch_base(preferred)
        _sweep_scratch(base)
        root = base / f"{SCRATCH_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
        root.mkdir(mode=0o700)
        _SCRATCH.root = root
    return root


def _empty(root: Path) -> None:
    if not root.is_dir():
        root.mkdir(mode=0o700, parents=True)
        return
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


@contextmanager
def mirror(job: Job, blobs: Mapping[str, bytes], root: Path) -> Iterator[list[Path]]:
    """``root`` filled with the job's files at their client paths (and the mirror mark),
    emptied again afterwards; yields the files written."""
    written: list[Path] = []
    _empty(root)
    try:
        (root / MIRROR_MARK).write_text(json.dumps({"home": job.home}), encoding="utf-8")
        named = [(str(PurePosixPath(job.notebooks_dir) / n), d) for n, d in job.notebooks]
        for client, digest in [*named, *job.files]:
            data = blobs.get(digest)
            if data is None:
                raise TransportError(f"{client}: its content did not reach the worker")
            # ``..`` resolved by name: the mirror has no symbolic links, so that is where the
            # render (which opens the name as written) finds it
            target = in_mirror(root, posixpath.normpath(client))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
        yield written
    finally:
        with suppress(OSError):
            _empty(root)


def _hidden(rel: PurePosixPath) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def collect(out_root: Path, inputs: Iterable[Path] = ()) -> dict[str, bytes]:
    """Every file under ``out_root`` by its path relative to it; left out: hidden ones (work
    folders, locks, records: the client keeps its own) and ``inputs`` (an input that lies in
    the output folder is not an output)."""
    files: dict[str, bytes] = {}
    if not out_root.is_dir():
        return files
    skip = {os.path.normpath(p) for p in inputs}
    for path in sorted(out_root.rglob("*")):
        rel = PurePosixPath(path.relative_to(out_root).as_posix())
        output = path.is_file() and not path.is_symlink() and not _hidden(rel)
        if output and os.path.normpath(path) not in skip:
            files[rel.as_posix()] = path.read_bytes()
    return files


class Translation:
    """Replaces the worker's paths by the client's in text: the mirror folder is cut out (what
    is left is the client's path), the worker's report templates folder becomes the client's."""

    def __init__(self, root: Path, templates: tuple[str, str] | None = None) -> None:
        self.pairs: list[tuple[str, str]] = [(f"{root}/", "/")]
        if templates is not None and templates[0] != templates[1]:
            worker, client = templates
            escaped = (
                json.dumps(worker, ensure_ascii=False)[1:-1],
                json.dumps(client, ensure_ascii=False)[1:-1],
            )
            if escaped[0] != worker:
                self.pairs.append(escaped)
            self.pairs.append((worker, client))

    def text(self, value: str) -> str:
        """``value`` with the worker's paths replaced."""
        for old, new in self.pairs:
            value = value.replace(old, new)
        return value

    def data(self, value: Any) -> Any:
        """Strings inside lists and mappings translated (findings)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        return value

    def file(self, data: bytes) -> bytes:
        """A text file (UTF-8, no NUL byte) translated; other files as they are."""
        if b"\0" in data:
            return data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        new = self.text(text)
        return data if new == text else new.encode("utf-8")


def check_identity(job: Job) -> None:
    """Raise :class:`WorkerMismatch` when this worker runs other code than the job's client."""
    mine = local_identity()
    if mine != job.identity:
        raise WorkerMismatch(mismatch_message(job.identity, mine, "this Dask worker"))


def render_job(
    work: WorkFn, job: Job, blobs: Mapping[str, bytes], local_dir: str | None = None
) -> Returned:
    """Render ``job`` on this worker: rebuild its inputs in this thread's mirror, run ``work``
    there, and return its verdict and outputs named as on the client.

    Raises :class:`WorkerMismatch` (other code than the client's) and :class:`TransportError`
    or ``OSError`` (the mirror cannot be written): the task is then retried or failed by the
    caller; a failed render is a result, never an exception.
    """
    check_identity(job)
    start = time.monotonic()
    task = job.task
    root = scratch_root(local_dir)
    with mirror(job, blobs, root) as inputs:

        def inside(client: str) -> str:
            return str(in_mirror(root, client))

        out_root = inside(task.out_root)
        rendered = run_work(
            work,
            task,
            params=inside(str(task.item.params)),
            out_root=out_root,
            notebooks_dir=inside(job.notebooks_dir),
            docx_template=inside(task.docx_template) if task.docx_template else None,
        )
        produced = collect(Path(out_root), inputs)
        translate = Translation(root, (str(TEMPLATES), job.templates_dir))
        files = {rel: translate.file(data) for rel, data in produced.items()}
        rendered = replace(
            rendered,
            message=translate.text(rendered.message),
            failed_notebook=translate.text(rendered.failed_notebook)
            if rendered.failed_notebook
            else None,
            findings=translate.data(rendered.findings),
        )
    return Returned(rendered, files, round(time.monotonic() - start, 3))


# ---------------------------------------------------------------- client side


def checked_relative(rel: str) -> PurePosixPath:
    """``rel`` (a path a worker returned) when it is a plain relative path inside the output
    root; :class:`TransportError` otherwise (a worker never writes outside it)."""
    path = PurePosixPath(rel)
    if (
        not rel
        or path.is_absolute()
        or "\\" in rel
        or any(part in ("", ".", "..") for part in rel.split("/"))
        or _hidden(path)
    ):
        raise TransportError(f"a Dask worker returned the file {rel!r}, outside the outputs")
    return path


def publish(out_root: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write a worker's outputs under ``out_root``, one agency-year folder at a time, as a
    local render publishes: everything is written into a work folder beside the outputs,
    then renamed into place — folders (``sections/``) first, files next, ``manifest.json``
    last. An earlier output the render did not make again (``report.html`` after a failed
    section) stays. Returns the folders written.

    Raises :class:`TransportError` for a path outside the outputs (nothing is written) and
    ``OSError`` when the disk refuses (the work folder is removed; what was renamed already
    is complete).
    """
    root = Path(out_root)
    groups: dict[PurePosixPath, dict[PurePosixPath, bytes]] = {}
    for rel, data in files.items():
        path = checked_relative(rel)
        folder = PurePosixPath(*path.parts[:2]) if len(path.parts) > 2 else path.parent
        groups.setdefault(folder, {})[path.relative_to(folder)] = data
    written = []
    for folder, entries in sorted(groups.items()):
        target = root / folder
        target.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=work_prefix(), dir=target))
        try:
            for inner, content in entries.items():
                (work / inner).parent.mkdir(parents=True, exist_ok=True)
                (work / inner).write_bytes(content)
            tops = sorted({inner.parts[0] for inner in entries})
            folders = [t for t in tops if (work / t).is_dir()]
            plain = [t for t in tops if t not in folders and t != MANIFEST_NAME]
            for name in folders:
                replace_dir(work / name, target / name)
            for name in [*plain, *([MANIFEST_NAME] if MANIFEST_NAME in tops else [])]:
                os.replace(work / name, target / name)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        written.append(target)
    return written


def agency_year_dir(task: Task) -> Path:
    """The client's output folder of ``task``."""
    return out_dir(task.out_root, task.item)
