"""Host key policies: strict, accept-new (trust on first use, like OpenSSH) and off."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import asyncssh

from corral.transport.options import HostKeyPolicy

DEFAULT_KNOWN_HOSTS = Path("~", ".ssh", "known_hosts")


def known_hosts_path(given: str | None) -> Path:
    return Path(given).expanduser() if given else DEFAULT_KNOWN_HOSTS.expanduser()


def known_hosts_option(policy: HostKeyPolicy, given: str | None) -> Any:
    """The ``known_hosts`` argument for ``asyncssh.connect`` under ``policy``."""
    if policy == "off":
        return None
    path = known_hosts_path(given)
    if policy == "strict":
        return str(path) if given else ()  # () is asyncssh's "the default file"
    # accept-new: trust what the file says; unknown hosts reach AcceptNewClient
    return str(path) if path.is_file() else b""


class AcceptNewClient(asyncssh.SSHClient):
    """Accepts and records the key of a host not yet in known_hosts; rejects changed keys.

    asyncssh only asks this callback about a key that the known_hosts file
    did not already trust.
    """

    def __init__(self, known_hosts: Path) -> None:
        self._path = known_hosts

    def validate_host_public_key(self, host: str, addr: str, port: int,
                                 key: asyncssh.SSHKey) -> bool:
        if self._is_known(host, addr, port):
            return False  # the host is known with another key: possible MITM
        self._record(host, port, key)
        return True

    def _is_known(self, host: str, addr: str, port: int) -> bool:
        if not self._path.is_file():
            return False
        keys = asyncssh.read_known_hosts(str(self._path)).match(host, addr, port)[0]
        return bool(keys)

    def _record(self, host: str, port: int, key: asyncssh.SSHKey) -> None:
        pattern = host if port in (22, None) else f"[{host}]:{port}"
        line = f"{pattern} {key.export_public_key('openssh').decode('ascii').strip()}\n"
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as handle:
            handle.write(line)
