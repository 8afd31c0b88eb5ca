"""Shared fixtures: paths of the repo, the seed, and the real published reports."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_TXT = SHARED / "seeds" / "000_083e95083e692b05.txt"
SEED_PARAMS = REPO / "params" / "xigong-education" / "2024.yaml"
FIXTURES = SHARED / "fixtures" / "reports"


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
