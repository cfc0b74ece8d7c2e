"""One connection per host and one agent per (host, become user), opened on first use."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from corral.errors import CorralError
from corral.executor.options import RunOptions
from corral.inventory import connection_spec
from corral.transport.agent_client import AgentSession
from corral.transport.connection import Connection
from corral.transport.local import LocalConnection
from corral.transport.options import ConnectOptions

CLOSE_SECONDS = 10.0  # a normal end: every agent exits and cleans up well within this
MAX_HANDSHAKES = 64
"""Connections opened at the same time, whatever --forks is. A handshake costs the
controller a few ms of CPU (key exchange, signatures); thousands at once on a few cores
would stretch each past its connect timeout, and hosts would seem unreachable. Waiting
here does not count against the timeout, which starts with the handshake."""


class ConnectionPool:
    """Opens connections lazily and keeps them for the whole run."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self._connections: dict[str, Connection] = {}
        self._agents: dict[tuple[str, str | None], AgentSession] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._handshakes = asyncio.Semaphore(MAX_HANDSHAKES)
        self._hosts_up: set[str] = set()  # hosts with an agent
        self._dialled: dict[str, socket.socket] = {}  # preload's sockets, until their host connects
        self.last_host_up: float | None = None  # time.monotonic() when a host's first agent was up

    async def agent(self, host: str, host_vars: Mapping[str, Any], become: bool,
                    become_user: str | None, become_method: str = "sudo") -> AgentSession:
        """The agent for ``host`` (as ``become_user`` when ``become``), started once."""
        key = (host, f"{become_method}:{become_user or 'root'}" if become else None)
        if key in self._agents:
            return self._agents[key]
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if key in self._agents:
                return self._agents[key]
            connection = await self._opened(host, host_vars)
            password = None
            if become:
                password = host_vars.get("ansible_become_password") or host_vars.get(
                    "ansible_become_pass") or self.options.become_password
            session = await connection.agent(become, become_user or "root" if become else None,
                                             str(password) if password is not None else None,
                                             become_method)
            if host not in self._hosts_up:
                self._hosts_up.add(host)
                self.last_host_up = time.monotonic()
            self._agents[key] = session
            return session

    def _connect(self, host: str, host_vars: Mapping[str, Any]) -> Connection:
        spec = connection_spec(host, host_vars)
        policy = self.options.host_key_policy or spec.host_key_policy
        options = ConnectOptions(
            host=host,
            address=spec.host,
            port=spec.port,
            user=spec.user or self.options.defaults.remote_user,
            key_file=spec.key_file or self.options.defaults.private_key_file,
            known_hosts=spec.known_hosts,
            host_key_policy=policy,  # type: ignore[arg-type]
            connect_timeout=self.options.connect_timeout,
            python_interpreter=spec.python_interpreter,
        )
        if spec.connection == "local":
            return LocalConnection(host, spec.python_interpreter)
        from corral.transport.asyncssh_import import import_asyncssh

        import_asyncssh()  # only when SSH is used, and without its slowest step
        from corral.transport.ssh import SshConnection

        return SshConnection(options, self._dialled.pop(host, None))

    def preload(self, hosts: list[tuple[str, Mapping[str, Any]]]) -> None:
        """Before the run, for the hosts it reaches first: dial their sshd (early_dial),
        then import the SSH library they need (a tenth of a second), so that the run
        starts with neither. A host whose vars are broken fails later, in the run,
        where it always did."""
        from corral.transport.early_dial import dial, inventory_decides_routes

        ssh = False
        may_dial = inventory_decides_routes()
        for host, host_vars in hosts[:MAX_HANDSHAKES]:
            try:
                spec = connection_spec(host, host_vars)
            except CorralError:
                continue
            if spec.connection == "local":
                continue
            ssh = True
            sock = dial(spec.host, spec.port) if may_dial and host not in self._dialled else None
            if sock is not None:
                self._dialled[host] = sock
        if ssh:
            from corral.transport.asyncssh_import import import_asyncssh

            import_asyncssh()

    def become_password(self, host_vars: Mapping[str, Any]) -> str | None:
        """The become password for a host: its inventory's, else the one given with -K."""
        password = host_vars.get("ansible_become_password") or host_vars.get(
            "ansible_become_pass") or self.options.become_password
        return str(password) if password is not None else None

    async def connection(self, host: str, host_vars: Mapping[str, Any]) -> Connection:
        """The connection to ``host``, opened once, without starting an agent (raw, reboot)."""
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            return await self._opened(host, host_vars)

    async def _opened(self, host: str, host_vars: Mapping[str, Any]) -> Connection:
        """The host's connection, opened now if need be (under the host's lock)."""
        connection = self._connections.get(host)
        if connection is None:
            connection = self._connect(host, host_vars)
            async with self._handshakes:
                await connection.open()
            self._connections[host] = connection
        return connection

    async def forget(self, host: str) -> None:
        """Drop the host's connection and agents (it rebooted): the next use reconnects."""
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            for key in [k for k in self._agents if k[0] == host]:
                session = self._agents.pop(key)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(session.close(), 5)
            connection = self._connections.pop(host, None)
            if connection is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 5)

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per-host totals over its agents, for `--stats`."""
        out: dict[str, dict[str, Any]] = {}
        for (host, _user), session in self._agents.items():
            row = out.setdefault(host, {})
            for key, value in asdict(session.stats).items():
                row[key] = row.get(key, 0) + value
        return out

    def cancel_running(self) -> int:
        """Send a cancel to every agent that is answering a request; how many were sent.

        Returns at once: the agents stop the requests' processes while the caller
        goes on (the first step of a Ctrl-C, on every host at the same time).
        """
        return sum(session.cancel() for session in self._agents.values())

    async def close(self, deadline: float = CLOSE_SECONDS,
                    hurry: asyncio.Event | None = None) -> None:
        """Close every connection at the same time (each stops its agents first).

        Whatever is not closed after ``deadline`` seconds, or once ``hurry`` is set
        (a second Ctrl-C), is cut off without waiting: its agents still see the end
        of their input and stop on their own.
        """
        for sock in self._dialled.values():  # hosts the run never reached
            sock.close()
        self._dialled = {}
        connections = list(self._connections.values())
        self.cancel_running()
        self._agents.clear()
        self._connections.clear()
        if not connections:
            return
        closing = {asyncio.ensure_future(connection.close()) for connection in connections}
        try:
            await _wait_all(closing, deadline, hurry)
        finally:
            for task in closing:
                task.cancel()
            for connection in connections:
                connection.abort()


async def _wait_all(tasks: set[asyncio.Task[None]], deadline: float,
                    hurry: asyncio.Event | None) -> None:
    """Until every task is done, ``deadline`` seconds have passed, or ``hurry`` is set."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + deadline
    hurried = asyncio.ensure_future((hurry or asyncio.Event()).wait())
    pending = set(tasks)
    try:
        while pending and not hurried.done() and loop.time() < ends:
            done, _ = await asyncio.wait({*pending, hurried}, timeout=ends - loop.time(),
                                         return_when=asyncio.FIRST_COMPLETED)
            pending -= done
    finally:
        hurried.cancel()
