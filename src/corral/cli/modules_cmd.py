"""`corral modules [NAME]`: the module reference, generated from each module's ARGS."""

from __future__ import annotations

import sys
from pathlib import Path

from corral.cli.exit_codes import ExitCode
from corral.cli.module_snippet import task_snippet


def all_entries(playbook_dir: Path | None) -> list[object]:
    from corral.executor.catalog import ModuleCatalog
    from corral.modules.registry import ModuleRegistry

    dirs = [playbook_dir / "modules"] if playbook_dir is not None else []
    catalog = ModuleCatalog(ModuleRegistry(dirs))
    names = sorted(set(catalog.registry.names()) | set(_action_names()))
    return [e for e in (catalog.lookup(n) for n in names) if e is not None]


def module_names(playbook_dir: Path | None) -> list[str]:
    """Every module name `corral modules` lists, sorted."""
    return [e.name for e in all_entries(playbook_dir)]  # type: ignore[attr-defined]


def _action_names() -> list[str]:
    from corral.executor.actions import ACTIONS

    return list(ACTIONS)


_COMMON_RETURNS = ("returns: changed, failed and msg (and diff with --diff); `corral run HOST "
                   "-m NAME -v` shows a real result")


def show_modules(name: str | None, playbook_dir: Path | None, snippet: bool = False) -> ExitCode:
    from corral.executor.catalog import ModuleCatalog
    from corral.modules import doc
    from corral.modules.registry import ModuleRegistry

    if name is None:
        if snippet:
            sys.stderr.write("ERROR: -s needs a module NAME: corral modules -s copy\n")
            return ExitCode.USAGE
        entries = all_entries(playbook_dir)
        sys.stdout.write(doc.summary(entries) + "\n")  # type: ignore[arg-type]
        return ExitCode.SUCCESS
    dirs = [playbook_dir / "modules"] if playbook_dir is not None else []
    catalog = ModuleCatalog(ModuleRegistry(dirs))
    entry = catalog.lookup(name)
    if entry is None:
        close = catalog.suggest(name)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        sys.stderr.write(f"ERROR: unknown module {name!r}{hint}\n")
        return ExitCode.USAGE
    if snippet:
        sys.stdout.write(task_snippet(entry) + "\n")
        return ExitCode.SUCCESS
    where = " (runs on the controller)" if entry.on_controller else ""
    sys.stdout.write(doc.text(entry) + where + "\n")
    if not entry.returns:
        sys.stdout.write("\n" + _COMMON_RETURNS.replace("NAME", entry.name) + "\n")
    sys.stdout.write(f"\nexample (corral modules -s {entry.name} prints it alone):\n"
                     + task_snippet(entry) + "\n")
    return ExitCode.SUCCESS
