"""The one place where asyncssh and OS errors become corral errors."""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from types import ModuleType

from corral.errors import HostUnreachable, UnreachableCause

_DISCONNECTED = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    EOFError,  # includes asyncio.IncompleteReadError
)

_TRANSIENT_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.ETIMEDOUT, errno.EHOSTUNREACH,
                     errno.ENETUNREACH}


def _asyncssh() -> ModuleType | None:
    """asyncssh, if something imported it; if not, no error can come from it.

    Looked up instead of imported so that runs over the local connection never
    pay asyncssh's import time.
    """
    return sys.modules.get("asyncssh")


def _ssh_errors(*names: str) -> tuple[type[BaseException], ...]:
    module = _asyncssh()
    if module is None:
        return ()
    return tuple(getattr(module, name) for name in names)


def cause_of(exc: BaseException) -> UnreachableCause:
    """The most specific reason ``exc`` made a host unreachable."""
    if isinstance(exc, socket.gaierror):
        return UnreachableCause.DNS
    if isinstance(exc, ConnectionRefusedError):
        return UnreachableCause.REFUSED
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError, socket.timeout)):
        return UnreachableCause.TIMEOUT
    if isinstance(exc, _ssh_errors("HostKeyNotVerifiable")):
        return UnreachableCause.HOST_KEY
    if isinstance(exc, _ssh_errors("PermissionDenied")):
        return UnreachableCause.AUTH
    if isinstance(exc, _DISCONNECTED + _ssh_errors("ConnectionLost", "ChannelOpenError",
                                                    "DisconnectError")):
        return UnreachableCause.DISCONNECTED
    if isinstance(exc, OSError) and exc.errno == errno.ETIMEDOUT:
        return UnreachableCause.TIMEOUT
    return UnreachableCause.OTHER


def _detail(exc: BaseException) -> str:
    if isinstance(exc, _ssh_errors("DisconnectError")):
        return str(getattr(exc, "reason", "")) or type(exc).__name__
    text = str(exc)
    if isinstance(exc, asyncio.IncompleteReadError):
        text = "the agent's output ended"
    return text or type(exc).__name__


def unreachable(host: str, exc: BaseException, context: str = "") -> HostUnreachable:
    """``exc`` as a HostUnreachable for ``host``; raise it ``from exc``."""
    detail = _detail(exc)
    if context:
        detail = f"{context}: {detail}"
    return HostUnreachable(host, cause_of(exc), detail)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying the connection: refused, timed out, reset. Never auth or host keys."""
    if isinstance(exc, (socket.gaierror, *_ssh_errors("PermissionDenied", "HostKeyNotVerifiable"))):
        return False
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError, *_ssh_errors("ConnectionLost"))):
        return True
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS
