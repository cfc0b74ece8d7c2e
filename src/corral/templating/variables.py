"""Variables with Ansible's precedence, and where each value came from.

A ``VariableStack`` is a persistent stack of ``Layer``s, lowest precedence first.
The executor builds it in this order (lowest → highest), corral's subset of
Ansible's precedence:

 1. role defaults                    (and role vars, include_vars, role and include
                                     params: see corral.executor.role_layers)
 2. inventory group vars             all → parent → child; siblings alphabetically
 3. group_vars/ files                same group order
 4. inventory host vars
 5. host_vars/ files
 6. facts                            host data: values marked unsafe
 7. play ``vars``
 8. play ``vars_files``              in the order listed
 9. task ``vars``                    (block vars are not supported)
10. registered vars and ``set_fact`` registered results are host data: unsafe
11. extra vars (``-e``)              always win
12. magic variables                  hostvars, groups, group_names, inventory_hostname,
                                     omit, …: pushed by the executor; their names do
                                     not collide with user variables

Dictionaries are never merged across layers: the highest layer's value replaces
the others (Ansible's default ``hash_behaviour=replace``).

``push`` returns a new stack sharing the layers below, so the executor builds a
host's base stack once and pushes play and task layers per task for nothing.
``lookup`` and ``shadowed`` answer ``corral explain VAR HOST``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from corral.errors import Position


@dataclass(frozen=True, eq=False)
class Layer:
    """One source of variables: ``name`` says which ("play vars", "extra vars", …)."""

    name: str
    vars: Mapping[str, Any]
    path: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict)

    def position(self, var: str) -> Position | None:
        """Where ``var`` is set in this layer's file, when known."""
        if self.path is None:
            return None
        return Position(self.path, self.lines.get(var))

    def describe(self, var: str) -> str:
        """``play vars (site.yml:12)`` — for explain output."""
        where = self.position(var)
        return f"{self.name} ({where})" if where else self.name


class VariableStack(Mapping[str, Any]):
    """Layers of variables, highest precedence last; a Mapping of the raw winning values."""

    __slots__ = ("_layers",)

    def __init__(self, layers: Iterable[Layer] = ()) -> None:
        self._layers: tuple[Layer, ...] = tuple(layers)

    @property
    def layers(self) -> tuple[Layer, ...]:
        """Lowest precedence first."""
        return self._layers

    def push(self, layer: Layer) -> VariableStack:
        """A new stack with ``layer`` on top; this one is unchanged."""
        return VariableStack((*self._layers, layer))

    def lookup(self, name: str) -> tuple[Any, Layer]:
        """The winning value of ``name`` and its layer; KeyError when no layer sets it."""
        for layer in reversed(self._layers):
            if name in layer.vars:
                return layer.vars[name], layer
        raise KeyError(name)

    def shadowed(self, name: str) -> list[tuple[Any, Layer]]:
        """Every value of ``name`` the winner hides, highest precedence first."""
        found = [
            (layer.vars[name], layer) for layer in reversed(self._layers) if name in layer.vars
        ]
        return found[1:]

    def __getitem__(self, name: str) -> Any:
        return self.lookup(name)[0]

    def __contains__(self, name: object) -> bool:
        # highest first, as lookup: a fact not gathered yet is asked for only when no
        # layer above the facts sets the name (see executor.lazy_facts)
        return any(name in layer.vars for layer in reversed(self._layers))

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k for layer in self._layers for k in layer.vars))

    def __len__(self) -> int:
        return len(dict.fromkeys(k for layer in self._layers for k in layer.vars))
