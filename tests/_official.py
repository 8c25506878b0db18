"""The official client (``fts3==3.14.2``) in its own virtualenv, for side-by-side tests (`benchmarks.official`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.official import find_official


@pytest.fixture(scope="session")
def official_python() -> Path:
    """The official client's interpreter; the test is skipped, saying why, where it is not installed."""
    python, how = find_official()
    if python is None:
        pytest.skip(f"official client not available: {how}")
    return python
