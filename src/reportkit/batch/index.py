"""The reviewers' pages: ``outputs/<year>/index.html`` per year and ``outputs/index.html``.

A year page lists every agency of that year (status, rule findings, key figures, links to its
outputs), a district total row with R1–R4 of the summed tables, and cross-agency charts as inline
SVG (:mod:`.index_charts`). The page is ``templates/index.html.j2`` with its stylesheet and script
(``templates/static/``) inlined: it opens offline and loads nothing. It is computed from the params
and outputs on disk (:mod:`.summary`), so it covers agency-years skipped as up to date, and it is
deterministic: same disk, same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..checks import RULE_TITLES, SEVERITY, Finding
from ..compare import COPIED_SHARE
from ..render.manifest import sha256_file
from ..render.templating import environment, html, static_text
from .comparisons import COMPARE_NAME, COMPARE_STAMP
from .discover import discover
from .freshness import history_part, out_dir
from .index_charts import RULES, charts
from .summary import (
    STATUS_LABELS,
    SUMMARY_NAME,
    AgencyRow,
    Number,
    collect_year,
    district_total,
    write_summary,
    write_text_atomic,
)

INDEX_NAME = "index.html"
PAGE_KEY_NAME = ".index-key"
PAGE_INPUTS = (
    ".last-run.json",
    "manifest.json",
    "report.html",
    "report.pdf",
    "report.docx",
    "report.ipynb",
    COMPARE_NAME,
    COMPARE_STAMP,
)
TEMPLATES = Path(__file__).resolve().parent / "templates"

# the figure columns of the table: key, header (a <br> breaks a long header)
TABLE_FIGURES: tuple[tuple[str, str], ...] = (
    ("new_requests", "本年新收申请"),
    ("granted_share", "公开及部分<br>公开占比"),
    ("review_total", "行政复议"),
    ("litigation_direct_total", "行政诉讼<br>直接起诉"),
    ("litigation_after_review_total", "行政诉讼<br>复议后起诉"),
    ("licensing", "行政许可"),
    ("penalty", "行政处罚"),
    ("fees_10k_yuan", "收费<br>（万元）"),
)
SEVERITY_LABELS = {"error": "错误", "warning": "警告"}
COPIED_PERCENT = f"{COPIED_SHARE * 100:.0f}%"
REPORT_LINKS = (
    ("report.html", "HTML"),
    ("report.pdf", "PDF"),
    ("report.docx", "Word"),
    ("report.ipynb", "笔记本"),
)


@cache
def _templates() -> jinja2.Environment:
    return environment(TEMPLATES)


def _static(name: str) -> Any:
    return html(static_text("reportkit.batch", "templates", "static", name))


def _fmt(key: str, value: Number) -> str:
    if value is None:
        return "—"
    if key == "granted_share":
        return f"{value * 100:.1f}%"
    return f"{value:,}" if isinstance(value, int) else f"{value}"


def _sort_value(value: Number) -> str:
    return "" if value is None else str(value)


def _findings(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings grouped by severity (errors first) for the page's ``<details>``."""
    groups = []
    for severity, label in SEVERITY_LABELS.items():
        chosen = [f for f in findings if f.severity == severity]
        if chosen:
            rules = sorted({f.rule for f in chosen}, key=RULES.index)
            groups.append(
                {"severity": severity, "label": label, "rules": rules, "findings": chosen}
            )
    return groups


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()


def _links(row: AgencyRow, year_dir: Path) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    # after a failure the report files, if any, are the last good render's
    earlier = "上次 " if row.status != "rendered" else ""
    for name, label in REPORT_LINKS:
        path = row.out_dir / name
        if path.is_file() and path.stat().st_size > 0:
            links.append({"href": _rel(path, year_dir), "text": earlier + label, "failed": False})
    if row.failed_notebook is not None and row.failed_notebook.is_file():
        links.append(
            {
                "href": _rel(row.failed_notebook, year_dir),
                "text": f"失败的章节：{row.failed_notebook.name}",
                "failed": True,
            }
        )
    return links


def _comparison(row: AgencyRow, year_dir: Path) -> dict[str, Any] | None:
    """The 与上年比较 cell: link, unchanged share, the 照搬 flag; None without a page."""
    link = row.comparison
    if link is None:
        return None
    share = link.record.unchanged_share
    return {
        "href": _rel(link.page, year_dir),
        "current": link.current,
        "share": "—" if share is None else f"{share * 100:.1f}%",
        "sort": "" if row.unchanged_share is None else f"{row.unchanged_share:.4f}",
        "copied": link.current and link.record.largely_copied,
    }


def _row(row: AgencyRow, year_dir: Path) -> dict[str, Any]:
    """What the page shows of one agency."""
    status = row.status
    return {
        "agency_id": row.agency_id,
        "name": row.name,
        "search": f"{row.agency_id} {row.name}".lower(),
        "status": status,
        "status_class": status.replace(" ", "-"),
        "status_label": STATUS_LABELS.get(status, status),
        "message": row.message if status != "rendered" else "",
        "errors": row.errors,
        "findings_order": row.errors * 1000 + row.warnings if row.report is not None else -1,
        "findings": _findings(row.findings),
        "checked": row.report is not None,  # an unusable params file was not checked
        "figures": [
            {"sort": _sort_value(row.figures.get(k)), "text": _fmt(k, row.figures.get(k))}
            for k, _ in TABLE_FIGURES
        ],
        "links": _links(row, year_dir),
        "comparison": _comparison(row, year_dir),
    }


