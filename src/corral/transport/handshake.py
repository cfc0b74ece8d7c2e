"""Getting the agent started: sudo's password prompt, the ready line, the payload."""

from __future__ import annotations

import asyncio
from typing import Any

from corral.errors import BecomeError, HostError, HostUnreachable, UnreachableCause
from corral.transport.become import Become, classify_sudo_failure, is_su_prompt, wrong_password
from corral.transport.bootstrap import (
    DEFAULT_INTERPRETERS,
    NO_ISOLATION,
    NO_PYTHON_MARKER,
    OLD_PYTHON_MARKER,
    agent_payload,
)
from corral.transport.framing import READY_LINE
from corral.transport.pipes import AgentPipes, StderrTail


async def start_agent(host: str, pipes: AgentPipes, tail: StderrTail,
                      become: Become | None, timeout: float) -> None:
    """Bring the loader to the point where the agent is running; raises HostError."""
    try:
        await asyncio.wait_for(_start(pipes, tail, become), timeout)
    except asyncio.TimeoutError:
        raise _timed_out(host, tail, become, timeout) from None
    except (EOFError, ConnectionError, OSError) as exc:
        raise await startup_failure(host, tail, become) from exc


async def _start(pipes: AgentPipes, tail: StderrTail, become: Become | None) -> None:
    if become is not None and become.password is not None and become.method == "su":
        await _su_with_password(pipes, tail, become)
    elif become is not None and become.password is not None:
        await _sudo_with_password(pipes, tail, become)
    else:
        await _send_payload(pipes)
        await pipes.stdout.readuntil(READY_LINE)


async def _send_payload(pipes: AgentPipes) -> None:
    try:
        pipes.stdin.write(agent_payload())
        await pipes.stdin.drain()
    except (ConnectionError, OSError):
        pass  # the process died early; its stdout EOF and stderr tell why


async def _sudo_with_password(pipes: AgentPipes, tail: StderrTail, become: Become) -> None:
    assert become.password is not None
    marker = become.marker
    ready = asyncio.ensure_future(pipes.stdout.readuntil(READY_LINE))
    try:
        if await _first(ready, tail.wait_for(lambda text: marker in text)):
            pipes.stdin.write(become.password.encode("utf-8") + b"\n")
            await pipes.stdin.drain()

            def rejected(text: str) -> bool:
                return text.count(marker) > 1 or "sorry, try again" in text.lower()

            if await _first(ready, tail.wait_for(rejected)):
                raise wrong_password(become)
        await ready
    finally:
        ready.cancel()
    await _send_payload(pipes)


async def _su_with_password(pipes: AgentPipes, tail: StderrTail, become: Become) -> None:
    """su prompts on stderr and reads the password from stdin (no tty); then the loader runs.

    The payload goes only after the loader said it is ready, so su never reads
    more than the password line.
    """
    assert become.password is not None
    ready = asyncio.ensure_future(pipes.stdout.readuntil(READY_LINE))
    try:
        if await _first(ready, tail.wait_for(is_su_prompt)):
            pipes.stdin.write(become.password.encode("utf-8") + b"\n")
            await pipes.stdin.drain()

            def rejected(text: str) -> bool:
                return "authentication failure" in text.lower()

            if await _first(ready, tail.wait_for(rejected)):
                raise wrong_password(become)
        await ready
    finally:
        ready.cancel()
    await _send_payload(pipes)


async def _first(ready: asyncio.Future[bytes], other: Any) -> bool:
    """Wait for ``ready`` or ``other``; True when ``other`` finished first and held."""
    waiter = asyncio.ensure_future(other)
    try:
        await asyncio.wait({ready, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if ready.done():
        return False
    return bool(waiter.result())


async def startup_failure(host: str, tail: StderrTail, become: Become | None) -> HostError:
    """Why the agent process ended before it was ready, from what it said on stderr."""
    try:  # let stderr drain to its end
        await asyncio.wait_for(tail.wait_for(lambda _text: False), 2)
    except asyncio.TimeoutError:
        pass
    text = tail.text()
    if become is not None:
        error = classify_sudo_failure(text, become)
        if error is not None:
            return error
    if NO_PYTHON_MARKER in text:
        return HostUnreachable(host, UnreachableCause.NO_PYTHON, _no_python(text))
    if OLD_PYTHON_MARKER in text:
        version = text.split(OLD_PYTHON_MARKER, 1)[1].split()[0:1]
        found = version[0] if version else "?"
        return HostUnreachable(host, UnreachableCause.NO_PYTHON,
                               f"Python {found} is too old; corral needs Python 3.8 or later")
    if NO_ISOLATION in text:  # Python < 3.4 stops at the -I flag, before the loader's check
        return HostUnreachable(host, UnreachableCause.NO_PYTHON,
                               f"{_usage_name(text)} is older than Python 3.4 (no -I option), "
                               "so it is too old; corral needs Python 3.8 or later")
    return HostUnreachable(host, UnreachableCause.OTHER,
                           f"the agent did not start: {_last_lines(text)}")


def _no_python(text: str) -> str:
    """Which interpreters the loader looked for and did not find, in words."""
    line = text.split(NO_PYTHON_MARKER, 1)[1].split("\n", 1)[0].strip()[:300]
    tried = tuple(line.split())
    if tried and tried != DEFAULT_INTERPRETERS:
        return f"ansible_python_interpreter {line} was not found on the host"
    return ("no Python was found on the host (looked for "
            f"{', '.join(DEFAULT_INTERPRETERS)}): install python3 (3.8 or later) "
            "or set ansible_python_interpreter")


def _usage_name(text: str) -> str:
    """The interpreter named in an old Python's usage line, else a generic name."""
    words = text.split("usage:", 1)[1].split()[:1] if "usage:" in text else []
    return words[0][:200] if words else "the host's Python"


def _timed_out(host: str, tail: StderrTail, become: Become | None, timeout: float) -> HostError:
    text = tail.text()
    if become is not None:
        error = classify_sudo_failure(text, become)
        if error is not None:
            return error
        return BecomeError(f"{become.method} to {become.user} did not finish within {timeout:g}s"
                           f"{': ' + _last_lines(text) if text.strip() else ''}")
    return HostUnreachable(host, UnreachableCause.TIMEOUT,
                           f"the agent did not start within {timeout:g}s")


def _last_lines(text: str, limit: int = 500) -> str:
    text = text.strip()
    return text[-limit:] if text else "(no output)"
