"""Build each host's variable stack in Ansible's precedence order.

Lowest to highest (see ``corral.templating.variables``): inventory layers
(group vars, group_vars/, host vars, host_vars/), facts, play vars, play
vars_files, task vars, registered vars and set_fact, extra vars. Magic
variables (inventory_hostname, groups, hostvars, …) sit on top: like
Ansible's, they cannot be overridden.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from corral.executor.host_state import HostState
from corral.executor.lazy_facts import FactVars
from corral.inventory import Inventory
from corral.templating import HostVarsView, Layer, VariableStack
from corral.templating.unsafe import mark_unsafe


def inventory_stack(inventory: Inventory, host: str) -> VariableStack:
    """The host's inventory layers, lowest first, as a variable stack."""
    stack = VariableStack()
    for layer in inventory.var_layers(host):
        stack = stack.push(
            Layer(name=layer.label, vars=layer.vars, path=layer.path, lines=layer.lines)
        )
    return stack


def facts_layer(facts: Mapping[str, Any]) -> Layer:
    """Facts as `ansible_facts` and, like Ansible's inject_facts_as_vars, `ansible_x`."""
    values: dict[str, Any] = {"ansible_facts": facts}  # as given: host data stays marked unsafe
    for key, value in facts.items():
        values[f"ansible_{key}" if not key.startswith("ansible_") else key] = value
    return Layer(name="facts", vars=values, path=None, lines={})


def with_module_facts(layer: Layer | None, returned: Mapping[str, Any]) -> Layer:
    """``layer`` plus the ``ansible_facts`` a module returned (getent, package_facts, …).

    As in Ansible, ``ansible_facts`` holds each name without its ``ansible_`` prefix and
    the variable keeps the name the module gave it (``getent_passwd``, ``ansible_hostname``).
    Gathered facts (``lazy_facts``) take them in place: they are the host's one fact set.
    """
    if layer is not None and isinstance(layer.vars, FactVars):
        layer.vars.add_module_facts(returned)
        return layer
    values = dict(layer.vars) if layer is not None else {"ansible_facts": {}}
    facts = dict(values.get("ansible_facts") or {})
    for key, value in returned.items():
        unsafe = mark_unsafe(value)
        facts[key[len("ansible_"):] if key.startswith("ansible_") else key] = unsafe
        values[key] = unsafe
    values["ansible_facts"] = mark_unsafe(facts)
    return Layer(name="facts", vars=values, path=None, lines={})


def play_magic(
    inventory: Inventory,
    play_hosts: Sequence[str],
    batch: Sequence[str],
    playbook_dir: Path,
    check_mode: bool,
    diff_mode: bool,
    omit_token: str,
    hostvars_factory: Callable[[str], Mapping[str, Any]],
) -> dict[str, Any]:
    """The magic variables every host of a batch shares: built once, not once per host."""
    return {
        "groups": inventory.groups_map(),
        "hostvars": HostVarsView(list(inventory.hosts), hostvars_factory),
        "play_hosts": list(batch),
        "ansible_play_hosts": list(play_hosts),
        "ansible_play_hosts_all": list(play_hosts),
        "ansible_play_batch": list(batch),
        "playbook_dir": str(playbook_dir),
        "ansible_check_mode": check_mode,
        "ansible_diff_mode": diff_mode,
        "omit": omit_token,
    }


def magic_layer(inventory: Inventory, host: str, shared: Mapping[str, Any]) -> Layer:
    """``shared`` (see ``play_magic``) plus what is the host's own."""
    source = inventory.hosts[host].source if host in inventory.hosts else None
    values: dict[str, Any] = {
        **shared,
        "inventory_hostname": host,
        "inventory_hostname_short": host.split(".")[0],
        "group_names": inventory.group_names(host) if host in inventory.hosts else [],
        "inventory_dir": os.path.dirname(str(source)) if source else None,
        "inventory_file": str(source) if source else None,
    }
    return Layer(name="magic variables", vars=values, path=None, lines={})


def registered_layer(state: HostState) -> Layer:
    return Layer(name="registered vars and set_fact", vars=state.registered, path=None, lines={})
