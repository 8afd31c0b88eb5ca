"""report.docx in run and batch, without kernels: made beside the HTML and PDF from the params,
the office template from the params file or the option (params wins), a bad template refused
before any kernel starts, and the template one of the inputs a batch's freshness key covers."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest

from reportkit.batch import run_batch
from reportkit.batch.discover import discover
from reportkit.batch.freshness import (
    REQUIRED_OUTPUTS,
    code_parts,
    declared_docx_template,
    docx_template_for,
    inputs_key,
    stale_reason,
)
from reportkit.cli import main
from reportkit.errors import ParamsError
from reportkit.render import pipeline as render_mod
from reportkit.render.manifest import read_manifest, sha256_file
from reportkit.render.pipeline import render_agency_year
from tests.docsamples import REPO
from tests.test_batch_helpers import FakeWork, make_params
from tests.test_docx import _letterhead
from tests.test_run_units import _fake_pdf, _fake_run

SEED = REPO / "params" / "xigong-education" / "2024.yaml"


@pytest.fixture
def fake_render(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_mod, "_run", _fake_run)
    monkeypatch.setattr(render_mod, "_pdf", _fake_pdf)


def _seed_copy(tmp_path: Path, extra: str = "") -> Path:
    folder = tmp_path / "params" / "xigong-education"
    folder.mkdir(parents=True)
    params = folder / "2024.yaml"
    params.write_text(SEED.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return params


def _header(path: Path) -> str:
    return docx.Document(io.BytesIO(path.read_bytes())).sections[0].header.paragraphs[0].text


def test_run_makes_report_docx_with_the_params_template(fake_render: None, tmp_path: Path) -> None:
    params = _seed_copy(tmp_path, "docx_template: letterhead.docx\n")
    template = _letterhead(params.parent / "letterhead.docx")
    other = tmp_path / "other.docx"
    _letterhead(other)
    doc = docx.Document(str(other))
    doc.sections[0].header.paragraphs[0].text = "the option's header"
    doc.save(str(other))
    result = render_agency_year(params, tmp_path / "out", docx_template=other)
    assert result.status == "rendered", result.message
    out = Path(result.out_dir) / "report.docx"
    assert _header(out) == "青禾区教育局办公室", "the params file's template wins"
    manifest = read_manifest(result.out_dir)
    assert manifest is not None
    assert manifest["docx_template"] == {"path": str(template), "sha256": sha256_file(template)}
    assert manifest["outputs"]["report.docx"] == sha256_file(out)


def test_run_uses_the_option_when_the_params_name_none(fake_render: None, tmp_path: Path) -> None:
    params = _seed_copy(tmp_path)
    template = _letterhead(tmp_path / "letterhead.dotx", dotx=True)
    result = render_agency_year(params, tmp_path / "out", docx_template=template)
    assert result.status == "rendered", result.message
    assert _header(Path(result.out_dir) / "report.docx") == "青禾区教育局办公室"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.docx", None, "missing.docx does not exist"),
        ("letterhead.docx", b"not a zip", "is not a Word document"),
        ("letterhead.doc", b"\xd0\xcf\x11\xe0", "is not a Word file (.docx or .dotx)"),
    ],
)
def test_a_bad_template_is_refused_before_any_kernel(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    expected: str,
) -> None:
    def no_kernel(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a section ran")

    monkeypatch.setattr(render_mod, "_run", no_kernel)
    params = _seed_copy(tmp_path, f"docx_template: {name}\n")
    if content is not None:
        (params.parent / name).write_bytes(content)
    out = tmp_path / "out"
    assert main(["run", str(params), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"Error: {params}: docx_template: ") and expected in err, err
    assert " — " in err
    assert not (out / "2024" / "xigong-education" / "report.html").exists()


def test_the_option_names_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = _seed_copy(tmp_path)
    missing = tmp_path / "nope.docx"
    assert (
        main(["run", str(params), "--out", str(tmp_path / "o"), "--docx-template", str(missing)])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: --docx-template: ") and "nope.docx does not exist" in err
    assert err.endswith("(relative to the current folder)")  # where a relative option is read
    assert main(["batch", "--params", str(params.parents[1]), "--docx-template", str(missing)]) == 2
    assert "Error: --docx-template: " in capsys.readouterr().err


def test_a_failed_docx_keeps_the_earlier_report(
    fake_render: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = _seed_copy(tmp_path)
    first = render_agency_year(params, tmp_path / "out")
    out = Path(first.out_dir)
    before = {n: (out / n).read_bytes() for n in ("report.html", "report.pdf", "report.docx")}

    def broken(*args: Any) -> None:
        raise RuntimeError("python-docx: out of memory")

    monkeypatch.setattr(render_mod, "_docx", broken)
    again = render_agency_year(params, tmp_path / "out")
    assert again.status == "failed" and "out of memory" in again.message
    assert {n: (out / n).read_bytes() for n in before} == before


def test_batch_passes_the_option_and_keys_on_the_template(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    template = _letterhead(tmp_path / "letterhead.docx")
    calls: list[str | None] = []

    class Recording(FakeWork):
        def __call__(self, *args: Any, docx_template: str | None = None, **kwargs: Any) -> Any:
            calls.append(docx_template)
            return super().__call__(*args, **kwargs)

    out = tmp_path / "out"
    first = run_batch(
        params, out, jobs=1, work=Recording(), write_index=False, docx_template=template
    )
    assert first.failed == [] and calls and set(calls) == {str(template.resolve())}
    again = run_batch(
        params, out, jobs=1, work=Recording(), write_index=False, docx_template=template
    )
    assert again.rendered == []
    template.write_bytes(template.read_bytes() + b"\0")  # the office edits its letterhead
    third = run_batch(
        params, out, jobs=1, work=Recording(), write_index=False, docx_template=template
    )
    assert len(third.rendered) == len(first.rendered)
    assert all("letterhead.docx changed" in o.reason for o in third.rendered)


def test_params_template_enters_the_key(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    agency = sorted(params.iterdir())[0]
    path = agency / "2024.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "docx_template: ../letterhead.docx\n", encoding="utf-8"
    )
    template = _letterhead(params / "letterhead.docx")
    assert declared_docx_template(path) == agency / "../letterhead.docx"
    (item,) = [i for i in discover(params, 2024) if i.params == path]
    assert docx_template_for(item, tmp_path / "default.docx") == agency / "../letterhead.docx"
    shared = code_parts()
    before = inputs_key(item, shared, [docx_template_for(item)])  # type: ignore[list-item]
    template.write_bytes(b"changed")
    after = inputs_key(item, shared, [docx_template_for(item)])  # type: ignore[list-item]
    assert before.key != after.key
    other = next(i for i in discover(params, 2024) if i.params != path)
    assert declared_docx_template(other.params) is None
    assert docx_template_for(other) is None


def test_report_docx_is_a_required_output(tmp_path: Path) -> None:
    assert "report.docx" in REQUIRED_OUTPUTS
    params = make_params(tmp_path)
    out = tmp_path / "out"
    run_batch(params, out, jobs=1, work=FakeWork(), write_index=False)
    (item, *_) = discover(params, 2024)
    folder = out / "2024" / item.agency_id
    (folder / "report.docx").unlink()
    key = inputs_key(item, code_parts())
    assert stale_reason(folder, key) == "report.docx missing"
    shutil.rmtree(folder)


def test_declared_template_of_a_broken_file_is_none(tmp_path: Path) -> None:
    path = tmp_path / "2024.yaml"
    path.write_text("docx_template: [unclosed\n", encoding="utf-8")
    assert declared_docx_template(path) is None
    path.write_text("docx_template: ''\n", encoding="utf-8")
    assert declared_docx_template(path) is None
    assert declared_docx_template(tmp_path / "missing.yaml") is None
    with pytest.raises(ParamsError):
        from reportkit.model.inputs import check_docx_template

        check_docx_template(tmp_path / "x.docx", "--docx-template", field=None)
