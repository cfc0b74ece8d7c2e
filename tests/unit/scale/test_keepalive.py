"""SSH keepalives every 15 s while a request runs, every 2 minutes between requests:
the idle hosts of a big run must not cost the controller a ping each every 15 s."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import asyncssh
import pytest

from corral.transport.bootstrap import agent_payload
from corral.transport.framing import PROTOCOL_VERSION, READY_LINE
from corral.transport.keepalive import BUSY_SECONDS, IDLE_SECONDS, KeepaliveSwitch
from corral.transport.options import ConnectOptions
from corral.transport.ssh import SshConnection

STAND_IN = Path(__file__).parents[2] / "bench" / "scale" / "simulated_fleet.py"


@pytest.mark.parametrize(("calls", "expected"), [
    ([True, False], [BUSY_SECONDS, IDLE_SECONDS]),
    ([True, True, False, False], [BUSY_SECONDS, IDLE_SECONDS]),  # two agents, one connection
    ([True, False, True, False], [BUSY_SECONDS, IDLE_SECONDS, BUSY_SECONDS, IDLE_SECONDS]),
])
def test_the_switch_follows_the_requests_in_flight(calls: list[bool],
                                                   expected: list[float]) -> None:
    seen: list[float] = []
    switch = KeepaliveSwitch(seen.append)
    for busy in calls:
        switch(busy)
    assert seen == expected


def _stand_in() -> ModuleType:
    spec = importlib.util.spec_from_file_location("simulated_fleet", STAND_IN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _LetEveryoneIn(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return False


def test_an_ssh_connection_pings_often_only_while_a_request_runs() -> None:
    """Against a real asyncssh server speaking the agent protocol (the bench's stand-in)."""
    stand_in = _stand_in()

    async def main() -> list[float]:
        size = len(agent_payload())
        server = await asyncssh.create_server(
            _LetEveryoneIn, "127.0.0.1", 0, encoding=None,
            server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
            process_factory=lambda p: stand_in._agent(p, size, READY_LINE, PROTOCOL_VERSION))
        port = server.sockets[0].getsockname()[1]
        connection = SshConnection(ConnectOptions(host="sim", address="127.0.0.1", port=port,
                                                  user="sim", host_key_policy="off"))
        intervals: list[float] = []
        try:
            await connection.open()
            ssh = connection._conn
            assert ssh is not None
            intervals.append(ssh._keepalive_interval)
            original = ssh.set_keepalive

            def recording(interval: float | None = None, count_max: int | None = None) -> None:
                intervals.append(float(interval or 0))
                original(interval, count_max)

            ssh.set_keepalive = recording  # type: ignore[method-assign]
            agent = await connection.agent()
            await agent.ping()
            await agent.ping()
            intervals.append(ssh._keepalive_interval)
            return list(intervals)  # the agent's exit, on close, switches once more
        finally:
            await connection.close()
            server.close()

    intervals = asyncio.run(main())
    assert intervals == [IDLE_SECONDS] + [BUSY_SECONDS, IDLE_SECONDS] * 2 + [IDLE_SECONDS]
