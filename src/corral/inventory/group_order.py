"""The order in which group vars apply, lowest precedence first (Ansible's sort_groups).

Shallower groups first (``all`` is depth 0, its children 1, ...), then lower
``ansible_group_priority``, then by name. A deeper or higher-priority group
therefore wins, and among equals the alphabetically last one wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from corral.inventory.model import Group


def sort_groups(names: Iterable[str], groups: Mapping[str, Group]) -> list[str]:
    return sorted(names, key=lambda n: (groups[n].depth, groups[n].priority, n))


def ancestors(names: Iterable[str], groups: Mapping[str, Group]) -> set[str]:
    """``names`` and every group above them."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(groups[name].parents)
    return found
