"""The CJK fonts of charts and PDF, found through matplotlib's font manager.

Body text is set in a serif CJK face (宋体-like), headings and charts in a sans CJK face
(黑体-like). Debian's ``fonts-noto-cjk`` provides both; without any CJK font the charts would
show missing-glyph boxes, so :func:`cjk_family` raises :class:`~reportkit.errors.FontError`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Final, Literal

from ..errors import FontError

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

Kind = Literal["serif", "sans"]

CANDIDATES: Final[dict[Kind, tuple[str, ...]]] = {
    "serif": ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN"),
    "sans": (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "Source Han Sans CN",
        "WenQuanYi Zen Hei",
        "WenQuanYi Micro Hei",
    ),
}
FONT_PACKAGE: Final = "fonts-noto-cjk"
SVG_HASHSALT: Final = "reportkit"


@cache
def installed_families() -> frozenset[str]:
    """Every font family matplotlib's font manager knows."""
    from matplotlib import font_manager

    return frozenset(entry.name for entry in font_manager.fontManager.ttflist)


def find_cjk_family(kind: Kind = "sans") -> str | None:
    """The first installed CJK family of ``kind``, or None."""
    families = installed_families()
    for name in CANDIDATES[kind]:
        if name in families:
            return name
    return None


def cjk_family(kind: Kind = "sans") -> str:
    """The CJK family for ``kind``; a serif request falls back to sans (and vice versa).

    Raises :class:`FontError` naming the package to install when no CJK font exists.
    """
    other: Kind = "sans" if kind == "serif" else "serif"
    found = find_cjk_family(kind) or find_cjk_family(other)
    if found is None:
        wanted = ", ".join(CANDIDATES["sans"] + CANDIDATES["serif"])
        raise FontError(
            f"no CJK font found by matplotlib (looked for {wanted}); charts and PDF would show "
            f"missing-glyph boxes — install Debian's {FONT_PACKAGE} "
            f"(apt-get install {FONT_PACKAGE}) and remove matplotlib's font cache "
            "(~/.cache/matplotlib)"
        )
    return found


def cjk_font_path(kind: Kind = "sans") -> str:
    """The file (a ``.ttc`` collection for Noto CJK) holding the regular face of ``kind``."""
    from matplotlib import font_manager

    family = cjk_family(kind)
    return str(font_manager.findfont(font_manager.FontProperties(family=family)))


def matplotlib_rc() -> dict[RcKeyType, Any]:
    """The rcParams reportkit's charts use: CJK sans family, ASCII minus, fixed SVG ids."""
    family = cjk_family("sans")
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
    }


def configure_matplotlib() -> str:
    """Set matplotlib's global rcParams for CJK charts; returns the family used."""
    import matplotlib

    matplotlib.rcParams.update(matplotlib_rc())
    return cjk_family("sans")
