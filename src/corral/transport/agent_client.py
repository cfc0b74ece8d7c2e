"""The controller's end of one remote agent: typed requests over framed JSON."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import io
import itertools
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from corral.errors import HostError, HostUnreachable, ProtocolError, UnreachableCause
from corral.transport.become import Become
from corral.transport.errors import unreachable
from corral.transport.framing import PROTOCOL_VERSION, encode_frame, read_frame, write_frame
from corral.transport.handshake import start_agent
from corral.transport.pipes import AgentPipes, StderrTail

PUT_CHUNK = 256 * 1024
EXIT_TIMEOUT = 5.0


@dataclass
class Stats:
    """Counters for ``--stats``.

    ``requests`` counts frames sent (each put chunk is one); ``round_trips``
    counts request/response pairs waited for (a whole pipelined put is one).
    """

    requests: int = 0
    round_trips: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    connect_seconds: float = 0.0
    bootstrap_seconds: float = 0.0
    module_seconds: float = 0.0


@dataclass(frozen=True)
class Hello:
    """What the agent said about itself when it started."""

    protocol: int
    python: tuple[int, ...]
    pid: int
    uid: int
    user: str
    staging: str


@functools.lru_cache(maxsize=256)
def _source_sha(source: str) -> str:
    """The sha256 hex of a module's source, under which hosts keep its compiled code."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=256)
def _packed_source(source: str) -> str:
    """Base64 of zlib of a module's source, made once per process and only when some host
    lacks the module (on a re-run every host has them: compressing them all cost ~2 ms each)."""
    return base64.b64encode(zlib.compress(source.encode("utf-8"), 6)).decode("ascii")


