"""Every module a playbook may name: host modules from the registry, controller actions."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from corral.executor.actions import ACTIONS
from corral.executor.inventory_tasks import DOCS, SPECIAL_MODULES
from corral.modules._api import Arg
from corral.modules.registry import ModuleRegistry, split_name

# Modules whose bare string argument is the command itself.
_FREE_FORM = frozenset({"command", "shell", "raw", "script", "meta"})


@dataclass(frozen=True)
class CatalogEntry:
    """What the playbook loader needs to validate a task's arguments."""

    name: str
    args_spec: Mapping[str, Arg]
    free_form: bool
    doc: str
    on_controller: bool
    any_args: bool = False  # set_fact: every argument name is a variable
    returns: Mapping[str, str] = field(default_factory=dict)  # what `register` holds


class ModuleCatalog:
    """The playbook loader's view of modules (satisfies playbook.lookup.ModuleLookup)."""

    def __init__(self, registry: ModuleRegistry) -> None:
        self.registry = registry

    def lookup(self, name: str) -> CatalogEntry | None:
        short, _ = split_name(name)
        action = ACTIONS.get(short)
        if action is not None:
            any_args = short == "set_fact"
            return CatalogEntry(short, action.args_spec, action.free_form, action.doc, True,
                                any_args)
        if short in SPECIAL_MODULES:
            return CatalogEntry(short, SPECIAL_MODULES[short], False, DOCS[short], True,
                                short == "add_host")
        info = self.registry.find(name)
        if info is None:
            return None
        return CatalogEntry(info.name, info.args_spec, info.name in _FREE_FORM, info.doc, False,
                            returns=info.returns)

    def suggest(self, name: str) -> list[str]:
        short, _ = split_name(name)
        names = self.registry.names() + sorted(ACTIONS) + sorted(SPECIAL_MODULES)
        return difflib.get_close_matches(short, names, n=3, cutoff=0.6)
