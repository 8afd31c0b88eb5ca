"""YAML as params files use it: a safe loader with reportkit's rules, and a dumper.

Reading: dates stay strings, floats become exact decimals, duplicate keys are rejected, and every
failure becomes one :class:`~reportkit.errors.ParamsError` naming the file and the line. Writing:
table rows in flow style, narrative as literal blocks, decimals exact.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParamsError, ParamsFileError

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


def dump_yaml(data: Any) -> str:
    """``data`` as params-file YAML (keys in the given order, Chinese kept readable)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )
