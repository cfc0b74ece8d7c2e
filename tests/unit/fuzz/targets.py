"""Run one fuzz case through corral's real loading entry points, in a folder of its own.

A target returns normally (the input was accepted) or raises; ``classify`` says
whether what it raised is corral's own input error naming a file, as it must be.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from corral.cli.extra_vars import parse_extra_vars
from corral.errors import InputError
from corral.executor.catalog import ModuleCatalog
from corral.inventory import load_inventory
from corral.inventory.show import render_graph, render_list
from corral.modules.registry import ModuleRegistry
from corral.playbook.loader import load_playbook
from corral.templating import CorralEnvironment, Templar, check_condition_syntax
from corral.vars_file import read_vars_file

from .seeds import seeds

INVENTORY = "all:\n  hosts:\n    web1: {ansible_host: 127.0.0.1, ansible_port: 1}\n"
VARIABLES: dict[str, Any] = {"port": 8080, "users": ["alice", "bob"], "none": None,
                             "app_name": "app", "app_port": 80, "app_workers": 2,
                             "app_root": "/srv", "app_greeting": "hello",
                             "settings": {"a": 1, "b": ["x", "y"]}}


class Context:
    """What a worker keeps between cases: the module registry (slow to build)."""

    def __init__(self) -> None:
        self.registries: dict[Path, ModuleRegistry] = {}

    def catalog(self, playbook: Path) -> ModuleCatalog:
        folder = playbook.parent
        if folder not in self.registries:
            self.registries[folder] = ModuleRegistry.for_playbook(playbook)
        return ModuleCatalog(self.registries[folder])


def _companions(folder: Path) -> None:
    """The files a seed playbook refers to, unmutated."""
    (folder / "tasks.yml").write_text(seeds("tasks")[0], encoding="utf-8")
    (folder / "vars.yml").write_text(seeds("vars_file")[0], encoding="utf-8")
    (folder / "other.yml").write_text("- hosts: all\n  tasks: []\n", encoding="utf-8")
    (folder / "more.yml").write_text("- debug: msg=more\n", encoding="utf-8")
    (folder / "hosts.yml").write_text(INVENTORY, encoding="utf-8")
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "templates" / "app.conf.j2").write_text(seeds("template")[0], encoding="utf-8")


def _load_playbook(ctx: Context, folder: Path, playbook: Path) -> None:
    load_inventory([str(folder / "hosts.yml")], playbook_dir=folder)
    load_playbook(playbook, ctx.catalog(playbook), check_condition_syntax)


def run_playbook(ctx: Context, folder: Path, data: bytes) -> None:
    _companions(folder)
    (folder / "site.yml").write_bytes(data)
    _load_playbook(ctx, folder, folder / "site.yml")


def run_tasks(ctx: Context, folder: Path, data: bytes) -> None:
    _companions(folder)
    (folder / "tasks.yml").write_bytes(data)
    (folder / "site.yml").write_text(
        "- hosts: all\n  tasks:\n    - import_tasks: tasks.yml\n", encoding="utf-8")
    _load_playbook(ctx, folder, folder / "site.yml")


def _load_inventory(path: Path) -> None:
    inventory = load_inventory([str(path)])
    render_list(inventory)
    render_graph(inventory)
    for host in inventory.select("all")[:20]:
        inventory.host_vars(host.name)


def run_inventory_yaml(ctx: Context, folder: Path, data: bytes) -> None:
    (folder / "hosts.yml").write_bytes(data)
    _load_inventory(folder / "hosts.yml")


def run_inventory_ini(ctx: Context, folder: Path, data: bytes) -> None:
    (folder / "hosts").write_bytes(data)  # no suffix: guessed, YAML tried first, as Ansible
    _load_inventory(folder / "hosts")


def run_vars_file(ctx: Context, folder: Path, data: bytes) -> None:
    """The bytes as a play's vars_files entry, then as host_vars beside an inventory."""
    (folder / "vars.yml").write_bytes(data)
    problems = []
    try:
        read_vars_file(folder / "vars.yml", "vars_files")
    except InputError as exc:
        problems += exc.problems
    (folder / "host_vars").mkdir()
    (folder / "host_vars" / "web1.yml").write_bytes(data)
    (folder / "group_vars").mkdir()
    (folder / "group_vars" / "all.json").write_bytes(data)  # YAML, else the JSON fallback
    (folder / "hosts.yml").write_text(INVENTORY, encoding="utf-8")
    try:
        _load_inventory(folder / "hosts.yml")
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)


def run_extra_vars(ctx: Context, folder: Path, data: bytes) -> None:
    # what a shell can pass: no NUL, undecodable bytes as surrogates (as sys.argv does)
    text = data.replace(b"\x00", b"").decode("utf-8", "surrogateescape")
    parse_extra_vars([text])


def run_template(ctx: Context, folder: Path, data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    Templar(CorralEnvironment(), VARIABLES).render_text(text, str(folder / "app.conf.j2"))


TARGETS: dict[str, Callable[[Context, Path, bytes], None]] = {
    "playbook": run_playbook,
    "tasks": run_tasks,
    "inventory_yaml": run_inventory_yaml,
    "inventory_ini": run_inventory_ini,
    "vars_file": run_vars_file,
    "extra_vars": run_extra_vars,
    "template": run_template,
    "playbook_expressions": run_playbook,
}

MAX_MESSAGE = 1000


def input_error_fault(exc: InputError, kind: str) -> str | None:
    """Why ``exc`` is not a good input error (no file named, an endless message), or None."""
    for problem in exc.problems:
        text = str(problem)
        if len(problem.message) > MAX_MESSAGE:
            return f"message of {len(problem.message)} characters: {text[:200]}..."
        if kind == "template":  # run time: a task failure, in the template's file if any
            continue  # a render error is a task failure at run time; its file is the task's
        if problem.position is None or not problem.position.file:
            return f"no file named: {text[:300]}"
    return None
