"""Shell completion of host patterns (the inventory's group and host names) and of
module names.

Called by the shell on every <Tab>, so it must be quick and silent: it reads the
inventory given with ``-i`` (or ansible.cfg's), skips inventory scripts (running
a program on <Tab> would surprise anyone), and answers nothing rather than
print an error into the user's command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_SEPARATORS = ":,"
_OPERATORS = "!&"


def _sources(ctx: Any) -> list[str]:
    given = (getattr(ctx, "params", None) or {}).get("inventory")
    if given:
        return list(given)
    from corral.config import load_ansible_config

    return list(load_ansible_config().inventory)


def inventory_names(sources: list[str]) -> list[str]:
    """Group names (without all and ungrouped), then host names; scripts not run."""
    from corral.inventory import load_inventory
    from corral.inventory.empty_pattern import inventory_names as names_of
    from corral.inventory.inventory_file import is_script
    from corral.inventory.source_files import expand_sources

    expanded = expand_sources([str(Path(s).expanduser()) for s in sources])
    usable = [str(f) for f in expanded.files if not is_script(f)]
    usable += [",".join(hosts) + "," for hosts in expanded.host_lists]
    if not usable:
        return []
    inventory = load_inventory(usable)
    return names_of(inventory.groups, inventory.hosts)


def complete_pattern(ctx: Any, incomplete: str) -> list[str]:
    """Completions for the last term of a pattern (``web:!d`` → ``web:!db``...)."""
    cut = max(incomplete.rfind(c) for c in _SEPARATORS) + 1
    head, term = incomplete[:cut], incomplete[cut:]
    operator = term[:1] if term[:1] in _OPERATORS else ""
    word = term[len(operator):]
    try:
        names = inventory_names(_sources(ctx))
    except Exception:  # a broken inventory must not spill errors into a shell prompt
        return []
    return [f"{head}{operator}{name}" for name in names if name.startswith(word)]


def complete_module(incomplete: str) -> list[str]:
    """Module names (built-in, and modules/ of the current folder) starting with the text."""
    from corral.cli.modules_cmd import module_names

    try:
        names = module_names(Path.cwd())
    except Exception:  # a broken module file must not spill into a shell prompt
        return []
    return [name for name in names if name.startswith(incomplete)]
