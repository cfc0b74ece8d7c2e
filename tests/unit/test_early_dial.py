"""Early dialling: only IP addresses, only without an ssh client config, and a socket that
did not connect is dropped so that the host dials as usual."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

from corral.transport.early_dial import connected, dial, inventory_decides_routes
from corral.transport.options import ConnectOptions


def _wait_connected(sock: socket.socket) -> bool:
    deadline = time.monotonic() + 5
    while not connected(sock) and time.monotonic() < deadline:
        time.sleep(0.01)
    return connected(sock)


def test_an_ip_address_is_dialled_and_connects() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        sock = dial("127.0.0.1", port)
        assert sock is not None
        try:
            assert _wait_connected(sock)
            assert sock.getpeername() == ("127.0.0.1", port)
        finally:
            sock.close()


def test_names_are_left_to_the_usual_dial() -> None:
    assert dial("web1.example.com", 22) is None
    assert dial("localhost", 22) is None


def test_a_refused_connection_is_not_connected() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    sock = dial("127.0.0.1", port)  # nothing listens there any more
    if sock is None:
        return  # refused at once: not dialled at all
    time.sleep(0.05)
    assert not connected(sock)
    sock.close()


def test_an_ssh_config_means_no_early_dial(tmp_path: Path) -> None:
    assert inventory_decides_routes(tmp_path)
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "config").write_text("Host web1\n  Port 2222\n")
    assert not inventory_decides_routes(tmp_path)


def test_a_socket_that_did_not_connect_is_dropped_for_the_usual_dial() -> None:
    from corral.transport.asyncssh_import import import_asyncssh

    import_asyncssh()
    from corral.transport.ssh import SshConnection

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    sock = socket.socket()
    sock.setblocking(False)
    sock.connect_ex(("127.0.0.1", port))
    time.sleep(0.05)
    ssh = SshConnection(ConnectOptions(host="web1", address="127.0.0.1", port=port), sock)
    assert asyncio.run(ssh._connect_dialled(None, True)) is False
    assert sock.fileno() == -1  # closed
    assert asyncio.run(ssh._connect_dialled(None, True)) is False  # used once
