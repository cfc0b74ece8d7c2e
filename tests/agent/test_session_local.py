"""The controller's AgentSession against a real local agent (LocalConnection, no SSH)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from corral.errors import HostError, HostUnreachable, ProtocolError, UnreachableCause
from corral.transport.agent_client import AgentSession
from corral.transport.framing import MAX_FRAME, read_frame
from corral.transport.local import LocalConnection

from .agent_harness import PYTHONS

T = TypeVar("T")

ECHO = '''
from corral.modules._api import Arg, Plan
ARGS = {"value": Arg(str, required=True)}
def inspect(ctx, args):
    return args["value"]
def plan(ctx, args, current):
    return Plan(reason="value is " + current, data={"staged": ctx.staged})
'''

SLEEP = '''
import time
def inspect(ctx, args):
    time.sleep(30)
'''


def on_agent(body: Callable[[AgentSession], Awaitable[T]], python: str | None = None) -> T:
    async def main() -> T:
        async with LocalConnection(python_interpreter=python) as connection:
            return await body(await connection.agent())
    return asyncio.run(main())


def vm_peak_kib(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.parametrize("python", PYTHONS)
def test_run_sends_source_once(python: str) -> None:
    async def body(agent: AgentSession) -> None:
        assert agent.hello is not None and agent.hello.protocol == 2
        first = await agent.run("echo", ECHO, {"value": "a"}, check=False, diff=False)
        assert first["status"] == "ok" and first["msg"] == "value is a"
        sent_with_source = agent.stats.bytes_sent
        second = await agent.run("echo", ECHO, {"value": "b"}, check=True, diff=True,
                                 staged={"src": "/tmp/x"})
        assert second["msg"] == "value is b" and second["data"] == {"staged": {"src": "/tmp/x"}}
        assert agent.stats.bytes_sent - sent_with_source < 300  # no source the second time
        assert agent.stats.round_trips == 2
    on_agent(body, python)


def test_need_source_is_recovered_in_one_more_round_trip() -> None:
    async def body(agent: AgentSession) -> None:
        agent._sent_modules.add(("echo", hashlib.sha256(ECHO.encode()).hexdigest()))
        result = await agent.run("echo", ECHO, {"value": "x"}, check=False, diff=False)
        assert result["msg"] == "value is x"
        assert agent.stats.round_trips == 2
    on_agent(body)


def test_module_that_does_not_load_is_a_failed_result() -> None:
    async def body(agent: AgentSession) -> None:
        result = await agent.run("broken", "import nosuchmodule_xyz\n", {}, False, False)
        assert result["status"] == "failed"
        assert "module broken could not be loaded: ModuleNotFoundError" in result["msg"]
        assert (await agent.ping())["pong"] is True
    on_agent(body)


def test_ping_round_trip_is_fast() -> None:
    async def body(agent: AgentSession) -> float:
        loop = asyncio.get_running_loop()
        began = loop.time()
        for _ in range(200):
            await agent.ping()
        return (loop.time() - began) / 200
    assert on_agent(body) < 0.005


def test_put_bytes_returns_staged_path() -> None:
    async def body(agent: AgentSession) -> None:
        path = await agent.put_bytes(b"hello")
        assert Path(path).read_bytes() == b"hello"
        assert agent.hello is not None and Path(path).parent == Path(agent.hello.staging)
        assert agent.stats.round_trips == 1 and agent.stats.requests == 3
        empty = await agent.put_bytes(b"")
        assert Path(empty).read_bytes() == b""
    on_agent(body)


def test_put_200mb_streams_with_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    block = os.urandom(1 << 20)
    with open(big, "wb") as handle:
        for _ in range(200):
            handle.write(block)
    expected = hashlib.sha256(block * 200).hexdigest()
    Path("/proc/self/clear_refs").write_text("5")  # restart our peak RSS count
    before = vm_peak_kib()

    async def body(agent: AgentSession) -> tuple[str, int]:
        assert agent.hello is not None
        staged = await agent.put_file(big)
        return staged, vm_peak_kib(agent.hello.pid)

    staged, agent_peak = on_agent(body)
    controller_growth = vm_peak_kib() - before
    print(f"\n200 MB put: controller peak RSS growth {controller_growth} KiB, "
          f"agent peak RSS {agent_peak} KiB")
    assert controller_growth < 64 * 1024
    assert agent_peak < 64 * 1024
    assert not Path(staged).exists()  # the agent cleaned its staging dir on close
    assert expected  # the agent checked the sha256 itself at put_end


def test_missing_interpreter_is_no_python() -> None:
    with pytest.raises(HostUnreachable) as caught:
        on_agent(lambda agent: agent.ping(), "/nonexistent/python3")
    assert caught.value.cause is UnreachableCause.NO_PYTHON


@pytest.mark.parametrize("old", ["/root/.pyenv/versions/3.6.15/bin/python3.6",
                                 "/root/.pyenv/versions/2.7.18/bin/python2.7"])
def test_too_old_python_is_no_python(old: str) -> None:
    if not os.path.exists(old):
        pytest.skip(f"{old} not installed")
    with pytest.raises(HostUnreachable) as caught:
        on_agent(lambda agent: agent.ping(), old)
    assert caught.value.cause is UnreachableCause.NO_PYTHON
    assert "is too old; corral needs Python 3.8 or later" in caught.value.detail


def test_agent_killed_mid_request_is_disconnected() -> None:
    async def body(agent: AgentSession) -> None:
        assert agent.hello is not None
        pid = agent.hello.pid
        asyncio.get_running_loop().call_later(0.3, os.kill, pid, signal.SIGKILL)
        with pytest.raises(HostUnreachable) as caught:
            await agent.run("sleep", SLEEP, {}, False, False)
        assert caught.value.cause is UnreachableCause.DISCONNECTED
        with pytest.raises(HostUnreachable):  # and it stays broken, without waiting
            await asyncio.wait_for(agent.ping(), 1)
        shutil.rmtree(agent.hello.staging)  # SIGKILL gave the agent no chance to clean up
    on_agent(body)


def test_failed_request_raises_host_error() -> None:
    async def body(agent: AgentSession) -> None:
        with pytest.raises(HostError, match="unknown_op"):
            await agent.request({"op": "nope"})
        assert (await agent.ping())["pong"]
    on_agent(body)


def test_one_agent_per_become_key_is_reused() -> None:
    async def main() -> None:
        async with LocalConnection() as connection:
            first, second = await asyncio.gather(connection.agent(), connection.agent())
            assert first is second
    asyncio.run(main())


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.asked: list[int] = []

    async def readexactly(self, n: int) -> bytes:
        self.asked.append(n)
        chunk, self.data = self.data[:n], self.data[n:]
        return chunk


def test_controller_refuses_oversize_frame_before_reading_it() -> None:
    reader = _Reader((MAX_FRAME + 1).to_bytes(4, "big") + b"{}")
    with pytest.raises(ProtocolError, match="limit"):
        asyncio.run(read_frame(reader))
    assert reader.asked == [4]


@pytest.mark.parametrize("body", [b"[1]", b"\xff", b"not json"])
def test_controller_refuses_non_object_frames(body: bytes) -> None:
    reader = _Reader(len(body).to_bytes(4, "big") + body)
    with pytest.raises(ProtocolError):
        asyncio.run(read_frame(reader))


def test_hello_with_other_protocol_is_refused() -> None:
    session: Any = AgentSession.__new__(AgentSession)
    session.host = "h"
    with pytest.raises(ProtocolError, match="speaks protocol 1"):
        session._check_hello({"op": "hello", "protocol": 1})