def year_page(rows: Sequence[AgencyRow], year: int, year_dir: Path) -> str:
    """The HTML of ``outputs/<year>/index.html``."""
    rows = sorted(rows, key=lambda r: r.agency_id)
    by_status = {s: sum(r.status == s for r in rows) for s in STATUS_LABELS}
    regions = sorted(
        {r.report.agency.region for r in rows if r.report is not None and r.report.agency.region}
    )
    cards = [
        {"n": len(rows), "label": "机关"},
        *(
            {"n": n, "label": STATUS_LABELS[s]}
            for s, n in by_status.items()
            if n or s == "rendered"
        ),
        {"n": sum(r.errors > 0 for r in rows), "label": "有规则错误的机关"},
    ]
    if any(r.comparison is not None for r in rows):
        copied = sum(
            r.comparison is not None and r.comparison.current and r.comparison.record.largely_copied
            for r in rows
        )
        cards.append({"n": copied, "label": f"正文≥{COPIED_PERCENT}与上年相同"})
    figures, findings = district_total(rows)
    total = {
        "valid": sum(r.report is not None for r in rows),
        "findings": _findings(findings),
        "figures": [_fmt(k, figures.get(k)) for k, _ in TABLE_FIGURES],
    }
    legend = [
        {"id": rule, "title": title, "severity": SEVERITY_LABELS[SEVERITY[rule]]}
        for rule, title in RULE_TITLES.items()
    ]
    return (
        _templates()
        .get_template("index.html.j2")
        .render(
            title=f"{year}年度政府信息公开工作年度报告 · 审阅汇总",
            css=_static("index.css"),
            js=_static("index.js"),
            region="、".join(regions),
            rows=[_row(r, year_dir) for r in rows],
            cards=cards,
            statuses=list(STATUS_LABELS.items()),
            figure_heads=[html(label) for _, label in TABLE_FIGURES],
            total=total,
            charts=[{"title": title, "svg": html(svg)} for title, svg in charts(rows)],
            legend=legend,
            copied_percent=COPIED_PERCENT,
            index_name=INDEX_NAME,
            summary_name=SUMMARY_NAME,
            version=__version__,
        )
    )


def _year_counts(summary: Path) -> str:
    """``7 个机关：已生成 6，失败 1`` from a year's summary.csv (empty when unreadable)."""
    try:
        rows = list(csv.DictReader(io.StringIO(summary.read_text(encoding="utf-8-sig"))))
    except (OSError, ValueError):
        return ""
    statuses = [r.get("状态", "") for r in rows if r.get("机关代码") != "district-total"]
    counts = "，".join(
        f"{label} {statuses.count(label)}" for label in STATUS_LABELS.values() if label in statuses
    )
    return f"{len(statuses)} 个机关：{counts}" if statuses else ""


def root_page(out_root: Path) -> str:
    """The HTML of ``outputs/index.html``: every year that has an index."""
    years = sorted(
        (
            int(p.name)
            for p in out_root.iterdir()
            if p.name.isdigit() and (p / INDEX_NAME).is_file()
        ),
        reverse=True,
    )
    return (
        _templates()
        .get_template("root.html.j2")
        .render(
            css=_static("index.css"),
            years=[
                {"year": y, "counts": _year_counts(out_root / str(y) / SUMMARY_NAME)} for y in years
            ],
            index_name=INDEX_NAME,
            summary_name=SUMMARY_NAME,
            version=__version__,
        )
    )


def page_key(params_dir: str | Path, out_root: str | Path, year: int) -> str:
    """A digest of everything a year page shows, to skip rebuilding an unchanged page.

    It covers the package's code, every params file of the year and its earlier years, and the
    size and time of what each agency's folder holds (records, reports, section notebooks).
    """
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package)}:{sha256_file(path)}\n".encode())
    for item in discover(params_dir, year):
        digest.update(
            f"{item.agency_id}:{sha256_file(item.params)}:{history_part(item)}\n".encode()
        )
        folder = out_dir(out_root, item)
        names = [*PAGE_INPUTS, *(f"sections/{p.name}" for p in sorted(folder.glob("sections/*")))]
        for name in names:
            path = folder / name
            if path.exists():
                st = path.stat()
                digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def write_year(
    params_dir: str | Path, out_root: str | Path, year: int, *, force: bool = False
) -> tuple[Path, Path]:
    """Write ``<out_root>/<year>/index.html`` and ``summary.csv``; returns both paths.

    Skipped when neither the inputs nor the outputs on disk changed since the last write
    (``force`` writes anyway).
    """
    year_dir = Path(out_root) / str(year)
    index, summary, stamp = year_dir / INDEX_NAME, year_dir / SUMMARY_NAME, year_dir / PAGE_KEY_NAME
    key = page_key(params_dir, out_root, year)
    unchanged = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == key
    if unchanged and not force and index.is_file() and summary.is_file():
        return index, summary
    rows = collect_year(params_dir, out_root, year)
    write_summary(rows, summary)
    write_text_atomic(index, year_page(rows, year, year_dir))
    write_text_atomic(stamp, key + "\n")
    return index, summary


def write_indexes(
    params_dir: str | Path, out_root: str | Path, years: Sequence[int]
) -> tuple[dict[int, Path], dict[int, Path], Path]:
    """Write the pages of ``years`` and ``outputs/index.html``; returns their paths."""
    indexes: dict[int, Path] = {}
    summaries: dict[int, Path] = {}
    for year in years:
        indexes[year], summaries[year] = write_year(params_dir, out_root, year)
    root = Path(out_root) / INDEX_NAME
    write_text_atomic(root, root_page(Path(out_root)))
    return indexes, summaries, root