class AgentSession:
    """One running agent on one host, as one user. Requests are serialised."""

    def __init__(self, host: str, pipes: AgentPipes, become: Become | None = None,
                 start_timeout: float = 30.0) -> None:
        self.host = host
        self.stats = Stats()
        self.hello: Hello | None = None
        self._pipes = pipes
        self._become = become
        self._start_timeout = become.timeout if become is not None else start_timeout
        self._tail = StderrTail(pipes.stderr)
        self._tail_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)
        self._sent_modules: set[tuple[str, str]] = set()
        self._host_cached: frozenset[str] = frozenset()  # shas the host has compiled already
        self._broken: HostError | None = None
        self._closed = False
        self._inflight: int | None = None  # the request the agent is answering, if any
        self._cancelled: int | None = None  # the last request a cancel frame was sent for

    @property
    def stderr(self) -> str:
        """The last bytes the agent (and the modules it ran) wrote to stderr."""
        return self._tail.text()

    async def start(self) -> Hello:
        """Stream the agent, wait for its hello and check the protocol version."""
        began = time.monotonic()
        self._tail_task = asyncio.ensure_future(self._tail.pump())
        try:
            await start_agent(self.host, self._pipes, self._tail, self._become, self._start_timeout)
            frame = await self._read("waiting for the agent's hello")
            self.hello = self._check_hello(frame)
            cached = frame.get("cached")
            if isinstance(cached, list):
                self._host_cached = frozenset(str(s) for s in cached)
        except BaseException:
            await self._kill()
            raise
        self.stats.bootstrap_seconds = time.monotonic() - began
        return self.hello

    def _check_hello(self, frame: dict[str, Any]) -> Hello:
        if frame.get("op") != "hello":
            raise ProtocolError(f"{self.host}: expected the agent's hello, got {frame!r:.200}")
        if frame.get("protocol") != PROTOCOL_VERSION:
            raise ProtocolError(f"{self.host}: the agent speaks protocol {frame.get('protocol')!r}, "
                                f"this controller speaks {PROTOCOL_VERSION}")
        return Hello(int(frame["protocol"]), tuple(frame["python"]), int(frame["pid"]),
                     int(frame["uid"]), str(frame["user"]), str(frame["staging"]))

    # --- requests ---------------------------------------------------------

    async def ping(self) -> dict[str, Any]:
        return await self.request({"op": "ping"})

    async def run(self, module_name: str, source: str, args: dict[str, Any], check: bool,
                  diff: bool, staged: dict[str, str] | None = None,
                  requires: Sequence[tuple[str, str]] = (),
                  environment: Mapping[str, Any] | None = None,
                  job: Mapping[str, Any] | None = None, site: bool = True) -> dict[str, Any]:
        """Run a module on the host; returns its result dict (status, msg, diff, changes, data).

        ``job`` (``jid``, ``timeout``): start it in the background instead
        (``async``, task ``timeout``; needs the ``_jobs`` support file in ``requires``).

        ``requires``: (name, source) of support files the module imports as
        ``corral.modules.NAME``; like the module, each is sent once per agent.
        ``site``: the module may import from the host's site-packages (a user's
        module); corral's built-ins need only the stdlib, so they pass False.
        """
        sha = _source_sha(source)
        key = (module_name, sha)
        support = [(name, _source_sha(text), text) for name, text in requires]
        request: dict[str, Any] = {"op": "run", "module": module_name, "sha": sha, "args": args,
                                   "check": check, "diff": diff, "staged": staged or {}}
        if site:
            request["site"] = True
        if job is not None:
            request["job"] = dict(job)
        if environment:
            request["environment"] = {str(k): None if v is None else str(v)
                                      for k, v in environment.items()}
        if support:
            request["requires"] = [
                {"name": name, "sha": s_sha}
                | ({} if self._known(name, s_sha) else {"source": _packed_source(text)})
                for name, s_sha, text in support
            ]
        began = time.monotonic()
        try:
            if not self._known(module_name, sha):
                request["source"] = _packed_source(source)
            response = await self._call(request)
            if _error_type(response) == "need_source":
                full = {**request, "source": _packed_source(source)}
                if support:
                    full["requires"] = [{"name": n, "sha": h, "source": _packed_source(t)}
                                        for n, h, t in support]
                response = await self._call(full)
            if _error_type(response) == "module_load":
                return _failed_result(str(response["error"].get("msg", "")))
            self._sent_modules.add(key)
            self._sent_modules.update((name, s_sha) for name, s_sha, _ in support)
            return self._result(response)
        finally:
            self.stats.module_seconds += time.monotonic() - began

    def _known(self, name: str, sha: str) -> bool:
        """The agent has this module: sent in this run, or compiled on the host before."""
        return (name, sha) in self._sent_modules or sha in self._host_cached

    async def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its result; a failed request raises HostError."""
        return self._result(await self._call(request))

    async def put_file(self, path: Path) -> str:
        """Stream a local file to the host's staging dir; returns the remote path."""
        with open(path, "rb") as handle:
            return await self._put(handle)

    async def put_bytes(self, data: bytes) -> str:
        """Stage ``data`` as a file on the host; returns the remote path."""
        return await self._put(io.BytesIO(data))

    async def _put(self, handle: BinaryIO) -> str:
        async with self._lock:
            self._usable()
            token = next(self._ids)
            hasher = hashlib.sha256()
            await self._send({"op": "put_begin", "put": token})
            while chunk := handle.read(PUT_CHUNK):
                hasher.update(chunk)
                await self._send({"op": "put_chunk", "put": token,
                                  "data": base64.b64encode(chunk).decode("ascii")})
            rid = next(self._ids)
            await self._send({"id": rid, "op": "put_end", "put": token,
                              "sha256": hasher.hexdigest()})
            response = await self._answer(rid)
        return str(self._result(response)["path"])

    def cancel(self) -> bool:
        """Ask the agent to stop the running request and every process it started.

        Sent at once, without waiting (the request's own coroutine may hold the
        lock, or be cancelled); True if a cancel frame went out.
        """
        rid = self._inflight
        if rid is None or rid == self._cancelled:
            return False
        try:
            self._pipes.stdin.write(encode_frame({"op": "cancel", "target": rid}))
        except Exception:  # the channel is already gone: the agent sees end of input
            return False
        self._cancelled = rid
        return True

    async def close(self) -> None:
        """Ask the agent to exit (it removes its staging dir); kill it if it does not.

        A session cut mid-request (Ctrl-C) is asked nothing: a cancel and the end
        of input make the agent stop what the request started, clean up and exit.
        """
        if self._closed:
            return
        self._closed = True
        try:
            if self._broken is None and self._inflight is None:
                await asyncio.wait_for(self._call({"op": "exit"}), EXIT_TIMEOUT)
            else:
                self.cancel()
            self._pipes.stdin.write_eof()
            await asyncio.wait_for(self._pipes.wait(), EXIT_TIMEOUT)
        except (HostError, asyncio.TimeoutError, OSError):
            pass
        await self._kill()

    def abort(self) -> None:
        """Cut the channel now, without waiting: the agent sees the end of its input and
        stops (and cleans up) on its own."""
        self._closed = True
        try:
            self._pipes.stdin.close()
        except Exception:  # already closed or broken: nothing left to cut
            pass
        if self._tail_task is not None:
            self._tail_task.cancel()

    # --- plumbing ---------------------------------------------------------

    async def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        async with self._lock:
            self._usable()
            rid = next(self._ids)
            self._pipes.busy(True)
            try:
                await self._send({"id": rid, **request})
                return await self._answer(rid)
            finally:
                self._pipes.busy(False)

    async def _answer(self, rid: int) -> dict[str, Any]:
        """The response to ``rid``; until it arrives the request is in flight (cancellable)."""
        self._inflight = rid
        response = await self._receive(rid)
        self._inflight = None
        return response

    def _usable(self) -> None:
        if self._broken is not None:
            raise self._broken
        if self.hello is None:
            raise ProtocolError(f"{self.host}: the agent session is not started")

    async def _send(self, frame: dict[str, Any]) -> None:
        try:
            self.stats.bytes_sent += await write_frame(self._pipes.stdin, frame)
        except ProtocolError:
            raise
        except (asyncio.CancelledError, KeyboardInterrupt):
            self._interrupted("sending a request")
            raise
        except Exception as exc:
            raise self._break(exc, "sending a request") from exc
        self.stats.requests += 1

    async def _receive(self, rid: int) -> dict[str, Any]:
        frame = await self._read("waiting for a response")
        self.stats.round_trips += 1
        if frame.get("id") != rid:
            error = frame.get("error") or {}
            self._broken = ProtocolError(
                f"{self.host}: expected the response to request {rid}, got "
                f"{frame.get('id')!r}: {error.get('msg', '')}".rstrip(": "))
            raise self._broken
        return frame

    async def _read(self, doing: str) -> dict[str, Any]:
        try:
            frame, size = await read_frame(self._pipes.stdout)
        except ProtocolError as exc:
            self._broken = exc
            raise
        except (asyncio.CancelledError, KeyboardInterrupt):
            self._interrupted(doing)
            raise
        except Exception as exc:
            raise self._break(exc, doing) from exc
        self.stats.bytes_received += size
        return frame

    def _interrupted(self, doing: str) -> None:
        """A request cut in half leaves the stream out of step: the session is done."""
        self._broken = HostUnreachable(self.host, UnreachableCause.DISCONNECTED,
                                       f"a request was interrupted while {doing}")

    def _break(self, exc: Exception, doing: str) -> HostError:
        """Remember that this session is unusable and say why."""
        detail = f"{doing}; agent stderr: {self._tail.text().strip()[-300:]}" \
            if self._tail.text().strip() else doing
        self._broken = unreachable(self.host, exc, detail)
        return self._broken

    def _result(self, response: dict[str, Any]) -> dict[str, Any]:
        if response.get("ok"):
            result = response.get("result")
            return result if isinstance(result, dict) else {"value": result}
        error = response.get("error") or {}
        raise HostError(f"{self.host}: agent request failed ({error.get('type', '?')}): "
                        f"{error.get('msg', '')}")

    async def _kill(self) -> None:
        try:
            await self._pipes.kill()
        except Exception:
            pass
        if self._tail_task is not None:
            self._tail_task.cancel()


def _failed_result(msg: str) -> dict[str, Any]:
    """A module result for a module that could not even be loaded on the host."""
    return {"status": "failed", "msg": msg, "diff": None, "changes": [], "data": {}}


def _error_type(response: dict[str, Any]) -> str | None:
    if response.get("ok"):
        return None
    error = response.get("error")
    return str(error.get("type")) if isinstance(error, dict) else None
