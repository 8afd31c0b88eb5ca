"""The comparison as one self-contained HTML page (``compare.html``), in the look of the report.

The page is ``templates/compare.html.j2`` with the report's stylesheet
(:func:`reportkit.render.html.report_css`) and ``templates/static/compare.css`` inlined: no
script, no network reference, it opens offline. Python only prepares the data:

- the summary: key figures old → new with the change and per cent, the paragraph counts, the
  unchanged share (flagged at :data:`~reportkit.compare.comparison.COPIED_SHARE`), and the rule
  findings of each year;
- tables 二, 三 and 四 as the report prints them (:mod:`reportkit.render.tables`), each changed
  cell marked and showing its old value (``原 11``), then the list of changed cells;
- the narrative section by section, each paragraph tagged in words (未改, 修改, 新增, 删除,
  位置移动), with ``<ins>``/``<del>`` inside changed paragraphs.

Every change is shown by a mark and a word, never by colour alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..checks import Finding
from ..errors import UsageError
from ..model import labels as L
from ..model.export import normalized
from ..render.html import report_css
from ..render.tables import cell_text, table2_html, table3_html, table4_html
from ..render.templating import environment, html, static_text
from .align import Match
from .cells import CellChange, Figure, cell_paths
from .comparison import COPIED_SHARE, Comparison, Side

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "compare.html.j2"
SEVERITY_WORDS = {"error": "错误", "warning": "警告"}
MINUS = "−"


@cache
def _templates() -> jinja2.Environment:
    return environment(TEMPLATES)


def compare_css() -> str:
    """``templates/static/compare.css``: the marks of the comparison, on top of the report's."""
    return static_text("reportkit.compare", "templates", "static", "compare.css")


# ---------------------------------------------------------------- numbers


def number_text(value: int | Decimal | None) -> str:
    """A figure as printed: ``—`` when unknown, decimals as given."""
    if value is None:
        return "—"
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def change_text(value: int | Decimal | None) -> str:
    """``+3``, ``−2``, ``0``; ``—`` when unknown."""
    if value is None:
        return "—"
    text = number_text(-value if value < 0 else value)
    return f"+{text}" if value > 0 else f"{MINUS}{text}" if value < 0 else "0"


