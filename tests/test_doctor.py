"""``reportkit doctor`` and the slow-PDF warning: each ✗ path through a monkeypatched probe,
the exit code, the one ``Warning:`` line of run and batch, and one real run that is all ✓."""

from __future__ import annotations

import logging
import signal
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportkit.batch import run_batch
from reportkit.checks import glyphs
from reportkit.cli import main
from reportkit.render import environment, fonts
from reportkit.render.environment import Check, FastPath, SlowPdfWarning
from reportkit.render.pipeline import RenderResult
from tests.conftest import SEED_PARAMS


@pytest.fixture(autouse=True)
def _fresh_probes() -> Iterator[None]:
    """Each test probes and warns as a new process would."""
    saved = (list(environment._FAST_PATH), list(environment._WARNED))
    environment._FAST_PATH.clear()
    environment._WARNED.clear()
    yield
    environment._FAST_PATH[:] = saved[0]
    environment._WARNED[:] = saved[1]


def _slow(monkeypatch: pytest.MonkeyPatch, found: str = "no libharfbuzz-subset") -> None:
    monkeypatch.setattr(environment, "_probe_fast_path", lambda: FastPath(False, found))


def _fast_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every probe of the doctor answers ✓ without a kernel or a font look-up."""
    for name in (
        "check_chart_font",
        "check_weasyprint",
        "check_poppler",
        "check_notebooks",
    ):
        monkeypatch.setattr(environment, name, lambda *a, _n=name, **k: Check(_n, True, "ok"))
    monkeypatch.setattr(environment, "check_font", lambda kind: Check(f"CJK {kind}", True, "ok"))
    monkeypatch.setattr(environment, "check_kernel", lambda *a, **k: Check("kernel", True, "ok"))
    monkeypatch.setattr(environment, "_probe_fast_path", lambda: FastPath(True, "HarfBuzz 9"))
    monkeypatch.setattr(environment, "check_optional_fonts", lambda: [])


# ---------------------------------------------------------------- each ✗ path


def test_missing_font_family_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    only_latin = (glyphs.Face(("DejaVu Serif",), "Book", "/usr/share/fonts/d.ttf", 0),)
    monkeypatch.setattr(glyphs, "installed_faces", lambda: only_latin)
    for kind in ("serif", "sans"):
        check = environment.check_font(kind)
        assert not check.ok and check.required
        assert check.line().startswith(f"✗ CJK {kind} font: none of Noto ")
        assert "apt-get install fonts-noto-cjk" in check.line()


def test_font_found_gives_family_and_file(monkeypatch: pytest.MonkeyPatch) -> None:
    face = glyphs.Face(("Source Han Sans SC",), "Regular", "/fonts/shs.otf", 0)
    monkeypatch.setattr(glyphs, "installed_faces", lambda: (face,))
    check = environment.check_font("sans")
    assert check.ok and check.line() == "✓ CJK sans font: Source Han Sans SC (/fonts/shs.otf)"


def test_no_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glyphs, "installed_faces", lambda: ())
    monkeypatch.setattr(environment.shutil, "which", lambda name: None)
    check = environment.check_font("serif")
    assert not check.ok and "apt-get install fontconfig" in check.fix


def test_chart_font_missing_says_to_clear_matplotlib_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"DejaVu Sans"}))
    check = environment.check_chart_font()
    assert not check.ok
    assert "fonts-noto-cjk" in check.fix and "~/.cache/matplotlib" in check.fix


@pytest.mark.parametrize(
    ("subset", "version", "expected"),
    [
        (False, (6, 0, 0), "libharfbuzz-subset.so.0) not found"),
        (True, (4, 0, 9), "HarfBuzz 4.0.9 is older than 4.1.0"),
    ],
)
def test_no_harfbuzz_subsetting(
    monkeypatch: pytest.MonkeyPatch, subset: bool, version: tuple[int, int, int], expected: str
) -> None:
    real_first = environment._first

    def first(names: tuple[str, ...]) -> Any:
        if names == environment.HARFBUZZ_SUBSET_NAMES and not subset:
            return None
        return real_first(names)

    monkeypatch.setattr(environment, "_first", first)
    monkeypatch.setattr(environment, "harfbuzz_version", lambda lib: version)
    check = environment.check_pdf_fast_path()
    assert not check.ok and check.required
    assert expected in check.found and "~20 s a PDF" in check.found
    assert check.fix.startswith("install Debian's libharfbuzz-subset0 (apt-get install")


def test_unwritable_outputs_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(environment.tempfile, "mkstemp", refuse)
    check = environment.check_outputs(tmp_path / "outputs")
    assert not check.ok
    assert check.line() == (
        f"✗ outputs folder: {tmp_path} is not writable (Permission denied) — make it writable "
        f"(chmod u+w {tmp_path}) or choose another --out DIR"
    )


def test_outputs_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "outputs").write_text("x")
    check = environment.check_outputs(tmp_path / "outputs" / "2024")
    assert not check.ok and "is not a folder" in check.found


def test_outputs_folder_writable_or_to_be_created(tmp_path: Path) -> None:
    assert environment.check_outputs(tmp_path).found == f"{tmp_path} writable"
    later = environment.check_outputs(tmp_path / "a" / "b")
    assert later.ok and later.found.endswith("(will be created)")
    assert list(tmp_path.iterdir()) == []  # nothing left behind, nothing created


def test_missing_poppler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        environment.shutil, "which", lambda name: None if name == "pdffonts" else f"/bin/{name}"
    )
    check = environment.check_poppler()
    assert not check.ok and check.found == "pdffonts not found"
    assert "apt-get install poppler-utils" in check.fix


def test_kernel_that_cannot_import(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fail(code: str, cwd: Any, timeout: float = 60) -> None:
        raise RuntimeError("ModuleNotFoundError: No module named 'pandas'")

    monkeypatch.setattr(environment, "run_in_new_kernel", fail)
    check = environment.check_kernel(tmp_path)
    assert not check.ok
    assert "No module named 'pandas'" in check.found and "./dev setup" in check.fix


def test_missing_notebooks(tmp_path: Path) -> None:
    (tmp_path / "01_overview.ipynb").write_text("{}")
    check = environment.check_notebooks(tmp_path)
    assert not check.ok and "02_proactive.ipynb" in check.found
    assert "REPORTKIT_NOTEBOOKS" in check.fix


def test_missing_optional_font_does_not_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glyphs, "installed_faces", lambda: ())
    checks = environment.check_optional_fonts()
    assert {c.ok for c in checks} == {False}
    assert all(not c.required and "(optional)" in c.line() for c in checks)
    assert any(
        c.fix == "install Debian's fonts-hanazono (apt-get install fonts-hanazono)" for c in checks
    )
    assert environment.healthy([Check("x", True, "ok"), *checks])


# ---------------------------------------------------------------- the command


def test_doctor_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _fast_checks(monkeypatch)
    assert main(["doctor", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out and out.rstrip().endswith("Ready: every must-have holds.")

    environment._FAST_PATH.clear()
    _slow(monkeypatch)
    assert main(["doctor", "--out", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    bad = [line for line in lines if line.startswith("✗")]
    assert len(bad) == 1 and "libharfbuzz-subset0" in bad[0]
    assert lines[-1] == "Not ready: 1 must-have(s) missing — see the ✗ lines above."


def test_doctor_prints_every_check_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _fast_checks(monkeypatch)
    main(["doctor", "--out", str(tmp_path), "--no-kernel"])
    names = [line.split(":")[0][2:] for line in capsys.readouterr().out.splitlines()[:-1]]
    assert names[:2] == ["Python", "reportkit"]
    assert "kernel" not in names and "PDF font subsetting (HarfBuzz)" in names
    assert len(names) == len(set(names))


# ---------------------------------------------------------------- the slow-path warning


def test_fast_path_probe_agrees_with_weasyprint() -> None:
    """The probe asks WeasyPrint's own question (weasyprint.pdf.fonts.Font.subset)."""
    from weasyprint.text import ffi

    weasyprint_fast = bool(ffi.harfbuzz_subset) and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))
    assert environment.pdf_fast_path().ok == weasyprint_fast


