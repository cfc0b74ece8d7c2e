"""Host key policies: strict, accept-new (trust on first use, like OpenSSH) and off."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import asyncssh
from asyncssh.public_key import get_default_public_key_algs

from corral.transport.options import ConnectOptions, HostKeyPolicy

DEFAULT_KNOWN_HOSTS = Path("~", ".ssh", "known_hosts")
# OpenSSH's order; asyncssh's own default puts RSA first.
PREFERRED_HOST_KEY_ALGS = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                           "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256")


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


def first_contact_algs(opts: ConnectOptions, known_hosts: Path) -> list[str] | None:
    """Host key algorithms to offer a host that ``known_hosts`` does not know yet.

    OpenSSH's order, so that accept-new records the key ``ssh`` would use
    (ed25519 where the host has one). None lets asyncssh choose: for a known
    host it prefers the key types on file; the ssh config's HostKeyAlgorithms
    always wins.
    """
    given: dict[str, Any] = {"username": opts.user} if opts.user else {}
    if opts.port is not None:
        given["port"] = opts.port
    config = asyncssh.SSHClientConnectionOptions(host=opts.address, known_hosts=None,
                                                 client_keys=None, **given)
    if config.config.get("HostKeyAlgorithms", ()):
        return None
    port = config.port if config.port != 22 else None
    if _known_keys(known_hosts, config.host_key_alias or config.host, "", port):
        return None
    default = [alg.decode("ascii") for alg in get_default_public_key_algs()]
    others = [alg for alg in default if alg not in PREFERRED_HOST_KEY_ALGS]
    return [*PREFERRED_HOST_KEY_ALGS, *others]


def _known_keys(path: Path, host: str, addr: str, port: int | None) -> list[asyncssh.SSHKey]:
    if not path.is_file():
        return []
    return list(asyncssh.read_known_hosts(str(path)).match(host, addr, port)[0])


class AcceptNewClient(asyncssh.SSHClient):
    """Trusts a host known_hosts does not know yet and records its key; rejects changed keys.

    asyncssh asks ``validate_host_public_key`` only about a key that the
    known_hosts file did not already trust. The key is recorded in
    ``begin_auth``, once the key exchange has proved that the server holds it:
    exactly the key this connection was authenticated with, never a key that
    a failed handshake only showed.
    """

    def __init__(self, known_hosts: Path) -> None:
        self._path = known_hosts
        self._conn: asyncssh.SSHClientConnection | None = None
        self._pending: tuple[str, int] | None = None
        self.known_by_other_types = False  # offered the wrong algorithm: try asyncssh's choice

    def connection_made(self, conn: asyncssh.SSHClientConnection) -> None:
        self._conn = conn

    def validate_host_public_key(self, host: str, addr: str, port: int,
                                 key: asyncssh.SSHKey) -> bool:
        known = _known_keys(self._path, host, addr, port)
        if known:  # known with another key: possible MITM, unless only of other types
            self.known_by_other_types = all(k.get_algorithm() != key.get_algorithm()
                                            for k in known)
            return False
        self._pending = (host, port)
        return True

    def begin_auth(self, username: str) -> None:
        pending, self._pending = self._pending, None
        key = self._conn.get_server_host_key() if self._conn is not None else None
        if pending is not None and key is not None:
            self._record(*pending, key)

    def _record(self, host: str, port: int, key: asyncssh.SSHKey) -> None:
        if any(known == key for known in _known_keys(self._path, host, "", port)):
            return  # another connection to this host recorded it meanwhile
        pattern = host if port in (22, None) else f"[{host}]:{port}"
        line = f"{pattern} {key.export_public_key('openssh').decode('ascii').strip()}\n"
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as handle:
            handle.write(line)
