"""One asyncssh connection per host, with the agents started on it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from typing import Any

import asyncssh

from corral.errors import HostUnreachable, UnreachableCause
from corral.transport.ciphers import cipher_preference
from corral.transport.connection import Connection
from corral.transport.early_dial import connected
from corral.transport.errors import is_transient, unreachable
from corral.transport.host_keys import (
    AcceptNewClient,
    first_contact_algs,
    known_hosts_option,
    known_hosts_path,
)
from corral.transport.keepalive import COUNT_MAX, IDLE_SECONDS, KeepaliveSwitch
from corral.transport.options import ConnectOptions
from corral.transport.pipes import AgentPipes
from corral.transport.raw import RawResult

BACKOFF_SECONDS = 0.5
_CLOSE_GRACE = 2.0

logging.getLogger("asyncssh").setLevel(logging.WARNING)


class SshConnection(Connection):
    """A host reached over SSH; honours ~/.ssh/config, ssh-agent and default keys."""

    def __init__(self, options: ConnectOptions, dialled: socket.socket | None = None) -> None:
        """``dialled``: a TCP connection to the host opened before (see early_dial)."""
        super().__init__(options.host, options.python_interpreter, options.become_timeout)
        self.options = options
        self._dialled = dialled
        self._conn: asyncssh.SSHClientConnection | None = None
        self._keepalive = KeepaliveSwitch(self._set_keepalive)  # shared by its agents

    async def open(self) -> None:
        began = time.monotonic()
        attempt = 0
        prefer_new = True
        while True:
            client = self._accept_new_client()
            try:
                if await self._connect_dialled(client, prefer_new):
                    break
                self._conn = await asyncssh.connect(
                    self.options.address, **self._connect_kwargs(client, prefer_new))
                break
            except Exception as exc:
                if client is not None and client.known_by_other_types and prefer_new:
                    prefer_new = False  # known under another name: let asyncssh pick its type
                    continue
                if attempt >= self.options.retries or not is_transient(exc):
                    raise unreachable(self.host, exc, self._target()) from exc
            await asyncio.sleep(BACKOFF_SECONDS * 2**attempt)
            attempt += 1
        self.connect_seconds = time.monotonic() - began

    async def _connect_dialled(self, client: AcceptNewClient | None, prefer_new: bool) -> bool:
        """The handshake over the early-dialled socket, if there is one that connected;
        False (and the socket dropped) otherwise, or if the connection broke during the
        handshake (sshd's grace time ran out...): then the host is dialled as usual. Any
        other failure (auth, host key) is the host's answer, raised as from a usual dial."""
        sock, self._dialled = self._dialled, None
        if sock is None:
            return False
        if not connected(sock):
            sock.close()
            return False
        try:
            self._conn = await asyncssh.connect(
                self.options.address, sock=sock, **self._connect_kwargs(client, prefer_new))
        except Exception as exc:
            sock.close()
            if is_transient(exc):
                return False
            raise
        return True

    def _accept_new_client(self) -> AcceptNewClient | None:
        if self.options.host_key_policy != "accept-new":
            return None
        return AcceptNewClient(known_hosts_path(self.options.known_hosts))

    def _target(self) -> str:
        user = f"{self.options.user}@" if self.options.user else ""
        port = f":{self.options.port}" if self.options.port else ""
        return f"{user}{self.options.address}{port}"

    def _connect_kwargs(self, accept_new: AcceptNewClient | None = None,
                        prefer_new: bool = True) -> dict[str, Any]:
        opts = self.options
        kwargs: dict[str, Any] = {
            "known_hosts": known_hosts_option(opts.host_key_policy, opts.known_hosts),
            "connect_timeout": opts.connect_timeout,
            "keepalive_interval": IDLE_SECONDS,  # BUSY_SECONDS while a request runs
            "keepalive_count_max": COUNT_MAX,
            "password": None,
            "kbdint_auth": False,
        }
        ciphers = cipher_preference()
        if ciphers is not None:
            kwargs["encryption_algs"] = ciphers
        if opts.port is not None:
            kwargs["port"] = opts.port
        if opts.user is not None:
            kwargs["username"] = opts.user
        if opts.key_file is not None:
            kwargs["client_keys"] = [opts.key_file]
        if accept_new is not None:
            kwargs["client_factory"] = lambda: accept_new
            algs = first_contact_algs(opts, known_hosts_path(opts.known_hosts)) \
                if prefer_new else None
            if algs is not None:
                kwargs["server_host_key_algs"] = algs
        return kwargs

    async def _spawn(self, command: str) -> AgentPipes:
        conn = self._conn
        if conn is None:
            raise HostUnreachable(self.host, UnreachableCause.DISCONNECTED, "not connected")
        try:
            process = await conn.create_process(command, encoding=None)
        except Exception as exc:
            raise unreachable(self.host, exc, "starting the agent") from exc

        async def kill() -> None:
            process.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait_closed(), _CLOSE_GRACE)

        async def wait() -> None:
            await process.wait_closed()

        return AgentPipes(process.stdin, process.stdout, process.stderr, kill, wait,
                          self._keepalive)

    def _set_keepalive(self, seconds: float) -> None:
        if self._conn is not None:
            self._conn.set_keepalive(seconds, COUNT_MAX)

    def _abort_transport(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.abort()

    async def run_raw(self, command: str, stdin: bytes | None = None,
                      timeout: float | None = None) -> RawResult:
        conn = self._conn
        if conn is None:
            raise HostUnreachable(self.host, UnreachableCause.DISCONNECTED, "not connected")
        try:
            done = await conn.run(command, input=stdin, encoding=None, check=False, timeout=timeout)
        except asyncssh.TimeoutError as exc:
            raise TimeoutError(f"the command did not finish in {timeout:g} s") from exc
        except Exception as exc:
            raise unreachable(self.host, exc, "running a raw command") from exc
        rc = done.exit_status if done.exit_status is not None else -1
        return RawResult(rc, _as_bytes(done.stdout), _as_bytes(done.stderr))

    async def _close_transport(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.wait_closed(), _CLOSE_GRACE)


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return b"" if value is None else str(value).encode("utf-8", "replace")
