"""The ledger and case-register files as offices fill them: XLSX workbooks and CSV.

:func:`workbook_bytes` makes the XLSX: the data sheet (``台账`` or ``案件登记``: a header row,
drop-down lists of the fixed vocabularies, dates formatted ``yyyy-mm-dd``), a ``示例`` sheet of
example rows, a ``说明`` sheet documenting every column and how each table row is counted, and
the lists in a hidden ``取值`` sheet. :func:`csv_bytes` makes the CSV (UTF-8 with BOM, so
Excel and WPS open it as Chinese text). Both are byte-for-byte deterministic (fixed document
properties and zip timestamps), so the demo's ledgers can be committed and compared.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from ...errors import UsageError
from .dates import FORMATS_ZH
from .vocabulary import (
    APPLICANT,
    APPLICANT_TYPES,
    CATEGORIES,
    CATEGORY,
    FINISHED,
    ID,
    OUTCOME,
    OUTCOMES,
    RECEIVED,
    REQUIRED,
    RESULT,
    RESULTS,
    SHEETS,
    TITLES,
    Kind,
)

#: Columns of the templates: the required ones, and optional ones reportkit never reads.
COLUMNS: Final[dict[Kind, tuple[str, ...]]] = {
    "ledger": (
        ID,
        RECEIVED,
        APPLICANT,
        "申请人姓名",
        "联系方式",
        "申请内容",
        OUTCOME,
        FINISHED,
        "备注",
    ),
    "register": (ID, CATEGORY, RECEIVED, "申请人", "案由", RESULT, FINISHED, "备注"),
}
#: The file names ``reportkit ledger template`` writes, by kind and format.
TEMPLATE_NAMES: Final[dict[Kind, str]] = {
    "ledger": "依申请公开台账",
    "register": "行政复议行政诉讼案件登记",
}
FIXED_TIME: Final = dt.datetime(2024, 1, 1)
_ZIP_TIME: Final = (2024, 1, 1, 0, 0, 0)
_WIDTHS: Final = {ID: 14, RECEIVED: 12, FINISHED: 12, APPLICANT: 14, CATEGORY: 12, RESULT: 10}
_LISTS: Final[dict[str, tuple[str, ...]]] = {
    APPLICANT: tuple(APPLICANT_TYPES),
    OUTCOME: tuple(OUTCOMES),
    CATEGORY: tuple(CATEGORIES),
    RESULT: tuple(RESULTS),
}

EXAMPLES: Final[dict[Kind, tuple[tuple[str, ...], ...]]] = {
    "ledger": (
        (
            "2023-118",
            "2023-12-20",
            "自然人",
            "示例姓名",
            "",
            "示例内容",
            "予以公开",
            "2024-01-08",
            "上年结转",
        ),
        (
            "2024-001",
            "2024-01-05",
            "自然人",
            "示例姓名",
            "",
            "示例内容",
            "部分公开",
            "2024-01-19",
            "",
        ),
        (
            "2024-002",
            "2024/1/9",
            "商业企业",
            "示例公司",
            "",
            "示例内容",
            "无法提供-本机关不掌握相关政府信息",
            "2024/1/30",
            "",
        ),
        (
            "2024-003",
            "2024年3月4日",
            "法律服务机构",
            "示例律所",
            "",
            "示例内容",
            "不予公开-保护第三方合法权益",
            "2024年3月25日",
            "",
        ),
        (
            "2024-004",
            "20240611",
            "自然人",
            "示例姓名",
            "",
            "示例内容",
            "不予处理-重复申请",
            "20240618",
            "",
        ),
        (
            "2024-005",
            "2024-12-23",
            "自然人",
            "示例姓名",
            "",
            "示例内容",
            "",
            "",
            "未办结：结转下年度",
        ),
    ),
    "register": (
        (
            "FY2023-02",
            "行政复议",
            "2023-11-28",
            "示例姓名",
            "示例案由",
            "维持",
            "2024-02-20",
            "上年受理",
        ),
        ("FY2024-01", "行政复议", "2024-03-11", "示例姓名", "示例案由", "纠正", "2024-05-30", ""),
        ("SS2024-01", "直接起诉", "2024-06-03", "示例公司", "示例案由", "其他", "2024-10-15", ""),
        ("SS2024-02", "复议后起诉", "2024-11-20", "示例姓名", "示例案由", "尚未审结", "", ""),
    ),
}


def _documentation(kind: Kind) -> list[str]:
    """The 说明 sheet, one line per row."""
    table = "表三" if kind == "ledger" else "表四"
    lines = [
        f"{TITLES[kind]}（reportkit 模板）",
        "",
        f"用途：reportkit 由本表计算年度报告{table}。在参数文件中写 "
        + ("ledger: 文件名.xlsx" if kind == "ledger" else "case_register: 文件名.xlsx")
        + "（路径相对于参数文件所在文件夹），即不必再手填该表。",
        f"填写：在“{SHEETS[kind]}”工作表中每行登记一件"
        + ("申请" if kind == "ledger" else "案件")
        + "，第一行为表头，不要改动必填列的列名；可增加其他列，reportkit 不读取。“示例”工作表仅供参考，不参与计算。",
        "一本台账可跨多个年度连续登记，各年度报告都从同一文件计算，上年结转与结转下年度自然衔接。",
        "",
        "必填列：",
    ]
    if kind == "ledger":
        lines += [
            f"{ID}：每件申请唯一，不得重复。",
            f"{RECEIVED}：收到申请的日期。",
            f"{APPLICANT}：{'、'.join(APPLICANT_TYPES)}之一（下拉选择）。",
            f"{OUTCOME}：办结时填写，为表三“三、本年度办理结果”各行之一（下拉选择）；尚未办结时留空。",
            f"{FINISHED}：办结时填写；尚未办结时留空。不得早于{RECEIVED}。",
            "",
            "计算口径（报告年度为1月1日至12月31日）：",
            "一、本年新收 = 收到日期在本年度的申请；",
            "二、上年结转 = 本年度以前收到、且本年度开始时尚未办结的申请；",
            "三、本年度办理结果 = 办结日期在本年度的申请，按办理结果分行；",
            "四、结转下年度继续办理 = 本年度结束时尚未办结的申请。",
            "各行再按申请人类型分列，总计为各列之和。",
        ]
    else:
        lines += [
            f"{ID}：每件案件唯一，不得重复。",
            f"{CATEGORY}：{'、'.join(CATEGORIES)}之一（下拉选择）。",
            f"{RECEIVED}：收到复议申请或起诉的日期。",
            f"{RESULT}：{'、'.join(RESULTS)}之一；尚未审结时可留空。",
            f"{FINISHED}：审结时填写；尚未审结时留空。",
            "",
            "计算口径（报告年度为1月1日至12月31日）：",
            "本年度审结的案件按结果计入结果维持、结果纠正或其他结果；",
            "本年度结束时尚未审结的案件计入尚未审结；总计为四者之和。",
        ]
    lines += [
        "",
        f"日期可写作 {FORMATS_ZH}。",
        "个人信息：reportkit 只读取必填列并只输出统计数字，"
        "姓名、联系方式等其他列不会出现在报告、日志或错误信息中；出错时只指出行号和编号。",
        "",
        "取值：",
    ]
    for column in REQUIRED[kind]:
        if column in _LISTS:
            lines.append(f"{column}：{'；'.join(_LISTS[column])}")
    return lines


def _list_ranges(kind: Kind) -> dict[str, str]:
    """Column name → the ``取值`` range of its list (one column of that sheet per list)."""
    out = {}
    for i, column in enumerate(c for c in REQUIRED[kind] if c in _LISTS):
        letter = chr(ord("A") + i)
        out[column] = f"'取值'!${letter}$2:${letter}${len(_LISTS[column]) + 1}"
    return out


def _fill_sheet(
    sheet: Any,
    kind: Kind,
    rows: Sequence[Sequence[Any]],
    *,
    validate: bool,
    title: str | None = None,
) -> None:
    """The header (below ``title``, when given), ``rows``, column formats and drop-down lists."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = COLUMNS[kind]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    if title:
        sheet.append([title])
        sheet.cell(row=1, column=1).font = bold
    header = sheet.max_row + 1 if title else 1
    sheet.append(list(columns))
    for i, name in enumerate(columns, start=1):
        cell = sheet.cell(row=header, column=i)
        cell.font = bold
        if name in REQUIRED[kind]:
            cell.fill = fill
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 24 if name == OUTCOME else 16)
        if name in (RECEIVED, FINISHED):
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = f"A{header + 1}"
    if not validate:
        return
    ranges = _list_ranges(kind)
    for i, name in enumerate(columns, start=1):
        if name not in ranges:
            continue
        letter = get_column_letter(i)
        check = DataValidation(
            type="list",
            formula1=ranges[name],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=name,
            error=f"请从下拉列表中选择{name}（见“说明”工作表）",
        )
        check.add(f"{letter}{header + 1}:{letter}{header + 5000}")
        sheet.add_data_validation(check)


