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
        self._members = _members_of_groups(hosts, groups)
        self._index = PatternIndex(list(hosts), self._members, tuple(self.implicit))
        self._direct_groups = _direct_groups(groups)

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


def _members_of_groups(hosts: Mapping[str, Host], groups: Mapping[str, Group]
                       ) -> dict[str, list[str]]:
    """Every group's hosts, those of its child groups included, in inventory order.

    Built children first, each group from its children's sets: linear in the size of
    the result, where asking each group for its descendants is quadratic in a long chain.
    """
    order = {name: index for index, name in enumerate(hosts)}
    below: dict[str, set[str]] = {}
    for name in _children_first(groups):
        members = {h for h in groups[name].hosts if h in order}
        for child in groups[name].children:
            members |= below[child]
        below[name] = members
    result = {name: sorted(below[name], key=order.__getitem__) for name in groups}
    if ALL in result:
        result[ALL] = list(hosts)
    return result


def _children_first(groups: Mapping[str, Group]) -> list[str]:
    """Group names, each after all of its children (groups never form a loop)."""
    done: set[str] = set()
    ordered: list[str] = []
    for start in groups:
        pending: list[tuple[str, bool]] = [(start, False)]
        while pending:
            name, children_done = pending.pop()
            if name in done:
                continue
            if children_done:
                done.add(name)
                ordered.append(name)
                continue
            pending.append((name, True))
            pending.extend((c, False) for c in groups[name].children if c not in done)
    return ordered


def _direct_groups(groups: Mapping[str, Group]) -> dict[str, list[str]]:
    """Each host's groups that list it directly, in group order (one pass, not one per host)."""
    found: dict[str, list[str]] = {}
    for name, group in groups.items():
        for host in group.hosts:
            found.setdefault(host, []).append(name)
    return found
