"""Renderers for ``corral inventory``: host lists, ``--graph``, ``--host``, ``--list``.

Each returns the text to print; the formats follow ``ansible-inventory``.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from corral.errors import InventoryError
from corral.inventory.builder import ALL
from corral.inventory.inventory import Inventory


def render_hosts(inventory: Inventory, pattern: str = ALL) -> str:
    """The names of the hosts ``pattern`` selects, one per line."""
    return "".join(f"{host.name}\n" for host in inventory.select(pattern))


def render_graph(inventory: Inventory, group: str = ALL) -> str:
    """The group tree from ``group`` down, as ``ansible-inventory --graph`` draws it:
    child groups then hosts, each sorted by name; ``all`` lists no hosts of its own."""
    if group not in inventory.groups:
        raise InventoryError(f"group '{group}' is not in the inventory")
    return "\n".join(_graph_lines(inventory, group, 0)) + "\n"


MAX_GRAPH_LINES = 100_000
"""A group reached by many paths is drawn once per path, as ansible-inventory does; groups
that share children level after level would draw 2**levels lines: the graph is cut here."""


def _graph_lines(inventory: Inventory, group: str, depth: int) -> list[str]:
    """The lines of ``group``'s subtree, walked with a stack (group chains can be long)."""
    lines: list[str] = []
    pending: list[tuple[str, int, bool]] = [(group, depth, False)]  # (name, depth, hosts?)
    while pending:
        if len(lines) >= MAX_GRAPH_LINES:
            lines.append(f"... (cut at {MAX_GRAPH_LINES:,} lines: groups are reached by many "
                         "paths; --list shows each group once)")
            break
        name, level, hosts = pending.pop()
        node = inventory.groups[name]
        if hosts:
            lines.extend(_graph_name(host, level + 1) for host in sorted(node.hosts))
            continue
        lines.append(_graph_name(f"@{name}:", level))
        if name != ALL:
            pending.append((name, level, True))
        pending.extend((child, level + 1, False) for child in sorted(node.children, reverse=True))
    return lines


def _graph_name(name: str, depth: int) -> str:
    return "  |" * depth + "--" + name if depth else name


def render_host(inventory: Inventory, name: str) -> str:
    """One host's merged (untemplated) vars as YAML, keys sorted."""
    values = inventory.host_vars(inventory.host(name).name)
    if not values:
        return "{}\n"
    return yaml.safe_dump(values, sort_keys=True, default_flow_style=False, allow_unicode=True)


def render_list(inventory: Inventory) -> str:
    """JSON like ``ansible-inventory --list``: groups with hosts and children,
    empty groups left out, merged vars per host under ``_meta.hostvars``."""
    result: dict[str, Any] = {}
    for name, group in inventory.groups.items():
        entry: dict[str, Any] = {}
        if name != ALL and group.hosts:
            entry["hosts"] = list(group.hosts)
        if group.children:
            entry["children"] = list(group.children)
        if entry:
            result[name] = entry
    hostvars = {h: _str_keys(inventory.host_vars(h)) for h in inventory.hosts}
    result["_meta"] = {"hostvars": {h: v for h, v in hostvars.items() if v}}
    return json.dumps(result, indent=4, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _str_keys(value: Any) -> Any:
    """``value`` with every mapping key a string, as JSON has them (and can sort them)."""
    if isinstance(value, dict):
        return {str(k): _str_keys(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_str_keys(v) for v in value]
    return value
