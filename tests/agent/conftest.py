"""Fixtures for the agent tests: a real agent subprocess per supported Python."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .agent_harness import PYTHONS, AgentProcess


@pytest.fixture(params=PYTHONS)
def agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[AgentProcess]:
    process = AgentProcess(request.param, home=str(tmp_path_factory.mktemp("home")))
    yield process
    if process.proc.poll() is None:
        process.proc.kill()
        process.proc.wait()
    for stream in (process.proc.stdin, process.proc.stdout, process.proc.stderr):
        if stream is not None and not stream.closed:
            stream.close()


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's agents get their own HOME, so the host code cache never leaks between tests."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("agent-home")))
