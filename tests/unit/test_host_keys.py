"""accept-new records a host key only once the server has proved it holds it.

A real asyncssh server on port 0 plays a man in the middle: it shows one host key
and signs the key exchange with another. The handshake fails, and nothing may
be recorded, or the real host would later look like the impostor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncssh
import pytest

from corral.errors import HostUnreachable, UnreachableCause
from corral.transport.options import ConnectOptions
from corral.transport.ssh import SshConnection


async def _forged_server() -> asyncssh.SSHAcceptor:
    signer = asyncssh.generate_private_key("ssh-ed25519")
    shown = asyncssh.generate_private_key("ssh-ed25519")
    pair = asyncssh.load_keypairs([signer])[0]
    pair.public_data = shown.public_data  # shows a key it cannot sign with
    return await asyncssh.listen("127.0.0.1", 0, server_host_keys=[pair])


def test_a_key_the_server_could_not_prove_is_never_recorded(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"

    async def main() -> None:
        server = await _forged_server()
        port = server.sockets[0].getsockname()[1]
        opts = ConnectOptions(host="mitm", address="127.0.0.1", port=port, user="nobody",
                              known_hosts=str(known), host_key_policy="accept-new", retries=0,
                              connect_timeout=5)
        try:
            with pytest.raises(HostUnreachable) as caught:
                await SshConnection(opts).open()
            assert caught.value.cause is not UnreachableCause.REFUSED
        finally:
            server.close()
            await server.wait_closed()

    asyncio.run(main())
    assert not known.exists() or known.read_text() == ""
