"""Shared test configuration: registers the local fleet plugin (tests/fleet/pytest_fleet.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "fleet"))

pytest_plugins = ["pytest_fleet"]


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_history(tmp_path_factory, monkeypatch):
    """Every corral a test runs records into a history of the test's own, never the user's."""
    monkeypatch.setenv("CORRAL_HISTORY", str(tmp_path_factory.mktemp("history") / "history.db"))
