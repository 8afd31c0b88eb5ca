"""The fictional demo district 临川市青禾区: params files for the bundled demo and for benchmarks.

Owns:

- ``agencies.yaml`` and ``profiles`` — the seven hand-written agencies (ranges of their numbers,
  fragments of their texts) and the shapes that describe any demo agency;
- ``kinds.yaml`` and ``synth`` — the district's other departments and its 街道/镇 (generated
  place names), synthesized for districts of more than seven agencies;
- ``tables`` — the seeded tables 二, 三, 四, one consistent history per agency (R1–R6 hold within
  and across years);
- ``narrative`` — sections 一, 五, 六, stating the tables' counts (R7) and the 信息处理费 (R9);
- ``ledgers`` — the two agencies that compute 表三/表四 from their records (an XLSX and a CSV
  依申请公开台账, CSV case registers): rows drawn to give back the seeded 表三 exactly;
- ``district`` — :func:`generate` (``{"<agency-id>/<year>.yaml": text}``, and the ledger
  files as bytes) and :func:`write`
  (into a params folder, atomically, refusing to overwrite a differing file without ``force``).

The defaults — 7 agencies × 2022–2024, ``seed=None`` — reproduce the bundled
``params/qinghe-*/`` files byte for byte. ``qinghe-market-regulation`` 2023 (:data:`BROKEN`)
fails R3 on purpose, whenever it is generated (7 agencies or more, 2023 among the years), so
reviewers can see what a failed check looks like; every other file passes R1–R9, and no
paragraph is shared by two agencies of the same year. Everything is demonstration data: every
file says so in its header and carries ``demo: true``.

May import: :mod:`reportkit.model`, :mod:`reportkit.checks` and :mod:`reportkit.errors`, and the
standard library (plus PyYAML, to read its own data files).
"""

from .district import (
    BROKEN,
    DEFAULT_AGENCIES,
    DEFAULT_YEARS,
    LATEST_YEAR,
    REGION,
    Written,
    check_years,
    district,
    generate,
    params_files,
    parse_years,
    write,
)
from .profiles import Agency
from .synth import MAX_AGENCIES
from .tables import EARLIEST_YEAR

__all__ = [
    "BROKEN",
    "DEFAULT_AGENCIES",
    "DEFAULT_YEARS",
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "MAX_AGENCIES",
    "REGION",
    "Agency",
    "Written",
    "check_years",
    "district",
    "generate",
    "params_files",
    "parse_years",
    "write",
]
