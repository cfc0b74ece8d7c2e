"""What every task of a play shares: hosts, batch, play-level variable layers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.executor.host_state import HostState
from corral.executor.host_vars import registered_layer
from corral.executor.role_layers import defaults_layers, params_layers, role_magic, vars_layers
from corral.playbook.model import Play, Task
from corral.templating import Layer, VariableStack


@dataclass
class PlayContext:
    """One play's shared, read-mostly state for building variable stacks."""

    play: Play
    play_hosts: list[str]
    batch: list[str]
    playbook_dir: Path
    base: dict[str, VariableStack]  # host -> inventory layers
    play_layers: dict[str, list[Layer]] = field(default_factory=dict)  # host -> play vars, vars_files
    extra: Layer | None = None
    magic: dict[str, Layer] = field(default_factory=dict)

    def stack_for(self, state: HostState, task: Task | None = None,
                  item: Mapping[str, Any] | None = None) -> VariableStack:
        """The host's full stack, lowest to highest precedence."""
        public = [*self.play.roles, *state.public_roles]
        stack = VariableStack([*defaults_layers(public, task), *self.base[state.name].layers])
        if state.facts is not None:
            stack = stack.push(state.facts)
        for layer in self.play_layers.get(state.name, ()):
            stack = stack.push(layer)
        for layer in vars_layers(public, task):
            stack = stack.push(layer)
        if task is not None and task.vars:
            stack = stack.push(Layer(name="task vars", vars=task.vars, path=str(task.position.file),
                                     lines={}))
        if state.included:
            stack = stack.push(Layer(name="include_vars", vars=state.included))
        if state.registered:
            stack = stack.push(registered_layer(state))
        for layer in params_layers(task):
            stack = stack.push(layer)
        if item:
            stack = stack.push(Layer(name="loop item", vars=item, path=None, lines={}))
        if self.extra is not None:
            stack = stack.push(self.extra)
        magic = self.magic.get(state.name)
        if magic is not None:
            stack = stack.push(magic)
        return stack.push(role_magic(task, public))
