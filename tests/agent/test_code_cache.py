"""The agent keeps compiled modules on the host, keyed by sha, and says so in its hello."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .agent_harness import PYTHONS, AgentProcess
from .test_agent_protocol import TOUCH, run


def _close(agent: AgentProcess) -> None:
    agent.proc.kill()
    agent.proc.wait()
    for stream in (agent.proc.stdin, agent.proc.stdout, agent.proc.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.parametrize("python", PYTHONS)
def test_second_agent_runs_a_cached_module_without_its_source(python: str, tmp_path: Path) -> None:
    first = AgentProcess(python, home=str(tmp_path))
    assert first.hello["cached"] == []
    assert run(first, "touch", TOUCH, path=str(tmp_path / "a"))["ok"]
    _close(first)
    folder = next((tmp_path / ".cache/corral/modules").iterdir())
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    second = AgentProcess(python, home=str(tmp_path))
    try:
        assert len(second.hello["cached"]) == 1
        response = run(second, "touch", TOUCH, send_source=False, path=str(tmp_path / "b"))
        assert response["ok"], response
        assert (tmp_path / "b").exists()
    finally:
        _close(second)


def test_a_corrupt_cache_entry_makes_the_agent_ask_for_the_source(tmp_path: Path) -> None:
    first = AgentProcess(PYTHONS[0].values[0], home=str(tmp_path))
    run(first, "touch", TOUCH, path=str(tmp_path / "a"))
    _close(first)
    folder = next((tmp_path / ".cache/corral/modules").iterdir())
    for entry in folder.iterdir():
        entry.write_bytes(b"not marshal data")
    second = AgentProcess(PYTHONS[0].values[0], home=str(tmp_path))
    try:
        response = run(second, "touch", TOUCH, send_source=False, path=str(tmp_path / "b"))
        assert response["error"]["type"] == "need_source"
        assert run(second, "touch", TOUCH, path=str(tmp_path / "b"))["ok"]
    finally:
        _close(second)


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    first = AgentProcess(PYTHONS[0].values[0], home=str(tmp_path))
    run(first, "touch", TOUCH, path=str(tmp_path / "a"))
    _close(first)
    folder = next((tmp_path / ".cache/corral/modules").iterdir())
    os.chmod(folder, 0o777)
    second = AgentProcess(PYTHONS[0].values[0], home=str(tmp_path))
    try:
        assert second.hello["cached"] == []
    finally:
        _close(second)
