"""The SSH transport against real sshd hosts of the local fleet."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import asyncssh
import pytest

from corral.errors import BecomeError, HostUnreachable, UnreachableCause
from corral.transport.agent_client import AgentSession
from corral.transport.options import ConnectOptions
from corral.transport.ssh import SshConnection

pytestmark = pytest.mark.fleet

T = TypeVar("T")

FACTS = '''
import os, pwd, socket
from corral.modules._api import Plan
def inspect(ctx, args):
    return {"uid": os.getuid(), "user": pwd.getpwuid(os.getuid()).pw_name,
            "hostname": socket.gethostname()}
def plan(ctx, args, current):
    return Plan(reason="facts gathered", data=current)
'''

SLEEP = '''
import time
def inspect(ctx, args):
    time.sleep(60)
'''


def light_host(fleet: Any) -> str:
    hosts: list[str] = fleet.light_hosts or fleet.hosts
    return hosts[0]


def options(fleet: Any, user: str = "root", **changes: Any) -> ConnectOptions:
    host = light_host(fleet)
    base = ConnectOptions(host=host, address="127.0.0.1", port=fleet.port(host), user=user,
                          key_file=str(fleet.key_path), known_hosts=str(fleet.known_hosts),
                          retries=0, connect_timeout=10)
    return replace(base, **changes)


def with_agent(opts: ConnectOptions, body: Callable[[AgentSession], Awaitable[T]],
               become: bool = False, become_user: str | None = None,
               become_password: str | None = None) -> T:
    async def main() -> T:
        async with SshConnection(opts) as connection:
            agent = await connection.agent(become, become_user, become_password)
            return await body(agent)
    return asyncio.run(main())


async def facts(agent: AgentSession) -> dict[str, Any]:
    result = await agent.run("facts", FACTS, {}, check=False, diff=False)
    assert result["status"] == "ok", result
    data: dict[str, Any] = result["data"]
    return data


def unreachable_cause(opts: ConnectOptions) -> UnreachableCause:
    with pytest.raises(HostUnreachable) as caught:
        with_agent(opts, facts)
    return caught.value.cause


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- connecting -----------------------------------------------------------------

def test_connect_and_run_a_module(fleet: Any) -> None:
    async def body(agent: AgentSession) -> None:
        data = await facts(agent)
        assert data["uid"] == 0 and data["user"] == "root"
        assert agent.hello is not None and agent.hello.protocol == 2
        assert agent.stats.round_trips == 1 and agent.stats.bytes_sent > 0
        loop = asyncio.get_running_loop()
        began = loop.time()
        for _ in range(50):
            await agent.ping()
        print(f"\nssh ping round trip: {(loop.time() - began) / 50 * 1e3:.3f} ms")
    with_agent(options(fleet), body)


def test_put_file_streams_to_the_host(fleet: Any, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    local = tmp_path / "blob"
    local.write_bytes(data)

    async def body(agent: AgentSession) -> None:
        staged = await agent.put_file(local)
        remote = fleet.exec(light_host(fleet), f"sha256sum {staged}").stdout.split()[0]
        assert remote == hashlib.sha256(data).hexdigest()
    with_agent(options(fleet), body)


def test_agents_per_become_user_share_one_connection(fleet: Any) -> None:
    async def main() -> None:
        async with SshConnection(options(fleet, user="deploy")) as connection:
            plain = await connection.agent()
            root = await connection.agent(become=True)
            assert root is await connection.agent(become=True, become_user="root")
            assert (await facts(plain))["user"] == "deploy"
            assert (await facts(root))["user"] == "root"
    asyncio.run(main())


# --- host keys ------------------------------------------------------------------

def test_strict_with_empty_known_hosts_is_a_host_key_failure(fleet: Any, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    assert unreachable_cause(options(fleet, known_hosts=str(empty))) is UnreachableCause.HOST_KEY


def test_accept_new_records_the_key_then_strict_passes(fleet: Any, tmp_path: Path) -> None:
    recorded = tmp_path / "ssh" / "known_hosts"
    with_agent(options(fleet, known_hosts=str(recorded), host_key_policy="accept-new"), facts)
    port = fleet.port(light_host(fleet))
    assert recorded.read_text().startswith(f"[127.0.0.1]:{port} ssh-")
    with_agent(options(fleet, known_hosts=str(recorded)), facts)


def test_accept_new_rejects_a_changed_key(fleet: Any, tmp_path: Path) -> None:
    port = fleet.port(light_host(fleet))
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {other}")
    opts = options(fleet, known_hosts=str(known), host_key_policy="accept-new")
    assert unreachable_cause(opts) is UnreachableCause.HOST_KEY
    assert known.read_text().count("\n") == 1  # nothing was added


def test_policy_off_skips_the_check(fleet: Any, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with_agent(options(fleet, known_hosts=str(empty), host_key_policy="off"), facts)


# --- unreachable causes -----------------------------------------------------------

def test_refused_port(fleet: Any) -> None:
    opts = options(fleet, port=free_port(), retries=1)
    assert unreachable_cause(opts) is UnreachableCause.REFUSED


def test_unknown_host_name(fleet: Any) -> None:
    assert unreachable_cause(options(fleet, address="no-such-host.invalid")) is UnreachableCause.DNS


def test_wrong_key_is_an_auth_failure(fleet: Any, tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(key))
    assert unreachable_cause(options(fleet, key_file=str(key))) is UnreachableCause.AUTH


def test_connection_dropped_mid_run_is_disconnected(fleet: Any) -> None:
    relay = fleet.relay(light_host(fleet))

    async def body(agent: AgentSession) -> None:
        asyncio.get_running_loop().call_later(1.0, relay.drop_all)
        with pytest.raises(HostUnreachable) as caught:
            await agent.run("sleep", SLEEP, {}, check=False, diff=False)
        assert caught.value.cause is UnreachableCause.DISCONNECTED

    try:
        with_agent(options(fleet, port=relay.port), body)
    finally:
        relay.stop()


# --- become ---------------------------------------------------------------------

def test_become_without_password(fleet: Any) -> None:
    data = with_agent(options(fleet, user="deploy"), facts, become=True)
    assert data["uid"] == 0


def test_become_with_password_and_not_in_argv(fleet: Any) -> None:
    host = light_host(fleet)

    async def body(agent: AgentSession) -> list[str]:
        data = await facts(agent)
        assert data["uid"] == 0
        listing = fleet.exec(host, "ps -eo args; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'")
        return [line for line in listing.stdout.splitlines() if "alice-secret" in line]

    leaks = with_agent(options(fleet, user="alice"), body, become=True,
                       become_password="alice-secret")
    assert leaks == []


def test_become_with_wrong_password(fleet: Any) -> None:
    with pytest.raises(BecomeError, match="wrong password"):
        with_agent(options(fleet, user="alice"), facts, become=True, become_password="nope")


def test_become_needing_a_password_says_to_use_ask_become_pass(fleet: Any) -> None:
    with pytest.raises(BecomeError, match="-K/--ask-become-pass"):
        with_agent(options(fleet, user="alice"), facts, become=True)


def test_become_unknown_user(fleet: Any) -> None:
    with pytest.raises(BecomeError, match="no such user"):
        with_agent(options(fleet, user="deploy"), facts, become=True, become_user="nobody-here")


def test_agent_leaves_no_staging_dir_behind(fleet: Any) -> None:
    async def body(agent: AgentSession) -> str:
        assert agent.hello is not None
        await agent.put_bytes(b"x")
        return agent.hello.staging
    staging = with_agent(options(fleet), body)
    check = fleet.exec(light_host(fleet), f"test -e {staging} && echo left || echo gone")
    assert check.stdout.strip() == "gone"
    assert os.path.basename(staging).startswith("corral-agent-")


def test_put_200mb_over_ssh_keeps_memory_bounded(fleet: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    block = os.urandom(1 << 20)
    with open(big, "wb") as handle:
        for _ in range(200):
            handle.write(block)
    host = light_host(fleet)
    Path("/proc/self/clear_refs").write_text("5")  # restart our peak RSS count
    before = _peak_kib(Path("/proc/self/status").read_text())

    async def body(agent: AgentSession) -> int:
        assert agent.hello is not None
        staged = await agent.put_file(big)
        size = fleet.exec(host, f"stat -c %s {staged}").stdout.strip()
        assert size == str(200 << 20)
        return _peak_kib(fleet.exec(host, f"cat /proc/{agent.hello.pid}/status").stdout)

    agent_peak = with_agent(options(fleet), body)
    controller_growth = _peak_kib(Path("/proc/self/status").read_text()) - before
    print(f"\n200 MB put over ssh: controller peak RSS growth {controller_growth} KiB, "
          f"agent peak RSS {agent_peak} KiB")
    assert controller_growth < 64 * 1024
    assert agent_peak < 64 * 1024


def _peak_kib(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc status")
