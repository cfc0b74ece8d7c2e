"""Collects hosts, groups and their inventory-file vars while sources are read.

One builder serves one ``load_inventory`` call; every source adds to it, so a
group named in two files is one group. Problems are collected, not raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.errors import Position, Problem
from corral.input_bounds import MAX_INVENTORY_HOSTS, characters_problem
from corral.inventory.model import Group, Host, LayerKind, VarLayer

ALL = "all"
UNGROUPED = "ungrouped"
PRIORITY_VAR = "ansible_group_priority"


@dataclass
class Definitions:
    """What the builder produced: the inventory's structure and its file vars."""

    hosts: dict[str, Host]
    groups: dict[str, Group]
    group_layers: dict[str, list[VarLayer]]
    host_layers: dict[str, list[VarLayer]]


@dataclass
class InventoryBuilder:
    hosts: dict[str, Host] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    group_layers: dict[str, list[VarLayer]] = field(default_factory=dict)
    host_layers: dict[str, list[VarLayer]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # names already reported as unusable
    _member_sets: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.group(ALL)
        self.group(UNGROUPED)

    def problem(self, message: str, position: Position | None) -> None:
        self.problems.append(Problem(message, position))

    def group(self, name: str, position: Position | None = None) -> Group:
        """The group called ``name``, created on first mention."""
        if name not in self.groups:
            self.check_name(name, "group name", position)
            self.groups[name] = Group(name=name, position=position)
            self.group_layers[name] = []
        return self.groups[name]

    def add_host(
        self, name: str, group: str, source: Path | None, position: Position | None
    ) -> None:
        """Define ``name`` (first definition wins ``source``) as a member of ``group``."""
        if name not in self.hosts:
            if not self.check_name(name, "host name", position) or not self.has_room(position):
                return
            self.hosts[name] = Host(name=name, source=source, position=position)
            self.host_layers[name] = []
        members = self._member_sets.get(group)
        if members is None:
            members = self._member_sets[group] = set()
        if name not in members:  # a set beside the list: 100,000 hosts in one group stay fast
            members.add(name)
            self.group(group).hosts.append(name)

    def check_name(self, name: str, what: str, position: Position | None) -> bool:
        """Whether ``name`` can be used; a name with control characters is a problem."""
        problem = characters_problem(name, what)
        if problem is not None and name not in self.refused:
            self.refused.add(name)
            self.problem(problem, position)
        return problem is None

    def has_room(self, position: Position | None) -> bool:
        """Whether one more host fits in the bound on inventory size (said once)."""
        if len(self.hosts) < MAX_INVENTORY_HOSTS:
            return True
        if "" not in self.refused:
            self.refused.add("")
            self.problem(f"the inventory defines more than {MAX_INVENTORY_HOSTS:,} hosts; "
                         "corral manages at most that many in one run (split the "
                         "inventory, or check the ranges)", position)
        return False

    def add_host_vars(
        self, name: str, values: Mapping[str, Any], lines: Mapping[str, int], path: str
    ) -> None:
        if values and name in self.host_layers:
            label = f"host '{name}' in inventory {path}"
            layer = VarLayer(LayerKind.INVENTORY_HOST, label, path, dict(values), dict(lines), name)
            self.host_layers[name].append(layer)

    def add_group_vars(
        self, name: str, values: Mapping[str, Any], lines: Mapping[str, int], path: str
    ) -> None:
        """Vars written for a group in an inventory file; reads ``ansible_group_priority``."""
        group = self.group(name)
        values = dict(values)
        if PRIORITY_VAR in values:
            self._set_priority(
                group, values.pop(PRIORITY_VAR), Position(path, lines.get(PRIORITY_VAR))
            )
        if values:
            label = f"group '{name}' in inventory {path}"
            layer = VarLayer(LayerKind.INVENTORY_GROUP, label, path, values, dict(lines), name)
            self.group_layers[name].append(layer)
            group.vars.update(values)

    def _set_priority(self, group: Group, value: Any, position: Position) -> None:
        try:
            if isinstance(value, bool):
                raise ValueError
            group.priority = int(value)
        except (TypeError, ValueError):
            self.problem(
                f"{PRIORITY_VAR} of group '{group.name}' must be an integer, not {value!r}",
                position,
            )

    def add_child(self, parent: str, child: str, position: Position | None) -> None:
        """Make ``child`` a child group of ``parent``, refusing loops."""
        if child == ALL:
            self.problem(
                f"group 'all' cannot be a child of '{parent}': every group is already inside 'all'",
                position,
            )
            return
        if child == parent or parent in self._descendants(child):
            self.problem(
                f"group '{child}' cannot be a child of '{parent}': '{parent}' is already inside "
                f"'{child}', which would make a loop",
                position,
            )
            return
        parent_group, child_group = self.group(parent), self.group(child, position)
        if child not in parent_group.children:
            parent_group.children.append(child)
            child_group.parents.append(parent)

    def _descendants(self, name: str) -> set[str]:
        found: set[str] = set()
        pending = list(self.groups[name].children) if name in self.groups else []
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self.groups[current].children)
        return found

    def finish(self) -> Definitions:
        """Apply Ansible's rules: top groups go under ``all``, lone hosts into ``ungrouped``."""
        for name, group in self.groups.items():
            if name != ALL and not group.parents:
                self.add_child(ALL, name, group.position)
        self._place_ungrouped()
        self._set_depths()
        self._warn_name_clashes()
        return Definitions(self.hosts, self.groups, self.group_layers, self.host_layers)

    def _place_ungrouped(self) -> None:
        grouped = {
            h for name, g in self.groups.items() if name not in (ALL, UNGROUPED) for h in g.hosts
        }
        ungrouped = self.groups[UNGROUPED]
        ungrouped.hosts = [h for h in self.hosts if h not in grouped]

    def _set_depths(self) -> None:
        """Depth of each group: 0 for ``all``, else one more than its deepest parent.

        Walked with a stack, not recursion: an INI inventory may chain thousands of groups.
        """
        depths: dict[str, int] = {}
        for start in self.groups:
            pending = [start]
            while pending:
                name = pending[-1]
                missing = [p for p in self.groups[name].parents if p not in depths]
                if missing:
                    pending.extend(missing)
                    continue
                pending.pop()
                parents = self.groups[name].parents
                depths[name] = 1 + max(depths[p] for p in parents) if parents else 0
        for name, group in self.groups.items():
            group.depth = depths[name]

    def _warn_name_clashes(self) -> None:
        for name in self.hosts:
            if name in self.groups:
                self.warnings.append(
                    f"'{name}' is both a host and a group; in patterns the name selects the host"
                )
