"""YAML as params files use it: a safe loader with reportkit's rules, and a dumper.

Reading: dates stay strings, numbers follow reportkit's rules (:mod:`.numbers`: ``12`` an int,
``633.8612`` an exact decimal, ``-0.0`` zero; ``010``, ``0x1F``, ``1:30``, ``1_000``, ``1e3``,
``.inf`` are never converted but kept as :class:`~.numbers.OddNumber` text, which a number field
rejects with a message saying what to write), duplicate keys are rejected, and every failure
becomes one :class:`~reportkit.errors.ParamsError` naming the file and the line. Writing: table
rows in flow style, narrative as literal blocks, decimals exact.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParamsError, ParamsFileError
from .numbers import NUMBER_FIRST_CHARS, NUMBERISH, read_number

_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_BYTES = 4 * 1024 * 1024  # the real report is 12 KB; a file this big is not a params file
NUMBER_TAG = "tag:reportkit,2026:number"
_YAML_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


class _Loader(_SafeBase):  # type: ignore[misc]
    """SafeLoader without timestamps (dates stay strings), numbers by reportkit's rules
    (:func:`~.numbers.read_number`), no duplicate keys.

    LibYAML's parser when PyYAML has it (5× faster on a params file), the same rules either way.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp" and tag not in _YAML_NUMBER_TAGS
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in NUMBER_FIRST_CHARS:
    # before YAML's own resolvers of that character (.inf/.nan among them are numbers here)
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(0, (NUMBER_TAG, NUMBERISH))


def _construct_number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A plain scalar that looks like a number, or an explicit ``!!int``/``!!float``."""
    return read_number(str(loader.construct_scalar(node)))


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


_Loader.add_constructor(NUMBER_TAG, _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


_FULL_WIDTH_SYNTAX = (
    (re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*\s*(：)"), "colon"),  # licensing： 40
    (re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:\s*(［)"), "bracket"),  # row: ［1, 2］
    (re.compile(r"^[^#'\"]*\[[^\]#'\"]*(［|］)"), "bracket"),
)


def _half_width_line(line: str) -> str:
    """``line`` as YAML needs it: half-width, a space after a key's colon (``licensing: 40``)."""
    return re.sub(
        r"^(\s*(?:-\s+)?[A-Za-z_][\w-]*):\s*", r"\1: ", unicodedata.normalize("NFKC", line)
    )


def _full_width_syntax(text: str) -> tuple[int, str, str] | None:
    """The first line whose YAML syntax is written with a full-width character (a colon after
    a key, a bracket of a row): ``(line number, what, the line's text)``, or None."""
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, what in _FULL_WIDTH_SYNTAX:
            if pattern.search(line):
                return number, what, line.strip()
    return None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file safely, turning every failure into a :class:`ParamsError`."""
    shown = str(path)
    try:
        with path.open("rb") as handle:  # at most MAX_BYTES + 1: a device or pipe may not end
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ParamsFileError(shown, "no such file", fix="check the path") from None
    except IsADirectoryError:
        raise ParamsFileError(
            shown, "is a directory", fix="give a file such as params/<agency-id>/<year>.yaml"
        ) from None
    except OSError as err:
        raise ParamsFileError(shown, f"cannot be read ({err.strerror or err})") from None
    if len(raw) > MAX_BYTES:
        raise ParamsFileError(
            shown,
            f"is larger than {MAX_BYTES // 1024 // 1024} MB — a params file is a few KB of YAML",
            fix="check that this is the params file (not a data export or an archive)",
        )
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
    if "\x00" in text:
        offset = text.index("\x00")
        raise ParamsFileError(
            shown,
            f"is not a text file (a NUL byte at offset {offset})",
            fix="give the params YAML file, saved as UTF-8 text",
        )
    try:
        return yaml.load(text.lstrip("\ufeff"), Loader=_Loader)
    except RecursionError:
        raise ParamsError(
            shown,
            "YAML nested too deeply to be a params file",
            fix="a params file nests a few levels (section → row → cells); check the brackets",
        ) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = err.problem or err.context or "syntax error"
        full_width = _full_width_syntax(text)
        if full_width is not None and (mark is None or full_width[0] <= mark.line + 1):
            line, what, written = full_width
            raise ParamsError(
                shown,
                f"YAML syntax error: a full-width {what} in {written!r} (YAML needs a half-width "
                f"one; it noticed at {where})",
                field=f"line {line}",
                fix=f"write {_half_width_line(written)!r} (half-width, 半角)",
            ) from None
        raise ParamsError(
            shown,
            f"YAML syntax error: {problem}",
            field=where,
            fix="check indentation and quoting on that line",
        ) from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, e.g. U+001F
        source = text.lstrip("\ufeff")
        if _SafeBase is not yaml.SafeLoader:  # LibYAML counts bytes of UTF-8, PyYAML characters
            before = source.encode("utf-8")[: err.position].decode("utf-8", "ignore")
        else:
            before = source[: err.position]
        line, column = before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1
        char = err.character if isinstance(err.character, str) else chr(err.character)
        raise ParamsError(
            shown,
            f"contains the control character U+{ord(char):04X}, which YAML does not allow",
            field=f"line {line}, column {column}",
            fix="delete it (it is invisible in most editors; it often comes with pasted text)",
        ) from None
    except yaml.YAMLError as err:
        first = " ".join(str(err).split("\n", 1)[0].split())
        raise ParamsError(shown, f"YAML error: {first}", fix="fix the YAML syntax") from None


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
