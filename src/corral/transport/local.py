"""Running the agent on this machine, in a subprocess (``ansible_connection: local``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

from corral.transport.become import DEFAULT_BECOME_TIMEOUT
from corral.transport.connection import Connection
from corral.transport.pipes import AgentPipes
from corral.transport.raw import RawResult

_STREAM_LIMIT = 1024 * 1024
_KILL_GRACE = 2.0


class LocalConnection(Connection):
    """The controller's own machine; the agent runs under this Python unless told otherwise."""

    def __init__(self, host: str = "localhost", python_interpreter: str | None = None,
                 become_timeout: float = DEFAULT_BECOME_TIMEOUT) -> None:
        super().__init__(host, python_interpreter or sys.executable, become_timeout)

    async def open(self) -> None:
        return None

    async def _close_transport(self) -> None:
        return None

    def _abort_transport(self) -> None:
        return None  # nothing but the agents' pipes, which abort() has closed

    async def run_raw(self, command: str, stdin: bytes | None = None,
                      timeout: float | None = None) -> RawResult:
        process = await asyncio.create_subprocess_shell(
            command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True)
        try:
            out, err = await asyncio.wait_for(process.communicate(stdin), timeout)
        except asyncio.TimeoutError as exc:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            raise TimeoutError(f"the command did not finish in {timeout:g} s") from exc
        return RawResult(process.returncode if process.returncode is not None else -1, out, err)

    async def _spawn(self, command: str) -> AgentPipes:
        process = await asyncio.create_subprocess_shell(
            command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, limit=_STREAM_LIMIT, start_new_session=True)
        stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
        assert stdin is not None and stdout is not None and stderr is not None

        async def kill() -> None:
            stdin.close()  # an agent exits (and cleans up) on end of input
            for signum in (0, signal.SIGTERM, signal.SIGKILL):
                if signum:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signum)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(process.wait(), _KILL_GRACE)
                    return

        async def wait() -> None:
            await process.wait()

        return AgentPipes(stdin, stdout, stderr, kill, wait)
