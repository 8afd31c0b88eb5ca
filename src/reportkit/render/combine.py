"""Merge the executed section notebooks into one ``report.ipynb``.

The combined notebook is normalized so that it is the same on every run of the same inputs:
parameter and injected-parameter cells are dropped, execution timings and papermill's run
metadata removed, and cell ids made from the section number and the section's own cell id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode

DROPPED_TAGS = frozenset({"parameters", "injected-parameters"})
REPORT_TAG = "report"
_VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled")


def _dropped(cell: NotebookNode) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    if tags & DROPPED_TAGS:
        return True
    # papermill's error banner and anchor cells (only present in failed runs)
    return cell.cell_type == "markdown" and "papermill-error-cell" in cell.source


def normalized_cell(cell: NotebookNode, section: int, index: int) -> NotebookNode:
    """A copy of ``cell`` for the combined notebook: section-prefixed id, no timings."""
    out = nbformat.from_dict(cell)  # type: ignore[no-untyped-call]
    own_id = str(cell.get("id") or f"cell{index}")
    out["id"] = f"s{section:02d}-{own_id}"[:64]
    metadata = {
        k: v for k, v in cell.get("metadata", {}).items() if k not in _VOLATILE_CELL_METADATA
    }
    metadata["reportkit"] = {"section": section}
    out["metadata"] = nbformat.from_dict(metadata)  # type: ignore[no-untyped-call]
    return out  # type: ignore[no-any-return]


def _renumber(cells: list[NotebookNode]) -> None:
    """Execution counts 1, 2, 3 … in order (a warm kernel keeps counting across notebooks)."""
    count = 0
    for cell in cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell["execution_count"] = count
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] = count


def combine_notebooks(
    sections: Iterable[tuple[int, NotebookNode]], metadata: Mapping[str, Any]
) -> NotebookNode:
    """One notebook of every section's cells in order, with ``metadata['reportkit']``.

    ``metadata`` may carry ``title`` (the report title, used by the HTML template).
    """
    cells: list[NotebookNode] = []
    first: NotebookNode | None = None
    names: list[int] = []
    for number, nb in sections:
        first = first or nb
        names.append(number)
        for index, cell in enumerate(nb.cells):
            if not _dropped(cell):
                cells.append(normalized_cell(cell, number, index))
    _renumber(cells)
    combined = nbformat.v4.new_notebook(cells=cells)  # type: ignore[no-untyped-call]
    nb_meta: dict[str, Any] = {}
    if first is not None:
        for key in ("kernelspec", "language_info"):
            if key in first.metadata:
                nb_meta[key] = first.metadata[key]
    if "title" in metadata:
        nb_meta["title"] = metadata["title"]
    nb_meta["reportkit"] = {k: v for k, v in metadata.items() if k != "title"} | {"sections": names}
    combined["metadata"] = nbformat.from_dict(nb_meta)  # type: ignore[no-untyped-call]
    combined["nbformat"], combined["nbformat_minor"] = 4, 5
    return combined  # type: ignore[no-any-return]


def read_notebook(path: str | Path) -> NotebookNode:
    """Read an executed notebook (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)  # type: ignore[no-any-return,no-untyped-call]


def write_notebook(nb: NotebookNode, path: str | Path) -> None:
    """Write ``nb`` as UTF-8 JSON, ending with a newline (stable bytes for stable input)."""
    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")  # type: ignore[no-untyped-call]