def percent_text(value: float | None) -> str:
    """``+27.3%``, ``−66.7%``, ``0.0%``; ``—`` when unknown (or the old value is 0)."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else MINUS if value < 0 else ""
    return f"{sign}{abs(value):.1f}%"


def share_text(share: float | None) -> str:
    """``93.2%``; ``—`` when there is no narrative."""
    return "—" if share is None else f"{share * 100:.1f}%"


def _figure(figure: Figure, labels: tuple[str, str]) -> dict[str, Any]:
    notes = []
    for name, side in zip(labels, (figure.old, figure.new), strict=True):
        if side.blank:
            notes.append(f"{name}含空白或“/”单元格，按已填数字合计")
        if side.uncertain:
            notes.append(f"{name}含导入时未能确认的单元格，请核对")
    change = figure.change
    return {
        "label": figure.label,
        "old": number_text(figure.old.value),
        "new": number_text(figure.new.value),
        "change": change_text(change),
        "direction": "" if not change else "up" if change > 0 else "down",
        "percent": percent_text(figure.percent),
        "notes": notes,
    }


# ---------------------------------------------------------------- tables


def _was(change: CellChange) -> str:
    if change.only_in == "new":
        return "原 无此项"
    return f"原 {cell_text(change.old_raw) or '空白'}"


# a number cell as render/templates/parts/table.html.j2 writes it: no tag inside
_TD = re.compile(r"<td(?P<attrs>(?: [a-z]+=\"[^\"]*\")*)>(?P<text>[^<]*)</td>")
_CLASS = re.compile(r' class="(?P<names>[^"]*)"')


def marked_tables(comparison: Comparison) -> list[dict[str, Any]]:
    """Tables 二, 三, 四 of the new report as printed, changed cells marked with their old value.

    The report's tables print their number cells (``<td>``, nothing inside) in the order of the
    normalized JSON (:func:`~reportkit.compare.cells.cell_paths`); that order names each one,
    and a changed one is written again by the ``changed_cell`` macro of ``cells.html.j2``.
    """
    new = comparison.new.report
    paths = list(cell_paths(normalized(new)))
    changes = {c.path: c for c in comparison.cells}
    old_label, new_label = comparison.labels
    changed_cell = _templates().get_template("cells.html.j2").module.changed_cell  # type: ignore[attr-defined]
    position = 0

    def mark(td: re.Match[str]) -> str:
        nonlocal position
        if position >= len(paths):
            raise RuntimeError("the tables print more number cells than the report has")
        change = changes.get(paths[position])
        position += 1
        if change is None:
            return td.group()
        attrs = td["attrs"]
        names = _CLASS.search(attrs)
        classes = [*(names["names"].split() if names else []), "cmp-changed"]
        title = (
            f"{change.label}：{old_label} {cell_text(change.old_raw) or '空白'} → "
            f"{new_label} {cell_text(change.new_raw) or '空白'}"
        )
        return str(
            changed_cell(
                html(_CLASS.sub("", attrs)),
                " ".join(classes),
                title,
                html(td["text"]),
                _was(change),
                change.uncertain,
            )
        )

    tables = [
        {"heading": L.section_heading(n), "html": html(_TD.sub(mark, make(new)))}
        for n, make in ((2, table2_html), (3, table3_html), (4, table4_html))
    ]
    if position != len(paths):
        raise RuntimeError(f"the tables print {position} number cells, the report has {len(paths)}")
    return tables


def _cell_rows(changes: Sequence[CellChange]) -> list[dict[str, Any]]:
    return [
        {
            "label": c.label,
            "path": c.path,
            "old": "无此项" if c.only_in == "new" else cell_text(c.old_raw) or "空白",
            "new": "无此项" if c.only_in == "old" else cell_text(c.new_raw) or "空白",
            "uncertain": c.uncertain,
        }
        for c in changes
    ]


# ---------------------------------------------------------------- narrative

STATUS_WORDS = {"unchanged": "未改", "changed": "修改", "added": "新增", "removed": "删除"}


def _row(match: Match, old_label: str) -> dict[str, Any]:
    notes = []
    if match.status == "unchanged":
        notes.append(f"与{old_label}相同")
        if match.variant_only:
            notes.append("仅标点、全半角或空格不同")
    elif match.status == "changed" and match.new is not None:
        share = match.same / len(match.new.text) if len(match.new.text) else 0.0
        notes.append(f"本段 {share * 100:.0f}% 的文字未改")
    if match.moved:
        notes.append("位置移动")
    if match.origin:
        notes.append(f"原在“{match.origin}”")
    return {
        "status": match.status,
        "tag": STATUS_WORDS[match.status],
        "notes": notes,
        "segments": [{"kind": s.kind, "text": s.text} for s in match.diff.segments],
    }


def narrative_sections(comparison: Comparison) -> list[dict[str, Any]]:
    """Sections 一, 五, 六: their blocks (heading, rows) in the new report's order."""
    alignment = comparison.narrative
    old_label = comparison.labels[0]
    old_headings = set(alignment.old.headings.items())
    sections: dict[int, dict[str, Any]] = {}
    blocks: dict[tuple[int, int], dict[str, Any]] = {}
    for (section, block), heading in alignment.new.headings.items():
        entry = sections.setdefault(
            section, {"heading": L.section_heading(section), "blocks": [], "n": section}
        )
        view = {
            "heading": heading,
            "new_heading": bool(heading) and ((section, block), heading) not in old_headings,
            "rows": [],
        }
        entry["blocks"].append(view)
        blocks[(section, block)] = view
    for match in alignment.matches:
        blocks[match.place]["rows"].append(_row(match, old_label))
    for entry in sections.values():
        entry["empty"] = not any(b["rows"] for b in entry["blocks"])
    return list(sections.values())


# ---------------------------------------------------------------- the page


OPEN_FINDINGS = 5  # a rule with more findings than this shows them folded (click to open)


def _findings(side: Side, label: str) -> dict[str, Any]:
    """One side's findings grouped by rule, in rule order."""
    rules: dict[str, list[Finding]] = {}
    for f in side.findings:
        rules.setdefault(f.rule, []).append(f)
    errors = sum(f.severity == "error" for f in side.findings)
    return {
        "label": label,
        "errors": errors,
        "warnings": len(side.findings) - errors,
        "rules": [
            {
                "rule": rule,
                "severity": found[0].severity,
                "word": SEVERITY_WORDS[found[0].severity],
                "open": len(found) <= OPEN_FINDINGS,
                "lines": [f"{f.where}：{f.message}" for f in found],
            }
            for rule, found in rules.items()
        ],
        "note": side.note,
    }


