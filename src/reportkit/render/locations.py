"""Where a render finds its notebooks and template, and where it writes: paths only.

Light on purpose (no papermill, no nbconvert): batch imports it to compute freshness keys without
loading the renderer.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from ..errors import UsageError

NOTEBOOKS_ENV = "REPORTKIT_NOTEBOOKS"
REPO_NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_FILES = ("report.ipynb", "report.html", "report.pdf", "report.docx")
WORK_PREFIX = ".render-"  # work folders beside the outputs, renamed into place when complete


def skip_iri_grammars() -> None:
    """Keep jsonschema from loading ``rfc3987_syntax`` in this process.

    nbformat (and so papermill, nbconvert) imports jsonschema, which loads rfc3987-syntax when
    it is installed (jupyterlab brings it) for its ``iri`` format check; that package compiles
    38 Lark grammars at import — ~0.75 s of the ~0.85 s nbformat takes, in every process that
    renders. Nothing in a render checks an ``iri`` (nbformat validates notebooks with
    fastjsonschema), so the processes reportkit starts to render (the command line, batch
    workers) call this first. Not called in kernels: a notebook's imports are left as they are.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def default_notebooks_dir() -> Path:
    """``$REPORTKIT_NOTEBOOKS``, else the repository's ``notebooks/`` folder."""
    env = os.environ.get(NOTEBOOKS_ENV)
    return Path(env) if env else REPO_NOTEBOOKS


def output_dir(out_root: str | Path, agency_id: str, year: int) -> Path:
    """``<out_root>/<year>/<agency-id>``: the folder of one agency-year's outputs."""
    return Path(out_root) / str(year) / agency_id


def template_files() -> list[Path]:
    """Every file of the report's templates and stylesheet (part of what an output depends on)."""
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file())


def check_out_root(out_root: str | Path) -> Path:
    """``out_root`` when it is, or can become, a folder of outputs.

    Raises :class:`~reportkit.errors.UsageError` when it, or a folder it would be created in,
    is an existing file (nothing is created here).
    """
    root = Path(out_root)
    for folder in [root, *root.parents]:
        if folder.exists():
            if not folder.is_dir():
                what = "is a file" if folder == root else f"is inside {folder}, a file"
                raise UsageError(
                    f"--out {root} {what}, not a folder — give a folder for the outputs "
                    "(it is created when missing), e.g. --out outputs"
                )
            break
    return root


def work_prefix() -> str:
    """``.render-<pid>@<host>-``: whose work folder it is (a render's, or a batch publishing
    what a Dask worker rendered), so that a dead process's can be swept."""
    return f"{WORK_PREFIX}{os.getpid()}@{socket.gethostname()}-"
