"""The loaded inventory: hosts, groups, patterns and each host's layers of vars."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corral.errors import InventoryError, Position
from corral.inventory.builder import ALL
from corral.inventory.connection import ConnectionSpec, connection_spec
from corral.inventory.group_order import ancestors, sort_groups
from corral.inventory.layers import LayerSources, merge_layers, stack_layers
from corral.inventory.limit_file import expand_limit
from corral.inventory.model import Group, Host, PatternMatch, VarLayer
from corral.inventory.patterns import PatternIndex, match_pattern, match_terms


class Inventory:
    """Hosts (in inventory order) and groups, with Ansible's pattern and vars rules.

    ``implicit`` holds the implicit localhost entries (``localhost``, ``127.0.0.1``,
    ``::1`` when not in the inventory): selectable by name, never in ``all``.
    """

    def __init__(
        self,
        hosts: dict[str, Host],
        groups: dict[str, Group],
        layer_sources: LayerSources,
        *,
        implicit: dict[str, Host] | None = None,
        sources: list[Path] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        self.hosts = hosts
        self.groups = groups
        self.implicit = implicit or {}
        self.sources = sources or []
        self.warnings = warnings or []
        self._layer_sources = layer_sources
        self._order = {name: index for index, name in enumerate(hosts)}
        self._members = {name: self._members_of(name) for name in groups}
        self._index = PatternIndex(list(hosts), self._members, tuple(self.implicit))
        self._direct_groups = _direct_groups(groups)

    def _members_of(self, group: str) -> list[str]:
        if group == ALL:
            return list(self.hosts)
        below = _descendants_and_self(group, self.groups)
        direct = {h for g in below for h in self.groups[g].hosts}
        return sorted(direct, key=self._order.__getitem__)  # inventory order

    def host(self, name: str) -> Host:
        """The host called ``name`` (inventory or implicit); ``InventoryError`` if unknown."""
        found = self.hosts.get(name) or self.implicit.get(name)
        if found is None:
            raise InventoryError(f"host '{name}' is not in the inventory")
        return found

    def match(self, pattern: str) -> PatternMatch:
        """Hosts ``pattern`` selects, and warnings for names that matched nothing."""
        names = match_pattern(pattern, self._index)
        return PatternMatch([self.host(n) for n in names.names], names.warnings)

    def select(self, pattern: str) -> list[Host]:
        return self.match(pattern).hosts

    def limit(self, hosts: list[Host], pattern: str | None) -> list[Host]:
        """``hosts`` (order kept) that the ``--limit`` pattern also selects.

        ``@FILE`` terms read host names or patterns from FILE, one per line.
        """
        if pattern is None:
            return hosts
        terms = expand_limit(pattern)
        if not terms:
            return []
        allowed = set(match_terms(terms, self._index).names)
        return [h for h in hosts if h.name in allowed]

    def group_names(self, host: str) -> list[str]:
        """Ansible's ``group_names``: the host's groups and their ancestors, sorted,
        without ``all`` (``ungrouped`` is kept)."""
        return sorted(self._groups_of(host) - {ALL})

    def groups_map(self) -> dict[str, list[str]]:
        """Ansible's ``groups``: every group, ``all`` and ``ungrouped`` included, to its
        hosts (those of child groups too), in inventory order."""
        return {name: list(members) for name, members in self._members.items()}

    def _groups_of(self, host: str) -> set[str]:
        self.host(host)
        direct = self._direct_groups.get(host, [])
        return ancestors(direct, self.groups) if direct else set()

    def var_layers(self, host: str) -> list[VarLayer]:
        """The host's layers of vars, lowest precedence first."""
        ordered = sort_groups(self._groups_of(host) - {ALL}, self.groups)
        return stack_layers(host, ordered, self._layer_sources)

    def host_vars(self, host: str) -> dict[str, Any]:
        """The host's vars merged (later layers replace earlier values), not templated."""
        return merge_layers(self.var_layers(host))

    def var_positions(self, host: str) -> dict[str, Position]:
        """Where each of the host's winning values is written, when known."""
        positions: dict[str, Position] = {}
        for layer in self.var_layers(host):
            for var in layer.vars:
                where = layer.position(var)
                if where is None:
                    positions.pop(var, None)
                else:
                    positions[var] = where
        return positions

    def connection(self, host: str, final_vars: Mapping[str, Any]) -> ConnectionSpec:
        """``connection_spec`` for a host, with errors pointing at the files that set the vars."""
        return connection_spec(host, final_vars, where=self.var_positions(host))


def _direct_groups(groups: Mapping[str, Group]) -> dict[str, list[str]]:
    """Each host's groups that list it directly, in group order (one pass, not one per host)."""
    found: dict[str, list[str]] = {}
    for name, group in groups.items():
        for host in group.hosts:
            found.setdefault(host, []).append(name)
    return found


def _descendants_and_self(group: str, groups: Mapping[str, Group]) -> set[str]:
    found: set[str] = set()
    pending = [group]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(groups[name].children)
    return found
