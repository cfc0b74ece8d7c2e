"""Dial the TCP connections of a run's first hosts before the SSH library is loaded.

sshd starts a new process for every connection (~10 ms of the host's CPU) before it
says a word. Dialled before the controller imports asyncssh (~0.1 s of its CPU), the
hosts do that on another core meanwhile, and each handshake starts with its sshd
ready. Only where the inventory alone decides the route: an IP address, and no
``~/.ssh/config`` (whose Host blocks may change the name or the port, or add a
proxy). A socket that has not finished connecting when its host's turn comes, or
whose handshake fails, is dropped and the host dials as it always did.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path

SSH_PORT = 22


def inventory_decides_routes(home: Path | None = None) -> bool:
    """No ssh client config that could reroute a host (asyncssh reads ~/.ssh/config)."""
    return not ((home or Path.home()) / ".ssh" / "config").exists()


def dial(address: str, port: int | None) -> socket.socket | None:
    """A non-blocking TCP connect to an IP address, under way; None for a name or an error."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    sock = socket.socket(socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                         socket.SOCK_STREAM)
    sock.setblocking(False)
    if sock.connect_ex((address, port or SSH_PORT)) not in (0, errno.EINPROGRESS):
        sock.close()
        return None
    return sock


def connected(sock: socket.socket) -> bool:
    """Whether the connect finished, without an error."""
    try:
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
            return False
        sock.getpeername()
    except OSError:
        return False
    return True
