"""Shared fixtures: paths of the repo, the seed, and the real published reports."""

from __future__ import annotations

import re
import signal
from pathlib import Path
from typing import Any

import pytest

from reportkit.model import Report, paragraphs

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_TXT = SHARED / "seeds" / "000_083e95083e692b05.txt"
SEED_PARAMS = REPO / "params" / "xigong-education" / "2024.yaml"
FIXTURES = SHARED / "fixtures" / "reports"

# Ctrl-C as a terminal sends it, whatever started pytest: a shell script's background job
# inherits SIGINT ignored, Python then never raises KeyboardInterrupt, and neither do the
# processes the tests start (an ignored signal stays ignored across exec; a handled one does not).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def seed_params() -> Path:
    """The seed report as a params file."""
    return SEED_PARAMS


@pytest.fixture
def seed_text() -> str:
    """The published seed report, as text."""
    return SEED_TXT.read_text(encoding="utf-8")


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden``: rewrite golden files under tests/golden/ instead of comparing."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ files (or set REPORTKIT_UPDATE_GOLDEN=1)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files are to be rewritten (--update-golden or REPORTKIT_UPDATE_GOLDEN=1)."""
    import os

    return bool(request.config.getoption("--update-golden")) or (
        os.environ.get("REPORTKIT_UPDATE_GOLDEN") == "1"
    )


# a space beside a Chinese character or full-width punctuation is typesetting, not text: a PDF
# (and pdftotext) loses it where a line wraps, and PDF text extraction adds or drops it
_CJK_SPACE = re.compile(
    r"\s+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’])|(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’])\s+"
)


def squash_cjk_spaces(text: str) -> str:
    """``text`` with runs of whitespace as one space, and none beside Chinese characters."""
    return _CJK_SPACE.sub("", re.sub(r"\s+", " ", text)).strip()


def normalized_narrative(report: Report, *, wrapped: bool = False) -> dict[str, Any]:
    """The preamble and sections 一, 五, 六, each paragraph's whitespace normalized (for
    import comparisons). ``wrapped``: text that went through lines wrapped at a page width
    (PDF), where a space beside a Chinese character cannot be told (see squash_cjk_spaces)."""

    def norm(text: str) -> list[str]:
        if wrapped:
            return [squash_cjk_spaces(p) for p in paragraphs(text)]
        return [re.sub(r"\s+", " ", p) for p in paragraphs(text)]

    return {
        "preamble": norm(report.preamble),
        "intro": norm(report.overview.intro),
        "items": [(i.heading, norm(i.text), i.run_in) for i in report.overview.items],
        "problems": norm(report.problems.intro),
        "subsections": [(s.heading, norm(s.text)) for s in report.problems.subsections],
        "other": norm(report.other_matters.text),
    }
