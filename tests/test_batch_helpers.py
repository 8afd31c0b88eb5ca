"""Helpers of the batch and index tests: small params sets and a picklable fake render.

Kept in a test module (no tests here) so spawned worker processes can import the fake by name.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]

from reportkit.checks import check_report
from reportkit.model.params import dump_report, load_previous, load_report

REPO = Path(__file__).resolve().parents[1]
SEED_PARAMS = REPO / "params" / "xigong-education" / "2024.yaml"

# agency id → (name, new requests by 自然人 and 商业企业 per year offset)
AGENCIES: dict[str, str] = {
    "a-bureau": "西工区甲局",
    "b-office": "西工区乙办公室",
    "c-commission": "西工区丙委员会",
}


def _row(natural: int, commercial: int = 0) -> list[int]:
    return [natural, commercial, 0, 0, 0, 0, natural + commercial]


def report_text(
    agency_id: str, name: str, year: int, base: int, carried_over: int, fee_text: str = ""
) -> str:
    """A consistent params file: ``base`` + 2 new requests and last year's carry-forward.

    R1–R8 hold; R9 warns unless ``fee_text`` states the 信息处理费.
    """
    seed = load_report(SEED_PARAMS)
    new = _row(base, 2)
    carried = _row(carried_over)
    handled = base + 2 + carried_over
    forward = 1 if handled > 3 else 0
    rows: dict[str, list[int]] = {key: _row(0) for key in type(seed.requests).model_fields}
    rows = {k: v for k, v in rows.items() if getattr(seed.requests, k) is not None}
    rows["new"], rows["carried_over"] = new, carried
    done = handled - forward  # all of 自然人's; the 2 商业企业 requests are granted
    natural = done - 2
    granted = natural // 2
    partly = natural // 4
    rows["granted"] = [granted, 2, 0, 0, 0, 0, granted + 2]
    rows["partially_granted"] = _row(partly)
    rows["unavailable_1"] = _row(natural - granted - partly)
    rows["total"] = [natural, 2, 0, 0, 0, 0, done]
    rows["carried_forward"] = _row(forward)
    items = [
        item.model_copy(update={"text": f"本年度收到政府信息公开申请{base + 2}件。\n"})
        if item.heading == "依申请公开"
        else item
        for item in seed.overview.items
    ]
    report = seed.model_copy(
        update={
            "agency": seed.agency.model_copy(update={"id": agency_id, "name": name}),
            "year": year,
            "title": None,
            "overview": seed.overview.model_copy(update={"items": items}),
            "other_matters": seed.other_matters.model_copy(
                update={"text": fee_text, "processing_fee_yuan": None}
            ),
            "requests": seed.requests.model_validate(rows),
            "review_litigation": seed.review_litigation.model_validate(
                {
                    "review": [1, 0, 0, 0, 1],
                    "litigation_direct": [0, 1, 0, 0, 1],
                    "litigation_after_review": [0, 0, 0, 0, 0],
                }
            ),
        }
    )
    return dump_report(report, header=f"{name} {year}: test data")


def carry_forward(base: int, carried_over: int) -> int:
    """The 结转下年度 total :func:`report_text` writes."""
    return 1 if base + 2 + carried_over > 3 else 0


def make_params(
    root: Path, agencies: dict[str, str] | None = None, years: tuple[int, ...] = (2023, 2024)
) -> Path:
    """``root/params/<id>/<year>.yaml`` for every agency and year; returns the params folder."""
    params = root / "params"
    for i, (agency_id, name) in enumerate(sorted((agencies or AGENCIES).items())):
        carried = 0
        for j, year in enumerate(sorted(years)):
            base = 3 + 4 * i + j
            path = params / agency_id / f"{year}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            fee = "" if agency_id.startswith("b") else "本年度未收取信息处理费。\n"
            text = report_text(agency_id, name, year, base, carried, fee or "无\n")
            path.write_text(text, encoding="utf-8")
            carried = carry_forward(base, carried)
    return params


@dataclass(frozen=True)
class FakeResult:
    """The fields of ``reportkit.render.RenderResult``."""

    agency_id: str
    year: int
    params: str
    out_dir: str
    status: str
    message: str
    failed_notebook: str | None
    findings: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeWork:
    """A picklable stand-in for ``render_agency_year``: writes small outputs, no kernel.

    Agency ids in ``fail`` fail in section 03 (leaving a partial notebook); ``crash`` raise;
    ``die`` end the worker process.
    """

    fail: frozenset[str] = frozenset()
    crash: frozenset[str] = frozenset()
    die: frozenset[str] = frozenset()
    delay: float = 0.0
    log: str = ""  # a file to append "start|end <agency> <year> <monotonic ns> <pid>" lines to

    def __call__(
        self,
        params_path: str,
        out_root: str = "outputs",
        *,
        strict: bool = False,
        notebooks_dir: str | None = None,
        docx_template: str | None = None,
    ) -> FakeResult:
        path = Path(params_path)
        agency_id, year = path.parent.name, int(path.stem)
        out = Path(out_root) / str(year) / agency_id
        try:  # as the render: an unusable file, or earlier year, is "invalid"
            report = load_report(path)
            previous = load_previous(path, report)
        except Exception as err:
            return FakeResult(agency_id, year, params_path, str(out), "invalid", str(err), None, [])
        if agency_id in self.crash:
            raise RuntimeError(f"bug while rendering {agency_id}")
        if agency_id in self.die:
            os._exit(3)  # the worker process dies (out of memory, segfault …)
        self._log("start", agency_id, year)
        time.sleep(self.delay)
        findings = [f.as_json() for f in check_report(report, previous)]
        if strict and any(f["severity"] == "error" for f in findings):
            message = f"{agency_id} {year}: --strict: rule error(s)"
            return FakeResult(
                agency_id, year, params_path, str(out), "refused", message, None, findings
            )
        sections = out / "sections"
        sections.mkdir(parents=True, exist_ok=True)
        (sections / "01_overview.ipynb").write_text("{}", encoding="utf-8")
        if agency_id in self.fail:
            failed = sections / "03_requests.ipynb"
            failed.write_text('{"partial": true}', encoding="utf-8")
            message = f"{agency_id} {year}: section 03_requests, cell 4: ValueError: boom"
            return FakeResult(
                agency_id, year, params_path, str(out), "failed", message, str(failed), findings
            )
        (out / "report.html").write_text(f"<h1>{report.display_title}</h1>", encoding="utf-8")
        (out / "report.pdf").write_bytes(b"%PDF-1.7 fake")
        (out / "report.ipynb").write_text("{}", encoding="utf-8")
        (out / "report.docx").write_bytes(b"PK fake docx")
        (out / "manifest.json").write_text(
            json.dumps({"status": "rendered", "findings": findings}), encoding="utf-8"
        )
        self._log("end", agency_id, year)
        return FakeResult(agency_id, year, params_path, str(out), "rendered", "", None, findings)

    def _log(self, what: str, agency_id: str, year: int) -> None:
        if self.log:
            line = f"{what} {agency_id} {year} {time.monotonic_ns()} {os.getpid()}\n"
            with open(self.log, "a", encoding="utf-8") as handle:
                handle.write(line)


@dataclass(frozen=True)
class DyingRender:
    """The real render; for agency ids in ``die`` the worker process then dies (kernel warm)."""

    die: frozenset[str] = frozenset()

    def __call__(
        self,
        params_path: str,
        out_root: str = "outputs",
        *,
        strict: bool = False,
        notebooks_dir: str | None = None,
        docx_template: str | None = None,
    ) -> Any:
        from reportkit.render.pipeline import render_agency_year

        result = render_agency_year(
            params_path,
            out_root,
            strict=strict,
            notebooks_dir=notebooks_dir,
            docx_template=docx_template,
        )
        if Path(params_path).parent.name in self.die:
            os._exit(3)
        return result


def kernel_processes(cwd_under: Path) -> list[Any]:
    """Running ``ipykernel_launcher`` processes whose working folder is under ``cwd_under``.

    Kernels start in the notebooks folder, so a test's private copy of the notebooks finds
    its kernels, also those whose parent died (no longer children of the test process).
    """
    root = str(cwd_under.resolve())
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            kernel = "ipykernel_launcher" in " ".join(proc.info["cmdline"] or ())
            if kernel and proc.cwd().startswith(root) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def wait_no_kernels(cwd_under: Path, seconds: float = 10.0) -> list[Any]:
    """The kernels still running under ``cwd_under`` after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := kernel_processes(cwd_under)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_modules_left_out_of_the_inputs_key_are_never_imported_by_a_render() -> None:
    """Leaving a package out of the key is only safe when rendering cannot run its code."""
    import subprocess
    import sys

    from reportkit.batch.freshness import PACKAGE_DIR, REPORT_PACKAGES

    code = (
        "import sys, reportkit.render.pipeline, reportkit.render.execution,"
        " reportkit.render.notebook, reportkit.render.sections, reportkit.render.charts;"
        "print('\\n'.join(m for m in sys.modules if m.startswith('reportkit')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    names = {m.split(".")[1] for m in out if m.count(".") >= 1}
    packages = {name for name in names if (PACKAGE_DIR / name).is_dir()}
    assert packages and packages <= REPORT_PACKAGES, packages - REPORT_PACKAGES
