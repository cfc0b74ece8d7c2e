"""``module_defaults``: arguments a module gets unless the task gives its own.

Written on a play, a block or a task, as a mapping (or a list of them, or a
template) from a module name (``file``, ``ansible.builtin.file``) or an
action group (``group/NAME``) to arguments. The levels stack: the play's,
then each block's, then the task's, the inner one winning per argument, and
the task's own arguments win over all (Ansible's order).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from corral.playbook.context import ParseContext
from corral.playbook.task_keys import short_name
from corral.playbook.values import describe, is_template
from corral.playbook.yaml_loader import PosDict

# Ansible's own action groups name cloud collections' modules; none is a corral module.
ACTION_GROUPS: Mapping[str, frozenset[str]] = {}
ANY_MODULE = "*"


def read_module_defaults(ctx: ParseContext, data: PosDict) -> list[Any]:
    """The ``module_defaults`` of ``data`` as a list of mappings or templates."""
    value = data.get("module_defaults")
    if value is None:
        return []
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        if not (isinstance(entry, dict) or is_template(entry)):
            ctx.add("'module_defaults' must be a mapping of module names to arguments; "
                    f"got {describe(entry)}", data.key_position("module_defaults"))
            return []
        for name, args in (entry.items() if isinstance(entry, dict) else ()):
            if not isinstance(args, dict) and not is_template(args) and args is not None:
                ctx.add(f"module_defaults for '{name}' must be a mapping of arguments; "
                        f"got {describe(args)}", entry.key_position(name)
                        if isinstance(entry, PosDict) else None)
    return list(entries)


def defaulted_modules(entries: list[Any]) -> set[str]:
    """Module short names that get defaults (``*``: maybe any, the names are templated)."""
    names: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            return {ANY_MODULE}
        for name in map(str, entry):
            if name.startswith("group/"):
                names |= ACTION_GROUPS.get(name[len("group/"):], frozenset())
            else:
                names.add(short_name(name))
    return names


@contextmanager
def defaults_in_scope(ctx: ParseContext, entries: list[Any]) -> Iterator[None]:
    """While reading the tasks under ``entries``, missing required arguments may come from them."""
    before = set(ctx.defaulted)
    ctx.defaulted |= defaulted_modules(entries)
    try:
        yield
    finally:
        ctx.defaulted = before


def defaults_for(module: str, entries: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The default arguments of ``module`` from rendered ``entries`` (outer first)."""
    merged: dict[str, Any] = {}
    for entry in entries:
        for name, args in entry.items():
            name = str(name)
            if name.startswith("group/"):
                if module in ACTION_GROUPS.get(name[len("group/"):], frozenset()):
                    merged.update(args or {})
        for name, args in entry.items():
            if not str(name).startswith("group/") and short_name(str(name)) == module:
                merged.update(args or {})
    return merged
