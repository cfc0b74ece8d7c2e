"""Shared test configuration: registers the local fleet plugin (tests/fleet/pytest_fleet.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "fleet"))

pytest_plugins = ["pytest_fleet"]
