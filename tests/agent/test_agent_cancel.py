"""Cancelling a running request, and the controller going away mid-request: the agent
stops every process the request started (its whole session), at once."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from corral.modules.registry import ModuleRegistry

from .agent_harness import AgentProcess, staging_of
from .test_agent_protocol import pack

SPIN = '''
import time
def inspect(ctx, args):
    time.sleep(600)  # busy in Python: killing processes does not end it
'''


def _command_request(rid: int, cmd: str) -> dict[str, Any]:
    """A `run` of the real `command` (or `shell`) module, support files included."""
    info = ModuleRegistry().get("shell")
    *support, (_, source) = info.sources
    return {"id": rid, "op": "run", "module": "shell", "args": {"cmd": cmd}, "check": False,
            "diff": False, **pack(source),
            "requires": [{"name": name, **pack(text)} for name, text in support]}


def _descendants(root: int) -> list[int]:
    """Processes below ``root`` or in a session one of them leads (what a cancel must stop)."""
    table: dict[int, tuple[int, int, str]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                data = Path(f"/proc/{name}/stat").read_bytes()
            except OSError:
                continue
            fields = data[data.rfind(b")") + 2:].split()
            table[int(name)] = (int(fields[1]), int(fields[3]), fields[0].decode())
    found, todo = set(), [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, _sid, _state) in table.items():
            if ppid == parent and pid not in found:
                found.add(pid)
                todo.append(pid)
    sessions = {table[pid][1] for pid in found}
    found |= {pid for pid, (_ppid, sid, _state) in table.items() if sid in sessions}
    return sorted(pid for pid in found if table[pid][2] != "Z")


def _wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


# A shell that starts a background sleep and waits on a foreground one: both are in the
# command's own session, and the background one would outlive the shell.
TREE = "sleep 600 & sleep 601; wait"


def _start_tree(agent: AgentProcess) -> int:
    pid = int(agent.hello["pid"])
    agent.send(_command_request(1, TREE))
    assert _wait_for(lambda: len(_descendants(pid)) >= 3, 10), _descendants(pid)
    return pid


def test_cancel_stops_the_running_command_and_all_it_started(agent: AgentProcess) -> None:
    pid = _start_tree(agent)
    began = time.monotonic()
    agent.send({"op": "cancel", "target": 1})
    response = agent.recv()
    assert time.monotonic() - began < 2
    assert response["id"] == 1 and response["ok"] is False
    assert response["error"]["type"] == "cancelled", response
    assert _descendants(pid) == []
    assert agent.call("ping")["ok"] is True  # the agent serves on


def test_a_command_that_ignores_sigterm_is_killed(agent: AgentProcess) -> None:
    pid = int(agent.hello["pid"])
    agent.send(_command_request(1, "trap '' TERM; sleep 600 & sleep 601; wait"))
    assert _wait_for(lambda: len(_descendants(pid)) >= 3, 10), _descendants(pid)
    began = time.monotonic()
    agent.send({"op": "cancel", "target": 1})
    assert agent.recv()["error"]["type"] == "cancelled"
    assert time.monotonic() - began < 2
    assert _descendants(pid) == []


def test_cancel_for_another_request_is_ignored(agent: AgentProcess) -> None:
    agent.send({"op": "cancel", "target": 7})  # nothing runs: ignored, no reply
    agent.send({"op": "cancel"})
    response = agent.call("ping")
    assert response["ok"] is True and response["id"] == 1


def test_end_of_input_mid_command_stops_it_and_the_agent(agent: AgentProcess) -> None:
    pid = _start_tree(agent)
    staging = staging_of(agent)
    began = time.monotonic()
    agent.stdin.close()  # the controller is gone (Ctrl-C, or its SSH channel closed)
    agent.proc.wait(timeout=10)
    assert time.monotonic() - began < 1.5
    assert _descendants(pid) == []
    assert not staging.exists()


def test_end_of_input_mid_python_module_still_exits_soon(agent: AgentProcess) -> None:
    staging = staging_of(agent)
    agent.send({"id": 1, "op": "run", "module": "spin", "args": {}, "check": False,
                "diff": False, **pack(SPIN)})
    time.sleep(0.3)
    began = time.monotonic()
    agent.stdin.close()
    agent.proc.wait(timeout=10)
    assert time.monotonic() - began < 2.5
    assert not staging.exists()


@pytest.mark.parametrize("module", ["command", "shell"])
def test_command_runs_in_a_session_of_its_own(agent: AgentProcess, module: str) -> None:
    request = _command_request(1, "cat /proc/self/stat")
    request["module"] = module
    if module == "command":
        request.update(pack(ModuleRegistry().get("command").sources[-1][1]))
    agent.send(request)
    response = agent.recv()
    assert response["ok"], response
    pgid, sid = _group_and_session(response["result"]["data"]["stdout"])
    agent_stat = Path(f"/proc/{agent.hello['pid']}/stat").read_text()
    # its own session and group (led by the command, or by sh for shell): a cancel
    # stops all of it, not the agent
    assert pgid == sid != _group_and_session(agent_stat)[1]


def _group_and_session(stat: str) -> tuple[int, int]:
    fields = stat[stat.rfind(")") + 2:].split()
    return int(fields[2]), int(fields[3])


def test_a_request_cancelled_while_queued_never_starts(agent: AgentProcess, tmp_path: Path) -> None:
    """Request 2 waits behind request 1 when its cancel comes: it must not run later."""
    marker = tmp_path / "ran"
    agent.send(_command_request(1, "sleep 0.5"))
    agent.send(_command_request(2, f"touch {marker}"))
    agent.send({"op": "cancel", "target": 2})
    first, second = agent.recv(), agent.recv()
    assert first["id"] == 1 and first["ok"] is True, first
    assert second["id"] == 2 and second["error"]["type"] == "cancelled", second
    assert not marker.exists()
