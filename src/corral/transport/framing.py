"""Wire protocol v2 between the controller and the remote agent.

v2 is v1 plus ``cancel`` and the error type ``cancelled``; every v1 frame
is still a valid v2 frame.

Bootstrap
    The controller runs one command on the host (an SSH exec channel, or a
    local shell): ``sh -c`` tries the configured interpreter, or else
    ``python3``, ``/usr/libexec/platform-python``, ``python`` (first found with
    ``command -v``) and ``exec``s it isolated, without site (``-I -S``), in ``/`` with a
    one-line loader and the folder it started in as ``argv[1]`` (the agent
    runs modules there), optionally under ``sudo -H -S -p <marker> -u USER
    --`` (``sudo -n`` without a password). Nothing found: the shell prints
    ``CORRAL-NO-PYTHON`` and the names it tried on stderr and exits 127.
    Python < 3.4 refuses ``-I``. The loader checks for Python >= 3.8, writes the ready line
    ``READY_LINE`` to stdout, then reads exactly N bytes from stdin,
    zlib-decompresses and execs them. Those bytes are ``agent/start.py``
    followed by ``start(KEY, <source of agent/remote.py>, <source of
    corral/modules/_api.py>)``: it checks the sources hash to KEY, runs their
    compiled code from the host's private cache when an intact entry for KEY
    is there (else compiles and stores it), and calls the agent's ``main``
    with the API's code; the agent installs that as the synthetic modules
    ``corral``, ``corral.modules`` and ``corral.modules._api``. A ``run``
    request with ``"site": true`` (a user's module) first adds the host's
    site-packages to ``sys.path``, as a start without ``-S`` would.

    Without become, or with ``sudo -n``, the controller writes the payload at
    once. With a sudo password it waits on stderr for the random prompt
    marker, writes the password and a newline, and only writes the payload
    after the ready line proves sudo has let Python start, so sudo can never
    swallow payload bytes. A second prompt means the password was wrong.
    The controller sends nothing after the payload until it has read the
    hello frame (the loader's buffered stdin must hold no request bytes).

Frames
    Each frame is a 4-byte big-endian unsigned length, then that many bytes
    of a UTF-8 JSON object. ``MAX_FRAME`` (16 MiB) is checked on the length,
    before any of the body is buffered, on both sides; an agent that receives
    an oversize length answers ``{"id": null, "ok": false, "error":
    {"type": "frame_too_large"}}`` and exits, since the stream can no longer
    be trusted. Never pickle.

Messages
    First frame from the agent: ``{"op": "hello", "protocol": 2, "python":
    [3, 11, 2], "pid": .., "uid": .., "user": .., "staging": DIR}``; the
    controller refuses any other protocol number.

    Request ``{"id": n, "op": ..., ...}``; response ``{"id": n, "ok": true,
    "result": ...}`` or ``{"id": n, "ok": false, "error": {"type": ..., "msg":
    ...}}``. Requests are answered in order, one at a time; the agent
    survives every failed request.

    ``ping``            -> ``{"pong": true, "time": ..}``
    ``run``             {module, sha (sha256 hex of the source), source?
                        (base64 of zlib of the source), args, check, diff,
                        staged?} -> the result dict of ``run_module``. Module
                        code is cached by (module, sha); without ``source`` an
                        unknown module fails with type ``need_source``; a
                        module that does not load fails with ``module_load``.
    ``put_begin``       {put: token} (no id, no response)
    ``put_chunk``       {put: token, data: base64} (no id, no response; pipelined)
    ``put_end``         {id, put: token, sha256} -> ``{"path", "sha256", "size"}``
                        of the file staged in the agent's private staging
                        directory, after checking the sha256 (``put_failed``).
    ``exit``            -> ``{"bye": true}``; the agent then removes its staging
                        directory and exits 0. End of input does the same.
    ``cancel``          {target: id} (no id, no response; v2). Read at once by
                        the agent's reader thread, even while a request runs:
                        if request ``target`` is running, the agent stops every
                        process it started (its descendants, their process
                        groups and sessions: SIGTERM, SIGKILL 0.3 s later) and
                        the request fails with type ``cancelled``. A cancel for
                        a request that is not running is ignored.

    End of input while a request runs (the controller is gone or hung up)
    stops the request's processes the same way; the agent then removes its
    staging directory and exits, within a second even if the module itself
    does not return. The controller never needs to signal host processes
    (under sudo it could not).

    Module output never reaches the frame channel: the agent moves its own
    stdout to stderr (fd 1 -> fd 2, stdin from /dev/null) and keeps private
    duplicates of the original descriptors for frames.
"""

from __future__ import annotations

import json
import struct
from typing import Any, Protocol

from corral.errors import ProtocolError

PROTOCOL_VERSION = 2
MAX_FRAME = 16 * 1024 * 1024
READY_LINE = b"<corral-agent-ready>\n"
_HEADER = struct.Struct(">I")


class ByteReader(Protocol):
    """What frames are read from: asyncssh SSHReader (binary) or asyncio StreamReader."""

    async def readexactly(self, n: int) -> bytes: ...


class ByteWriter(Protocol):
    """What frames are written to: asyncssh SSHWriter (binary) or asyncio StreamWriter."""

    def write(self, data: bytes) -> None: ...

    async def drain(self) -> None: ...


def encode_frame(obj: dict[str, Any]) -> bytes:
    """The bytes of one frame; a frame over MAX_FRAME, or not JSON, is refused here.

    Either way nothing was written: the request fails, the session goes on.
    """
    try:
        body = json.dumps(obj, separators=(",", ":")).encode("ascii")
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"the request cannot be sent as JSON: {exc}") from exc
    if len(body) > MAX_FRAME:
        raise ProtocolError(
            f"request of {len(body)} bytes exceeds the {MAX_FRAME} byte frame limit; "
            "stream large data with put_file instead"
        )
    return _HEADER.pack(len(body)) + body


def frame_length(header: bytes) -> int:
    """The body length announced by a 4-byte header, checked against MAX_FRAME."""
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ProtocolError(f"agent announced a {size} byte frame (limit {MAX_FRAME})")
    return int(size)


def decode_frame(body: bytes) -> dict[str, Any]:
    """The JSON object of one frame body."""
    try:
        obj = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"agent sent a frame that is not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise ProtocolError(f"agent sent a frame that is not an object: {type(obj).__name__}")
    return obj


async def read_frame(reader: ByteReader) -> tuple[dict[str, Any], int]:
    """Read one frame; returns the object and its size on the wire.

    End of input raises ``asyncio.IncompleteReadError`` (an ``EOFError``).
    """
    header = await reader.readexactly(_HEADER.size)
    size = frame_length(header)
    body = await reader.readexactly(size) if size else b""
    return decode_frame(body), size + _HEADER.size


async def write_frame(writer: ByteWriter, obj: dict[str, Any]) -> int:
    """Write one frame and wait for the transport to drain; returns bytes written."""
    data = encode_frame(obj)
    writer.write(data)
    await writer.drain()
    return len(data)
