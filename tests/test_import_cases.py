"""The import cases of issue 14 (../shared/fixtures/cases/import/, one per kind of fault) and
PDF input: fixture 04's original PDF, scans, broken files, and reportkit's own PDFs."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from reportkit.cli import main
from reportkit.errors import ReportImportError
from reportkit.importer import import_report, import_text
from reportkit.model import Proactive, Report, paragraphs
from reportkit.model import labels as L
from reportkit.model.export import normalized
from reportkit.model.params import dump_report, load_report, parse_report
from reportkit.render.html import standalone_html
from reportkit.render.sections import report_body_html

from .conftest import FIXTURES, SEED_PARAMS, SHARED, normalized_narrative
from .test_import_roundtrip import reports

CASES = SHARED / "fixtures" / "cases" / "import"
HUAIAN_PDF = FIXTURES / "04_huaian_city_gov_2024.pdf"
SEED = load_report(SEED_PARAMS)


def _tables(report: Report) -> dict[str, Any]:
    data = normalized(report)
    return {k: data[k] for k in ("year", "format", "proactive", "requests", "review_litigation")}


def _case(name: str) -> Any:
    return import_report(CASES / name, "xigong-education")


def test_every_case_has_a_test() -> None:
    tested = {
        "single_other_row.txt",
        "preamble.txt",
        "wrapped_lines.txt",
        "wrapped_lines_no_blank.txt",
        "padded_cells.txt",
    }
    assert {p.name for p in CASES.glob("*.txt")} == tested


# ---------------------------------------------------------------- kind 1: format signals


def test_single_other_row_keeps_the_2021_format_and_its_values() -> None:
    result = _case("single_other_row.txt")
    report = result.report
    assert report.format == "2021"
    pro = report.proactive
    assert isinstance(pro, Proactive)
    assert (pro.licensing, pro.enforcement) == (550, 195)
    assert pro.fees_10k_yuan == Decimal("633.8612")
    for key in ("other_1", "other_2", "other_3"):
        assert report.request_row(key) == [0] * 7
    assert result.uncertain == []
    choice = result.format_choice
    assert choice is not None and choice.format == "2021"
    assert "table 二" in choice.why and "（六）其他处理 as one row" in choice.conflict
    # the rest is the seed, number for number and word for word
    want = _tables(SEED)
    want["proactive"] = {**want["proactive"], "licensing": 550, "enforcement": 195}
    assert _tables(report) == want
    assert normalized_narrative(report) == normalized_narrative(SEED)


def test_import_prints_the_format_and_why_the_signals_disagreed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = CASES / "single_other_row.txt"
    target = tmp_path / "out.yaml"
    assert main(["import", str(source), "--agency-id", "xigong-education", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert (
        f"{source}: format 2021: table 二 has the 2021 columns (本年制发件数、本年废止件数、现行有效件数); "
        "but table 三 prints （六）其他处理 as one row — followed the first, which cannot be "
        "misread; cells that do not fit it are flagged\n"
    ) in out
    assert (
        main(
            [
                "import",
                str(CASES / "preamble.txt"),
                "--agency-id",
                "x",
                "-o",
                str(tmp_path / "p.yaml"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "format 2021: table 二 has the 2021 columns" in out and "but " not in out


@pytest.mark.parametrize(
    ("year", "t2", "t3", "fmt", "conflict"),
    [
        (2024, "本年制发件数 本年处理决定数量", "其他处理", "2021", "as one row"),
        (2019, "本年新制作数量 上一年项目数量", "逾期不补正 缴纳费用", "2019-trial", "three rows"),
        (2019, "", "逾期不补正", "2021", "the year 2019"),
        (2020, "", "其他处理", "2019-trial", ""),
        (2023, "", "其他处理", "2021", "as one row"),
        (2024, "本年制发件数 本年新制作数量", "", "2021", "mixes the columns"),
    ],
)
def test_format_follows_the_signal_that_cannot_be_misread(
    year: int, t2: str, t3: str, fmt: str, conflict: str
) -> None:
    from reportkit.importer.detect import detect_format

    choice = detect_format(t2, t3, year)
    assert choice.format == fmt
    assert (conflict in choice.conflict) if conflict else choice.conflict == ""


def test_a_trial_report_printing_the_2021_other_rows_sums_them_flagged() -> None:
    seed = SHARED.joinpath("seeds", "000_083e95083e692b05.txt").read_text("utf-8")
    # 表二 of the trial format (from fixture 01), 表三 with the three 2021 sub-rows of the seed
    trial_t2 = FIXTURES.joinpath("01_shanghai_municipal_gov_office_2019.txt").read_text("utf-8")
    start = trial_t2.index("二、主动公开政府信息情况")
    t2 = trial_t2[start : trial_t2.index("三、收到和处理政府信息公开申请情况")]
    text = (
        seed[: seed.index("二、主动公开政府信息情况")] + t2 + seed[seed.index("三、收到和处理") :]
    )
    text = text.replace("\t0\t0\t0\t0\t0\t0\t0", "\t1\t0\t0\t0\t0\t0\t1", 1)  # 本年新收 1
    text = text.replace("3. 其他\t\t0\t0\t0\t0\t0\t0\t0", "3. 其他\t\t1\t0\t0\t0\t0\t0\t1")
    result = import_text(text, "x")
    assert result.report.format == "2019-trial"
    assert result.report.requests.other == [1, 0, 0, 0, 0, 0, 1]
    assert {f"requests.other.{c}" for c in L.REQUEST_COLUMN_KEYS} <= set(result.uncertain)
    assert result.format_choice is not None and "three rows" in result.format_choice.conflict
    assert any("their sum is written" in n for n in result.notes)


# ---------------------------------------------------------------- kind 4: the preamble

PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》要求，现公布西工区教育局2024年政府信息公开工作年度报告。"
    "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。如对本报告有疑问，"
    "请与西工区教育局办公室联系。"
)


def test_preamble_is_imported_rendered_before_section_one_and_round_trips(
    tmp_path: Path,
) -> None:
    result = _case("preamble.txt")
    report = result.report
    assert paragraphs(report.preamble) == [PREAMBLE]
    assert _tables(report) == _tables(SEED) and result.uncertain == []
    assert normalized_narrative(report) | {"preamble": []} == normalized_narrative(SEED)
    # params file: written and read back
    target = tmp_path / "2024.yaml"
    target.write_text(dump_report(report), encoding="utf-8")
    assert "preamble: |" in target.read_text("utf-8")
    assert load_report(target).preamble == report.preamble
    # rendered between the title and 一、总体情况, and imported back from the page
    html = report_body_html(report)
    assert html.index("rk-title") < html.index(PREAMBLE) < html.index("一、总体情况")
    back = import_text(html, "xigong-education").report
    assert back.preamble == report.preamble


def test_a_report_without_preamble_writes_none() -> None:
    assert "preamble" not in read_yaml_text(dump_report(SEED))
    assert "rk-preamble" not in report_body_html(SEED)


def read_yaml_text(text: str) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_params_with_a_preamble_validate() -> None:
    data = SEED.model_dump()
    data["preamble"] = PREAMBLE + "\n"
    assert parse_report(data).preamble == PREAMBLE + "\n"


# ---------------------------------------------------------------- kind 3: wrapped PDF text


@pytest.mark.parametrize("name", ["wrapped_lines.txt", "wrapped_lines_no_blank.txt"])
def test_wrapped_lines_give_the_seed_paragraphs(name: str) -> None:
    result = _case(name)
    assert normalized_narrative(result.report) == normalized_narrative(SEED)
    assert _tables(result.report) == _tables(SEED) and result.uncertain == []


# ---------------------------------------------------------------- kind 2c: padded cells


def test_padded_cells_read_as_the_numbers() -> None:
    text = (CASES / "padded_cells.txt").read_text("utf-8")
    assert "\u00a0" in text and "\u3000" in text and "\u200b" in text
    result = _case("padded_cells.txt")
    assert _tables(result.report) == _tables(SEED) and result.uncertain == []


# ---------------------------------------------------------------- kind 5: PDF in


def _expected(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{stem}.expected.json").read_text("utf-8"))
    return data


def test_fixture_04_pdf_gives_its_expected_numbers_with_nothing_flagged() -> None:
    result = import_report(HUAIAN_PDF, "huaian")
    assert result.encoding == "pdf"
    assert result.uncertain == []
    expected = _expected("04_huaian_city_gov_2024")
    got = normalized(result.report)
    assert (got["year"], got["format"]) == (expected["year"], expected["format"])
    assert got["requests"] == expected["requests"]
    assert got["review_litigation"] == expected["review_litigation"]
    # table 二 and the narrative: as the pdftotext copy of the same report gives them
    text = import_report(HUAIAN_PDF.with_suffix(".txt"), "huaian")
    assert got["proactive"] == normalized(text.report)["proactive"]
    assert normalized_narrative(result.report, wrapped=True) == normalized_narrative(
        text.report, wrapped=True
    )


def test_fixture_04_pdf_paragraphs_are_whole() -> None:
    from .test_import_narrative import expected_narrative, narrative_of

    result = import_report(HUAIAN_PDF, "huaian")
    assert narrative_of(result.report, wrapped=True) == expected_narrative(
        "04_huaian_city_gov_2024", wrapped=True
    )


def _blank_pdf(pages: int) -> bytes:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_scan_without_text_is_refused_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_blank_pdf(3))
    with pytest.raises(ReportImportError, match="no text layer on any of its 3 page"):
        import_report(scan, "x")
    code = main(["import", str(scan), "--agency-id", "x", "-o", str(tmp_path / "o.yaml")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"Error: {scan}: ")
    assert "OCR" in err[0] and not (tmp_path / "o.yaml").exists()


def test_a_broken_pdf_is_refused_with_one_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(ReportImportError) as err:
        import_report(broken, "x")
    assert str(broken) in str(err.value) and "PDF" in str(err.value)


@pytest.mark.pdf
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_reportkit_pdfs_import_back_to_their_params(report: Report) -> None:
    from reportkit.render.pdf import html_to_pdf_bytes

    pdf = html_to_pdf_bytes(standalone_html(report_body_html(report), report.display_title))
    result = import_text_of_pdf(pdf)
    assert result.uncertain == []
    assert _tables(result.report) == _tables(report)
    assert normalized_narrative(result.report, wrapped=True) == normalized_narrative(
        report, wrapped=True
    )


def import_text_of_pdf(pdf: bytes) -> Any:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        return import_report(path, "xigong-education")


@pytest.mark.pdf
def test_the_seed_pdf_imports_back() -> None:
    from reportkit.render.pdf import html_to_pdf_bytes

    data = SEED.model_dump()
    data["preamble"] = PREAMBLE + "\n"
    report = Report.model_validate(data)
    pdf = html_to_pdf_bytes(standalone_html(report_body_html(report), report.display_title))
    result = import_text_of_pdf(pdf)
    assert result.uncertain == []
    assert _tables(result.report) == _tables(report)
    assert normalized_narrative(result.report, wrapped=True) == normalized_narrative(
        report, wrapped=True
    )
    assert result.report.title == report.title
