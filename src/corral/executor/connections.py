"""One connection per host and one agent per (host, become user), opened on first use."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from corral.executor.options import RunOptions
from corral.inventory import connection_spec
from corral.transport.agent_client import AgentSession
from corral.transport.connection import Connection
from corral.transport.local import LocalConnection
from corral.transport.options import ConnectOptions


class ConnectionPool:
    """Opens connections lazily and keeps them for the whole run."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self._connections: dict[str, Connection] = {}
        self._agents: dict[tuple[str, str | None], AgentSession] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def agent(self, host: str, host_vars: Mapping[str, Any], become: bool,
                    become_user: str | None) -> AgentSession:
        """The agent for ``host`` (as ``become_user`` when ``become``), started once."""
        key = (host, (become_user or "root") if become else None)
        if key in self._agents:
            return self._agents[key]
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if key in self._agents:
                return self._agents[key]
            connection = self._connections.get(host)
            if connection is None:
                connection = self._connect(host, host_vars)
                await connection.open()
                self._connections[host] = connection
            password = None
            if become:
                password = host_vars.get("ansible_become_password") or host_vars.get(
                    "ansible_become_pass") or self.options.become_password
            session = await connection.agent(become, become_user or "root" if become else None,
                                             str(password) if password is not None else None)
            self._agents[key] = session
            return session

    def _connect(self, host: str, host_vars: Mapping[str, Any]) -> Connection:
        spec = connection_spec(host, host_vars)
        policy = self.options.host_key_policy or spec.host_key_policy
        options = ConnectOptions(
            host=host,
            address=spec.host,
            port=spec.port,
            user=spec.user,
            key_file=spec.key_file,
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

        return SshConnection(options)

    def become_password(self, host_vars: Mapping[str, Any]) -> str | None:
        """The become password for a host: its inventory's, else the one given with -K."""
        password = host_vars.get("ansible_become_password") or host_vars.get(
            "ansible_become_pass") or self.options.become_password
        return str(password) if password is not None else None

    async def connection(self, host: str, host_vars: Mapping[str, Any]) -> Connection:
        """The connection to ``host``, opened once, without starting an agent (raw, reboot)."""
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            connection = self._connections.get(host)
            if connection is None:
                connection = self._connect(host, host_vars)
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

    async def close(self) -> None:
        for session in list(self._agents.values()):
            try:
                await session.close()
            except Exception:
                continue
        for connection in list(self._connections.values()):
            try:
                await connection.close()
            except Exception:
                continue
        self._agents.clear()
        self._connections.clear()
