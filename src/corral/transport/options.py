"""What the transport needs to know to reach one host (mapped from inventory vars)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HostKeyPolicy = Literal["strict", "accept-new", "off"]


@dataclass(frozen=True)
class ConnectOptions:
    """How to connect to one host.

    ``host`` is the inventory name (used in messages); ``address`` is what is
    dialled (ansible_host), subject to ``~/.ssh/config`` like ``ssh`` would.
    ``None`` means "whatever ssh config / defaults say".
    """

    host: str
    address: str
    port: int | None = None
    user: str | None = None
    key_file: str | None = None
    known_hosts: str | None = None
    host_key_policy: HostKeyPolicy = "strict"
    connect_timeout: float = 10.0
    retries: int = 2
    python_interpreter: str | None = None
    become_timeout: float = 10.0
