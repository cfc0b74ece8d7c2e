"""Run an inventory script (``--list``, ``--host NAME``) with a timeout and bounded output.

The script is trusted (it is the user's inventory), but a hung or runaway script
must not hang or exhaust the controller: it is killed after
``CORRAL_INVENTORY_TIMEOUT`` seconds (default 60), and its standard output may
not exceed ``CORRAL_INVENTORY_MAX_BYTES`` (default 512 MiB, room for far more
than 100,000 hosts with their variables).
"""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
STDERR_KEPT = 8 * 1024  # the end of stderr shown on failure
_CHUNK = 1024 * 1024


class ScriptFailed(Exception):
    """The script could not be run, timed out, printed too much or exited non-zero."""


@dataclass(frozen=True)
class ScriptLimits:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_environment(cls) -> ScriptLimits:
        return cls(
            timeout=_positive("CORRAL_INVENTORY_TIMEOUT", DEFAULT_TIMEOUT, float),
            max_bytes=int(_positive("CORRAL_INVENTORY_MAX_BYTES", DEFAULT_MAX_BYTES, int)),
        )


def _positive(name: str, default: float, kind: type[float] | type[int]) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ScriptFailed(f"{name}={text!r} must be a positive number") from None
    if value <= 0:
        raise ScriptFailed(f"{name}={text!r} must be a positive number")
    return value


def run_script(path: Path, args: list[str], limits: ScriptLimits) -> bytes:
    """The script's standard output; ``ScriptFailed`` with its stderr's end otherwise."""
    try:
        process = subprocess.Popen(
            [str(path.resolve()), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=path.parent,
        )
    except OSError as exc:
        raise ScriptFailed(f"cannot run it: {exc.strerror or exc}") from exc
    try:
        out, err = _collect(process, limits)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    if process.returncode != 0:
        raise ScriptFailed(f"'{' '.join(args)}' exited with status {process.returncode}"
                           f"{_stderr_text(err)}")
    return out


def _collect(process: subprocess.Popen[bytes], limits: ScriptLimits) -> tuple[bytes, bytes]:
    assert process.stdout is not None and process.stderr is not None
    deadline = time.monotonic() + limits.timeout
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, out)
        selector.register(process.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise ScriptFailed(f"timed out after {limits.timeout:g} s (set "
                                   f"CORRAL_INVENTORY_TIMEOUT to allow more){_stderr_text(err)}")
            for key, _ in selector.select(timeout=left):
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer: bytearray = key.data
                buffer += chunk
                if buffer is err and len(err) > STDERR_KEPT:
                    del err[:-STDERR_KEPT]
                if len(out) > limits.max_bytes:
                    raise ScriptFailed(f"printed more than {limits.max_bytes} bytes (set "
                                       "CORRAL_INVENTORY_MAX_BYTES to allow more)")
    remaining = max(0.0, deadline - time.monotonic())
    try:
        process.wait(timeout=remaining)
    except subprocess.TimeoutExpired:
        raise ScriptFailed(f"timed out after {limits.timeout:g} s") from None
    return bytes(out), bytes(err)


def _stderr_text(err: bytes | bytearray) -> str:
    text = bytes(err).decode("utf-8", "replace").strip()
    return f"; its stderr said:\n{text}" if text else " (nothing on stderr)"
