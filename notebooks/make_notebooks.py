"""Write the six section notebooks of reportkit (run: .venv/bin/python notebooks/make_notebooks.py).

The notebooks are generated so that they stay thin and alike: parameters, load, check, then
the cells whose outputs make the section (tagged ``report``). Cell ids are fixed, outputs empty.
Cells tagged ``report`` are the only ones whose outputs reach report.html and report.pdf.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

HERE = Path(__file__).resolve().parent

PARAMETERS = """\
# Parameters (papermill injects new values after this cell).
# The defaults render the seed report: 西工区教育局 2024.
params_path = "../params/xigong-education/2024.yaml"  # relative to notebooks/, or absolute
charts = None  # None: as the params file says; True / False: 图解 on / off"""

LOAD = """\
from IPython.display import HTML, display

from reportkit import narrative, notebook, sections, tables

inputs = notebook.load(params_path, charts=charts)
report, history = inputs.report, inputs.history"""

CHECK = """\
# 勾稽 checks about this section (shown here, not printed in the report)
display(HTML(notebook.findings_html(notebook.section_findings(inputs, {n}))))"""

HEADING = "display(HTML(sections.section_heading_html({n})))"

SECTIONS: dict[str, tuple[int, str, list[tuple[str, str]]]] = {
    "01_overview": (
        1,
        "一、总体情况",
        [
            ("title", "display(HTML(narrative.title_html(report)))"),
            ("heading", HEADING),
            ("text", "display(HTML(narrative.overview_html(report)))"),
        ],
    ),
    "02_proactive": (
        2,
        "二、主动公开政府信息情况",
        [("heading", HEADING), ("table", "display(HTML(tables.table2_html(report)))")],
    ),
    "03_requests": (
        3,
        "三、收到和处理政府信息公开申请情况",
        [("heading", HEADING), ("table", "display(HTML(tables.table3_html(report)))")],
    ),
    "04_review_litigation": (
        4,
        "四、政府信息公开行政复议、行政诉讼情况",
        [
            ("heading", HEADING),
            ("table", "display(HTML(tables.table4_html(report)))"),
            (
                "chart",
                "# 图解 (after the tables; off when report.charts is false)\n"
                "if report.charts:\n"
                "    display(HTML(sections.charts_html(report, history)))",
            ),
        ],
    ),
    "05_problems": (
        5,
        "五、存在的主要问题及改进情况",
        [("heading", HEADING), ("text", "display(HTML(narrative.problems_html(report)))")],
    ),
    "06_other": (
        6,
        "六、其他需要报告的事项",
        [("heading", HEADING), ("text", "display(HTML(narrative.other_html(report)))")],
    ),
}


def _code(cell_id: str, source: str, tags: list[str] | None = None) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    if tags:
        cell.metadata["tags"] = tags
    return cell


def section_notebook(name: str) -> NotebookNode:
    """The notebook ``notebooks/<name>.ipynb``."""
    n, heading, pieces = SECTIONS[name]
    intro = nbformat.v4.new_markdown_cell(
        f"# {heading}\n\n"
        f"Section {n} of the 政府信息公开工作年度报告. Run all cells to see the section; "
        "cells tagged `report` make the published document.\n\n"
        f"By hand: `papermill {name}.ipynb /tmp/{name}.ipynb -p params_path "
        "../params/<agency-id>/<year>.yaml` (from this folder)."
    )
    intro.id = "about"
    cells = [
        intro,
        _code("parameters", PARAMETERS, ["parameters"]),
        _code("load", LOAD),
        _code("check", CHECK.format(n=n), ["check"]),
    ]
    cells += [
        _code(cid, src.format(n=n), ["report", "title"] if cid == "title" else ["report"])
        for cid, src in pieces
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
        "reportkit": {"section": n},
    }
    return nb


def main() -> None:
    """Write every section notebook next to this script."""
    for name in SECTIONS:
        nb = section_notebook(name)
        nbformat.validate(nb)
        (HERE / f"{name}.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