def workbook_bytes(
    kind: Kind,
    rows: Sequence[Sequence[Any]] = (),
    *,
    examples: bool = True,
    title: str | None = None,
) -> bytes:
    """An XLSX workbook of ``kind`` with ``rows`` (in :data:`COLUMNS` order) on its data sheet.

    ``title`` (e.g. a demo marker) goes in a first row above the header. Deterministic bytes.
    """
    from openpyxl import Workbook

    book = Workbook()
    data = book.active
    assert data is not None
    data.title = SHEETS[kind]
    _fill_sheet(data, kind, rows, validate=True, title=title)
    if examples:
        _fill_sheet(book.create_sheet("示例"), kind, EXAMPLES[kind], validate=False)
    notes = book.create_sheet("说明")
    notes.column_dimensions["A"].width = 120
    for line in _documentation(kind):
        notes.append([line])
    lists = book.create_sheet("取值")
    for i, column in enumerate(c for c in REQUIRED[kind] if c in _LISTS):
        lists.cell(row=1, column=i + 1, value=column)
        for j, value in enumerate(_LISTS[column], start=2):
            lists.cell(row=j, column=i + 1, value=value)
    lists.sheet_state = "hidden"
    book.properties.creator = "reportkit"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic(buffer.getvalue())


def _deterministic(data: bytes) -> bytes:
    """The same archive with fixed timestamps (openpyxl stamps the save time in two places)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def csv_bytes(kind: Kind, rows: Sequence[Sequence[Any]] = (), title: str | None = None) -> bytes:
    """A CSV file of ``kind``: UTF-8 with BOM, CRLF line ends (as Excel writes), the header,
    then ``rows``; ``title`` in a first line above the header."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title:
        writer.writerow([title])
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_files() -> dict[str, bytes]:
    """``reportkit ledger template``'s files: name → bytes (XLSX and CSV of each kind)."""
    files: dict[str, bytes] = {}
    for kind in ("ledger", "register"):
        name = TEMPLATE_NAMES[kind]
        files[f"{name}.xlsx"] = workbook_bytes(kind)
        files[f"{name}.csv"] = csv_bytes(kind)
    return files


