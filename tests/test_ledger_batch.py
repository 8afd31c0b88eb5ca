"""A ledger-based agency in a batch (issue 11): exactly the years an edit changes re-render, and
nothing but counts from the ledger reaches any output.

The re-render rules run with the fake render (fast); the real render, with kernels, is marked.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reportkit.batch import BatchResult, run_batch
from reportkit.batch.freshness import code_parts
from reportkit.cli import main
from tests.test_batch_helpers import REPO, FakeWork
from tests.test_ledger import DATA, write_params

NAME = "司徒霁月"  # distinctive personal data: must never reach an output
PHONE = "13987654321"
YEARS = (2022, 2023, 2024)


def ledger_agency(params: Path, agency_id: str = "ledger-bureau") -> Path:
    """An agency whose 2022–2024 tables all come from the hand-made ledger and register, with
    a name and a phone number in the columns reportkit does not read."""
    folder = params / agency_id
    folder.mkdir(parents=True)
    text = (DATA / "requests.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines = [lines[0]] + [
        line.replace(",,,,", f",{NAME},{PHONE},{NAME}申请公开{PHONE}相关信息,", 1) if line else line
        for line in lines[1:]
    ]
    (folder / "requests.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cases = (DATA / "cases.csv").read_text(encoding="utf-8").replace(",,,", f",{NAME},{PHONE},")
    (folder / "cases.csv").write_text(cases, encoding="utf-8")
    for year in YEARS:
        write_params(folder, year, ledger="requests.csv", register="cases.csv")
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _rendered(result: BatchResult) -> set[int]:
    return {o.year for o in result.rendered}


def test_editing_the_ledger_rerenders_exactly_the_years_it_changes(tmp_path: Path) -> None:
    params, out = tmp_path / "params", tmp_path / "outputs"
    folder = ledger_agency(params)
    ledger = folder / "requests.csv"

    def batch() -> BatchResult:
        return run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)

    assert _rendered(batch()) == set(YEARS)
    assert _rendered(batch()) == set()
    # a 2024 outcome: 2024's table changes, nothing earlier
    _edit(ledger, "L18,2024-08-08,自然人", "L18,2024-08-08,商业企业")
    result = batch()
    assert _rendered(result) == {2024}
    assert result.rendered[0].reason == "what the year takes from its ledger changed"
    # a 2023 outcome: 2023's table, and 2024's (its 历年 chart and R5 read 2023), not 2022's
    _edit(ledger, "L10,2023-11-02,其他,", "L10,2023-11-02,自然人,")
    assert _rendered(batch()) == {2023, 2024}
    # what reportkit does not read, and an application of a later year, change no report
    _edit(ledger, f"{NAME},{PHONE}", "某某,00000000")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("L23,2025-02-03,自然人,,,,,\n")
    assert _rendered(batch()) == set()
    # the register: a case concluded in 2024 instead of 2023
    _edit(folder / "cases.csv", "C04,直接起诉,2023-05-05", "C04,直接起诉,2024-05-05")
    _edit(folder / "cases.csv", "维持,2023-09-09", "维持,2024-09-09")
    assert _rendered(batch()) == {2023, 2024}
    # a broken ledger makes every year that reads it invalid; fixing it renders them again
    _edit(ledger, "L13,2024-01-08", "L13,2024-01-88")
    broken = batch()
    assert {(o.year, o.status) for o in broken.outcomes} == {(y, "invalid") for y in YEARS}
    assert all(
        "row 15 (编号 L13): 收到日期 '2024-01-88' is not a date" in o.message
        for o in broken.outcomes
    )
    _edit(ledger, "L13,2024-01-88", "L13,2024-01-08")
    assert _rendered(batch()) == set(YEARS)


def _texts(root: Path) -> dict[Path, str]:
    """Every file under ``root`` as text (PDFs through pdftotext), hidden files included."""
    found = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            data = subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
            ).stdout
        text = data.decode("utf-8", errors="replace")
        found[path] = text + text.encode("ascii", "backslashreplace").decode("ascii")
    return found


@pytest.mark.kernel
@pytest.mark.pdf
def test_ledger_agency_renders_in_a_batch_and_no_personal_data_reaches_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    params, out = tmp_path / "params", tmp_path / "outputs"
    ledger_agency(params)
    broken = ledger_agency(
        params, "broken-ledger"
    )  # its ledger names the applicant in a wrong cell
    _edit(broken / "requests.csv", "L05,2023年3月3日,科研机构", f"L05,{PHONE},{NAME}")
    parts = code_parts()  # pinned: an edit elsewhere during this slow test re-renders nothing
    monkeypatch.setattr("reportkit.batch.run.code_parts", lambda notebooks_dir=None: parts)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", notebooks)
    monkeypatch.setenv("REPORTKIT_NOTEBOOKS", str(notebooks))

    code = main(["batch", "--params", str(params), "--out", str(out), "-j", "1"])
    printed = capsys.readouterr()
    assert code == 1, printed  # the broken ledger's agency is invalid, the other renders
    for year in YEARS:
        folder = out / str(year) / "ledger-bureau"
        for name in ("report.html", "report.pdf", "report.ipynb", "manifest.json"):
            assert (folder / name).stat().st_size > 0, (year, name)
    report = (out / "2024" / "ledger-bureau" / "report.html").read_text(encoding="utf-8")
    assert 'id="chart-months"' in report
    sections = (out / "2024" / "ledger-bureau" / "sections" / "03_requests.ipynb").read_text(
        encoding="utf-8"
    )
    assert "表三由依申请公开台账计算" in sections and "requests.csv" in sections
    import json

    manifest = json.loads((out / "2024" / "ledger-bureau" / "manifest.json").read_text("utf-8"))
    assert [s["kind"] for s in manifest["sources"]] == ["ledger", "case_register"]
    assert manifest["sources"][0]["used"] == {"received": 9, "carried_over": 2}
    index = (out / "2024" / "index.html").read_text(encoding="utf-8")
    assert "broken-ledger" in index and "is not a date" in index

    texts = _texts(out)
    texts[tmp_path / "stdout"] = printed.out + printed.err
    assert len(texts) > 30
    leaks = [
        str(path.relative_to(tmp_path))
        for path, text in texts.items()
        if NAME in text or PHONE in text or "\\u53f8\\u5f92" in text
    ]
    assert leaks == []

    # an edit of a 2024 row re-renders 2024 only (the invalid agency is tried again)
    _edit(
        params / "ledger-bureau" / "requests.csv",
        "L18,2024-08-08,自然人",
        "L18,2024-08-08,商业企业",
    )
    again = run_batch(params, out, jobs=1)
    assert {(o.agency_id, o.year) for o in again.rendered} == {("ledger-bureau", 2024)}
    assert {(o.agency_id, o.year) for o in again.up_to_date} == {
        ("ledger-bureau", 2022),
        ("ledger-bureau", 2023),
    }


def test_an_unchanged_agency_year_is_recognized_without_reading_its_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp's memo: the ledger is read again only when a file it depends on changed."""
    from reportkit.batch import freshness

    params, out = tmp_path / "params", tmp_path / "outputs"
    folder = ledger_agency(params)
    plain = params / "plain-bureau"
    plain.mkdir()
    shutil.copy(REPO / "params" / "xigong-education" / "2024.yaml", plain / "2024.yaml")

    def batch() -> BatchResult:
        return run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)

    assert {(o.agency_id, o.year) for o in batch().outcomes if o.status != "invalid"} >= {
        ("ledger-bureau", year) for year in YEARS
    }
    reads: list[Path] = []
    real = freshness.year_digest

    def counted(p: Path) -> str:
        reads.append(Path(p))
        return real(p)

    monkeypatch.setattr(freshness, "year_digest", counted)
    parsed: list[Path] = []
    real_yaml = freshness.read_yaml
    monkeypatch.setattr(freshness, "read_yaml", lambda p: parsed.append(Path(p)) or real_yaml(p))
    assert _rendered(batch()) == set() and reads == []
    assert plain / "2024.yaml" not in parsed  # it names no ledger: not even parsed
    # an edit of the ledger reads it again, for every year that references it
    _edit(folder / "requests.csv", "L18,2024-08-08,自然人", "L18,2024-08-08,商业企业")
    assert _rendered(batch()) == {2024}
    # each agency-year's chain (2022; 2023, 2022; 2024, 2023, 2022) reads the changed file
    assert sorted(p.name for p in reads) == ["2022.yaml"] * 3 + ["2023.yaml"] * 2 + ["2024.yaml"]
    reads.clear()
    assert _rendered(batch()) == set() and reads == []
    # a damaged memo is only a cache: the digest is computed again
    stamp = out / "2022" / "ledger-bureau" / freshness.STAMP_NAME
    data = stamp.read_text(encoding="utf-8").replace('"memo": {', '"memo": {"x": "y", ', 1)
    stamp.write_text(data.replace(next(iter(_memo_values(data))), "0" * 64), encoding="utf-8")
    assert _rendered(batch()) == {2022}


