"""Fixtures for the agent tests: a real agent subprocess per supported Python."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .agent_harness import PYTHONS, AgentProcess


@pytest.fixture(params=PYTHONS)
def agent(request: pytest.FixtureRequest) -> Iterator[AgentProcess]:
    process = AgentProcess(request.param)
    yield process
    if process.proc.poll() is None:
        process.proc.kill()
        process.proc.wait()
    for stream in (process.proc.stdin, process.proc.stdout, process.proc.stderr):
        if stream is not None and not stream.closed:
            stream.close()
