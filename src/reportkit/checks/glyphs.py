"""R10: every character the report prints has a glyph in the fonts it is printed in.

A character that no font of the stylesheet's stacks covers prints as a box in the PDF, and the
PDF's text layer then holds a *different* character: the finding names the field, the
character, its code point and the Debian package of a font that covers it.

The fonts are :data:`FONT_STACKS` (the stacks of ``report.css``; a test keeps the two equal)
and the optional faces of :data:`OPTIONAL_FONTS`, each resolved to a file by fontconfig
(``fc-list``), its coverage read from the font's cmap with fontTools. Reading the cmap of a CJK
font takes ~0.2 s, so coverage is cached per process and on disk
(``$XDG_CACHE_HOME/reportkit/``, keyed by the font file's path, size and mtime); with the
cache warm a check costs a few milliseconds. :func:`optional_fonts` lists the optional fonts
and whether they are installed (for ``reportkit doctor``).
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..model import Report
from ..model import labels as L
from .finding import Finding, finding

# The stacks of report.css, in order: body text, and headings / table headers.
FONT_STACKS: dict[str, tuple[str, ...]] = {
    "serif": ("Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun"),
    "sans": ("Noto Sans CJK SC", "Source Han Sans SC", "SimHei"),
}
CJK_PACKAGE = "fonts-noto-cjk"
CACHE_VERSION = 1


@dataclass(frozen=True)
class OptionalFont:
    """A font reportkit uses when it is installed, for characters the CJK fonts lack.

    ``families`` are fontconfig family names; ``ranges`` the code points it is used for (the
    stylesheet's ``unicode-range`` for the emoji face) and for which its package is suggested.
    """

    package: str
    families: tuple[str, ...]
    covers: str
    ranges: tuple[tuple[int, int], ...]
    css_family: str

    def suggested_for(self, code_point: int) -> bool:
        """True when this font is the one to install for ``code_point``."""
        return any(lo <= code_point <= hi for lo, hi in self.ranges)


EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x200D, 0x200D),
    (0x20E3, 0x20E3),
    (0x2300, 0x23FF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0xFE0F, 0xFE0F),
    (0x1F000, 0x1FAFF),
    (0xE0020, 0xE007F),
)
OPTIONAL_FONTS: tuple[OptionalFont, ...] = (
    OptionalFont(
        "fonts-hanazono",
        ("HanaMinA", "HanaMinB"),
        "CJK 统一汉字扩展 A–F 的生僻字（如 U+20000 𠀀），人名、地名用字",
        ((0x3400, 0x4DBF), (0x20000, 0x2FFFF)),
        "HanaMinA, HanaMinB",
    ),
    OptionalFont(
        "fonts-noto-color-emoji",
        ("Noto Color Emoji",),
        "emoji（从聊天软件粘贴的表情符号，如 😀）",
        EMOJI_RANGES,
        "reportkit emoji",
    ),
)


# ---------------------------------------------------------------- fontconfig


@dataclass(frozen=True)
class Face:
    """One installed font face: its families, style, file and index in a collection."""

    families: tuple[str, ...]
    style: str
    file: str
    index: int


def _unescape(value: str) -> str:
    return value.replace("\\-", "-").replace("\\:", ":").replace("\\,", ",").replace("\\\\", "\\")


@cache
def installed_faces() -> tuple[Face, ...]:
    """Every face fontconfig lists (empty when ``fc-list`` is missing). Cached per process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    out = subprocess.run(
        [fc_list, "--format", "%{family}\t%{style}\t%{file}\t%{index}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        family, style, file, index = parts
        families = tuple(_unescape(f) for f in family.split(",") if f)
        faces.append(Face(families, style.split(",")[0], file, int(index or 0)))
    return tuple(faces)


def resolve_family(family: str, faces: Sequence[Face]) -> Face | None:
    """The installed face of ``family`` to read coverage from: its Regular style if any."""
    found = [f for f in faces if family in f.families]
    if not found:
        return None
    regular = [f for f in found if f.style in ("Regular", "Book", "Medium", "R")]
    return sorted(regular or found, key=lambda f: (f.file, f.index))[0]


# ---------------------------------------------------------------- coverage


def _ranges(code_points: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted(code_points):
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


class Coverage:
    """The code points a set of fonts covers, as sorted ``(first, last)`` ranges."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        self.ranges = merged
        self._starts = [lo for lo, _ in merged]

    @classmethod
    def of(cls, text: str) -> Coverage:
        """The coverage of exactly the characters of ``text`` (for tests)."""
        return cls(_ranges(ord(c) for c in text))

    def __contains__(self, code_point: object) -> bool:
        if not isinstance(code_point, int):
            return False
        i = bisect.bisect_right(self._starts, code_point) - 1
        return i >= 0 and self.ranges[i][0] <= code_point <= self.ranges[i][1]

    def union(self, other: Coverage) -> Coverage:
        """Both coverages together."""
        return Coverage([*self.ranges, *other.ranges])

    def restricted(self, allowed: Sequence[tuple[int, int]]) -> Coverage:
        """Only the code points inside ``allowed``."""
        out = []
        for lo, hi in self.ranges:
            for a, b in allowed:
                if lo <= b and a <= hi:
                    out.append((max(lo, a), min(hi, b)))
        return Coverage(out)


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/reportkit`` (``~/.cache/reportkit``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportkit"


def _cache_file() -> Path:
    return cache_dir() / f"glyph-coverage-v{CACHE_VERSION}.json"


def _face_key(face: Face) -> str | None:
    try:
        st = os.stat(face.file)
    except OSError:
        return None
    return f"{face.file}#{face.index}:{st.st_size}:{st.st_mtime_ns}"


def _read_cache() -> dict[str, list[list[int]]]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(data: dict[str, list[list[int]]]) -> None:
    """Write the cache aside and rename it; a cache that cannot be written is only slower."""
    path = _cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".glyphs.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        return


def _read_cmap(face: Face) -> list[tuple[int, int]]:
    from fontTools.ttLib import TTFont

    font = TTFont(face.file, fontNumber=face.index, lazy=True)
    try:
        cmap = font.getBestCmap() or {}
        return _ranges(cmap)
    finally:
        font.close()


def face_coverage(faces: Sequence[Face]) -> dict[Face, Coverage]:
    """The cmap coverage of each face, from the disk cache or read with fontTools."""
    cached = _read_cache()
    changed = False
    out: dict[Face, Coverage] = {}
    for face in faces:
        key = _face_key(face)
        if key is None:
            continue
        if key not in cached:
            try:
                cached[key] = [list(r) for r in _read_cmap(face)]
            except Exception:  # an unreadable font file covers nothing
                cached[key] = []
            changed = True
        out[face] = Coverage((lo, hi) for lo, hi in cached[key])
    if changed:
        _write_cache(cached)
    return out


@dataclass(frozen=True)
class PrintFonts:
    """What the report is printed in: the coverage of its fonts and what is installed."""

    coverage: Coverage
    cjk: bool
    installed_optional: frozenset[str]
    fontconfig: bool = True


def print_fonts(faces: Sequence[Face] | None = None) -> PrintFonts:
    """The coverage of :data:`FONT_STACKS` and the installed :data:`OPTIONAL_FONTS`."""
    if faces is None:
        faces = installed_faces()
        if not faces and shutil.which("fc-list") is None:
            return PrintFonts(Coverage(), False, frozenset(), fontconfig=False)
    return _print_fonts(tuple(faces))


@cache
def _print_fonts(faces: tuple[Face, ...]) -> PrintFonts:
    stack = [f for families in FONT_STACKS.values() for f in families]
    chosen = {name: resolve_family(name, faces) for name in stack}
    optional = {
        font.package: [f for f in (resolve_family(n, faces) for n in font.families) if f]
        for font in OPTIONAL_FONTS
    }
    wanted = [f for f in chosen.values() if f] + [f for fs in optional.values() for f in fs]
    covered = face_coverage(list(dict.fromkeys(wanted)))
    total = Coverage()
    for face in chosen.values():
        if face is not None and face in covered:
            total = total.union(covered[face])
    for font in OPTIONAL_FONTS:
        for face in optional[font.package]:
            if face in covered:
                extra = covered[face]
                # the emoji face is used for emoji only (report.css: unicode-range)
                if font.package == "fonts-noto-color-emoji":
                    extra = extra.restricted(font.ranges)
                total = total.union(extra)
    return PrintFonts(
        total,
        cjk=any(chosen.values()),
        installed_optional=frozenset(p for p, fs in optional.items() if fs),
    )


@dataclass(frozen=True)
class OptionalFontStatus:
    """An optional font and whether fontconfig finds it (``reportkit doctor`` lists these)."""

    font: OptionalFont
    installed: bool


def optional_fonts() -> list[OptionalFontStatus]:
    """Each optional font, what it covers and whether it is installed."""
    faces = installed_faces()
    return [
        OptionalFontStatus(font, any(resolve_family(n, faces) for n in font.families))
        for font in OPTIONAL_FONTS
    ]


# ---------------------------------------------------------------- the rule


def _label_texts() -> Iterator[str]:
    """Every fixed text of the format: labels, headings, notes (module :mod:`labels`)."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(k)
                yield from walk(v)
        elif isinstance(value, list | tuple | set | frozenset):
            for v in value:
                yield from walk(v)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from walk(getattr(value, name))

    for name in dir(L):
        if name.isupper():
            yield from walk(getattr(L, name))
    for n in range(1, 7):
        yield L.section_heading(n)


def printed_texts(report: Report) -> Iterator[tuple[str, str, str]]:
    """``(field, where, text)`` for every text the report prints, in printed order.

    ``field`` is the params path (``overview.items[1].text``), ``where`` the place in the
    official labels (``一、总体情况 （二）``).
    """
    yield "agency.name", "机关名称", report.agency.name
    if report.title:
        yield "title", "标题", report.title
    if report.date:
        yield "date", "成文日期", report.date
    if report.preamble:
        yield "preamble", "前言", report.preamble
    one, five, six = (L.section_heading(n) for n in (1, 5, 6))
    yield "overview.intro", one, report.overview.intro
    for i, item in enumerate(report.overview.items):
        where = f"{one} {L.item_number(i + 1)}"
        yield f"overview.items[{i}].heading", where, item.heading
        yield f"overview.items[{i}].text", where, item.text
    amount = getattr(getattr(report.proactive, "procurement", None), "amount", None)
    if isinstance(amount, str):
        yield "proactive.procurement.amount", f"表二 {L.ARTICLE_9}", amount
    yield "problems.intro", five, report.problems.intro
    for i, sub in enumerate(report.problems.subsections):
        yield f"problems.subsections[{i}].heading", f"{five} {sub.heading.strip()}", sub.heading
        yield f"problems.subsections[{i}].text", f"{five} {sub.heading.strip()}", sub.text
    yield "other_matters.text", six, report.other_matters.text
    yield "labels", "表格与标题的固定文字", "".join(_label_texts())


def _printable(char: str) -> bool:
    """False for what prints no glyph of its own: spaces, controls, joiners, selectors."""
    if char.isspace():
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp"):
        return False
    cp = ord(char)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _fix(code_point: int, fonts: PrintFonts) -> tuple[str, str | None]:
    """What to do about an uncovered character, and the package that would cover it."""
    for font in OPTIONAL_FONTS:
        if font.suggested_for(code_point) and font.package not in fonts.installed_optional:
            return (
                f"安装 Debian 软件包 {font.package}（apt-get install {font.package}；"
                f"覆盖{font.covers}），或改用常用字",
                font.package,
            )
    return (
        f"已安装的字体都没有这个字：改用常用字，或安装含有它的字体"
        f"（fc-list ':charset={code_point:x}' 列出已安装的字体中有它的）",
        None,
    )


def uncovered(report: Report, coverage: Coverage) -> dict[str, list[tuple[str, str]]]:
    """Each printed character that ``coverage`` lacks → the ``(field, where)`` it is in."""
    found: dict[str, list[tuple[str, str]]] = {}
    for field, where, text in printed_texts(report):
        for char in dict.fromkeys(text):
            if _printable(char) and ord(char) not in coverage:
                found.setdefault(char, []).append((field, where))
    return found


def rule_r10(
    report: Report, previous: Report | None = None, fonts: PrintFonts | None = None
) -> list[Finding]:
    """Every printed character has a glyph in the report's fonts (one finding per character).

    ``fonts`` defaults to what is installed (:func:`print_fonts`).
    """
    fonts = fonts if fonts is not None else print_fonts()
    if not fonts.fontconfig:
        return [
            finding(
                "R10",
                "字体",
                "无法检查字形覆盖：找不到 fontconfig 的 fc-list — 安装 fontconfig"
                "（apt-get install fontconfig）",
            )
        ]
    if not fonts.cjk:
        wanted = "、".join(FONT_STACKS["serif"] + FONT_STACKS["sans"])
        return [
            finding(
                "R10",
                "字体",
                f"没有安装报告所用的中文字体（{wanted}）：所有汉字都会印成方框 — "
                f"安装 {CJK_PACKAGE}（apt-get install {CJK_PACKAGE}）",
            )
        ]
    out = []
    for char, places in uncovered(report, fonts.coverage).items():
        fix, package = _fix(ord(char), fonts)
        fields = [field for field, _ in places]
        also = f"（另见 {'、'.join(fields[1:])}）" if len(fields) > 1 else ""
        out.append(
            finding(
                "R10",
                places[0][1],
                f"{fields[0]}：“{char}”（{_describe(char)}）没有字体可以显示{also}："
                "PDF 中会印成方框，文字层中也不是这个字 — " + fix,
                cells=tuple(fields),
                value=char,
                extra={"code_point": f"U+{ord(char):04X}", "package": package},
            )
        )
    return out