def _memo_values(stamp_text: str) -> list[str]:
    import json

    return list(json.loads(stamp_text)["memo"].values())


def test_a_ledger_edit_rewrites_exactly_the_comparisons_it_changes(tmp_path: Path) -> None:
    params, out = tmp_path / "params", tmp_path / "outputs"
    folder = ledger_agency(params)

    def written() -> set[int]:
        result = run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)
        assert not result.failed_comparisons
        return {c.year for c in result.comparisons if c.status == "written"}

    assert written() == {2023, 2024}  # 2022 has no previous year
    assert written() == set()
    page = out / "2024" / "ledger-bureau" / "compare.html"
    before = page.read_text(encoding="utf-8")
    # a 2024 outcome changes 2024's table: its comparison with 2023, not 2023's with 2022
    _edit(folder / "requests.csv", "L18,2024-08-08,自然人", "L18,2024-08-08,商业企业")
    assert written() == {2024}
    assert page.read_text(encoding="utf-8") != before
    # a 2023 outcome changes both pages that show 2023
    _edit(folder / "requests.csv", "L10,2023-11-02,其他,", "L10,2023-11-02,自然人,")
    assert written() == {2023, 2024}
    assert written() == set()


def test_a_ledger_with_several_bad_rows_is_one_line_in_a_batch(tmp_path: Path) -> None:
    params, out = tmp_path / "params", tmp_path / "outputs"
    folder = ledger_agency(params)
    _edit(folder / "requests.csv", "L13,2024-01-08", "L13,2024-01-88")
    _edit(folder / "requests.csv", "L18,2024-08-08", "L18,2024-08-99")
    result = run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)
    outcome = next(o for o in result.outcomes if o.year == 2024)
    assert outcome.status == "invalid" and "\n" not in outcome.message
    assert "row 15 (编号 L13): 收到日期 '2024-01-88' is not a date" in outcome.message
    assert outcome.message.endswith(
        f"(and 1 more problem: reportkit check {folder / '2024.yaml'} lists them)"
    )
