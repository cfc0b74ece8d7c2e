"""`corral explain VAR HOST`: which value wins for a host, from where, and what it shadowed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from corral.cli.exit_codes import ExitCode
from corral.errors import InputError


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, default=str)


def explain_variable(name: str, host: str, inventories: list[str], playbook: Path | None,
                     extra_vars: list[str], roles_path: list[str] | None = None) -> ExitCode:
    from corral.cli.extra_vars import parse_extra_vars
    from corral.cli.loading import load_run_input
    from corral.executor.engine import Engine
    from corral.executor.host_state import HostState
    from corral.executor.host_vars import inventory_stack
    from corral.executor.options import RunOptions
    from corral.inventory import load_inventory
    from corral.modules.registry import ModuleRegistry
    from corral.report.events import SilentEvents

    try:
        options = RunOptions(extra_vars=parse_extra_vars(extra_vars))
        if playbook is not None:
            loaded = load_run_input(playbook, inventories, roles_path)
            inventory, registry, plays = loaded.inventory, loaded.registry, loaded.playbook.plays
        else:
            inventory = load_inventory(inventories)
            registry, plays = ModuleRegistry(), []
        if host not in inventory.hosts:
            sys.stderr.write(f"ERROR: no host named {host!r} in the inventory\n")
            return ExitCode.INVALID_INPUT
        engine = Engine(inventory, registry, options, SilentEvents())
        stacks = []
        for play in plays:
            hosts = engine.select_hosts(play)
            if host in hosts:
                context = engine._play_context(play, hosts, [host])
                stacks.append((f"play {play.name or play.hosts!r}", context.stack_for(HostState(host))))
        if not stacks:
            stack = inventory_stack(inventory, host)
            if options.extra_vars:
                from corral.templating import Layer

                stack = stack.push(Layer(name="extra vars (-e)", vars=options.extra_vars))
            stacks.append(("inventory", stack))
    except InputError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"ERROR: {problem}\n")
        return ExitCode.INVALID_INPUT
    found = False
    for label, stack in stacks:
        try:
            value, layer = stack.lookup(name)
        except KeyError:
            continue
        found = True
        sys.stdout.write(f"{name} on {host} ({label}):\n")
        sys.stdout.write(f"  = {_show(value)}\n    from {layer.describe(name)}\n")
        for shadowed_value, shadowed_layer in stack.shadowed(name):
            sys.stdout.write(f"  shadows {_show(shadowed_value)}\n    from {shadowed_layer.describe(name)}\n")
    if not found:
        sys.stdout.write(f"{name} is not set for {host} by the inventory, the playbook or -e "
                         "(facts and registered variables are only known at run time)\n")
        return ExitCode.TASK_FAILED
    sys.stdout.write("(facts, registered variables and set_fact, known only at run time, sit "
                     "between host_vars and play vars, and between task vars and extra vars)\n")
    return ExitCode.SUCCESS
