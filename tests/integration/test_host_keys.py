"""accept-new against a real sshd that has RSA, ECDSA and ed25519 host keys: it records
exactly the key the server authenticated this connection with, and the one OpenSSH's
`ssh` would have used (ed25519); a host already known by another key type is not
recorded again."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from corral.errors import HostUnreachable, UnreachableCause
from corral.transport.options import ConnectOptions
from corral.transport.ssh import SshConnection

pytestmark = pytest.mark.fleet


def _options(fleet: Any, known: Path, **changes: Any) -> ConnectOptions:
    host = fleet.light_hosts[0]
    base = ConnectOptions(host=host, address="127.0.0.1", port=fleet.port(host), user="root",
                          key_file=str(fleet.key_path), known_hosts=str(known),
                          host_key_policy="accept-new", retries=0, connect_timeout=10)
    return replace(base, **changes)


def _connect(opts: ConnectOptions) -> str:
    """Connect, start an agent; the host key this connection was authenticated with."""
    async def main() -> str:
        async with SshConnection(opts) as connection:
            await (await connection.agent()).ping()
            conn = connection._conn
            assert conn is not None
            key = conn.get_server_host_key()
            assert key is not None
            return key.export_public_key("openssh").decode().strip()
    return asyncio.run(main())


def _host_key(fleet: Any, kind: str) -> str:
    text = fleet.exec(fleet.light_hosts[0], f"cat /etc/ssh/ssh_host_{kind}_key.pub").stdout
    return " ".join(text.split()[:2])


def test_accept_new_records_the_key_of_this_connection(fleet: Any, tmp_path: Path) -> None:
    known = tmp_path / "ssh" / "known_hosts"
    used = _connect(_options(fleet, known))
    lines = known.read_text().splitlines()
    port = fleet.port(fleet.light_hosts[0])
    assert lines == [f"[127.0.0.1]:{port} {used}"]
    assert used == _host_key(fleet, "ed25519")  # as OpenSSH would choose, not RSA
    assert _connect(_options(fleet, known, host_key_policy="strict")) == used
    assert known.read_text().splitlines() == lines  # known now: nothing added


def test_a_host_known_by_its_rsa_key_is_not_recorded_again(fleet: Any, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    port = fleet.port(fleet.light_hosts[0])
    line = f"[127.0.0.1]:{port} {_host_key(fleet, 'rsa')}"
    known.write_text(line + "\n")
    assert _connect(_options(fleet, known)) == _host_key(fleet, "rsa")
    assert known.read_text().splitlines() == [line]


def test_a_host_known_only_by_address_under_another_type_still_connects(
        fleet: Any, tmp_path: Path) -> None:
    """The name dialled is unknown, the address is known by its RSA key: the first
    attempt offers ed25519, learns the host is known, and lets asyncssh choose."""
    known = tmp_path / "known_hosts"
    port = fleet.port(fleet.light_hosts[0])
    line = f"[127.0.0.1]:{port} {_host_key(fleet, 'rsa')}"
    known.write_text(line + "\n")
    assert _connect(_options(fleet, known, address="localhost")) == _host_key(fleet, "rsa")
    assert known.read_text().splitlines() == [line]


def test_a_changed_key_of_the_same_type_is_refused(fleet: Any, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    port = fleet.port(fleet.light_hosts[0])
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()
    known.write_text(f"[127.0.0.1]:{port} {other}\n[localhost]:{port} {other}\n")
    for address in ("127.0.0.1", "localhost"):
        with pytest.raises(HostUnreachable) as caught:
            _connect(_options(fleet, known, address=address))
        assert caught.value.cause is UnreachableCause.HOST_KEY
    assert known.read_text().count("\n") == 2
