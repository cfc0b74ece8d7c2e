"""Read inventory JSON in the shape of Ansible's inventory scripts into a builder.

    {"web":   {"hosts": ["web1", "web2"], "vars": {"http_port": 80}, "children": ["edge"]},
     "edge":  ["edge1"],                                  # a bare list: the group's hosts
     "_meta": {"hostvars": {"web1": {"ansible_port": 2222}}}}

It is what an executable ``-i`` script prints for ``--list`` (see
``script_source``), and a plain ``.json`` file in the same shape. Every problem
names the key that holds it (``web.hosts[1]``) and is collected, not raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.inventory.builder import InventoryBuilder

META = "_meta"
_GROUP_KEYS = ("hosts", "vars", "children")
MAX_NAME_LENGTH = 1024
_SPACE = re.compile(r"\s")

HostVarsFetcher = Callable[[str], Any]  # a host's vars (validated by the reader), or None


def looks_like_script_json(data: Any) -> bool:
    """True for the script shape: a ``_meta`` key, or a group whose hosts are a list."""
    if not isinstance(data, dict):
        return False
    if META in data:
        return True
    return any(
        isinstance(value, list) or (isinstance(value, dict) and isinstance(value.get("hosts"), list))
        for value in data.values()
    )


@dataclass
class ScriptJsonReader:
    """Feeds one script-shaped document to ``builder``; ``what`` names the source in errors."""

    path: Path
    what: str
    builder: InventoryBuilder

    def problem(self, key: str, message: str) -> None:
        self.builder.problem(f"{self.what}: key '{key}' {message}", Position(str(self.path)))

    def read(self, data: Any, fetch_host_vars: HostVarsFetcher | None = None) -> None:
        if not isinstance(data, dict):
            self.builder.problem(
                f"{self.what}: the output must be a JSON object of groups, not {_kind(data)}",
                Position(str(self.path)),
            )
            return
        hostvars = self.read_meta(data.get(META))
        for name, group in data.items():
            if name != META:
                self.read_group(str(name), group)
        if hostvars is None and fetch_host_vars is not None:
            hostvars = {h: _or_empty(fetch_host_vars(h)) for h in list(self.builder.hosts)}
        for host, values in (hostvars or {}).items():
            self.read_host_vars(host, values)

    def read_meta(self, meta: Any) -> dict[str, Any] | None:
        if meta is None:
            return None
        if not isinstance(meta, dict):
            self.problem(META, f"must be an object with 'hostvars', not {_kind(meta)}")
            return {}
        hostvars = meta.get("hostvars")
        if hostvars is None:
            return None
        if not isinstance(hostvars, dict):
            self.problem(f"{META}.hostvars", f"must be an object of host: vars, not {_kind(hostvars)}")
            return {}
        return hostvars

    def read_group(self, name: str, group: Any) -> None:
        if not self.valid_name(name, name):
            return
        self.builder.group(name, Position(str(self.path)))
        if isinstance(group, list):
            self.read_hosts(name, group, name)
            return
        if group is None:
            return
        if not isinstance(group, dict):
            self.problem(name, f"must be an object with hosts, vars and children (or a list of "
                               f"hosts), not {_kind(group)}")
            return
        for key in group:
            if key not in _GROUP_KEYS:
                self.problem(f"{name}.{key}", "is not allowed: a group has only hosts, vars and "
                                              "children")
        self.read_hosts(name, group.get("hosts"), f"{name}.hosts")
        self.read_vars(name, group.get("vars"))
        self.read_children(name, group.get("children"))

    def read_hosts(self, group: str, hosts: Any, key: str) -> None:
        if hosts is None:
            return
        if not isinstance(hosts, list):
            self.problem(key, f"must be a list of host names, not {_kind(hosts)}")
            return
        for index, host in enumerate(hosts):
            if self.valid_name(host, f"{key}[{index}]"):
                self.builder.add_host(host, group, self.path, Position(str(self.path)))

    def read_vars(self, group: str, values: Any) -> None:
        if values is None:
            return
        if not isinstance(values, dict):
            self.problem(f"{group}.vars", f"must be an object of variable: value, not "
                                          f"{_kind(values)}")
            return
        self.builder.add_group_vars(group, values, {}, str(self.path))

    def read_children(self, group: str, children: Any) -> None:
        if children is None:
            return
        if not isinstance(children, list):
            self.problem(f"{group}.children", f"must be a list of group names, not "
                                              f"{_kind(children)}")
            return
        for index, child in enumerate(children):
            if self.valid_name(child, f"{group}.children[{index}]"):
                self.builder.add_child(group, child, Position(str(self.path)))

    def read_host_vars(self, host: str, values: Any) -> None:
        key = f"{META}.hostvars.{host}"
        if not isinstance(values, dict):
            self.problem(key, f"must be an object of variable: value, not {_kind(values)}")
        elif host not in self.builder.hosts:
            if values:
                self.builder.warnings.append(
                    f"{self.what}: {key} sets vars of a host that is in no group; ignored")
        else:
            self.builder.add_host_vars(host, values, {}, str(self.path))

    def valid_name(self, name: Any, key: str) -> bool:
        if not isinstance(name, str) or not name.strip():
            self.problem(key, f"must be a non-empty name (a string), not {_kind(name)}")
            return False
        if len(name) > MAX_NAME_LENGTH or _SPACE.search(name):
            self.problem(key, f"is not a valid name: {name[:80]!r} (no spaces, at most "
                              f"{MAX_NAME_LENGTH} characters)")
            return False
        return True


def _or_empty(value: Any) -> Any:
    return {} if value is None else value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def read_script_shaped_json(text: str, path: Path, builder: InventoryBuilder) -> bool:
    """Read a plain ``.json`` file in the script shape; False when it is not in that shape
    (or not JSON at all), for the YAML reader to take it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False
    if not looks_like_script_json(data):
        return False
    ScriptJsonReader(path, f"inventory {path}", builder).read(data)
    return True
