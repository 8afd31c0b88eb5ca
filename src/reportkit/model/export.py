"""The normalized JSON of DESIGN.md (``reportkit export --json`` and ``tables`` in ``check --json``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import labels as L
from .report import Proactive, Report


def _num(value: Any) -> Any:
    """Cells as JSON: ints stay ints, decimals become numbers, blank and '/' become null."""
    if value is None or value == "/":
        return None
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and "." not in str(value)
            else float(value)
        )
    return value


def _proactive(report: Report) -> dict[str, Any]:
    pro = report.proactive
    if isinstance(pro, Proactive):
        return {
            "rules": {k: _num(getattr(pro.rules, k)) for k in L.DOC_COLUMNS},
            "normative_documents": {
                k: _num(getattr(pro.normative_documents, k)) for k in L.DOC_COLUMNS
            },
            "licensing": _num(pro.licensing),
            "penalty": _num(pro.penalty),
            "enforcement": _num(pro.enforcement),
            "fees_10k_yuan": _num(pro.fees_10k_yuan),
        }
    return {
        "rules": {k: _num(getattr(pro.rules, k)) for k in L.TRIAL_DOC_COLUMNS},
        "normative_documents": {
            k: _num(getattr(pro.normative_documents, k)) for k in L.TRIAL_DOC_COLUMNS
        },
        **{
            key: {k: _num(getattr(getattr(pro, key), k)) for k in L.TRIAL_ITEM_COLUMNS}
            for key in L.TRIAL_ITEM_ROWS
        },
        "fees": {k: _num(getattr(pro.fees, k)) for k in L.TRIAL_FEE_COLUMNS},
        "procurement": {
            "projects": _num(pro.procurement.projects),
            "amount": pro.procurement.amount,
        },
    }


def normalized(report: Report) -> dict[str, Any]:
    """The tables of one agency-year as the normalized JSON of DESIGN.md."""
    data: dict[str, Any] = {
        "agency": {"id": report.agency.id, "name": report.agency.name},
        "year": report.year,
        "format": report.format,
        "proactive": _proactive(report),
        "requests": {
            key: [_num(c) for c in report.request_row(key)]
            for key in L.request_row_keys(report.format)
        },
        "review_litigation": {
            group: [_num(c) for c in report.review_litigation.group(group)]
            for group in L.REVIEW_GROUPS
        },
    }
    if report.uncertain:
        data["uncertain"] = list(report.uncertain)
    return data


def _blank_proactive(fmt: L.Format) -> dict[str, Any]:
    if fmt == "2021":
        docs = dict.fromkeys(L.DOC_COLUMNS)
        return {
            "rules": docs,
            "normative_documents": docs,
            **dict.fromkeys(L.DECISION_ROWS),
            "fees_10k_yuan": None,
        }
    return {
        "rules": dict.fromkeys(L.TRIAL_DOC_COLUMNS),
        "normative_documents": dict.fromkeys(L.TRIAL_DOC_COLUMNS),
        **{k: dict.fromkeys(L.TRIAL_ITEM_COLUMNS) for k in L.TRIAL_ITEM_ROWS},
        "fees": dict.fromkeys(L.TRIAL_FEE_COLUMNS),
        "procurement": {"projects": None, "amount": None},
    }


def report_from_normalized(data: dict[str, Any]) -> Report:
    """A :class:`Report` (empty narrative) from normalized tables — the inverse of :func:`normalized`.

    Missing parts (e.g. table 二 of a transcription that only has tables 三 and 四) become blank.
    """
    fmt: L.Format = data.get("format", "2021")
    agency = data.get("agency") or {}
    if isinstance(agency, str):
        agency = {"name": agency}
    proactive = data.get("proactive") or _blank_proactive(fmt)
    if "fees_10k_yuan" in proactive and proactive["fees_10k_yuan"] is not None:
        proactive = {**proactive, "fees_10k_yuan": Decimal(str(proactive["fees_10k_yuan"]))}
    return Report.model_validate(
        {
            "agency": {"id": agency.get("id", "imported"), "name": agency.get("name", "—")},
            "year": data["year"],
            "format": fmt,
            "overview": {},
            "proactive": proactive,
            "requests": data["requests"],
            "review_litigation": data["review_litigation"],
            "problems": {},
            "other_matters": {},
            "uncertain": data.get("uncertain", []),
        }
    )
