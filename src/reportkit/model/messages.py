"""pydantic's validation errors → one :class:`~reportkit.errors.ParamsError` each.

A message names the file, the field (with the official label of a table cell), the bad value and
the fix; an unknown key gets the nearest valid one.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ParamsError
from . import labels as L
from .numbers import MAX_COUNT, OddNumber
from .report import Report

SECTION_NAMES: dict[str, str] = {
    "agency": "agency (机关)",
    "year": "year (年度)",
    "overview": "section 一、总体情况 (overview)",
    "proactive": "section 二 table 主动公开政府信息情况 (proactive)",
    "requests": "section 三 table 收到和处理政府信息公开申请情况 (requests)",
    "review_litigation": "section 四 table 行政复议、行政诉讼情况 (review_litigation)",
    "problems": "section 五、存在的主要问题及改进情况 (problems)",
    "other_matters": "section 六、其他需要报告的事项 (other_matters)",
}


def _loc_path(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop pydantic's union-member tags from a location."""
    out: list[int | str] = []
    for part in loc:
        if isinstance(part, str) and (
            "[" in part
            or part in {"2021", "2019-trial", "int", "none", "str", "decimal", "bool"}
            or part.startswith(("constrained-", "function-"))
        ):
            continue
        out.append(part)
    return tuple(out)


