"""Stack a host's layers of variables in Ansible's precedence order.

Lowest to highest:
  1. inventory-file vars of ``all``, then of the host's other groups (sorted: depth,
     priority, name)
  2. ``group_vars/all`` beside each inventory, then beside the playbook
  3. ``group_vars/<group>`` beside each inventory (each folder in turn, groups sorted),
     then beside the playbook
  4. inventory-file host vars, ``host_vars/<host>`` beside each inventory, then
     beside the playbook
Merging replaces whole values (no deep merge).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corral.inventory.model import VarLayer


@dataclass(frozen=True)
class VarsDirLayers:
    """Layers loaded from one folder's group_vars/ and host_vars/."""

    groups: Mapping[str, Sequence[VarLayer]] = field(default_factory=dict)
    hosts: Mapping[str, Sequence[VarLayer]] = field(default_factory=dict)


@dataclass(frozen=True)
class LayerSources:
    group_layers: Mapping[str, Sequence[VarLayer]]
    host_layers: Mapping[str, Sequence[VarLayer]]
    inventory_dirs: Sequence[VarsDirLayers]
    playbook_dir: VarsDirLayers | None


def stack_layers(host: str, sorted_groups: Sequence[str], sources: LayerSources) -> list[VarLayer]:
    """Every layer for ``host``; ``sorted_groups`` excludes ``all``, lowest precedence first."""
    inventory_dirs = list(sources.inventory_dirs)
    playbook = [sources.playbook_dir] if sources.playbook_dir is not None else []
    layers: list[VarLayer] = []
    for group in ["all", *sorted_groups]:
        layers.extend(sources.group_layers.get(group, ()))
    for folder in [*inventory_dirs, *playbook]:
        layers.extend(folder.groups.get("all", ()))
    for folders in (inventory_dirs, playbook):
        layers.extend(_group_dir_layers(folders, sorted_groups))
    layers.extend(sources.host_layers.get(host, ()))
    for folder in [*inventory_dirs, *playbook]:
        layers.extend(folder.hosts.get(host, ()))
    return layers


def _group_dir_layers(
    folders: Iterable[VarsDirLayers], sorted_groups: Sequence[str]
) -> list[VarLayer]:
    return [layer for f in folders for g in sorted_groups for layer in f.groups.get(g, ())]


def merge_layers(layers: Iterable[VarLayer]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer.vars)
    return merged
