"""Tables 三 and 四 computed from the office's own records: the ledger and the case register.

Part of the ``model`` stage (it reads input data of one agency-year). Owns:

- ``vocabulary`` — the columns (编号, 收到日期, 申请人类型, 办理结果, 办结日期; 类别, 结果) and the
  fixed values, as offices write them in Chinese;
- ``read``       — a CSV or XLSX file → its required columns, with Excel's row numbers (other
  columns, which hold personal data, are dropped as the file is read);
- ``dates``      — the date forms offices type, read exactly or rejected;
- ``validate``   — every row checked, every problem of a file collected (``problems``: one line
  each, naming the row and 编号, never personal data);
- ``compute``    — 表三/表四 of a year, in pandas, from the validated records (``view``: the
  year's rows and counts);
- ``sources``    — the files a params file references, cached, and a year's digest for the
  batch's incremental key;
- ``templates``  — the XLSX/CSV templates (``reportkit ledger template``) and the demo's ledgers.

May import: :mod:`reportkit.model.labels`, :mod:`reportkit.model.yamlfile`,
:mod:`reportkit.model.references`, :mod:`reportkit.errors`, pandas and openpyxl — never
:mod:`reportkit.model.report` (which refers to :class:`~.sources.TableSources`). pandas (``validate``, ``compute``) and openpyxl are
imported when a file is read, so importing :mod:`reportkit.model` stays fast.
"""

from .problems import Problem
from .read import RawTable, read_raw
from .sources import SourceFile, TableSources, load_sources, reference, year_digest
from .templates import COLUMNS, TEMPLATE_NAMES, csv_bytes, workbook_bytes, write_templates
from .view import YearView
from .vocabulary import PARAMS_KEYS, REQUIRED, TITLES, Kind

__all__ = [
    "COLUMNS",
    "PARAMS_KEYS",
    "REQUIRED",
    "TEMPLATE_NAMES",
    "TITLES",
    "Kind",
    "Problem",
    "RawTable",
    "SourceFile",
    "TableSources",
    "YearView",
    "csv_bytes",
    "load_sources",
    "read_raw",
    "reference",
    "workbook_bytes",
    "write_templates",
    "year_digest",
]
