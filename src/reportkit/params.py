"""Read and write params files: ``params/<agency-id>/<year>.yaml``.

Reading is strict: a safe YAML loader (dates stay strings, floats become exact decimals,
duplicate keys rejected), then the :mod:`reportkit.model` validation. Every problem becomes one
:class:`~reportkit.errors.ParamsError` whose message names the file, the field (with the official
cell label for table cells), the bad value and the fix.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import labels as L
from .errors import ParamsError, ParamsFileError
from .model import Report

SCHEMA_COMMENT = "# yaml-language-server: $schema={}"
SCHEMA_FILENAME = "params.schema.json"

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


# ---------------------------------------------------------------- YAML


_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc]
    """SafeLoader without timestamps (dates stay strings), floats as Decimal, no duplicate keys.

    LibYAML's parser when PyYAML has it (5× faster on a params file), the same rules either way.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except ArithmeticError:
        return loader.construct_yaml_float(node)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file safely, turning every failure into a :class:`ParamsError`."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ParamsFileError(shown, "no such file", fix="check the path") from None
    except IsADirectoryError:
        raise ParamsFileError(
            shown, "is a directory", fix="give a file such as params/<agency-id>/<year>.yaml"
        ) from None
    except OSError as err:
        raise ParamsFileError(shown, f"cannot be read ({err.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ParamsFileError(
            shown,
            f"is not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})",
            fix="save the file as UTF-8 (GBK files: iconv -f GB18030 -t UTF-8)",
        ) from None
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise ParamsError(
            shown,
            "is empty",
            fix="a params file is a YAML mapping with agency, year, overview, proactive, "
            "requests, review_litigation, problems, other_matters",
        )
    try:
        return yaml.load(text.lstrip("\ufeff"), Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = err.problem or err.context or "syntax error"
        raise ParamsError(
            shown,
            f"YAML syntax error: {problem}",
            field=where,
            fix="check indentation and quoting on that line",
        ) from None
    except yaml.YAMLError as err:
        raise ParamsError(shown, f"YAML error: {err}", fix="fix the YAML syntax") from None


# ---------------------------------------------------------------- validation messages


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
        choices = valid_keys_at(loc[:-1])
        near = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
        hint = f"did you mean {near[0]!r}?" if near else f"valid keys: {', '.join(choices)}"
        return ParamsError(path, f"unknown key {key!r}", field=field, value=key, fix=hint)
    if "missing" in kinds:
        name = SECTION_NAMES.get(str(loc[-1]), repr(str(loc[-1]))) if len(loc) == 1 else None
        what = name or f"key {str(loc[-1])!r}"
        return ParamsError(
            path,
            f"{what} is missing",
            field=field,
            fix="add it (params/xigong-education/2024.yaml shows every section)",
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
        elif isinstance(value, bool):
            return ParamsError(
                path, f"{value} is not a count", field=field, value=value, fix=_FIXES["count"]
            )
        elif isinstance(value, Decimal | float):
            return ParamsError(
                path,
                f"{value} is not a whole number",
                field=field,
                value=value,
                fix=_FIXES["count"],
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


def _translate(error: ValidationError, path: str, data: Any) -> ParamsError:
    groups: dict[tuple[int | str, ...], list[dict[str, Any]]] = {}
    for err in error.errors():
        groups.setdefault(_loc_path(tuple(err["loc"])), []).append(dict(err))
    # A typo'd key shows up as "unknown key" plus "missing key": name the typo first.
    first_loc = next(
        (loc for loc, errs in groups.items() if any(e["type"] == "extra_forbidden" for e in errs)),
        next(iter(groups)),
    )
    result = _message_for(groups[first_loc], path, data)
    if len(groups) > 1:
        result.message += f" (and {len(groups) - 1} more problem{'s' if len(groups) > 2 else ''})"
    return result


# ---------------------------------------------------------------- the public API


@dataclass(frozen=True)
class LoadedParams:
    """A validated report and where it came from."""

    path: Path
    report: Report


def parse_report(data: Any, path: str = "<params>") -> Report:
    """Validate already-parsed params data into a :class:`Report`."""
    if data is None:
        raise ParamsError(path, "is empty", fix="a params file is a YAML mapping")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ParamsError(
            path,
            f"the top level is {kind}, not a mapping",
            fix="a params file is a mapping with keys agency, year, overview, proactive, "
            "requests, review_litigation, problems, other_matters",
        )
    try:
        return Report.model_validate(data)
    except ValidationError as err:
        raise _translate(err, path, data) from None


def load_report(path: str | Path) -> Report:
    """Read and validate one params file."""
    p = Path(path)
    report = parse_report(read_yaml(p), str(p))
    _check_location(p, report)
    return report


def _check_location(path: Path, report: Report) -> None:
    if re.fullmatch(r"\d{4}", path.stem) and int(path.stem) != report.year:
        raise ParamsError(
            str(path),
            f"the file is named {path.name} but says year {report.year}",
            field="year",
            value=report.year,
            fix=f"rename the file to {report.year}.yaml or correct the year",
        )
    if path.parent.parent.name == "params" and path.parent.name != report.agency.id:
        raise ParamsError(
            str(path),
            f"the folder is {path.parent.name}/ but agency.id is {report.agency.id!r}",
            field="agency.id",
            value=report.agency.id,
            fix=f"move the file to params/{report.agency.id}/ or correct agency.id",
        )


def previous_year_path(path: str | Path, report: Report) -> Path:
    """Where the same agency's previous-year params file would be."""
    return Path(path).with_name(f"{report.year - 1}.yaml")


def load_previous(path: str | Path, report: Report) -> Report | None:
    """The same agency's previous-year report, when its file exists next to ``path``."""
    prev = previous_year_path(path, report)
    return load_report(prev) if prev.is_file() else None


def find_schema(start: Path) -> Path | None:
    """The repo's ``schema/params.schema.json`` above ``start``, if any."""
    for folder in [start, *start.parents]:
        candidate = folder / "schema" / SCHEMA_FILENAME
        if candidate.is_file():
            return candidate
    return None


# ---------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Rows in flow style, narrative as literal blocks, decimals exact."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if style:
        value = "\n".join(line.rstrip() for line in value.splitlines()) + "\n"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = all(not isinstance(v, dict | list) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." not in text:
        text += ".0"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.MappingNode:
    flow = (
        bool(value)
        and all(isinstance(v, int | Decimal | None | str) for v in value.values())
        and all(
            k
            in (
                "issued",
                "repealed",
                "in_force",
                "new_made",
                "new_published",
                "total_published",
                "previous_count",
                "change",
                "decisions",
                "projects",
                "amount",
            )
            for k in value
        )
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(dict, _represent_dict)


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain data in params-file order, without empty optional keys."""
    data = report.model_dump(mode="python")
    for key in ("title", "date"):
        if data.get(key) is None:
            data.pop(key, None)
    if data["agency"].get("region") is None:
        data["agency"].pop("region")
    if not data.get("uncertain"):
        data.pop("uncertain", None)
    requests = data["requests"]
    for key in [k for k, v in requests.items() if v is None]:
        requests.pop(key)
    for section in ("overview", "problems"):
        if not data[section].get("intro"):
            data[section].pop("intro", None)
    if data["other_matters"].get("processing_fee_yuan") is None:
        data["other_matters"].pop("processing_fee_yuan")
    return data


def dump_report(report: Report, schema_ref: str | None = None, header: str = "") -> str:
    """The params-file text of ``report`` (with the schema comment when ``schema_ref`` is set)."""
    lines = []
    if schema_ref:
        lines.append(SCHEMA_COMMENT.format(schema_ref))
    lines.extend(f"# {line}" if line else "#" for line in header.splitlines())
    body = yaml.dump(
        report_data(report),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )
    return "\n".join([*lines, body]) if lines else body


def schema_ref_for(target: Path) -> str | None:
    """The relative path from a params file at ``target`` to the repo's JSON Schema."""
    import os

    schema = find_schema(target.resolve().parent)
    if schema is None:
        return None
    return os.path.relpath(schema, target.resolve().parent)