def _sources(comparison: Comparison) -> tuple[str, str]:
    """``qinghe-education/2023.yaml``, ``qinghe-education/2024.yaml`` — each file's folder and
    name, and more of the path where those are the same for two different files (no more of a
    machine's paths than tells them apart)."""
    old, new = comparison.old.path, comparison.new.path
    if old is None or new is None:
        return tuple(  # type: ignore[return-value]
            "（内存中的报告）" if p is None else _tail(p, 2) for p in (old, new)
        )
    depth = 2
    while _tail(old, depth) == _tail(new, depth) and depth < max(len(old.parts), len(new.parts)):
        depth += 1
    return _tail(old, depth), _tail(new, depth)


def _tail(path: Path, depth: int) -> str:
    """The last ``depth`` parts of ``path``, joined by ``/`` (the whole path when shorter)."""
    parts = path.parts[-depth:]
    return str(path) if len(parts) == len(path.parts) else "/".join(parts)


def comparison_html(comparison: Comparison) -> str:
    """The HTML page of a comparison."""
    old, new = comparison.old, comparison.new
    old_label, new_label = comparison.labels
    alignment = comparison.narrative
    counts = alignment.counts
    share = comparison.unchanged_share
    return (
        _templates()
        .get_template(TEMPLATE)
        .render(
            title=f"{new.report.display_title} · 与{old_label}比较",
            heading=new.report.display_title,
            old_title=old.report.display_title,
            old_label=old_label,
            new_label=new_label,
            css=html(report_css()),
            compare_css=html(compare_css()),
            figures=[_figure(f, comparison.labels) for f in comparison.figures],
            counts=[
                {"status": status, "word": STATUS_WORDS[status], "n": counts[status]}
                for status in ("unchanged", "changed", "added", "removed")
            ],
            moved=alignment.moved,
            share=share_text(share),
            same_chars=alignment.same_chars,
            new_chars=alignment.new.chars,
            copied=comparison.largely_copied,
            copied_threshold=f"{COPIED_SHARE * 100:.0f}%",
            cells_changed=len(comparison.cells),
            findings=[_findings(old, old_label), _findings(new, new_label)],
            formats=(old.report.format, new.report.format),
            tables=marked_tables(comparison),
            cells=_cell_rows(comparison.cells),
            sections=narrative_sections(comparison),
            sources=_sources(comparison),
            version=__version__,
        )
    )


def summary_lines(comparison: Comparison) -> list[str]:
    """The comparison in a few lines for a terminal (``reportkit compare`` without ``--json``)."""
    old, new = comparison.old, comparison.new
    old_label, new_label = comparison.labels
    counts = comparison.narrative.counts
    share = comparison.unchanged_share
    sources = _sources(comparison)
    lines = [
        f"{old.report.display_title} ({sources[0]}) → {new.report.display_title} ({sources[1]})",
        f"table cells changed: {len(comparison.cells)}",
        "paragraphs: "
        + ", ".join(f"{counts[s]} {s}" for s in ("unchanged", "changed", "added", "removed"))
        + f" ({comparison.narrative.moved} moved)",
        f"unchanged share of the narrative: {share_text(share)} "
        f"({comparison.narrative.same_chars} of {comparison.narrative.new.chars} characters)",
    ]
    if comparison.largely_copied:
        lines.append(
            f"warning: {share_text(share)} of the narrative of {new_label} stands unchanged "
            f"in {old_label} (≥ {COPIED_SHARE * 100:.0f}%): check for 照搬往年内容"
        )
    for figure in comparison.figures:
        if figure.change:
            lines.append(
                f"  {figure.label}: {number_text(figure.old.value)} → "
                f"{number_text(figure.new.value)} ({change_text(figure.change)}, "
                f"{percent_text(figure.percent)})" + (" ※" if figure.flagged else "")
            )
    return lines


def write_comparison_html(comparison: Comparison, path: str | Path) -> Path:
    """Write the page to ``path`` atomically (aside, then renamed): a failure leaves an
    existing file as it was; missing folders are made. Raises
    :class:`~reportkit.errors.UsageError` when ``path`` cannot be written (a folder, a file in
    the way of a folder, no permission)."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(
            f"{target}: is a folder — give the file to write, e.g. {target / 'compare.html'}"
        )
    text = comparison_html(comparison)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # as run --out does
    except OSError as err:
        raise UsageError(
            f"{target}: cannot create the folder {target.parent}/ ({err.strerror or err}) — "
            "give -o a file in a folder you can write"
        ) from err
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as err:
        raise UsageError(
            f"{target}: cannot write the comparison page ({err.strerror or err}) — "
            "choose a file in a folder you can write to"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target