def format_field(loc: tuple[int | str, ...]) -> str:
    """``requests.new[3]`` from ``("requests", "new", 3)``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def cell_label(loc: tuple[int | str, ...], fmt: L.Format = "2021") -> str | None:
    """The official name of the table cell at ``loc``, if it is one."""
    if len(loc) == 3 and loc[0] == "requests" and isinstance(loc[2], int):
        row, col = str(loc[1]), loc[2]
        if 0 <= col < 7:
            try:
                return L.request_cell(row, L.REQUEST_COLUMN_KEYS[col], fmt)
            except KeyError:
                return None
    if len(loc) == 3 and loc[0] == "review_litigation" and isinstance(loc[2], int):
        group, col = str(loc[1]), loc[2]
        if group in L.REVIEW_GROUPS and 0 <= col < 5:
            return L.review_cell(group, L.REVIEW_COLUMN_KEYS[col])
    if len(loc) >= 2 and loc[0] == "proactive":
        return L.proactive_cell(str(loc[1]), str(loc[2]) if len(loc) > 2 else None)
    return None


def _unwrap(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, Union, list, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return [m for arg in typing.get_args(annotation) for m in _unwrap(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def valid_keys_at(loc: tuple[int | str, ...]) -> list[str]:
    """The keys a params file may have at the mapping ``loc`` (empty if not a model)."""
    models: list[type[BaseModel]] = [Report]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for model in models:
            field = model.model_fields.get(part)
            if field is not None:
                nxt.extend(_unwrap(field.annotation))
        models = nxt
    keys: list[str] = []
    for model in models:
        keys.extend(k for k in model.model_fields if k not in keys)
    return keys


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)


_FIXES: dict[str, str] = {
    "count": "write a whole number ≥ 0, or null for a blank cell",
}


def _full_width(value: Any) -> list[str]:
    """The full-width forms of ASCII characters (digits, ，：［］－．) and the 顿号 、 in a
    text value or in the texts of a row — what a Chinese input method types in full-width
    mode, where a number or a row of numbers was meant."""
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    meant = (
        unicodedata.normalize("NFKC", str(t)).replace("、", ",") for t in texts if t is not None
    )
    if not texts or not all(re.fullmatch(r"[\s\d.,+\-\[\]]*\d[\s\d.,+\-\[\]]*", m) for m in meant):
        return []  # only where numbers were meant: a text may use full-width punctuation
    found = {
        c
        for text in texts
        if isinstance(text, str)
        for c in text
        if c == "、"
        or (unicodedata.east_asian_width(c) == "F" and unicodedata.normalize("NFKC", c).isascii())
    }
    return sorted(found)


def _half_width(value: Any) -> str:
    """``value`` as it was meant: a row ``[n, n, …]`` when it holds separated numbers."""
    texts = [value] if isinstance(value, str) else [str(v) for v in value]
    plain = ",".join(unicodedata.normalize("NFKC", t).replace("、", ",") for t in texts).strip()
    parts = [p.strip() for p in plain.strip("[]").split(",")]
    if isinstance(value, list) or len(parts) > 1:
        return "[" + ", ".join(parts) + "]"
    return plain


def _keys_at(data: Any, loc: tuple[int | str, ...]) -> set[str]:
    """The keys the params data has at ``loc`` (none when it is not a mapping there)."""
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return set()
    return {str(k) for k in data} if isinstance(data, dict) else set()


def _message_for(errors: list[dict[str, Any]], path: str, data: Any) -> ParamsError:
    """Turn the errors of one location into one ParamsError."""
    err = errors[0]
    loc = _loc_path(tuple(err["loc"]))
    kinds = {e["type"] for e in errors}
    value = err.get("input")
    field = format_field(loc) or "(top level)"
    fmt: L.Format = (
        "2019-trial" if isinstance(data, dict) and data.get("format") == "2019-trial" else "2021"
    )
    label = cell_label(loc, fmt) if "extra_forbidden" not in kinds else None
    if label:
        field = f"{field} ({label})"

    if "extra_forbidden" in kinds:
        key = str(loc[-1]) if loc else "?"
        if "：" in key:  # {issued：0} is one key to YAML
            meant, _, written = key.partition("：")
            return ParamsError(
                path,
                f"{key!r} has a full-width colon",
                field=format_field(loc[:-1]) or "(top level)",
                value=key,
                fix=f"write {meant.strip()}: {written.strip()} (half-width, 半角)",
            )
        choices = valid_keys_at(loc[:-1])
        unused = [c for c in choices if c not in _keys_at(data, loc[:-1])]  # a typo stands for one
        near = difflib.get_close_matches(key, unused, n=1, cutoff=0.5)
        hint = f"did you mean {near[0]!r}?" if near else f"valid keys: {', '.join(choices)}"
        return ParamsError(path, f"unknown key {key!r}", field=field, value=key, fix=hint)
    if "missing" in kinds:
        name = SECTION_NAMES.get(str(loc[-1]), repr(str(loc[-1]))) if len(loc) == 1 else None
        what = name or f"key {str(loc[-1])!r}"
        fix = "add it (params/xigong-education/2024.yaml shows every section)"
        if loc in (("requests",), ("review_litigation",)):
            ref = (
                "ledger: 依申请公开台账.xlsx"
                if loc == ("requests",)
                else "case_register: 案件登记.xlsx"
            )
            fix = f"type the table, or compute it from the office's records with {ref} (`reportkit ledger template` writes one)"
        return ParamsError(path, f"{what} is missing", field=field, fix=fix)
    keyed = re.match(r"\s*([A-Za-z_][\w-]*)\s*：", value) if isinstance(value, str) else None
    if keyed:  # `text： |` read as text where a mapping was meant
        return ParamsError(
            path,
            f"{_describe(value)} has a full-width colon after {keyed.group(1)!r}",
            field=field,
            value=value,
            fix=f"write {keyed.group(1)}: with a half-width colon (半角)",
        )
    full_width = _full_width(value)
    if full_width:
        return ParamsError(
            path,
            f"{value if isinstance(value, list) else _describe(value)} is written with "
            f"full-width characters ({' '.join(full_width)})",
            field=field,
            value=value,
            fix=f"write {_half_width(value)} (half-width, 半角)",
        )
    if isinstance(value, OddNumber) and not any(k.startswith("string_") for k in kinds):
        return ParamsError(
            path, f"{_describe(value)} {value.problem}", field=field, value=value, fix=value.fix
        )
    if "decimal_max_places" in kinds:
        places = err.get("ctx", {}).get("decimal_places")
        unit = "万元" if loc[-1:] == ("fees_10k_yuan",) else "元"
        return ParamsError(
            path,
            f"{_describe(value)} has more than {places} decimal places, finer than one 分",
            field=field,
            value=value,
            fix=f"write the amount in {unit} as published (at most {places} decimal places)",
        )
    if kinds & {"less_than_equal", "less_than"} and loc != ("year",):
        return ParamsError(
            path,
            f"{_describe(value)} is implausibly large (more than {MAX_COUNT:,})",
            field=field,
            value=value,
            fix="check the number: counts are cases in one year and amounts are fees; "
            "a pasted identifier or a missing decimal point gives such values",
        )
    if kinds & {"greater_than_equal", "greater_than"} and isinstance(value, int | Decimal):
        if loc == ("year",):
            return ParamsError(
                path,
                f"{value} is out of range",
                field=field,
                value=value,
                fix="the report year, 2008 (the 条例 took effect) or later",
            )
        return ParamsError(
            path,
            f"{value} is negative",
            field=field,
            value=value,
            fix="counts and amounts are ≥ 0; write the number as published, or null if blank",
        )
    if kinds & {"less_than_equal", "less_than"} and loc == ("year",):
        return ParamsError(
            path,
            f"{value} is out of range",
            field=field,
            value=value,
            fix="the report year, e.g. 2024",
        )
    if "string_pattern_mismatch" in kinds and loc == ("agency", "id"):
        return ParamsError(
            path,
            f"{_describe(value)} is not a valid agency id",
            field=field,
            value=value,
            fix="use lower-case letters, digits and '-' only, e.g. xigong-education",
        )
    if (loc and loc[0] == "proactive" and loc[-1] == "fees_10k_yuan") or str(loc[-1:]) in (
        "('processing_fee_yuan',)",
    ):
        return ParamsError(
            path,
            f"{_describe(value)} is not an amount",
            field=field,
            value=value,
            fix="write a decimal number such as 633.8612 (no unit, no quotes), or null if blank",
        )
    if "discriminator" in str(kinds) or "union_tag_invalid" in kinds:
        return ParamsError(
            path, f"{_describe(value)} is not a table 二", field=field, fix="see the example params"
        )
    if "literal_error" in kinds and loc == ("format",):
        return ParamsError(
            path,
            f"{_describe(value)} is not a report format",
            field=field,
            value=value,
            fix="use '2021' (国办公开办函〔2021〕30号) or '2019-trial'",
        )
    if label or (len(loc) >= 2 and loc[0] in ("requests", "review_litigation", "proactive")):
        if isinstance(value, list | dict) and loc[0] != "proactive" and len(loc) == 2:
            pass
        elif loc[0] != "proactive" and len(loc) == 2:
            n = 7 if loc[0] == "requests" else 5
            return ParamsError(
                path,
                f"{_describe(value)} is not a row",
                field=field,
                value=value,
                fix=f"write the row as a list of {n} numbers, [n, n, …], or as a mapping of "
                "its columns",
            )
        elif isinstance(value, list | dict) and label:
            return ParamsError(
                path,
                f"{_describe(value)} is not a count",
                field=field,
                value=value,
                fix="a cell holds one number: " + _FIXES["count"],
            )
        elif isinstance(value, bool):
            return ParamsError(
                path,
                f"{str(value).lower()} (YAML reads true/false/yes/no/on/off so) is not a count",
                field=field,
                value=value,
                fix=_FIXES["count"],
            )
        elif isinstance(value, Decimal | float):
            whole = isinstance(value, Decimal) and value == value.to_integral_value()
            return ParamsError(
                path,
                f"{value} is not a whole number",
                field=field,
                value=value,
                fix=f"write {int(value)}" if whole else _FIXES["count"],
            )
        elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9][0-9.,，]*\s*", value):
            return ParamsError(
                path,
                f"{_describe(value)} is a number written as text (quoted, or with separators)",
                field=field,
                value=value,
                fix="write plain digits without quotes or separators, e.g. 1000",
            )
        elif isinstance(value, str):
            return ParamsError(
                path,
                f"{_describe(value)} is not a number",
                field=field,
                value=value,
                fix=_FIXES["count"] + " (or '/' where the published report prints a slash)",
            )
    if "value_error" in kinds:
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
        named = re.match(r"^([a-z_]+(?:\.[a-z0-9_]+)*): (.*)$", msg)
        if not loc and named:
            field, msg = named.group(1), named.group(2)
        msg, _, fix = msg.partition(" — ")
        return ParamsError(path, msg, field=field, value=value, fix=fix or "see the example params")
    if kinds & {"list_type"}:
        return ParamsError(
            path,
            f"{_describe(value)} is not a list",
            field=field,
            value=value,
            fix="write the row as [n, n, …] or as a mapping of columns",
        )
    if kinds & {"model_type", "model_attributes_type", "dict_type"}:
        return ParamsError(
            path,
            f"{_describe(value)} should be a mapping",
            field=field,
            value=value,
            fix=f"give the keys {', '.join(valid_keys_at(loc))}" if valid_keys_at(loc) else None,
        )
    if kinds & {"string_type"}:
        return ParamsError(
            path,
            f"{_describe(value)} is not text",
            field=field,
            value=value,
            fix="write text (quote it if it looks like a number)",
        )
    if kinds & {"int_type", "int_parsing"}:
        return ParamsError(
            path,
            f"{_describe(value)} is not a whole number",
            field=field,
            value=value,
            fix="write a whole number, e.g. 2024",
        )
    if kinds & {"bool_type", "bool_parsing"}:
        return ParamsError(
            path,
            f"{_describe(value)} is not true/false",
            field=field,
            value=value,
            fix="write true or false",
        )
    if kinds & {"string_too_short"}:
        return ParamsError(path, "is empty", field=field, fix="write the text")
    return ParamsError(path, err["msg"], field=field, value=value, fix="see the example params")


def translate(error: ValidationError, path: str, data: Any) -> ParamsError:
    groups: dict[tuple[int | str, ...], list[dict[str, Any]]] = {}
    for err in error.errors():
        groups.setdefault(_loc_path(tuple(err["loc"])), []).append(dict(err))
    # A typo'd key shows up as "unknown key" plus "missing key": name the typo first.
    first_loc = next(
        (loc for loc, errs in groups.items() if any(e["type"] == "extra_forbidden" for e in errs)),
        next(iter(groups)),
    )
    result = _message_for(groups[first_loc], path, data)
    others = [_message_for(errs, path, data) for loc, errs in groups.items() if loc != first_loc]
    # the key a typo stands for is reported missing too: its "did you mean" says it already
    meant = {e.fix for e in [result, *others] if e.value is not None}
    others = [e for e in others if not _missing_meant(e, meant)]
    result.more = [str(e) for e in others]
    return result


def _missing_meant(error: ParamsError, hints: set[str | None]) -> bool:
    """Whether ``error`` is a missing key that some unknown key's hint suggests."""
    if error.value is not None or " is missing — " not in error.message:
        return False
    key = (error.field or "").split(" ", 1)[0].rsplit(".", 1)[-1]
    return f"did you mean {key!r}?" in hints or any(
        h is not None and h.startswith(f"write {key}: ") for h in hints
    )
