"""Prints the differential suite's parity table at the end of the pytest run."""

from __future__ import annotations

import pytest
from tests.differential.stash import TABLE_KEY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    table = config.stash.get(TABLE_KEY, None)
    if table:
        terminalreporter.write_sep("=", "differential: ansible-core vs corral")
        terminalreporter.write_line(table)
