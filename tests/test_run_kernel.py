"""Real renders (papermill kernels + WeasyPrint): the seed, a failing section, determinism.

Each render starts six kernels (~15–25 s), so renders are shared per module and kept few.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup, Tag

from reportkit.cli import main
from reportkit.model import Report
from reportkit.model import labels as L
from reportkit.model.params import load_report
from reportkit.render.charts import charts_from_html
from reportkit.render.execution import kernel_session, run_notebook
from reportkit.render.locations import NOTEBOOKS_ENV
from reportkit.render.manifest import read_manifest
from reportkit.render.pipeline import RenderResult, render_agency_year
from reportkit.render.tables import cell_text

pytestmark = [pytest.mark.kernel, pytest.mark.pdf]

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SEED_PARAMS = REPO / "params" / "xigong-education" / "2024.yaml"
SEED_TXT = REPO.parent / "shared" / "seeds" / "000_083e95083e692b05.txt"
GOLDEN = TESTS / "golden" / "xigong-education-2024.html"
FAILING_NOTEBOOKS = TESTS / "data" / "notebooks_failing"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _paragraphs(seed: str) -> list[str]:
    """The seed's text lines (table rows, which carry tabs, excluded), list marks stripped."""
    lines = [line.strip() for line in seed.splitlines()]
    return [re.sub(r"^- ", "", line) for line in lines if line and "\t" not in line]


def _html_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


def _pdftotext(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"—\s*\d+\s*—", "", text)  # page numbers in the footer


def normalized_html(html: str) -> str:
    """report.html without what the golden file should not pin: stylesheet, column widths
    (styling, pinned by the tables' own tests) and image bytes."""
    html = re.sub(r"(<style[^>]*>).*?(</style>)", r"\1/* report.css */\2", html, flags=re.S)
    html = re.sub(r"<colgroup>.*?</colgroup>", "<colgroup>…</colgroup>", html, flags=re.S)
    return re.sub(r"(data:[\w/+.-]+;base64,)[A-Za-z0-9+/=]+", r"\1…", html)


def assert_numbers_in_official_cells(html: str, report: Report) -> None:
    """Every number of tables 二, 三, 四 sits in the cell of its official row and column."""
    soup = BeautifulSoup(html, "html.parser")
    # 表二: a label cell, then its numbers
    rows = {}
    for table in soup.select("table.rk-table2"):
        for tr in table.select("tbody tr"):
            rows[tr.th.get_text(strip=True)] = [td.get_text(strip=True) for td in tr("td")]
    pro = report.proactive
    for key, name in L.DOC_ROWS.items():
        docs = getattr(pro, key)
        assert rows[name] == [cell_text(getattr(docs, c)) for c in L.DOC_COLUMNS], name
    for key, name in L.DECISION_ROWS.items():
        assert rows[name] == [cell_text(getattr(pro, key))], name
    assert rows[L.FEES_ROW] == [cell_text(pro.fees_10k_yuan)]
    # 表三: one body row per official row, its own label last, then 7 numbers
    table3 = soup.select_one("table.rk-table3")
    assert isinstance(table3, Tag)
    body = table3.select("tbody tr")
    keys = L.request_row_keys(report.format)
    assert len(body) == len(keys)
    for tr, key in zip(body, keys, strict=True):
        row = L.request_row(key, report.format)
        assert _squash(tr("th")[-1].get_text()) == _squash(f"{row.number}{row.label}")
        assert [td.get_text(strip=True) for td in tr("td")] == [
            cell_text(v) for v in report.request_row(key)
        ], key
    # 表四: one row of 15 numbers, 行政复议 then 未经复议直接起诉 then 复议后起诉
    table4 = soup.select_one("table.rk-table4")
    assert isinstance(table4, Tag)
    (row4,) = table4.select("tbody tr")
    expected = [cell_text(v) for g in L.REVIEW_GROUPS for v in report.review_litigation.group(g)]
    assert [td.get_text(strip=True) for td in row4("td")] == expected


# ---------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    result = render_agency_year(SEED_PARAMS, tmp_path_factory.mktemp("outputs"))
    assert result.status == "rendered", result.message
    return result


