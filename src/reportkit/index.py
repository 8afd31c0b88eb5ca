"""The reviewers' pages: ``outputs/<year>/index.html`` per year and ``outputs/index.html``.

A year page lists every agency of that year (status, rule findings, key figures, links to its
outputs), a district total row with R1–R4 of the summed tables, and cross-agency charts as inline
SVG. Everything is inline (CSS, JS for sorting and filtering, charts): the page opens offline and
loads nothing. It is computed from the params and outputs on disk (:mod:`reportkit.summary`), so
it covers agency-years skipped as up to date, and it is deterministic: same disk, same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .checks import RULE_TITLES, SEVERITY, Finding
from .discover import discover
from .freshness import history_part, out_dir, sha256_file
from .summary import (
    OUTCOME_GROUPS,
    STATUS_LABELS,
    SUMMARY_NAME,
    AgencyRow,
    Number,
    collect_year,
    district_total,
    outcome_mix,
    write_summary,
    write_text_atomic,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INDEX_NAME = "index.html"
PAGE_KEY_NAME = ".index-key"
PAGE_INPUTS = (".last-run.json", "manifest.json", "report.html", "report.pdf", "report.ipynb")
MAX_CHART_ROWS = 60
RULES = tuple(RULE_TITLES)
OUTCOME_COLORS = ("#3d6a99", "#7fa7cf", "#b5312c", "#d9a441", "#8a8a8a", "#c9c9c9")
RED = "#b5312c"

# the figure columns of the table: key, header, unit hint
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


# ---------------------------------------------------------------- charts


def _svg(fig: object, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element with ids made unique by ``prefix``."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # Inline SVG in HTML needs no namespaces or RDF metadata: drop them (and their URLs).
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = text.replace("xlink:href=", "href=")
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1class="chart"', text)
    return text


def _labels(rows: Sequence[AgencyRow]) -> list[str]:
    return [r.name if r.name and r.name != r.agency_id else r.agency_id for r in rows]


def _bar_height(n: int) -> float:
    return max(2.4, 0.34 * n + 1.1)


def _top(rows: Sequence[AgencyRow], score: Callable[[AgencyRow], float]) -> list[AgencyRow]:
    """At most :data:`MAX_CHART_ROWS` rows (the highest ``score``), in agency-id order."""
    if len(rows) <= MAX_CHART_ROWS:
        return list(rows)
    chosen = sorted(rows, key=lambda r: (-score(r), r.agency_id))[:MAX_CHART_ROWS]
    return sorted(chosen, key=lambda r: r.agency_id)


def _capped(title: str, shown: int, total: int, what: str) -> str:
    return title if shown == total else f"{title}（{what}最多的 {shown} 个，共 {total} 个机关）"


def _requests_chart(rows: Sequence[AgencyRow]) -> Figure:
    from matplotlib.figure import Figure

    ordered = list(reversed(rows))  # barh draws bottom-up; keep agency-id order top-down
    fig = Figure(figsize=(7.2, _bar_height(len(ordered))), layout="constrained")
    ax = fig.add_subplot()
    values = [int(r.figures.get("new_requests") or 0) for r in ordered]
    bars = ax.barh(range(len(ordered)), values, color=RED, height=0.6)
    ax.set_yticks(range(len(ordered)), _labels(ordered))
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.set_xlabel("本年新收政府信息公开申请（件）")
    ax.margins(x=0.12)
    _tidy(ax)
    return fig


def _outcome_chart(rows: Sequence[AgencyRow]) -> Figure:
    from matplotlib.figure import Figure

    ordered = list(reversed(rows))
    names = _labels(ordered)
    fig = Figure(figsize=(7.2, _bar_height(len(ordered)) + 0.3), layout="constrained")
    ax = fig.add_subplot()
    mixes = [outcome_mix(r.report) for r in ordered if r.report is not None]
    totals = [sum(m.values()) for m in mixes]
    left = [0.0] * len(ordered)
    for (key, label), color in zip(OUTCOME_GROUPS.items(), OUTCOME_COLORS, strict=True):
        shares = [m[key] / t * 100 if t else 0.0 for m, t in zip(mixes, totals, strict=True)]
        ax.barh(range(len(names)), shares, left=left, color=color, height=0.6, label=label)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    for i, total in enumerate(totals):
        ax.text(101, i, f"{total} 件" if total else "无办结", va="center", fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_yticks(range(len(names)), names)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("办理结果构成（%），右侧为办理结果总计")
    fig.legend(ncols=6, loc="outside upper center", frameon=False, fontsize=8)
    _tidy(ax)
    return fig


def _heatmap(rows: Sequence[AgencyRow]) -> Figure:
    from matplotlib.figure import Figure

    ordered = list(reversed(rows))
    names = _labels(ordered)
    fig = Figure(figsize=(7.2, _bar_height(len(ordered))), layout="constrained")
    ax = fig.add_subplot()
    counts = [[sum(f.rule == rule for f in r.findings) for rule in RULES] for r in ordered]
    top = max((c for row in counts for c in row), default=0)
    ax.pcolormesh(
        [x - 0.5 for x in range(len(RULES) + 1)],
        [y - 0.5 for y in range(len(names) + 1)],
        counts,
        cmap="Reds",
        vmin=0,
        vmax=max(top, 1) * 1.25,
        edgecolors="#d8d2c8",
        linewidth=0.6,
    )
    severity = {"error": "错误", "warning": "警告"}
    ax.set_xticks(range(len(RULES)), [f"{r}\n{severity[SEVERITY[r]]}" for r in RULES])
    ax.set_yticks(range(len(names)), names)
    for y, row in enumerate(counts):
        for x, count in enumerate(row):
            if count:
                color = "white" if count > top / 2 else "black"
                ax.text(x, y, str(count), ha="center", va="center", fontsize=8, color=color)
    ax.tick_params(length=0, labelsize=9)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def charts(rows: Sequence[AgencyRow]) -> list[tuple[str, str]]:
    """(title, inline svg) of the cross-agency charts; empty when no agency has valid params.

    With more than :data:`MAX_CHART_ROWS` agencies each chart shows the ones that matter most
    for it (most requests, most handled, most findings); the table lists them all.
    """
    import matplotlib

    from .fonts import matplotlib_rc

    valid = [r for r in rows if r.report is not None]
    if not valid:
        return []
    n = len(valid)
    by_requests = _top(valid, lambda r: float(r.figures.get("new_requests") or 0))
    by_results = _top(valid, lambda r: float(r.figures.get("results_total") or 0))
    by_findings = _top(valid, lambda r: float(len(r.findings)))
    with matplotlib.rc_context(matplotlib_rc()):
        return [
            (
                _capped("各机关本年新收申请数量", len(by_requests), n, "新收申请"),
                _svg(_requests_chart(by_requests), "c1"),
            ),
            (
                _capped("各机关办理结果构成", len(by_results), n, "办理结果"),
                _svg(_outcome_chart(by_results), "c2"),
            ),
            (
                _capped(
                    "规则检查热力图（机关 × 规则，数字为发现的问题数）", len(by_findings), n, "问题"
                ),
                _svg(_heatmap(by_findings), "c3"),
            ),
        ]


def _tidy(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.tick_params(labelsize=9)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- HTML pieces


def _fmt(key: str, value: Number) -> str:
    if value is None:
        return "—"
    if key == "granted_share":
        return f"{value * 100:.1f}%"
    return f"{value:,}" if isinstance(value, int) else f"{value}"


def _sort_value(value: Number) -> str:
    return "" if value is None else str(value)


def _findings_html(findings: Sequence[Finding]) -> str:
    if not findings:
        return '<span class="ok">通过</span>'
    parts = []
    for severity, label in (("error", "错误"), ("warning", "警告")):
        chosen = [f for f in findings if f.severity == severity]
        if not chosen:
            continue
        rules = sorted({f.rule for f in chosen}, key=RULES.index)
        items = "".join(
            f"<li><b>{escape(f.rule)}</b> {escape(f.where)}：{escape(f.message)}</li>"
            for f in chosen
        )
        parts.append(
            f'<details class="{severity}"><summary>{len(chosen)} 项{label}'
            f' <span class="rules">{escape(" ".join(rules))}</span></summary>'
            f"<ul>{items}</ul></details>"
        )
    return "".join(parts)


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()


def _links(row: AgencyRow, year_dir: Path) -> str:
    links = []
    # after a failure the report files, if any, are the last good render's
    earlier = "上次 " if row.status != "rendered" else ""
    for name, label in (("report.html", "HTML"), ("report.pdf", "PDF"), ("report.ipynb", "笔记本")):
        path = row.out_dir / name
        if path.is_file() and path.stat().st_size > 0:
            links.append(f'<a href="{escape(_rel(path, year_dir))}">{earlier}{label}</a>')
    if row.failed_notebook is not None and row.failed_notebook.is_file():
        links.append(
            f'<a class="failed-nb" href="{escape(_rel(row.failed_notebook, year_dir))}">'
            f"失败的章节：{escape(row.failed_notebook.name)}</a>"
        )
    return " ".join(links) or '<span class="muted">—</span>'


def _row_html(row: AgencyRow, year_dir: Path) -> str:
    status = row.status
    message = (
        f'<div class="msg">{escape(row.message)}</div>'
        if row.message and status != "rendered"
        else ""
    )
    cells = "".join(
        f'<td class="num" data-v="{_sort_value(row.figures.get(k))}">'
        f"{_fmt(k, row.figures.get(k))}</td>"
        for k, _ in TABLE_FIGURES
    )
    search = escape(f"{row.agency_id} {row.name}".lower())
    return (
        f'<tr data-status="{escape(status)}" data-errors="{row.errors}" data-search="{search}">'
        f'<td class="agency" data-v="{escape(row.name)}"><div class="name">{escape(row.name)}</div>'
        f'<div class="id">{escape(row.agency_id)}</div></td>'
        f'<td data-v="{escape(status)}"><span class="badge {status.replace(" ", "-")}">'
        f"{escape(STATUS_LABELS.get(status, status))}</span>{message}</td>"
        f'<td data-v="{row.errors * 1000 + row.warnings}">{_findings_html(row.findings)}</td>'
        f'{cells}<td class="links">{_links(row, year_dir)}</td></tr>'
    )


def _total_html(rows: Sequence[AgencyRow]) -> str:
    figures, findings = district_total(rows)
    cells = "".join(f'<td class="num">{_fmt(k, figures.get(k))}</td>' for k, _ in TABLE_FIGURES)
    valid = sum(r.report is not None for r in rows)
    return (
        f'<tr class="total"><td><div class="name">全区合计</div>'
        f'<div class="id">{valid} 个机关表格逐格相加</div></td><td></td>'
        f"<td>{_findings_html(findings)}</td>{cells}<td></td></tr>"
    )


CSS = """
:root { --red: #b5312c; --ink: #1f1f1f; --muted: #6b6b6b; --line: #d8d2c8; --paper: #fbfaf7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 14px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
header { background: var(--red); color: #fff; padding: 22px 40px 18px; border-bottom: 4px solid #8c1f1b; }
header h1 { margin: 0; font: 700 26px/1.3 "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif;
  letter-spacing: 2px; }
header .sub { margin-top: 4px; opacity: .9; }
header a { color: #fff; }
main { padding: 20px 40px 40px; max-width: 1500px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 0 0 18px; }
.card { background: #fff; border: 1px solid var(--line); border-top: 3px solid var(--red);
  padding: 8px 16px; min-width: 120px; }
.card .n { font-size: 24px; font-weight: 700; }
.card .l { color: var(--muted); font-size: 12px; }
h2 { font: 700 18px/1.4 "Noto Serif CJK SC", "SimSun", serif; border-left: 5px solid var(--red);
  padding-left: 10px; margin: 26px 0 12px; }
.filters { display: flex; gap: 14px; align-items: center; margin-bottom: 10px; flex-wrap: wrap; }
.filters input[type=search] { padding: 5px 8px; width: 240px; border: 1px solid #bbb; }
.filters select { padding: 4px; }
.muted, .count { color: var(--muted); }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
thead th { background: #f1ece4; font-weight: 700; cursor: pointer; user-select: none;
  white-space: nowrap; position: sticky; top: 0; }
thead th[aria-sort=ascending]::after { content: " ▲"; color: var(--red); }
thead th[aria-sort=descending]::after { content: " ▼"; color: var(--red); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.name { font-weight: 700; }
.id { color: var(--muted); font-size: 12px; font-family: monospace; }
.badge { display: inline-block; padding: 0 8px; border-radius: 3px; font-size: 12px;
  color: #fff; white-space: nowrap; }
.badge.rendered { background: #3b7d3b; } .badge.failed { background: var(--red); }
.badge.invalid, .badge.refused { background: #c77c02; } .badge.not-run { background: #8a8a8a; }
.msg { color: var(--red); font-size: 12px; margin-top: 4px; max-width: 320px; overflow-wrap: anywhere; }
td.agency { min-width: 9em; }
details summary { cursor: pointer; white-space: nowrap; }
details.error summary { color: var(--red); } details.warning summary { color: #9a6700; }
details ul { margin: 4px 0 0; padding-left: 18px; font-size: 12px; max-width: 420px; }
.rules { font-family: monospace; font-size: 12px; }
.ok { color: #3b7d3b; }
td.links a { margin-right: 8px; white-space: nowrap; color: #1d4f8a; }
a.failed-nb { color: var(--red) !important; }
tr.total td { background: #f6f1e8; font-weight: 700; border-top: 2px solid var(--red); }
tbody tr:hover td { background: #fdf6ee; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 18px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 10px; }
figcaption { font-weight: 700; margin-bottom: 6px; }
svg.chart { width: 100%; height: auto; }
.legend dt { font-family: monospace; font-weight: 700; float: left; width: 3em; }
.legend dd { margin: 0 0 2px 3em; }
footer { color: var(--muted); font-size: 12px; padding: 0 40px 30px; }
"""

JS = """
(function () {
  var table = document.getElementById('agencies');
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(td) { return td.getAttribute('data-v') || td.textContent; }
  Array.prototype.forEach.call(heads, function (th, col) {
    if (th.classList.contains('nosort')) return;
    th.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        var nx = parseFloat(x), ny = parseFloat(y);
        if (x === '' && y !== '') return 1;
        if (y === '' && x !== '') return -1;
        if (!isNaN(nx) && !isNaN(ny)) return (nx - ny) * dir;
        return x.localeCompare(y, 'zh-CN') * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var q = document.getElementById('q'), st = document.getElementById('status'),
      err = document.getElementById('errors-only'), count = document.getElementById('count');
  function filter() {
    var text = q.value.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = (!text || r.getAttribute('data-search').indexOf(text) >= 0) &&
               (!st.value || r.getAttribute('data-status') === st.value) &&
               (!err.checked || r.getAttribute('data-errors') !== '0');
      r.style.display = ok ? '' : 'none';
      if (ok) shown++;
    });
    count.textContent = '显示 ' + shown + ' / ' + body.rows.length + ' 个机关';
  }
  [q, st, err].forEach(function (el) { el.addEventListener('input', filter); });
  err.addEventListener('change', filter);
  filter();
})();
"""


def year_page(rows: Sequence[AgencyRow], year: int, year_dir: Path) -> str:
    """The HTML of ``outputs/<year>/index.html``."""
    rows = sorted(rows, key=lambda r: r.agency_id)
    by_status = {s: sum(r.status == s for r in rows) for s in STATUS_LABELS}
    regions = sorted(
        {r.report.agency.region for r in rows if r.report is not None and r.report.agency.region}
    )
    region = "、".join(regions)
    cards = [
        (len(rows), "机关"),
        *((n, STATUS_LABELS[s]) for s, n in by_status.items() if n or s == "rendered"),
        (sum(r.errors > 0 for r in rows), "有规则错误的机关"),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="n">{n}</div><div class="l">{escape(label)}</div></div>'
        for n, label in cards
    )
    options = "".join(
        f'<option value="{escape(s)}">{escape(label)}</option>'
        for s, label in STATUS_LABELS.items()
    )
    heads = "".join(f"<th>{label}</th>" for _, label in TABLE_FIGURES)
    body = "\n".join(_row_html(r, year_dir) for r in rows)
    figures_html = "\n".join(
        f"<figure><figcaption>{escape(title)}</figcaption>{svg}</figure>"
        for title, svg in charts(rows)
    )
    legend = "".join(
        f"<dt>{rule}</dt><dd>{escape(title)}（{'错误' if SEVERITY[rule] == 'error' else '警告'}）</dd>"
        for rule, title in RULE_TITLES.items()
    )
    title = f"{year}年度政府信息公开工作年度报告 · 审阅汇总"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<div class="sub">{escape(region + " · " if region else "")}共 {len(rows)} 个机关 ·
<a href="../{INDEX_NAME}">全部年度</a> · <a href="{SUMMARY_NAME}">下载汇总表 {SUMMARY_NAME}</a></div>
</header>
<main>
<div class="cards">{cards_html}</div>
<h2>各机关情况</h2>
<div class="filters">
<input id="q" type="search" placeholder="按机关名称或代码筛选" aria-label="筛选机关">
<label>状态 <select id="status"><option value="">全部</option>{options}</select></label>
<label><input id="errors-only" type="checkbox"> 仅显示有规则错误的机关</label>
<span id="count" class="count"></span>
</div>
<table id="agencies">
<thead><tr><th>机关</th><th>状态</th><th>规则检查</th>{heads}<th class="nosort">文件</th></tr></thead>
<tbody>
{body}
</tbody>
<tfoot>
{_total_html(rows)}
</tfoot>
</table>
<h2>跨机关图解</h2>
<div class="charts">
{figures_html}
</div>
<h2>规则说明</h2>
<dl class="legend">{legend}</dl>
</main>
<footer>由 reportkit {escape(__version__)} 根据参数文件与输出目录生成。点击表头排序；“规则检查”一栏点击展开详情。</footer>
<script>{JS}</script>
</body>
</html>
"""


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
    items = "".join(
        f'<li><a href="{y}/{INDEX_NAME}">{y}年度</a>'
        f' <span class="muted">{escape(_year_counts(out_root / str(y) / SUMMARY_NAME))}'
        f'（<a href="{y}/{SUMMARY_NAME}">{SUMMARY_NAME}</a>）</span></li>'
        for y in years
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>政府信息公开工作年度报告 · 各年度</title>
<style>{CSS}
ul.years {{ font-size: 18px; line-height: 2.2; }}</style>
</head>
<body>
<header><h1>政府信息公开工作年度报告 · 各年度</h1></header>
<main>
<h2>年度审阅汇总</h2>
<ul class="years">{items}</ul>
</main>
<footer>由 reportkit {escape(__version__)} 生成。</footer>
</body>
</html>
"""


def page_key(params_dir: str | Path, out_root: str | Path, year: int) -> str:
    """A digest of everything a year page shows, to skip rebuilding an unchanged page.

    It covers the package's code, every params file of the year and its earlier years, and the
    size and time of what each agency's folder holds (records, reports, section notebooks).
    """
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
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
