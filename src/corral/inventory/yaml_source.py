"""Read an Ansible YAML inventory into an ``InventoryBuilder``.

    all:
      hosts:
        web1:                 # a host with no vars
        db[1:3]:              # a range
          ansible_port: 2222
      vars: {ntp: pool.ntp.org}
      children:
        web: {hosts: {web1: }}

Each top-level key is a group (usually just ``all``); under a group only
``hosts``, ``vars`` and ``children`` are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.inventory.builder import InventoryBuilder
from corral.inventory.host_entry import parse_host_entry
from corral.inventory.ranges import RangeError
from corral.inventory.yaml_positions import YamlDocument

_GROUP_KEYS = ("hosts", "vars", "children")


@dataclass
class _YamlReader:
    doc: YamlDocument
    path: Path
    builder: InventoryBuilder

    def read(self) -> None:
        data = self.doc.data
        if data is None:
            return
        if not isinstance(data, dict):
            self.builder.problem(
                "a YAML inventory must be a mapping of group names, usually starting with 'all:'",
                Position(self.doc.file),
            )
            return
        if "plugin" in data:
            self.builder.problem(
                f"inventory plugins ('plugin: {data['plugin']}') are not supported; "
                "list hosts and groups in a static inventory",
                self.doc.where(data, "plugin"),
            )
            return
        for name, group_data in data.items():
            self.read_group(str(name), group_data, data)

    def read_group(
        self, name: str, data: Any, container: dict[Any, Any], at: Position | None = None
    ) -> None:
        where = self.doc.where(container, name, at)
        self.builder.group(name, where)
        if data is None:
            return
        if not isinstance(data, dict):
            self.builder.problem(
                f"group '{name}' must be a mapping with 'hosts', 'vars' or 'children', not a "
                f"{_kind(data)}; to list hosts write '{name}:' then 'hosts:' then one 'HOST:' per line",
                where,
            )
            return
        for key, value in data.items():
            self.read_group_key(name, str(key), value, data)

    def read_group_key(
        self, group: str, key: str, value: Any, data: dict[Any, Any], at: Position | None = None
    ) -> None:
        where = self.doc.where(data, key, at)
        if key not in _GROUP_KEYS:
            self.builder.problem(
                f"unknown key '{key}' in group '{group}': only hosts, vars and children are allowed "
                f"(a host goes under 'hosts:', a child group under 'children:')",
                where,
            )
        elif isinstance(value, str) and key != "vars":
            self.read_group_key(group, key, {value: None}, data, where)
        elif value is None:
            return
        elif not isinstance(value, dict):
            self.builder.problem(_not_a_mapping(group, key, value), where)
        elif key == "hosts":
            self.read_hosts(group, value, where)
        elif key == "vars":
            lines = self.doc.key_lines(value)
            self.builder.add_group_vars(group, _str_keys(value), lines, str(self.path))
        else:
            for child, child_data in value.items():
                self.builder.add_child(group, str(child), self.doc.where(value, child, where))
                self.read_group(str(child), child_data, value, where)

    def read_hosts(self, group: str, hosts: dict[Any, Any], at: Position) -> None:
        path = str(self.path)
        for entry_text, host_vars in hosts.items():
            where = self.doc.where(hosts, entry_text, at)
            if host_vars is not None and not isinstance(host_vars, dict):
                self.builder.problem(
                    f"vars of host '{entry_text}' in group '{group}' must be a mapping of "
                    f"variable: value, not a {_kind(host_vars)}",
                    where,
                )
                continue
            try:
                entry = parse_host_entry(str(entry_text))
            except RangeError as exc:
                self.builder.problem(str(exc), where)
                continue
            values = _str_keys(host_vars) if host_vars else {}
            lines = self.doc.key_lines(host_vars) if host_vars else {}
            if entry.port is not None and "ansible_port" not in values:
                values = {**values, "ansible_port": entry.port}
                if where.line is not None:
                    lines["ansible_port"] = where.line
            for name in entry.names:
                self.builder.add_host(name, group, self.path, where)
                if values:
                    self.builder.add_host_vars(name, values, lines, path)


def _str_keys(values: dict[Any, Any]) -> dict[str, Any]:
    """``values`` with its keys as text: itself when they are (the builder copies it)."""
    if all(key.__class__ is str for key in values):
        return values
    return {str(k): v for k, v in values.items()}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _not_a_mapping(group: str, key: str, value: Any) -> str:
    if key == "hosts" and isinstance(value, list):
        return (
            f"'hosts' of group '{group}' is a list; it must be a mapping: write each host as "
            f"'HOST:' (with a colon, no '- ') on its own line, e.g. 'hosts:' then '  web1:'"
        )
    if key == "children" and isinstance(value, list):
        return (
            f"'children' of group '{group}' is a list; it must be a mapping: write each child "
            f"group as 'GROUP:' (with a colon, no '- ') on its own line"
        )
    return f"'{key}' of group '{group}' must be a mapping, not a {_kind(value)}"


def read_yaml_inventory(doc: YamlDocument, path: Path, builder: InventoryBuilder) -> None:
    """Add the hosts, groups and vars of YAML inventory ``doc`` to ``builder``."""
    builder.warnings.extend(doc.duplicate_warnings())
    _YamlReader(doc, path, builder).read()
