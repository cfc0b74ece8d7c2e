"""Read an Ansible INI inventory file into an ``InventoryBuilder``.

web1                      # before any section: ungrouped
[web]                     # hosts of group web
web[01:03] http_port=80   # ranges, inline vars (typed as Python literals)
[web:vars]                # vars of group web, one per line
[prod:children]           # child groups of prod
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.input_bounds import cut_middle
from corral.inventory.builder import UNGROUPED, InventoryBuilder
from corral.inventory.host_entry import parse_host_entry
from corral.inventory.ini_values import parse_ini_value

_SECTION = re.compile(r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$")
_GROUP_NAME = re.compile(r"^([^:\]\s]+)\s*(?:#.*)?$")
_COMMENT_MARKERS = ("#", ";")


@dataclass
class _VarsSection:
    group: str
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class _IniReader:
    builder: InventoryBuilder
    path: Path
    group: str = UNGROUPED
    state: str = "hosts"
    declared: set[str] = field(default_factory=set)
    pending_vars: dict[str, int] = field(default_factory=dict)
    pending_children: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    section_vars: _VarsSection | None = None

    def where(self, line_no: int, column: int = 1) -> Position:
        return Position(str(self.path), line_no, column)

    def read(self, text: str) -> None:
        self.declared = set(self.builder.groups)
        for line_no, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if line and not line.startswith(_COMMENT_MARKERS):
                self.read_line(line, line_no, len(raw) - len(raw.lstrip()) + 1)
        self.flush_vars()
        self.report_undeclared()

    def read_line(self, line: str, line_no: int, column: int) -> None:
        section = _SECTION.match(line)
        if section is not None:
            self.start_section(section.group(1), section.group(2) or "hosts", line_no)
        elif line.startswith("["):
            self.builder.problem(
                f"invalid section header '{cut_middle(line)}': write [group], [group:vars] or [group:children], without spaces",
                self.where(line_no, column),
            )
        elif self.state == "hosts":
            self.read_host(line, line_no, column)
        elif self.state == "vars":
            self.read_var(line, line_no, column)
        else:
            self.read_child(line, line_no, column)

    def start_section(self, group: str, state: str, line_no: int) -> None:
        self.flush_vars()
        if state not in ("hosts", "vars", "children"):
            self.builder.problem(
                f"section [{group}:{state}] has an unknown type '{state}': use [{group}], "
                f"[{group}:vars] or [{group}:children]",
                self.where(line_no),
            )
            state = "invalid"
        self.group, self.state = group, state
        self.builder.group(group, self.where(line_no))
        if state == "vars":
            if group not in self.declared:
                self.pending_vars.setdefault(group, line_no)
            self.section_vars = _VarsSection(group)
        elif state in ("hosts", "children"):
            self.declare(group)

    def declare(self, group: str) -> None:
        self.declared.add(group)
        self.pending_vars.pop(group, None)
        for parent, line_no in self.pending_children.pop(group, []):
            self.builder.add_child(parent, group, self.where(line_no))

    def read_host(self, line: str, line_no: int, column: int) -> None:
        where = self.where(line_no, column)
        try:
            tokens = shlex.split(line, comments=True)
            entry = parse_host_entry(tokens[0])
        except ValueError as exc:  # RangeError is a ValueError, so is a shlex quoting error
            self.builder.problem(f"invalid host line '{cut_middle(line)}': {exc}", where)
            return
        values = self.host_line_vars(tokens[1:], line, where)
        if entry.port is not None:
            values.setdefault("ansible_port", entry.port)
        for name in self.checked_names(entry.names, where):
            self.builder.add_host(name, self.group, self.path, where)
            self.builder.add_host_vars(name, values, dict.fromkeys(values, line_no), str(self.path))

    def checked_names(self, names: list[str], where: Position) -> list[str]:
        if "---" in names:
            self.builder.problem("host '---' looks like YAML: name the file .yml or .yaml", where)
            return []
        return names

    def host_line_vars(self, tokens: list[str], line: str, where: Position) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for token in tokens:
            key, eq, text = token.partition("=")
            if not eq or not key:
                self.builder.problem(
                    f"expected key=value after the host name, got '{cut_middle(token)}' in '{cut_middle(line)}'", where
                )
                continue
            values[key] = parse_ini_value(text)
        return values

    def read_var(self, line: str, line_no: int, column: int) -> None:
        key, eq, text = (part.strip() for part in line.partition("="))
        if not eq or not key or self.section_vars is None:
            self.builder.problem(
                f"expected key=value in [{self.group}:vars], got '{cut_middle(line)}'",
                self.where(line_no, column),
            )
            return
        self.section_vars.values[key] = parse_ini_value(text)
        self.section_vars.lines[key] = line_no

    def flush_vars(self) -> None:
        if self.section_vars is not None:
            section = self.section_vars
            self.builder.add_group_vars(
                section.group, section.values, section.lines, str(self.path)
            )
            self.section_vars = None

    def read_child(self, line: str, line_no: int, column: int) -> None:
        if self.state == "invalid":
            return
        match = _GROUP_NAME.match(line)
        if match is None:
            self.builder.problem(
                f"expected a group name in [{self.group}:children], got '{cut_middle(line)}'",
                self.where(line_no, column),
            )
            return
        child = match.group(1)
        if child in self.declared:
            self.builder.add_child(self.group, child, self.where(line_no, column))
        else:
            self.pending_children.setdefault(child, []).append((self.group, line_no))

    def report_undeclared(self) -> None:
        for group, line_no in self.pending_vars.items():
            if group in self.pending_children:
                continue  # reported once, below
            self.builder.problem(
                f"section [{group}:vars] is for group '{group}', which is not defined: "
                f"add a [{group}] section (it may be empty)",
                self.where(line_no),
            )
        for child, parents in self.pending_children.items():
            parent, line_no = parents[-1]
            self.builder.problem(
                f"section [{parent}:children] names group '{child}', which is not defined: "
                f"add a [{child}] section (it may be empty)",
                self.where(line_no),
            )


def read_ini_inventory(text: str, path: Path, builder: InventoryBuilder) -> None:
    """Add the hosts, groups and vars of INI inventory ``text`` to ``builder``."""
    _IniReader(builder, path).read(text)
