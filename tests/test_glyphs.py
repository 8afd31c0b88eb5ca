"""R10, glyph coverage: every printed character against the fonts of the stylesheet (fontconfig
resolves them, fontTools reads their cmaps), with the covering package named; the disk cache;
the optional fonts for ``reportkit doctor``; the stylesheet's stacks equal to the rule's."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportkit.checks import RULE_TITLES, SEVERITY, check_report
from reportkit.checks import glyphs as G
from reportkit.model import parse_report
from reportkit.render.html import report_css
from reportkit.render.notebook import section_of
from tests.docsamples import seed_data, seed_report

EXT_B = "\U00020000"
EMOJI = "😀"


def _without(*packages: str) -> G.PrintFonts:
    """The installed fonts less the optional fonts of ``packages``."""
    hidden = {f for font in G.OPTIONAL_FONTS if font.package in packages for f in font.families}
    faces = [f for f in G.installed_faces() if not set(f.families) & hidden]
    return G.print_fonts(faces)


def _rare_report() -> object:
    data = seed_data()
    data["agency"]["name"] = f"西工区{EXT_B}教育局"
    data["title"] = None
    data["problems"]["subsections"][0]["text"] += f"\n群众留言点赞{EMOJI}。"
    return parse_report(data)


needs_cjk = pytest.mark.skipif(
    not G.print_fonts().cjk, reason="needs fonts-noto-cjk (./dev installs it)"
)


@needs_cjk
def test_rare_characters_without_their_fonts_are_named_with_the_package() -> None:
    report = _rare_report()
    findings = G.rule_r10(report, fonts=_without("fonts-hanazono", "fonts-noto-color-emoji"))
    by_char = {f.value: f for f in findings}
    assert set(by_char) == {EXT_B, EMOJI}
    ext_b, emoji = by_char[EXT_B], by_char[EMOJI]
    assert ext_b.rule == emoji.rule == "R10" and ext_b.severity == "warning"
    assert ext_b.cells[0] == "agency.name" and ext_b.where == "机关名称"
    assert "U+20000" in ext_b.message and "fonts-hanazono" in ext_b.message
    assert ext_b.as_json()["package"] == "fonts-hanazono"
    assert ext_b.as_json()["code_point"] == "U+20000"
    assert emoji.cells == ("problems.subsections[0].text",)
    assert emoji.where.startswith("五、存在的主要问题及改进情况")
    assert "U+1F600" in emoji.message and "fonts-noto-color-emoji" in emoji.message
    assert section_of(emoji) == 5 and section_of(ext_b) == 1


@needs_cjk
def test_covered_once_the_fonts_are_installed() -> None:
    fonts = G.print_fonts()
    if not {"fonts-hanazono", "fonts-noto-color-emoji"} <= fonts.installed_optional:
        pytest.skip("needs fonts-hanazono and fonts-noto-color-emoji (./dev test installs them)")
    assert G.rule_r10(_rare_report(), fonts=fonts) == []
    assert [f for f in check_report(_rare_report()) if f.rule == "R10"] == []


@needs_cjk
def test_the_seed_and_every_label_are_covered() -> None:
    assert (
        G.rule_r10(seed_report(), fonts=_without("fonts-hanazono", "fonts-noto-color-emoji")) == []
    )


def test_a_character_no_font_has_gets_the_generic_fix() -> None:
    data = seed_data()
    data["other_matters"]["text"] = "见附件\ue000。"
    fonts = G.PrintFonts(G.Coverage.of("".join(G._label_texts()) + "见附件。"), True, frozenset())
    findings = [f for f in G.rule_r10(parse_report(data), fonts=fonts) if f.value == "\ue000"]
    (f,) = findings
    assert f.cells == ("other_matters.text",) and f.where == "六、其他需要报告的事项"
    assert "fc-list ':charset=e000'" in f.message and f.as_json()["package"] is None


def test_no_cjk_font_is_one_finding_naming_the_package() -> None:
    fonts = G.PrintFonts(G.Coverage.of("abc"), False, frozenset())
    (f,) = G.rule_r10(seed_report(), fonts=fonts)
    assert "fonts-noto-cjk" in f.message


def test_without_fontconfig_the_check_says_it_could_not_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(G.shutil, "which", lambda name: None)
    G.installed_faces.cache_clear()
    try:
        (f,) = G.rule_r10(seed_report())
    finally:
        G.installed_faces.cache_clear()
    assert "fontconfig" in f.message and f.rule == "R10"


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=60),
    allowed=st.text(max_size=30),
)
def test_exactly_the_uncovered_printable_characters_are_reported(text: str, allowed: str) -> None:
    data = seed_data()
    data["problems"]["intro"] = text
    report = parse_report(data)
    base = "".join(G._label_texts()) + "".join(t for _, _, t in G.printed_texts(seed_report()))
    coverage = G.Coverage.of(base + allowed)
    reported = {
        f.value for f in G.rule_r10(report, fonts=G.PrintFonts(coverage, True, frozenset()))
    }
    expected = {
        c
        for c in "".join(line.strip() for line in text.splitlines())
        if G._printable(c) and ord(c) not in coverage
    }
    assert reported == expected
    for char in reported:
        assert not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf")


@given(st.lists(st.tuples(st.integers(0, 0x10FFFF), st.integers(0, 300)), max_size=20))
def test_coverage_ranges_hold_exactly_their_code_points(spans: list[tuple[int, int]]) -> None:
    ranges = [(lo, min(lo + n, 0x10FFFF)) for lo, n in spans]
    coverage = G.Coverage(ranges)
    inside = {cp for lo, hi in ranges for cp in range(lo, hi + 1)}
    probes = {cp for lo, hi in ranges for cp in (lo - 1, lo, hi, hi + 1)} | {0, 0x10FFFF}
    assert {cp for cp in probes if cp in coverage} == probes & inside
    assert all(a[1] + 1 < b[0] for a, b in zip(coverage.ranges, coverage.ranges[1:], strict=False))


@needs_cjk
def test_cmaps_are_read_once_then_come_from_the_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    faces = [f for f in G.installed_faces() if "Noto Serif CJK SC" in f.families][:1]
    first = G.face_coverage(faces)
    cache = tmp_path / "reportkit" / f"glyph-coverage-v{G.CACHE_VERSION}.json"
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert len(stored) == 1 and next(iter(stored)).startswith(faces[0].file)

    def no_reading(face: G.Face) -> list[tuple[int, int]]:
        raise AssertionError("read the font file again")

    monkeypatch.setattr(G, "_read_cmap", no_reading)
    again = G.face_coverage(faces)
    assert again[faces[0]].ranges == first[faces[0]].ranges
    assert ord("政") in again[faces[0]]


def test_an_unwritable_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    face = G.Face(("X",), "Regular", str(blocker), 0)
    monkeypatch.setattr(G, "_read_cmap", lambda f: [(65, 90)])
    assert G.face_coverage([face])[face].ranges == [(65, 90)]


def test_optional_fonts_for_the_doctor() -> None:
    statuses = G.optional_fonts()
    assert [s.font.package for s in statuses] == ["fonts-hanazono", "fonts-noto-color-emoji"]
    for status in statuses:
        assert status.installed == any(
            G.resolve_family(n, G.installed_faces()) for n in status.font.families
        )
        assert status.font.covers


def test_the_stylesheet_stacks_are_the_rules_stacks() -> None:
    css = report_css()
    stacks = [
        [name.strip().strip('"') for name in m.group(1).split(",")]
        for m in re.finditer(r"font-family:\s*([^;]+);", css)
    ]
    optional = ["HanaMinA", "HanaMinB", "reportkit emoji"]
    assert [*G.FONT_STACKS["serif"], *optional, "serif"] in stacks
    assert [*G.FONT_STACKS["sans"], *optional, "sans-serif"] in stacks
    assert 'local("Noto Color Emoji")' in css
    for lo, hi in G.EMOJI_RANGES:
        assert (f"U+{lo:X}" if lo == hi else f"U+{lo:X}-{hi:X}") in css


def test_r10_is_a_registered_warning() -> None:
    assert SEVERITY["R10"] == "warning" and "R10" in RULE_TITLES