def test_warning_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow(monkeypatch)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(3):
            environment.warn_if_pdf_slow()
    assert [w.category for w in seen] == [SlowPdfWarning]
    assert "apt-get install libharfbuzz-subset0" in str(seen[0].message)


def test_no_warning_on_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "_probe_fast_path", lambda: FastPath(True, "HarfBuzz 9"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        environment.warn_if_pdf_slow()


def test_pool_workers_leave_the_warning_to_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportkit.batch import pool

    _slow(monkeypatch)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        pool._init_worker()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        environment.warn_if_pdf_slow()


def _fake_render(params_path: str, out_root: str = "outputs", **kwargs: Any) -> RenderResult:
    environment.warn_if_pdf_slow()  # as render_agency_year does before its sections
    return RenderResult("a", 2024, params_path, out_root, "invalid", "fake", None)


def test_run_prints_one_warning_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import reportkit.render.pipeline as pipeline

    _slow(monkeypatch)
    monkeypatch.setattr(pipeline, "render_agency_year", _fake_render)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        main(["run", str(SEED_PARAMS), "--out", str(tmp_path)])
    warned = [line for line in capsys.readouterr().err.splitlines() if "slow path" in line]
    assert warned == [
        "Warning: PDFs will take WeasyPrint's slow path: no libharfbuzz-subset, so it subsets "
        "fonts with fontTools (~20 s a PDF instead of ~1 s) — install Debian's "
        "libharfbuzz-subset0 (apt-get install libharfbuzz-subset0, or ./dev setup); "
        "`reportkit doctor` checks the rest"
    ]


def test_batch_warns_once_not_per_agency(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import reportkit.batch.run as batch_run

    params = tmp_path / "params"
    for agency in ("a-one", "a-two", "a-three"):
        (params / agency).mkdir(parents=True)
        (params / agency / "2024.yaml").write_text(SEED_PARAMS.read_text("utf-8"), "utf-8")
    _slow(monkeypatch)
    monkeypatch.setattr(batch_run, "default_work", lambda: _fake_render)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        main(["batch", "--params", str(params), "--out", str(tmp_path / "out"), "-j", "1"])
    err = capsys.readouterr().err
    assert sum("slow path" in line for line in err.splitlines()) == 1


def _rendering_fake(params_path: str, out_root: str = "outputs", **kwargs: Any) -> RenderResult:
    out = Path(out_root) / "2024" / Path(params_path).parent.name
    out.mkdir(parents=True, exist_ok=True)
    for name in ("report.html", "report.pdf", "report.docx", "manifest.json"):
        (out / name).write_text("x")
    return RenderResult("a", 2024, params_path, str(out), "rendered", "", None)


def test_no_warning_when_nothing_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "params" / "xigong-education").mkdir(parents=True)  # the seed's agency.id
    (tmp_path / "params" / "xigong-education" / "2024.yaml").write_text(
        SEED_PARAMS.read_text("utf-8")
    )
    args = (tmp_path / "params", tmp_path / "out")
    first = run_batch(*args, jobs=1, work=_rendering_fake, write_index=False, write_compare=False)
    assert len(first.rendered) == 1
    environment._WARNED.clear()
    environment._FAST_PATH.clear()
    _slow(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = run_batch(*args, jobs=1, work=_rendering_fake, write_index=False)
    assert len(again.up_to_date) == 1


# ---------------------------------------------------------------- for real


@pytest.mark.pdf
def test_weasyprint_takes_the_fast_path(caplog: pytest.LogCaptureFixture) -> None:
    """A machine without HarfBuzz subsetting fails here instead of being slow in silence."""
    from reportkit.render.html import standalone_html
    from reportkit.render.pdf import html_to_pdf_bytes
    from reportkit.render.sections import report_body_html
    from tests.docsamples import seed_report

    report = seed_report()
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    pdf = html_to_pdf_bytes(standalone_html(report_body_html(report), report.display_title))
    assert pdf.startswith(b"%PDF")
    fallback = [r.getMessage() for r in caplog.records if "fontTools" in r.getMessage()]
    assert not fallback, f"{fallback[0]} — {environment.slow_pdf_message('')}"
    assert environment.pdf_fast_path().ok


@pytest.mark.kernel
def test_real_doctor_is_all_green(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """On a machine set up by ./dev (./dev test installs the optional fonts too)."""
    assert main(["doctor", "--out", str(tmp_path / "outputs")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "Ready: every must-have holds."
    assert [line for line in lines[:-1] if not line.startswith("✓ ")] == []
    assert any(line.startswith("✓ kernel: ") and " in " in line for line in lines)
    assert not (tmp_path / "outputs").exists()
