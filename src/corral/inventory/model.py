"""The inventory's plain data: hosts, groups and layers of variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from corral.errors import Position


class LayerKind(str, Enum):
    """Where a layer of variables comes from, lowest precedence first."""

    INVENTORY_GROUP = "inventory_group"  # group vars written in an inventory file
    INVENTORY_DIR_GROUP_VARS = "inventory_dir_group_vars"  # group_vars/ beside an inventory
    PLAYBOOK_DIR_GROUP_VARS = "playbook_dir_group_vars"  # group_vars/ beside the playbook
    INVENTORY_HOST = "inventory_host"  # host vars written in an inventory file
    INVENTORY_DIR_HOST_VARS = "inventory_dir_host_vars"  # host_vars/ beside an inventory
    PLAYBOOK_DIR_HOST_VARS = "playbook_dir_host_vars"  # host_vars/ beside the playbook
    IMPLICIT = "implicit"  # corral's defaults for the implicit localhost


@dataclass(frozen=True)
class VarLayer:
    """One set of variables for a host, with where each one was written.

    ``lines`` maps a variable name to the 1-based line that sets it, when known.
    ``owner`` is the group or host the layer belongs to.
    """

    kind: str
    label: str
    path: str | None
    vars: Mapping[str, Any]
    lines: Mapping[str, int] = field(default_factory=dict)
    owner: str = ""

    def position(self, var: str) -> Position | None:
        """Where ``var`` is set in this layer, as precisely as known."""
        if self.path is None:
            return None
        return Position(self.path, self.lines.get(var))


@dataclass(frozen=True)
class Host:
    """A managed host. ``source`` is the inventory file that first defined it."""

    name: str
    source: Path | None = None
    position: Position | None = None
    implicit: bool = False


@dataclass
class Group:
    """A group: its own hosts and child groups, its parents, its inventory-file vars.

    ``hosts`` lists only the hosts written directly in the group; hosts of child
    groups are members too (see ``Inventory.groups_map``). ``depth`` is the longest
    path from ``all``; ``priority`` is ``ansible_group_priority`` (default 1).
    """

    name: str
    hosts: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    depth: int = 0
    priority: int = 1
    position: Position | None = None


@dataclass(frozen=True)
class PatternMatch:
    """The hosts a pattern selects, in order, and warnings (names that matched nothing)."""

    hosts: list[Host]
    warnings: list[str]
