"""The JSON Schema of params files, generated from :mod:`reportkit.model`.

The generated file is committed at ``schema/params.schema.json`` and referenced from every
params file (``# yaml-language-server: $schema=…``) so editors validate while analysts type;
``tests/test_schema.py`` keeps it in sync with the model (``reportkit schema -o`` rewrites it).
"""

from __future__ import annotations

import json
from typing import Any

from .report import Report

#: Tables a params file may leave out when it references the file they are computed from.
COMPUTABLE = {"requests": "ledger", "review_litigation": "case_register"}


def params_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one params file."""
    schema = Report.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "reportkit params: one agency-year 政府信息公开工作年度报告"
    # 表三/表四 may come from a ledger instead of being typed (reportkit.model.ledger)
    schema["required"] = [k for k in schema["required"] if k not in COMPUTABLE]
    schema["allOf"] = [
        {"anyOf": [{"required": [table]}, {"required": [ref]}]} for table, ref in COMPUTABLE.items()
    ]
    return schema


def schema_text() -> str:
    """The schema as the exact text committed in the repo."""
    return json.dumps(params_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
