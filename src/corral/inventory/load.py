"""``load_inventory``: read every source, check everything, then build the Inventory.

All problems of all files are collected and raised once, as one ``InventoryError``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from corral.errors import InventoryError, Position, Problem
from corral.gc_paused import gc_paused
from corral.inventory.builder import UNGROUPED, Definitions, InventoryBuilder
from corral.inventory.host_entry import parse_host_entry
from corral.inventory.inventory import Inventory
from corral.inventory.inventory_file import read_inventory_file
from corral.inventory.layers import LayerSources, VarsDirLayers
from corral.inventory.model import Host, LayerKind, VarLayer
from corral.inventory.patterns import LOCALHOST_NAMES
from corral.inventory.ranges import RangeError
from corral.inventory.source_files import ExpandedSources, expand_sources
from corral.inventory.vars_dirs import load_vars_dir


def load_inventory(sources: Sequence[str | Path], playbook_dir: Path | None = None) -> Inventory:
    """Load and merge inventory sources (files, folders, ``host1,host2,`` lists), with
    the group_vars/ and host_vars/ beside each source and beside ``playbook_dir``."""
    with gc_paused():  # a 100,000-host inventory is millions of small objects, no cycles
        return _load(sources, playbook_dir)


def _load(sources: Sequence[str | Path], playbook_dir: Path | None) -> Inventory:
    expanded = expand_sources(sources)
    builder = InventoryBuilder(problems=list(expanded.problems))
    for path in expanded.files:
        read_inventory_file(path, builder)
    for host_list in expanded.host_lists:
        _add_host_list(host_list, builder)
    definitions = builder.finish()
    implicit = _implicit_localhosts(definitions)
    layer_sources = _load_vars_dirs(expanded, playbook_dir, definitions, builder)
    if builder.problems:
        raise InventoryError(_in_file_order(builder.problems))
    return Inventory(
        definitions.hosts,
        definitions.groups,
        layer_sources,
        implicit=implicit,
        sources=list(expanded.files),
        warnings=builder.warnings,
    )


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems grouped by file (files in the order met), each file's by line."""
    files: dict[str, int] = {}
    for problem in problems:
        files.setdefault(problem.position.file if problem.position else "", len(files))

    def key(problem: Problem) -> tuple[int, int, int]:
        where = problem.position
        if where is None:
            return (files[""], 0, 0)
        return (files[where.file], where.line or 0, where.column or 0)

    return sorted(problems, key=key)


def _add_host_list(names: list[str], builder: InventoryBuilder) -> None:
    where = Position("host list " + ",".join(names))
    for text in names:
        try:
            entry = parse_host_entry(text)
        except RangeError as exc:
            builder.problem(str(exc), where)
            continue
        for name in entry.names:
            builder.add_host(name, UNGROUPED, None, where)
            if entry.port is not None:
                builder.add_host_vars(name, {"ansible_port": entry.port}, {}, where.file)


def _implicit_localhosts(definitions: Definitions) -> dict[str, Host]:
    """Ansible's implicit localhost: local connection, the controller's Python."""
    implicit: dict[str, Host] = {}
    for name in LOCALHOST_NAMES:
        if name not in definitions.hosts:
            implicit[name] = Host(name=name, implicit=True)
            values = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
            layer = VarLayer(
                LayerKind.IMPLICIT, f"implicit localhost '{name}'", None, values, {}, name
            )
            definitions.host_layers[name] = [layer]
    return implicit


def _load_vars_dirs(
    expanded: ExpandedSources,
    playbook_dir: Path | None,
    definitions: Definitions,
    builder: InventoryBuilder,
) -> LayerSources:
    groups = list(definitions.groups)
    hosts = list(definitions.host_layers)  # inventory hosts and implicit localhosts

    def load(folder: Path, beside: str) -> VarsDirLayers:
        loaded = load_vars_dir(folder, beside, groups, hosts)
        builder.problems.extend(loaded.problems)
        builder.warnings.extend(loaded.warnings)
        return loaded.layers

    inventory_dirs = [load(folder, "inventory") for folder in expanded.vars_dirs]
    playbook = None
    if playbook_dir is not None and not _already(playbook_dir, expanded.vars_dirs):
        playbook = load(playbook_dir, "playbook")
    return LayerSources(definitions.group_layers, definitions.host_layers, inventory_dirs, playbook)


def _already(folder: Path, folders: list[Path]) -> bool:
    return any(folder.resolve() == f.resolve() for f in folders)