def test_seed_outputs(seed: RenderResult) -> None:
    out = Path(seed.out_dir)
    assert out.parts[-2:] == ("2024", "xigong-education")
    for name in ("report.ipynb", "report.html", "report.pdf", "report.docx", "manifest.json"):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "sections").iterdir()) == [
        "01_overview.ipynb",
        "02_proactive.ipynb",
        "03_requests.ipynb",
        "04_review_litigation.ipynb",
        "05_problems.ipynb",
        "06_other.ipynb",
    ]
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temp leftovers"
    manifest = read_manifest(out)
    assert manifest is not None and manifest["status"] == "rendered"
    assert manifest["params"]["path"] == str(SEED_PARAMS)
    assert set(manifest["timings"]) >= {"01_overview", "06_other", "html", "pdf", "docx", "total"}
    assert [f["rule"] for f in manifest["findings"]] == [f["rule"] for f in seed.findings]
    combined = nbformat.read(out / "report.ipynb", as_version=4)
    tags = {t for c in combined.cells for t in c.metadata.get("tags", [])}
    assert not tags & {"parameters", "injected-parameters"}


def test_seed_paragraphs_in_html_and_pdf(seed: RenderResult) -> None:
    out = Path(seed.out_dir)
    html_text = _squash(_html_text((out / "report.html").read_text(encoding="utf-8")))
    pdf_text = _squash(_pdftotext(out / "report.pdf"))
    paragraphs = _paragraphs(SEED_TXT.read_text(encoding="utf-8"))
    assert len(paragraphs) > 15
    missing_html = [p for p in paragraphs if _squash(p) not in html_text]
    missing_pdf = [p for p in paragraphs if _squash(p) not in pdf_text]
    assert not missing_html, missing_html
    assert not missing_pdf, missing_pdf


def test_seed_numbers_in_official_cells(seed: RenderResult) -> None:
    html = (Path(seed.out_dir) / "report.html").read_text(encoding="utf-8")
    assert_numbers_in_official_cells(html, load_report(SEED_PARAMS))


def test_seed_pdf_embeds_cjk_font(seed: RenderResult) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(Path(seed.out_dir) / "report.pdf")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts


def test_seed_html_is_self_contained(seed: RenderResult) -> None:
    html = (Path(seed.out_dir) / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == "zh-CN"
    assert soup.title is not None
    assert soup.title.get_text() == "西工区教育局 2024 年政府信息公开工作年度报告"
    assert not soup("script") and not soup("link")
    refs = [t.get(a) for t in soup.find_all(True) for a in ("src", "href") if t.get(a)]
    assert all(str(r).startswith(("data:", "#")) for r in refs), refs
    assert not re.search(r"https?://", html)
    assert "params_path" not in html and "display(" not in html


def test_seed_golden_html(seed: RenderResult, update_golden: bool) -> None:
    actual = normalized_html((Path(seed.out_dir) / "report.html").read_text(encoding="utf-8"))
    if update_golden or not GOLDEN.exists():
        existed = GOLDEN.exists()
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
        if not existed:
            pytest.fail(f"golden file written: {GOLDEN}; review it and commit it")
        return
    expected = GOLDEN.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                str(GOLDEN),
                "report.html (normalized)",
            )
        )
        pytest.fail(f"report.html differs from the golden file (--update-golden):\n{diff}")


# ---------------------------------------------------------------- a failing section


