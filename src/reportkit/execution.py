"""Run one section notebook with papermill, in a kernel of this very Python.

The kernel is started from ``sys.executable`` (not from whatever ``python3`` kernelspec a user
or system folder holds), with ``COLUMNS=80`` and the notebooks folder as working directory, so
that a render is the same on a laptop, in a batch worker and on a Dask worker.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import papermill
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from .errors import RenderError

KERNEL_NAME = "python3"
KERNEL_ENV: Mapping[str, str] = {"COLUMNS": "80", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
START_TIMEOUT = 60


class ThisPythonKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is ipykernel in ``sys.executable``'s environment."""

    @property
    def kernel_spec(self) -> KernelSpec:
        """The python3 kernelspec, pointing at this interpreter."""
        return KernelSpec(
            argv=[
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                # the kernel's own log (TCP warning, shutdown interrupt) is noise here;
                # cell errors reach us through the notebook's error outputs
                "--IPKernelApp.log_level=CRITICAL",
            ],
            display_name="Python 3 (ipykernel)",
            language="python",
            metadata={"debugger": False},
        )


@dataclass(frozen=True)
class Section:
    """One section notebook of a render: ``01_overview`` is number 1, name ``overview``."""

    number: int
    stem: str

    @property
    def name(self) -> str:
        """``overview`` for ``01_overview``."""
        return self.stem.split("_", 1)[1]

    @property
    def filename(self) -> str:
        """``01_overview.ipynb``."""
        return f"{self.stem}.ipynb"


SECTIONS: tuple[Section, ...] = tuple(
    Section(i, stem)
    for i, stem in enumerate(
        (
            "01_overview",
            "02_proactive",
            "03_requests",
            "04_review_litigation",
            "05_problems",
            "06_other",
        ),
        start=1,
    )
)


@contextmanager
def kernel_environment(extra: Mapping[str, str] = KERNEL_ENV) -> Iterator[None]:
    """Set ``extra`` in ``os.environ`` (inherited by the kernel) and restore it afterwards."""
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_notebook(
    notebook: str | Path,
    output: str | Path,
    parameters: Mapping[str, Any],
    *,
    cwd: str | Path,
    agency: str | None = None,
    year: int | None = None,
    section: str | None = None,
    timeout: float | None = None,
) -> float:
    """Execute ``notebook`` into ``output`` with ``parameters``; return the seconds it took.

    On an exception in a cell the partial executed notebook (with papermill's error banner) is
    kept at ``output`` and :class:`RenderError` is raised naming agency, year, section, the
    failing cell (its index in the executed notebook and its id), ``ename`` and ``evalue``.
    """
    start = time.perf_counter()
    label = section or Path(notebook).stem
    try:
        with kernel_environment():
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=dict(parameters),
                kernel_name=KERNEL_NAME,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                start_timeout=START_TIMEOUT,
                execution_timeout=timeout,
                kernel_manager_class=ThisPythonKernelManager,
            )
    except PapermillExecutionError as err:
        cell_id = _failed_cell_id(output, err.ename)
        cell = _source_index(notebook, cell_id, err.cell_index)
        where = f"cell {cell}" + (f" (id {cell_id!r})" if cell_id else "")
        evalue = _first_line(str(err.evalue))
        raise RenderError(
            f"{agency} {year}: section {label} failed at {where}: {err.ename}: {evalue}"
            f" — see {output}",
            agency=agency,
            year=year,
            section=label,
            cell=cell,
            ename=err.ename,
            evalue=str(err.evalue),
            notebook=str(output),
        ) from None
    except Exception as err:  # kernel died, timeout, unreadable notebook …
        raise RenderError(
            f"{agency} {year}: section {label} could not be run: "
            f"{type(err).__name__}: {_first_line(str(err))}",
            agency=agency,
            year=year,
            section=label,
            ename=type(err).__name__,
            evalue=str(err),
            notebook=str(output) if Path(output).is_file() else None,
        ) from err
    return time.perf_counter() - start


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _read(path: str | Path) -> Any:
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    except Exception:
        return None


def _failed_cell_id(output: str | Path, ename: str) -> str | None:
    """The id of the cell that raised, read back from the partial executed notebook."""
    nb = _read(output)
    for cell in nb.cells if nb is not None else []:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") == ename:
                return str(cell.get("id")) if cell.get("id") else None
    return None


def _source_index(notebook: str | Path, cell_id: str | None, fallback: int) -> int:
    """The failing cell's index in the section notebook itself (as JupyterLab counts)."""
    nb = _read(notebook)
    if nb is not None and cell_id:
        for index, cell in enumerate(nb.cells):
            if cell.get("id") == cell_id:
                return index
    return fallback
