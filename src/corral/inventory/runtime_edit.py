"""``add_host`` and ``group_by``: a new inventory with one more host or group member.

The inventory stays an immutable value for everything that holds it; the
engine swaps in the edited one, so later plays (and the ``groups`` magic
variable) see the change, as in ansible-core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from corral.inventory.builder import ALL, UNGROUPED
from corral.inventory.inventory import Inventory
from corral.inventory.model import Group, Host, VarLayer


def with_host(inventory: Inventory, name: str, groups: Sequence[str],
              host_vars: Mapping[str, Any]) -> tuple[Inventory, bool]:
    """``inventory`` with host ``name`` in ``groups`` and ``host_vars``; True when changed."""
    hosts = dict(inventory.hosts)
    new_host = name not in hosts
    if new_host:
        hosts[name] = Host(name)
    edited = _copy_groups(inventory)
    changed = new_host
    for group in groups:
        changed |= _join(edited, name, group, [ALL])
    if new_host and not groups:
        edited[UNGROUPED].hosts.append(name)
    layers = dict(inventory._layer_sources.host_layers)
    if host_vars:
        layers[name] = [*layers.get(name, ()), VarLayer(kind="host", label=f"add_host {name}",
                                                        path=None, vars=dict(host_vars),
                                                        owner=name)]
    sources = replace(inventory._layer_sources, host_layers=layers)
    return _rebuilt(inventory, hosts, edited, sources), changed


def with_group_member(inventory: Inventory, host: str, group: str,
                      parents: Sequence[str]) -> tuple[Inventory, bool]:
    """``inventory`` with ``host`` in ``group`` (made under ``parents``); True when changed."""
    edited = _copy_groups(inventory)
    changed = _join(edited, host, group, list(parents) or [ALL])
    if not changed:
        return inventory, False
    return _rebuilt(inventory, dict(inventory.hosts), edited,
                    inventory._layer_sources), True


def _copy_groups(inventory: Inventory) -> dict[str, Group]:
    return {name: replace(g, hosts=list(g.hosts), children=list(g.children),
                          parents=list(g.parents)) for name, g in inventory.groups.items()}


def _join(groups: dict[str, Group], host: str, group: str, parents: list[str]) -> bool:
    for parent in parents:
        if parent not in groups:
            groups[parent] = Group(parent, parents=[ALL], depth=1)
            groups[ALL].children.append(parent)
    linked = False
    if group not in groups:
        depth = 1 + max(groups[p].depth for p in parents)
        groups[group] = Group(group, depth=depth)
    for parent in parents:  # as ansible-core: a new parent link is a change too
        if parent != group and parent not in groups[group].parents:
            groups[group].parents.append(parent)
            groups[parent].children.append(group)
            linked = True
    if host in groups[group].hosts:
        return linked
    groups[group].hosts.append(host)
    if host in groups[UNGROUPED].hosts:
        groups[UNGROUPED].hosts.remove(host)
    return True


def _rebuilt(inventory: Inventory, hosts: dict[str, Host], groups: dict[str, Group],
             sources: Any) -> Inventory:
    return Inventory(hosts, groups, sources, implicit=dict(inventory.implicit),
                     sources=list(inventory.sources), warnings=list(inventory.warnings))
