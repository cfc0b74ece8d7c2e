#!/usr/bin/env python3
"""A fault-injecting TCP relay for corral's tests and benchmarks (stdlib only).

Listens on a loopback port and forwards every connection to a target port
(a fleet host's sshd), adding faults:

  delay_up_ms / delay_down_ms  one-way latency per direction (client->target is "up").
                               Each chunk is held for that long, but chunks are
                               pipelined: throughput is not divided by the delay.
  stall(seconds)               stop forwarding in both directions for a while
                               (connections stay open, bytes wait).
  drop_all()                   abort every open connection (RST to both sides).
  drop_after_bytes             abort a connection once it has carried that many bytes.

In-process use (async):

    relay = Relay(0, 22203, delay_up_ms=10, delay_down_ms=10)
    await relay.start(); relay.port  # the port it listens on
    await relay.stall(2); await relay.drop_all(); await relay.stop()

or from sync code (pytest), ThreadedRelay has the same methods, run on a private loop:

    with ThreadedRelay(0, 22203, delay_up_ms=10) as relay: ...

As a process (what `fleet up --relay host03:delay=10` runs):

    relay.py --listen 23203 --target 22203 --spec delay=10,drop_after=100000
    SIGUSR1: drop every connection;  SIGUSR2: stall 5 seconds;  SIGTERM: exit.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

CHUNK = 65536
T = TypeVar("T")


@dataclass
class Faults:
    delay_up_ms: float = 0.0
    delay_down_ms: float = 0.0
    drop_after_bytes: int | None = None

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """`delay=10,delay_up=5,delay_down=20,drop_after=4096` (all optional)."""
        faults = cls()
        for item in filter(None, (part.strip() for part in spec.split(","))):
            key, _, value = item.partition("=")
            if key == "delay":
                faults.delay_up_ms = faults.delay_down_ms = float(value)
            elif key == "delay_up":
                faults.delay_up_ms = float(value)
            elif key == "delay_down":
                faults.delay_down_ms = float(value)
            elif key == "drop_after":
                faults.drop_after_bytes = int(value)
            else:
                raise ValueError(
                    f"unknown relay fault {key!r} in {spec!r}: use delay, delay_up, delay_down, drop_after"
                )
        return faults


class _Connection:
    """One relayed connection: two pipes (up, down) and a shared byte count."""

    def __init__(
        self,
        relay: Relay,
        client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    ) -> None:
        self.relay = relay
        self.client = client
        self.upstream = upstream
        self.carried = 0
        self.tasks: list[asyncio.Task[None]] = []

    async def run(self) -> None:
        self.tasks = [
            asyncio.ensure_future(self._pipe(self.client[0], self.upstream[1], "up")),
            asyncio.ensure_future(self._pipe(self.upstream[0], self.client[1], "down")),
        ]
        try:
            await asyncio.gather(*self.tasks)
        except (asyncio.CancelledError, ConnectionError, OSError):
            pass
        finally:
            self.abort()

    def abort(self) -> None:
        for _, writer in (self.client, self.upstream):
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, direction: str
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(maxsize=256)
        sender = asyncio.ensure_future(self._send(queue, writer))
        try:
            while True:
                data = await reader.read(CHUNK)
                delay = (
                    self.relay.faults.delay_up_ms
                    if direction == "up"
                    else self.relay.faults.delay_down_ms
                )
                await queue.put((asyncio.get_running_loop().time() + delay / 1000, data))
                if not data:
                    break
            await sender
        finally:
            sender.cancel()

    async def _send(
        self, queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.relay._flowing.wait()
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            self.carried += len(data)
            limit = self.relay.faults.drop_after_bytes
            if limit is not None and self.carried > limit:
                self.abort()
                return
            writer.write(data)
            await writer.drain()


class Relay:
    """The asyncio relay. listen_port 0 picks a free port (see .port after start())."""

    def __init__(
        self,
        listen_port: int,
        target_port: int,
        *,
        delay_up_ms: float = 0,
        delay_down_ms: float = 0,
        drop_after_bytes: int | None = None,
        host: str = "127.0.0.1",
        target_host: str = "127.0.0.1",
    ) -> None:
        self.faults = Faults(delay_up_ms, delay_down_ms, drop_after_bytes)
        self.port = listen_port
        self.target = (target_host, target_port)
        self.host = host
        self.connections: set[_Connection] = set()
        self.accepted = 0
        self._server: asyncio.base_events.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._resume: asyncio.TimerHandle | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, self.host, self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self.drop_all()

    async def drop_all(self) -> None:
        """Abort every open connection now (both sides see a reset)."""
        for connection in list(self.connections):
            connection.abort()
        await asyncio.sleep(0)

    async def stall(self, seconds: float) -> None:
        """Stop forwarding for `seconds` (returns at once; forwarding resumes by itself)."""
        self._flowing.clear()
        if self._resume is not None:
            self._resume.cancel()
        self._resume = asyncio.get_running_loop().call_later(seconds, self._flowing.set)

    async def set_faults(
        self,
        *,
        delay_up_ms: float | None = None,
        delay_down_ms: float | None = None,
        drop_after_bytes: int | None = None,
    ) -> None:
        if delay_up_ms is not None:
            self.faults.delay_up_ms = delay_up_ms
        if delay_down_ms is not None:
            self.faults.delay_down_ms = delay_down_ms
        self.faults.drop_after_bytes = drop_after_bytes

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            upstream = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        connection = _Connection(self, (reader, writer), upstream)
        self.connections.add(connection)
        try:
            await connection.run()
        finally:
            self.connections.discard(connection)


class ThreadedRelay:
    """Relay on its own event loop in a daemon thread, with blocking methods."""

    def __init__(self, listen_port: int, target_port: int, **kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="corral-relay", daemon=True
        )
        self._thread.start()
        self.relay: Relay = self._call(self._make(listen_port, target_port, kwargs))

    @staticmethod
    async def _make(listen_port: int, target_port: int, kwargs: dict[str, Any]) -> Relay:
        return Relay(
            listen_port, target_port, **kwargs
        )  # created on the loop: its Event binds there

    @property
    def port(self) -> int:
        return self.relay.port

    @property
    def accepted(self) -> int:
        return self.relay.accepted

    def start(self) -> ThreadedRelay:
        self._call(self.relay.start())
        return self

    def stop(self) -> None:
        if self._loop.is_closed():
            return
        self._call(self.relay.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def drop_all(self) -> None:
        self._call(self.relay.drop_all())

    def stall(self, seconds: float) -> None:
        self._call(self.relay.stall(seconds))

    def set_faults(self, **kwargs: Any) -> None:
        self._call(self.relay.set_faults(**kwargs))

    def __enter__(self) -> ThreadedRelay:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(30)


async def _serve(listen: int, target: int, faults: Faults) -> None:
    relay = Relay(
        listen,
        target,
        delay_up_ms=faults.delay_up_ms,
        delay_down_ms=faults.delay_down_ms,
        drop_after_bytes=faults.drop_after_bytes,
    )
    await relay.start()
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    loop.add_signal_handler(signal.SIGINT, done.set)
    loop.add_signal_handler(signal.SIGUSR1, lambda: asyncio.ensure_future(relay.drop_all()))
    loop.add_signal_handler(signal.SIGUSR2, lambda: asyncio.ensure_future(relay.stall(5)))
    print(f"relay 127.0.0.1:{relay.port} -> 127.0.0.1:{target} {faults}", flush=True)
    await done.wait()
    await relay.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="fault-injecting TCP relay (see module docstring)")
    parser.add_argument("--listen", type=int, required=True, help="port to listen on (127.0.0.1)")
    parser.add_argument("--target", type=int, required=True, help="port to forward to (127.0.0.1)")
    parser.add_argument(
        "--spec", default="", help="faults: delay=MS,delay_up=MS,delay_down=MS,drop_after=BYTES"
    )
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.listen, args.target, Faults.parse(args.spec)))


if __name__ == "__main__":
    main()
