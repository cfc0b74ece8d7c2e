"""Reaching hosts: one connection per host, one long-lived agent per (host, become user).

    connection = SshConnection(ConnectOptions(host="web1", address="10.0.0.5"))
    await connection.open()                        # HostUnreachable(cause=...)
    agent = await connection.agent(become=True, become_user="root",
                                   become_password=None)   # BecomeError / HostUnreachable
    result = await agent.run("file", source, args, check=False, diff=True)
    staged = await agent.put_file(Path("app.tar.gz"))       # remote staging path
    await connection.close()                       # agents exit and clean their staging dirs

The wire protocol is documented in ``corral.transport.framing``.
"""

from corral.transport.agent_client import AgentSession, Hello, Stats
from corral.transport.bootstrap import bootstrap_size
from corral.transport.connection import Connection
from corral.transport.local import LocalConnection
from corral.transport.options import ConnectOptions, HostKeyPolicy


def __getattr__(name: str) -> object:
    # SshConnection imports asyncssh (~80 ms): only when someone asks for it.
    if name == "SshConnection":
        from corral.transport.asyncssh_import import import_asyncssh

        import_asyncssh()
        from corral.transport.ssh import SshConnection

        return SshConnection
    raise AttributeError(name)


__all__ = [
    "AgentSession",
    "ConnectOptions",
    "Connection",
    "Hello",
    "HostKeyPolicy",
    "LocalConnection",
    "SshConnection",
    "Stats",
    "bootstrap_size",
]
