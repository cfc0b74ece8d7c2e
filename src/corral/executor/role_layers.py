"""The variable layers roles add to a task's stack, where ansible-core puts them.

Lowest first: role defaults (every public role of the play, then the task's own
role and the roles that depend on it, on top) sit under the inventory; role
vars (a role entry's ``vars``, then ``vars/main.yml``) sit above the play's
vars_files; role params sit above registered variables and set_fact; an
include's vars and loop item above those. ``role_name``, ``role_path`` and
``ansible_role_names`` are magic variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corral.playbook.model import RoleRef, Task
from corral.templating import Layer


def own_chain(task: Task | None) -> list[RoleRef]:
    """The task's role after the roles that pulled it in, outermost first."""
    if task is None or task.role is None:
        return []
    return [*task.role.chain, task.role]


def _others(public: Sequence[RoleRef], chain: list[RoleRef]) -> list[RoleRef]:
    return [ref for ref in public if not any(ref is own for own in chain)]


def defaults_layers(public: Sequence[RoleRef], task: Task | None) -> list[Layer]:
    """Role defaults, lowest first (below the inventory)."""
    layers: list[Layer] = []
    chain = own_chain(task)
    for ref in [*_others(public, chain), *chain]:
        layers += [Layer(name=f"role defaults ({ref.name})", vars=source.vars, path=source.path,
                         lines=source.lines) for source in ref.defaults]
    return layers


def vars_layers(public: Sequence[RoleRef], task: Task | None) -> list[Layer]:
    """Role vars, lowest first (above the play's vars_files, below task vars)."""
    layers: list[Layer] = []
    chain = own_chain(task)
    for ref in [*_others(public, chain), *chain]:
        if ref.entry_vars:
            layers.append(Layer(name=f"role entry vars ({ref.name})", vars=ref.entry_vars,
                                path=str(ref.position.file) if ref.position else None))
        layers += [Layer(name=f"role vars ({ref.name})", vars=source.vars, path=source.path,
                         lines=source.lines) for source in ref.vars]
    return layers


def params_layers(task: Task | None) -> list[Layer]:
    """Role params, then an include's vars and loop item (above set_fact)."""
    layers = [Layer(name=f"role params ({ref.name})", vars=ref.params,
                    path=str(ref.position.file) if ref.position else None)
              for ref in own_chain(task) if ref.params]
    if task is not None and task.include_params:
        layers.append(Layer(name="include params", vars=task.include_params,
                            path=str(task.position.file)))
    return layers


def role_magic(task: Task | None, public: Sequence[RoleRef]) -> Layer:
    """``role_name``, ``role_path`` (the task's role); ``ansible_role_names`` (the play's
    roles and their dependencies), ``ansible_play_role_names`` (without dependencies)."""
    names = list(dict.fromkeys(r.name for r in public))
    direct = list(dict.fromkeys(r.name for r in public if not r.chain))
    values: dict[str, Any] = {"ansible_role_names": names, "ansible_play_role_names": direct,
                              "role_names": direct}
    if task is not None and task.role is not None:
        values.update(role_name=task.role.name, role_path=str(task.role.path),
                      ansible_parent_role_names=[r.name for r in reversed(task.role.chain)])
    return Layer(name="role magic variables", vars=values)
