"""The data of one agency-year, and the files it lives in.

Owns:

- ``labels``   — every official row and column label of the format (国办公开办函〔2021〕30号,
  and the 2019 trial format), defined once;
- ``report``   — :class:`Report`, one agency-year (pydantic), and its table cells;
- ``params``   — reading and writing ``params/<agency-id>/<year>.yaml`` (``yamlfile``: the YAML
  rules; ``messages``: validation errors as one line naming file, field, value and fix);
- ``inputs``   — what one render reads: a params file and the same agency's earlier years;
- ``references`` — where a file a params file names is (``ledger:``, ``docx_template:``), also
  inside a Dask worker's mirror of the client's files;
- ``schema``   — the JSON Schema of params files, generated from the model;
- ``export``   — the normalized JSON of DESIGN.md (``reportkit export --json``).

May import: :mod:`reportkit.errors` and third-party libraries only — every other stage imports
this one, never the reverse.
"""

from .export import normalized, report_from_normalized
from .inputs import Inputs, load_inputs
from .params import dump_report, load_previous, load_report, parse_report
from .report import (
    AGENCY_ID_PATTERN,
    Agency,
    Cell,
    Count,
    DocumentCounts,
    Money,
    OtherMatters,
    Overview,
    OverviewItem,
    Proactive,
    ProactiveTable,
    Problems,
    Report,
    Requests,
    ReviewLitigation,
    Row5,
    Row7,
    SignedCell,
    Subsection,
    Text,
    TrialDocumentCounts,
    TrialFeeCounts,
    TrialItemCounts,
    TrialProactive,
    TrialProcurement,
    cell_value,
    is_blank,
    paragraphs,
    slug_ok,
)

__all__ = [
    "AGENCY_ID_PATTERN",
    "Agency",
    "Cell",
    "Count",
    "DocumentCounts",
    "Inputs",
    "Money",
    "OtherMatters",
    "Overview",
    "OverviewItem",
    "Proactive",
    "ProactiveTable",
    "Problems",
    "Report",
    "Requests",
    "ReviewLitigation",
    "Row5",
    "Row7",
    "SignedCell",
    "Subsection",
    "Text",
    "TrialDocumentCounts",
    "TrialFeeCounts",
    "TrialItemCounts",
    "TrialProactive",
    "TrialProcurement",
    "cell_value",
    "dump_report",
    "is_blank",
    "load_inputs",
    "load_previous",
    "load_report",
    "normalized",
    "paragraphs",
    "parse_report",
    "report_from_normalized",
    "slug_ok",
]