def test_failing_section_keeps_evidence_and_good_report(
    seed: RenderResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "outputs"
    shutil.copytree(Path(seed.out_dir).parents[1], root)
    out = root / "2024" / "xigong-education"
    names = ("report.html", "report.pdf", "report.docx", "report.ipynb")
    before = {n: (out / n).read_bytes() for n in names}

    monkeypatch.setenv(NOTEBOOKS_ENV, str(FAILING_NOTEBOOKS))
    monkeypatch.chdir(tmp_path)  # a relative --out, while papermill changes directory
    assert main(["run", str(SEED_PARAMS), "--out", "outputs"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for part in ("xigong-education", "2024", "01_overview", "cell 2", "'boom'", "ValueError"):
        assert part in err, (part, err)
    assert "this section fails on purpose" in err

    for name, data in before.items():
        assert (out / name).read_bytes() == data, f"{name} was replaced"
    failed = out / "sections" / "01_overview.ipynb"
    assert sorted(p.name for p in (out / "sections").iterdir()) == ["01_overview.ipynb"]
    partial = failed.read_text(encoding="utf-8")
    assert "papermill-error-cell" in partial and "this section fails on purpose" in partial
    manifest = read_manifest(out)
    assert manifest is not None
    assert manifest["status"] == "failed"
    assert manifest["failed_notebook"] == "outputs/2024/xigong-education/sections/01_overview.ipynb"
    assert err.endswith("— see outputs/2024/xigong-education/sections/01_overview.ipynb")
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temp leftovers"


# ---------------------------------------------------------------- determinism, with charts


@pytest.fixture(scope="module")
def demo_params(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with requests received (so 图解 draws charts) and a previous year."""
    folder = tmp_path_factory.mktemp("params") / "xigong-education"
    folder.mkdir()
    text = SEED_PARAMS.read_text(encoding="utf-8")
    rows = {
        "new": "[3, 1, 0, 0, 0, 0, 4]",
        "granted": "[2, 1, 0, 0, 0, 0, 3]",
        "unavailable_1": "[1, 0, 0, 0, 0, 0, 1]",
        "total": "[3, 1, 0, 0, 0, 0, 4]",
    }
    for key, row in rows.items():
        text = text.replace(f"  {key}: [0, 0, 0, 0, 0, 0, 0]", f"  {key}: {row}")
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    (folder / "2023.yaml").write_text(
        SEED_PARAMS.read_text(encoding="utf-8").replace("year: 2024", "year: 2023"),
        encoding="utf-8",
    )
    return folder / "2024.yaml"


def test_two_runs_give_identical_bytes(demo_params: Path, tmp_path: Path) -> None:
    first = render_agency_year(demo_params, tmp_path / "a")
    second = render_agency_year(demo_params, tmp_path / "b")
    assert first.status == second.status == "rendered", (first.message, second.message)
    a, b = Path(first.out_dir), Path(second.out_dir)
    for name in ("report.html", "report.pdf", "report.docx", "report.ipynb"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    html = (a / "report.html").read_text(encoding="utf-8")
    assert {"chart-applicants", "chart-outcomes", "chart-years"} <= set(
        re.findall(r'id="(chart-\w+)"', html)
    )
    assert html.index("rk-table4") < html.index("chart-applicants"), "图解 after the tables"
    # each chart drawn once, in the notebook: report.docx holds the page's very images
    drawn = charts_from_html(html)
    assert list(drawn) == ["applicants", "outcomes", "years"]
    with zipfile.ZipFile(a / "report.docx") as package:
        media = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    assert sorted(media) == sorted(drawn.values())
    assert_numbers_in_official_cells(html, load_report(demo_params))
    manifest = read_manifest(a)
    assert manifest is not None
    assert manifest["previous_year"]["path"] == str(demo_params.with_name("2023.yaml"))


# ---------------------------------------------------------------- one warm kernel


def test_session_reuses_one_kernel_with_a_clean_namespace(tmp_path: Path) -> None:
    def notebook(name: str, source: str) -> Path:
        params = nbformat.v4.new_code_cell("value = None")
        params.metadata["tags"] = ["parameters"]
        nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        path = tmp_path / name
        nbformat.write(nb, path)
        return path

    first = notebook("first.ipynb", "leak = value\nimport os\nos.chdir('/')")
    second = notebook(
        "second.ipynb",
        "import os\nassert 'leak' not in globals(), 'namespace not reset'\n"
        "assert os.getcwd() == os.environ['EXPECTED_CWD'], os.getcwd()\n"
        "assert os.environ['COLUMNS'] == '80'",
    )
    os.environ["EXPECTED_CWD"] = str(tmp_path)
    try:
        with kernel_session() as session:
            run_notebook(first, tmp_path / "1.ipynb", {"value": 1}, cwd=tmp_path, session=session)
            run_notebook(second, tmp_path / "2.ipynb", {}, cwd=tmp_path, session=session)
            assert (session.kernels_started, session.notebooks) == (1, 2)
    finally:
        del os.environ["EXPECTED_CWD"]
