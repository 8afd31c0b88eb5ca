"""The preamble in a real render: the overview notebook prints it between the title and 一,
outside section 一, and it reaches report.html and report.pdf (one render, kernels)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest

from reportkit.model.params import dump_report, load_report
from reportkit.render.pipeline import render_agency_year

from .conftest import SEED_PARAMS

pytestmark = [pytest.mark.kernel, pytest.mark.pdf]

PREAMBLE = "根据《中华人民共和国政府信息公开条例》要求，现公布本局2024年政府信息公开工作年度报告。"


def test_preamble_is_rendered_between_title_and_section_one(tmp_path: Path) -> None:
    report = load_report(SEED_PARAMS)
    report.preamble = PREAMBLE + "\n"
    params = tmp_path / "params" / "xigong-education" / "2024.yaml"
    params.parent.mkdir(parents=True)
    params.write_text(dump_report(report), encoding="utf-8")
    result = render_agency_year(params, tmp_path / "out")
    assert result.status == "rendered", result.message
    out = Path(result.out_dir)
    html = (out / "report.html").read_text(encoding="utf-8")
    title, preamble, one = (html.index(s) for s in ("rk-title", PREAMBLE, 'id="section-1"'))
    assert title < preamble < one, "after the title, before (and outside) section 一"
    overview = nbformat.read(out / "sections" / "01_overview.ipynb", as_version=4)
    cell = next(c for c in overview.cells if c.id == "preamble")
    assert PREAMBLE in cell.outputs[0]["data"]["text/html"]
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out / "report.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.replace("\n", "")
    assert text.index("年度报告") < text.index("根据《中华人民共和国") < text.index("一、总体情况")
