"""`corral modules [NAME]`: the module reference, generated from each module's ARGS."""

from __future__ import annotations

import sys
from pathlib import Path

from corral.cli.exit_codes import ExitCode


def all_entries(playbook_dir: Path | None) -> list[object]:
    from corral.executor.catalog import ModuleCatalog
    from corral.modules.registry import ModuleRegistry

    dirs = [playbook_dir / "modules"] if playbook_dir is not None else []
    catalog = ModuleCatalog(ModuleRegistry(dirs))
    names = sorted(set(catalog.registry.names()) | set(_action_names()))
    return [e for e in (catalog.lookup(n) for n in names) if e is not None]


def _action_names() -> list[str]:
    from corral.executor.actions import ACTIONS

    return list(ACTIONS)


def show_modules(name: str | None, playbook_dir: Path | None) -> ExitCode:
    from corral.executor.catalog import ModuleCatalog
    from corral.modules import doc
    from corral.modules.registry import ModuleRegistry

    if name is None:
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
    where = " (runs on the controller)" if entry.on_controller else ""
    sys.stdout.write(doc.text(entry) + where + "\n")
    return ExitCode.SUCCESS
