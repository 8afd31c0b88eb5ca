"""Helpers the section notebooks call: load with overrides, this section's findings, and where
the tables came from (a ledger's provenance).

The notebooks under ``notebooks/`` stay thin (load, check, show table, show chart, write text);
what they need beyond the document pieces of :mod:`reportkit.sections` lives here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..checks import Finding, check_report
from ..errors import ParameterError
from ..model import Report
from ..model import labels as L
from ..model.inputs import Inputs, load_inputs
from ..model.ledger import TITLES, Kind, SourceFile
from ..model.ledger.vocabulary import TABLES
from .templating import part_macro

_PREFIX_SECTION = {
    "overview": 1,
    "proactive": 2,
    "requests": 3,
    "review_litigation": 4,
    "problems": 5,
    "other_matters": 6,
}
_RULE_SECTION = {"R1": 3, "R2": 3, "R3": 3, "R5": 3, "R4": 4, "R6": 2, "R7": 1, "R9": 6}


def resolve(params_path: str | Path, notebook_dir: str | Path | None = None) -> Path:
    """``params_path`` as given when absolute, else relative to the notebook's folder.

    JupyterLab and papermill both run a notebook with its folder as the working directory, so
    the default ``../params/...`` works in both.
    """
    path = Path(params_path)
    if path.is_absolute() or notebook_dir is None:
        return path
    return Path(notebook_dir) / path


CHARTS_ACCEPTED = (
    "True, False or None (None: as the params file says); from the command line "
    "papermill … -p charts False, or -y 'charts: false' (-p passes false as the text 'false')"
)
PARAMS_PATH_ACCEPTED = (
    "the path of a params file, params/<agency-id>/<year>.yaml, relative to the notebook's "
    "folder (notebooks/) or absolute"
)


def check_parameters(params_path: object, charts: object, cwd: str | Path) -> Path:
    """The params file a section notebook's parameters name, after checking both.

    Raises :class:`~reportkit.errors.ParameterError` naming the parameter, the value and the
    accepted values: ``charts`` must be ``True``, ``False`` or ``None`` (papermill's ``-p charts
    false`` gives the *text* ``"false"``, which would otherwise count as true); ``params_path``
    a path (text) of an existing file.
    """
    if charts is not None and not isinstance(charts, bool):
        raise ParameterError("charts", charts, CHARTS_ACCEPTED)
    if not isinstance(params_path, str | os.PathLike) or not str(params_path).strip():
        problem = "is empty" if isinstance(params_path, str) else None
        raise ParameterError(
            "params_path", params_path, PARAMS_PATH_ACCEPTED, problem=problem or ""
        )
    path = resolve(os.fspath(params_path), cwd)
    if not path.is_file():
        where = f" (looked for {path.resolve()})" if not Path(params_path).is_absolute() else ""
        what = "is a folder" if path.is_dir() else "does not exist"
        raise ParameterError(
            "params_path", str(params_path), PARAMS_PATH_ACCEPTED, problem=f"{what}{where}"
        )
    return path


def load(params_path: str | Path, *, charts: bool | None = None) -> Inputs:
    """The agency-year and its earlier years; ``charts`` (not None) overrides the params.

    The parameters are checked first (:func:`check_parameters`), so a notebook stops in its
    first cell with one :class:`~reportkit.errors.ParameterError` line; an unusable params
    file raises :class:`~reportkit.errors.ParamsError` naming the file, field and fix.
    """
    path = check_parameters(params_path, charts, Path.cwd())
    return load_inputs(path, charts=charts)


def section_of(finding: Finding) -> int:
    """The report section (1–6) a finding is about."""
    for cell in finding.cells:
        section = _PREFIX_SECTION.get(cell.split(".", 1)[0])
        if section:
            return section
    if finding.rule == "R9" and finding.where.startswith("五"):
        return 5
    return _RULE_SECTION.get(finding.rule, 1)


def sections_of(finding: Finding) -> set[int]:
    """Every section a finding concerns: :func:`section_of` and, for a narrative statement
    (R7), the section whose text makes it — the analyst fixes one or the other."""
    sections = {section_of(finding)}
    place = str(finding.extra.get("place", ""))
    if place:
        numeral = place[:1]
        sections.add(L.CN_NUMERALS.index(numeral) + 1 if place[1:2] == "、" else 1)
    return sections


def section_findings(inputs: Inputs, section: int) -> list[Finding]:
    """The findings (R1–R11) about ``section`` (:func:`sections_of`)."""
    found = check_report(inputs.report, inputs.previous)
    return [f for f in found if section in sections_of(f)]


def findings_html(findings: Sequence[Finding] | Iterable[Finding]) -> str:
    """A short list of findings for the analyst (not part of the published report)."""
    return str(part_macro("sections.html.j2", "findings")(list(findings)))


_SOURCE_COLUMNS = {
    "ledger": (
        "使用：本年新收",
        "使用：上年结转",
        "其中本年办结",
        "其中结转下年度",
        "未使用：以前年度已办结",
    ),
    "register": (
        "使用：本年审结",
        "使用：年末尚未审结",
        "其中本年收到",
        "未使用：以前年度已审结",
    ),
}


def _source_values(file: SourceFile) -> list[int]:
    view = file.view
    if file.kind == "ledger":
        return [
            view.used["received"],
            view.used["carried_over"],
            view.rows["total"][-1],
            view.rows["carried_forward"][-1],
            view.ignored["finished_before"],
        ]
    return [
        view.used["concluded"],
        view.used["pending"],
        view.used["received"],
        view.ignored["finished_before"],
    ]


def sources_html(inputs: Inputs, kind: Kind) -> str:
    """Where 表三 (``kind="ledger"``) or 表四 (``"register"``) came from, for the analyst.

    The file and the sha256 of the version read, then for this year and each earlier year
    computed from a file of the same kind: the rows used (and why) and the rows not used.
    Counts only — no cell of the file is shown. Not part of the published report.
    """
    report = inputs.report

    def of(r: Report) -> SourceFile | None:
        found = r.sources
        if found is None:
            return None
        return found.ledger if kind == "ledger" else found.register

    file = of(report)
    sources = report.sources
    typed = sources is not None and (
        (sources.typed_requests if kind == "ledger" else sources.typed_review) is not None
    )
    years = [
        {"year": r.year, "values": _source_values(f)}
        for r in (*inputs.history, report)
        if (f := of(r)) is not None
    ]
    later = (
        f"收到日期晚于{report.year}年12月31日的各行属于以后年度，不计入本年；"
        f"表中各数均由文件计算，未显示任何单元格内容。"
    )
    return str(
        part_macro("sources.html.j2", "sources")(
            TABLES[kind], TITLES[kind], file, years, _SOURCE_COLUMNS[kind], later, typed
        )
    )
