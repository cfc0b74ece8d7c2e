"""How to reach a host, read from its final (templated) variables.

Ansible's names are kept, with the old ``ansible_ssh_*`` aliases; as in Ansible,
when both spellings are set the ``ansible_ssh_*`` one wins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from corral.errors import InventoryError, Position, Problem

Connection = Literal["ssh", "local"]
HostKeyPolicy = Literal["strict", "accept-new", "off"]

DEFAULT_PORT = 22
CONNECTIONS: dict[str, Connection] = {"ssh": "ssh", "smart": "ssh", "local": "local"}
HOST_KEY_POLICIES: tuple[HostKeyPolicy, ...] = ("strict", "accept-new", "off")
_TRUE = frozenset({"yes", "on", "1", "true", "y", "t"})
_FALSE = frozenset({"no", "off", "0", "false", "n", "f", ""})


@dataclass(frozen=True)
class ConnectionSpec:
    """Everything the transport needs to open one host's connection."""

    name: str
    host: str
    port: int | None = None
    user: str | None = None
    key_file: str | None = None
    connection: Connection = "ssh"
    python_interpreter: str | None = None
    become: bool = False
    become_user: str | None = None
    become_password: str | None = field(default=None, repr=False)
    known_hosts: str | None = None
    host_key_policy: HostKeyPolicy = "strict"

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORT


@dataclass
class _Reader:
    name: str
    vars: Mapping[str, Any]
    where: Mapping[str, Position]
    problems: list[Problem] = field(default_factory=list)

    def lookup(self, *names: str) -> tuple[str, Any]:
        """The last-listed of ``names`` that is set (Ansible's rule), and its value."""
        found: tuple[str, Any] = (names[0], None)
        for name in names:
            if self.vars.get(name) is not None:
                found = (name, self.vars[name])
        return found

    def fail(self, var: str, message: str) -> None:
        self.problems.append(Problem(f"host '{self.name}': {var} {message}", self.where.get(var)))

    def text(self, *names: str) -> str | None:
        var, value = self.lookup(*names)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            self.fail(var, f"must be a string, not {value!r}")
            return None
        return str(value)

    def path(self, *names: str) -> str | None:
        value = self.text(*names)
        return os.path.expanduser(value) if value else value

    def port(self) -> int | None:
        var, value = self.lookup("ansible_port", "ansible_ssh_port")
        if value is None:
            return None
        number = _as_int(value)
        if number is None or not 0 < number < 65536:
            self.fail(var, f"must be a port number from 1 to 65535, not {value!r}")
        return number

    def connection(self, default: Connection) -> Connection:
        value = self.text("ansible_connection")
        if value is None:
            return default
        if value not in CONNECTIONS:
            self.fail("ansible_connection", f"must be 'ssh' or 'local', not {value!r}")
            return default
        return CONNECTIONS[value]

    def boolean(self, var: str) -> bool:
        value = self.vars.get(var)
        parsed = _as_bool(value)
        if parsed is None:
            self.fail(var, f"must be a boolean (true/false, yes/no), not {value!r}")
            return False
        return parsed

    def host_key_policy(self) -> HostKeyPolicy:
        value = self.vars.get("corral_host_key_policy")
        if value is None:
            checking = self.lookup("ansible_host_key_checking", "ansible_ssh_host_key_checking")[1]
            return "off" if checking is not None and _as_bool(checking) is False else "strict"
        for policy in HOST_KEY_POLICIES:
            if value == policy:
                return policy
        self.fail(
            "corral_host_key_policy", f"must be one of strict, accept-new, off, not {value!r}"
        )
        return "strict"


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def connection_spec(
    name: str, vars: Mapping[str, Any], *, where: Mapping[str, Position] | None = None
) -> ConnectionSpec:
    """The connection settings of host ``name`` from its final vars.

    ``where`` (variable → position) lets errors name the file and line that set
    the bad value. Raises ``InventoryError`` with every problem found.
    """
    read = _Reader(name, vars, where or {})
    spec = ConnectionSpec(
        name=name,
        host=read.text("ansible_host", "ansible_ssh_host") or name,
        port=read.port(),
        user=read.text("ansible_user", "ansible_ssh_user"),
        key_file=read.path("ansible_private_key_file", "ansible_ssh_private_key_file"),
        connection=read.connection("ssh"),
        python_interpreter=read.text("ansible_python_interpreter"),
        become=read.boolean("ansible_become"),
        become_user=read.text("ansible_become_user"),
        become_password=read.text("ansible_become_password", "ansible_become_pass"),
        known_hosts=read.path("corral_known_hosts"),
        host_key_policy=read.host_key_policy(),
    )
    if read.problems:
        raise InventoryError(read.problems)
    return spec
