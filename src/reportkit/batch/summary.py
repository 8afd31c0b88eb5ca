"""The per-agency figures of one year, from the params and outputs on disk; ``summary.csv``.

:func:`collect_year` reads every params file of a year and what the last render left in
``outputs/<year>/<agency-id>/`` (the batch record ``.last-run.json``, or ``manifest.json``), so
agency-years skipped as up to date, or rendered by ``reportkit run``, are covered too. Figures are
taken from :func:`reportkit.export.normalized`, so they equal ``reportkit export --json``.
:func:`district_total` adds all agencies' tables into one report and runs R1–R4 on it. The
share of the narrative unchanged since last year is read from the stamp of the agency-year's
comparison page (:mod:`.comparisons`).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks import TABLE_RULES, Finding, check_report
from ..errors import ReportkitError
from ..model import Report, ReviewLitigation, cell_value
from ..model import labels as L
from ..model.export import normalized
from ..model.params import load_report, previous_year_path
from .comparisons import ComparisonLink, comparison_record
from .discover import AgencyYear, discover
from .freshness import out_dir
from .units import LAST_RUN_NAME

SUMMARY_NAME = "summary.csv"
Number = int | float | None

# key → the column header of summary.csv (and the index)
FIGURES: dict[str, str] = {
    "new_requests": "本年新收申请",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "results_total": "办理结果总计",
    "granted_share": "公开及部分公开占比",
    "carried_forward": "结转下年度",
    "review_total": "行政复议总计",
    "litigation_direct_total": "行政诉讼（未经复议直接起诉）总计",
    "litigation_after_review_total": "行政诉讼（复议后起诉）总计",
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "fees_10k_yuan": "行政事业性收费（万元）",
}
OUTCOME_GROUPS: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
STATUS_LABELS: dict[str, str] = {
    "rendered": "已生成",
    "failed": "失败",
    "invalid": "参数无效",
    "refused": "已拒绝（严格模式）",
    "not run": "未运行",
}
TOTAL = 6


def figures_of(data: dict[str, Any]) -> dict[str, Number]:
    """The key figures of one agency-year from its normalized JSON (``export --json``)."""
    req = data["requests"]
    rl = data["review_litigation"]
    pro = data["proactive"]

    def total(row: str) -> Number:
        value: Number = req[row][TOTAL]
        return value

    granted, partly, results = total("granted"), total("partially_granted"), total("total")
    share: Number = None
    if isinstance(results, int) and results > 0:
        share = round(((granted or 0) + (partly or 0)) / results, 4)
    if data["format"] == "2021":
        licensing, penalty, fees = pro["licensing"], pro["penalty"], pro["fees_10k_yuan"]
    else:
        licensing, penalty = pro["licensing"]["decisions"], pro["penalty"]["decisions"]
        fees = None
    return {
        "new_requests": total("new"),
        "carried_over": total("carried_over"),
        "granted": granted,
        "partially_granted": partly,
        "results_total": results,
        "granted_share": share,
        "carried_forward": total("carried_forward"),
        "review_total": rl["review"][4],
        "litigation_direct_total": rl["litigation_direct"][4],
        "litigation_after_review_total": rl["litigation_after_review"][4],
        "licensing": licensing,
        "penalty": penalty,
        "fees_10k_yuan": fees,
    }


def outcome_mix(report: Report) -> dict[str, int]:
    """Table 三 （一）…（六） totals: the outcome groups of :data:`OUTCOME_GROUPS`."""
    out = dict.fromkeys(OUTCOME_GROUPS, 0)
    for key in L.result_row_keys(report.format):
        group = key.rsplit("_", 1)[0] if key[-1].isdigit() else key
        out[group] += cell_value(report.request_row(key)[TOTAL])
    return out


@dataclass
class AgencyRow:
    """One agency of a year: identity, status of its outputs, findings and key figures."""

    agency_id: str
    year: int
    params: Path
    out_dir: Path
    name: str = ""
    status: str = "not run"
    message: str = ""
    failed_notebook: Path | None = None
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, Number] = field(default_factory=dict)
    comparison: ComparisonLink | None = None

    @property
    def unchanged_share(self) -> float | None:
        """The share of the narrative unchanged since last year, from a comparison page that
        matches the params (None when there is none)."""
        link = self.comparison
        return link.record.unchanged_share if link is not None and link.current else None

    @property
    def errors(self) -> int:
        """Rule errors."""
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        """Rule warnings."""
        return sum(f.severity == "warning" for f in self.findings)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _status(row: AgencyRow) -> None:
    """Fill status, message and failed notebook from the newest record on disk."""
    directory = row.out_dir
    records = []
    for name in (LAST_RUN_NAME, "manifest.json"):
        path = directory / name
        data = _read_json(path)
        if data is not None and isinstance(data.get("status"), str):
            records.append((path.stat().st_mtime_ns, name, data))
    if not records:
        row.status = "rendered" if (directory / "report.html").is_file() else "not run"
        return
    _, _, data = max(records, key=lambda r: (r[0], r[1] == LAST_RUN_NAME))
    status = str(data["status"])
    row.status = status if status in STATUS_LABELS else "failed"
    row.message = str(data.get("message") or "")
    notebook = data.get("failed_notebook")
    if isinstance(notebook, str) and notebook:
        path = Path(notebook)
        if not path.is_absolute() and not path.exists():
            path = directory / path
        row.failed_notebook = path
    if row.status == "rendered" and not (directory / "report.html").is_file():
        row.status = "not run"


def collect_row(item: AgencyYear, out_root: str | Path) -> AgencyRow:
    """Everything the index and summary show for one agency-year."""
    row = AgencyRow(item.agency_id, item.year, item.params, out_dir(out_root, item))
    row.comparison = comparison_record(item, row.out_dir)
    try:
        report = load_report(item.params)
    except ReportkitError as err:
        row.status, row.message, row.name = "invalid", str(err), item.agency_id
        return row
    previous_path = previous_year_path(item.params, report)
    try:
        previous = load_report(previous_path) if previous_path.is_file() else None
    except ReportkitError:
        previous = None
    row.report, row.name = report, report.agency.name
    row.findings = check_report(report, previous)
    row.figures = figures_of(normalized(report))
    _status(row)
    return row


def collect_year(params_dir: str | Path, out_root: str | Path, year: int) -> list[AgencyRow]:
    """Every agency of ``year`` under ``params_dir``, sorted by agency id."""
    return [collect_row(item, out_root) for item in discover(params_dir, year)]


# ---------------------------------------------------------------- district total


def _sum_rows(rows: Sequence[Sequence[Any]], width: int) -> list[int]:
    return [sum(cell_value(r[i]) for r in rows) for i in range(width)]


def district_report(reports: Sequence[Report], name: str = "全区合计") -> Report | None:
    """All agencies' tables 三 and 四 added cell by cell (blank = 0), as one 2021-format report.

    A 2019-trial report's （六）其他处理 is added to row （六）3. 其他.
    """
    if not reports:
        return None
    base = next((r for r in reports if r.format == "2021"), None)
    if base is None:
        return None
    requests: dict[str, list[int]] = {}
    for key in L.request_row_keys("2021"):
        rows = []
        for r in reports:
            if key in L.request_row_keys(r.format):
                rows.append(r.request_row(key))
            elif key == "other_3" and r.format == "2019-trial":
                rows.append(r.request_row("other"))
        requests[key] = _sum_rows(rows, 7)
    review = ReviewLitigation.model_validate(
        {g: _sum_rows([r.review_litigation.group(g) for r in reports], 5) for g in L.REVIEW_GROUPS}
    )
    summed = base.requests.model_validate(requests)
    agency = base.agency.model_copy(update={"id": "district-total", "name": name})
    return base.model_copy(
        update={"agency": agency, "requests": summed, "review_litigation": review}
    )


def district_total(rows: Sequence[AgencyRow]) -> tuple[dict[str, Number], list[Finding]]:
    """The district row: figures summed over agencies with valid params, and R1–R4 of the sum."""
    valid = [r for r in rows if r.report is not None]
    figures: dict[str, Number] = {}
    for key in FIGURES:
        values = [r.figures.get(key) for r in valid]
        numbers = [v for v in values if v is not None]
        if key == "granted_share":
            continue
        if key == "fees_10k_yuan":
            total = sum((Decimal(str(v)) for v in numbers), Decimal(0))
            figures[key] = _num(total) if numbers else None
        else:
            figures[key] = sum(int(v) for v in numbers) if numbers else None
    results = figures.get("results_total")
    if isinstance(results, int) and results > 0:
        granted = (figures.get("granted") or 0) + (figures.get("partially_granted") or 0)
        figures["granted_share"] = round(granted / results, 4)
    else:
        figures["granted_share"] = None
    figures = {k: figures.get(k) for k in FIGURES}
    report = district_report([r.report for r in valid if r.report is not None])
    findings = check_report(report, None, rules=TABLE_RULES) if report is not None else []
    return figures, findings


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------- summary.csv


def format_figure(key: str, value: Number) -> str:
    """A figure as text: blank for unknown, the share as a fraction with 4 decimals."""
    if value is None:
        return ""
    if key == "granted_share":
        return f"{value:.4f}"
    return str(value)


SHARE_HEAD = "正文与上年相同占比"
CSV_HEAD = [
    "机关代码",
    "机关名称",
    "年度",
    "状态",
    "规则错误",
    "规则警告",
    *FIGURES.values(),
    SHARE_HEAD,
]


def summary_csv(rows: Sequence[AgencyRow]) -> str:
    """``summary.csv`` text: one row per agency (sorted by id), then the district total."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEAD)
    for row in sorted(rows, key=lambda r: r.agency_id):
        writer.writerow(
            [
                row.agency_id,
                row.name,
                row.year,
                STATUS_LABELS.get(row.status, row.status),
                row.errors,
                row.warnings,
                *(format_figure(k, row.figures.get(k)) for k in FIGURES),
                "" if row.unchanged_share is None else f"{row.unchanged_share:.4f}",
            ]
        )
    if rows:
        figures, findings = district_total(rows)
        errors = sum(f.severity == "error" for f in findings)
        writer.writerow(
            [
                "district-total",
                "全区合计",
                rows[0].year,
                "",
                errors,
                len(findings) - errors,
                *(format_figure(k, figures[k]) for k in FIGURES),
                "",
            ]
        )
    return buf.getvalue()


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` aside, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding=encoding, newline="")
    os.replace(tmp, path)


def write_summary(rows: Sequence[AgencyRow], path: Path) -> Path:
    """Write ``summary.csv`` in UTF-8 with a BOM, so Excel shows the Chinese correctly."""
    write_text_atomic(path, summary_csv(rows), encoding="utf-8-sig")
    return path