def write_templates(out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write :func:`template_files` into ``out_dir`` (created if needed); return the paths.

    A file already there with other content — perhaps a filled-in ledger — is never
    overwritten without ``force``: :class:`~reportkit.errors.UsageError` names it and nothing
    is written. Each file is written aside and renamed into place.
    """
    root = Path(out_dir)
    if root.exists() and not root.is_dir():
        raise UsageError(f"-o {root}: is not a folder — give the folder to write the templates in")
    files = template_files()
    differing = []
    for name, data in files.items():
        path = root / name
        try:
            if path.exists() and path.read_bytes() != data:
                differing.append(path)
        except OSError as err:
            raise UsageError(
                f"{path}: cannot be read ({err.strerror}) — choose another -o folder"
            ) from None
    if differing and not force:
        others = f" (and {len(differing) - 1} more)" if len(differing) > 1 else ""
        raise UsageError(
            f"{differing[0]}: exists and differs from the template{others} — it may be a "
            "filled-in ledger: write into another folder with -o, or pass --force to overwrite"
        )
    written = []
    for name, data in files.items():
        path = root / name
        try:
            root.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temp.write_bytes(data)
            os.replace(temp, path)
        except OSError as err:
            raise UsageError(
                f"{path}: cannot be written ({err.strerror}) — choose another -o folder"
            ) from None
        written.append(path)
    return written
