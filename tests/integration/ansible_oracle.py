"""Where the test-only ansible-core lives (tests/run_suite.sh installs it in .venv-ansible)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (os.environ.get("CORRAL_ANSIBLE_BIN", ""), str(REPO / ".venv-ansible/bin"),
              "/opt/ansible-venv/bin")


def ansible_bin(tool: str) -> Path:
    """The path of ansible-core's ``tool``; a test that needs it fails (never skips) without it."""
    for folder in CANDIDATES:
        if folder and (Path(folder) / tool).exists():
            return Path(folder) / tool
    pytest.fail(f"ansible-core's {tool} not found in {', '.join(c for c in CANDIDATES if c)}; "
                "tests/run_suite.sh installs it", pytrace=False)
