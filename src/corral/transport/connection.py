"""A connection to one host, and the agents (one per become user) started on it."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod

from corral.transport.agent_client import AgentSession
from corral.transport.become import DEFAULT_BECOME_TIMEOUT, Become
from corral.transport.bootstrap import loader_command
from corral.transport.pipes import AgentPipes
from corral.transport.raw import RawResult

AgentKey = tuple[bool, str, str]  # (become, user, method)


class Connection(ABC):
    """One host: open once, then ask for agents; each is started once and reused."""

    def __init__(self, host: str, python_interpreter: str | None = None,
                 become_timeout: float = DEFAULT_BECOME_TIMEOUT) -> None:
        self.host = host
        self.connect_seconds = 0.0
        self._python = python_interpreter
        self._become_timeout = become_timeout
        self._agents: dict[AgentKey, AgentSession] = {}
        self._starting: dict[AgentKey, asyncio.Lock] = {}

    @abstractmethod
    async def open(self) -> None:
        """Connect (raises HostUnreachable)."""

    @abstractmethod
    async def _spawn(self, command: str) -> AgentPipes:
        """Start ``command`` (a shell command line) on the host."""

    @abstractmethod
    async def run_raw(self, command: str, stdin: bytes | None = None,
                      timeout: float | None = None) -> RawResult:
        """Run a shell command line on the host without the agent (needs no Python there).

        Raises HostUnreachable if the connection is gone, TimeoutError after ``timeout``.
        """

    @abstractmethod
    async def _close_transport(self) -> None:
        """Close what ``open`` opened."""

    async def agent(self, become: bool = False, become_user: str | None = None,
                    become_password: str | None = None,
                    become_method: str = "sudo") -> AgentSession:
        """The agent for this login (or this become user), started on first use."""
        user = (become_user or "root") if become else ""
        key = (become, user, become_method if become else "")
        lock = self._starting.setdefault(key, asyncio.Lock())
        async with lock:
            session = self._agents.get(key)
            if session is None:
                session = await self._start(
                    Become(user, become_password, self._become_timeout, method=become_method)
                    if become else None)
                self._agents[key] = session
        return session

    async def _start(self, become: Become | None) -> AgentSession:
        command = loader_command(self._python)
        if become is not None:
            command = become.wrap(command)
        session = AgentSession(self.host, await self._spawn(command), become)
        session.stats.connect_seconds = self.connect_seconds
        await session.start()
        return session

    async def close(self) -> None:
        """Stop every agent (each cleans its staging dir), then the connection."""
        agents = list(self._agents.values())
        await asyncio.gather(*(agent.close() for agent in agents), return_exceptions=True)
        self._agents = {}
        await self._close_transport()

    def abort(self) -> None:
        """Cut every agent's channel and the connection now, without waiting; each agent
        sees the end of its input and stops what it runs on its own."""
        for agent in self._agents.values():
            agent.abort()
        self._agents = {}
        self._abort_transport()

    @abstractmethod
    def _abort_transport(self) -> None:
        """Drop what ``open`` opened, without waiting."""

    async def __aenter__(self) -> Connection:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
