"""The three byte streams of a started agent process, whatever carries them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from corral.transport.framing import ByteReader, ByteWriter

STDERR_KEEP = 64 * 1024


class LineReader(ByteReader, Protocol):
    async def readuntil(self, separator: bytes) -> bytes: ...


class ChunkReader(Protocol):
    async def read(self, n: int) -> bytes: ...


class EofWriter(ByteWriter, Protocol):
    def write_eof(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class AgentPipes:
    """stdin/stdout/stderr of the agent process and how to stop it for good."""

    stdin: EofWriter
    stdout: LineReader
    stderr: ChunkReader
    kill: Callable[[], Awaitable[None]]
    wait: Callable[[], Awaitable[None]]
    busy: Callable[[bool], None] = lambda busy: None
    """Told True when a request starts and False when it ends (SSH keepalives)."""


class StderrTail:
    """Drains an agent's stderr so it never blocks, keeping the last bytes for messages."""

    def __init__(self, stream: ChunkReader, keep: int = STDERR_KEEP) -> None:
        self._stream = stream
        self._keep = keep
        self._buf = bytearray()
        self._changed = asyncio.Condition()
        self.closed = False

    def text(self) -> str:
        return self._buf.decode("utf-8", "replace")

    async def pump(self) -> None:
        try:
            while True:
                chunk = await self._stream.read(65536)
                if not chunk:
                    break
                self._buf += chunk
                del self._buf[: max(0, len(self._buf) - self._keep)]
                async with self._changed:
                    self._changed.notify_all()
        except Exception:  # the channel died; whoever reads stdout reports it
            pass
        finally:
            self.closed = True
            async with self._changed:
                self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[str], bool]) -> bool:
        """Wait until ``predicate(text)`` holds (True) or stderr ends (False)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.closed or predicate(self.text()))
        return predicate(self.text())
