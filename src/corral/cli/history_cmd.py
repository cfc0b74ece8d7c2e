"""`corral history …` and `corral drift`: read the run history (see corral.history)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from corral.cli.exit_codes import ExitCode
from corral.cli.record_cli import HistoryOpt
from corral.errors import CorralError, UsageError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]

history_app = typer.Typer(
    name="history", help="The runs corral recorded: list them, show one, prune, import.",
    invoke_without_command=True, add_completion=False, pretty_exceptions_enable=False,
    rich_markup_mode=None)


def _path(given: Path | None) -> Path:
    from corral.history.location import history_path

    return history_path(given, os.environ, Path.home())


def _with_store(given: Path | None, work: Callable[[Any], ExitCode], *,
                create: bool = False) -> ExitCode:
    import sqlite3

    from corral.history.store import HistoryStore

    path = _path(given)
    try:
        with HistoryStore(path, create=create) as store:
            return work(store)
    except UsageError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return ExitCode.USAGE
    except (CorralError, sqlite3.Error, OSError) as exc:
        sys.stderr.write(f"ERROR: history {path}: {exc}\n")
        return ExitCode.INVALID_INPUT


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@history_app.callback()
def history_list(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Only runs that touched this host.")] = None,
    last: Annotated[int, typer.Option("--last", "-n", min=1, help="How many of the latest runs.")] = 20,
    as_json: JsonOpt = False,
    history: HistoryOpt = None,
) -> None:
    """List the latest runs, one line each: id, time, command, playbook, mode, exit code, counts."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = history
        return
    if not _path(history).exists():
        sys.stdout.write("[]\n" if as_json else f"no runs recorded yet in {_path(history)}\n")
        raise typer.Exit(0)

    def work(store: Any) -> ExitCode:
        from corral.history.views import run_line

        runs = store.runs(host=host, last=last)
        if as_json:
            _print_json(runs)
        else:
            for run in runs:
                sys.stdout.write(run_line(run) + "\n")
        return ExitCode.SUCCESS

    raise typer.Exit(int(_with_store(history, work)))


@history_app.command("show")
def history_show(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="A run id (or a unique prefix).")],
    as_json: JsonOpt = False,
    history: HistoryOpt = None,
) -> None:
    """Show one run's report, read back from the history."""
    def work(store: Any) -> ExitCode:
        from corral.history.views import run_report, run_text

        report = run_report(store, store.find_run(run_id))
        if as_json:
            _print_json(report)
        else:
            sys.stdout.write(run_text(report) + "\n")
        return ExitCode.SUCCESS

    raise typer.Exit(int(_with_store(history or ctx.obj, work)))


@history_app.command("prune")
def history_prune(
    ctx: typer.Context,
    older_than: Annotated[str, typer.Option("--older-than", help="Delete runs older than this: 90d, 12h, 2w.")],
    history: HistoryOpt = None,
) -> None:
    """Delete the runs older than an age."""
    def work(store: Any) -> ExitCode:
        from corral.history.ages import parse_age
        from corral.report.run_meta import iso, utc_now

        count = store.prune(iso(utc_now() - parse_age(older_than)))
        sys.stdout.write(f"pruned {count} run{'s' if count != 1 else ''} older than {older_than}\n")
        return ExitCode.SUCCESS

    raise typer.Exit(int(_with_store(history or ctx.obj, work)))


@history_app.command("import")
def history_import(
    ctx: typer.Context,
    database: Annotated[Path, typer.Argument(metavar="DB", help="Another history database (a shard's).")],
    history: HistoryOpt = None,
) -> None:
    """Merge the runs of another history database into this one (runs already here are kept)."""
    def work(store: Any) -> ExitCode:
        count = store.import_from(database)
        sys.stdout.write(f"imported {count} run{'s' if count != 1 else ''} from {database}\n")
        return ExitCode.SUCCESS

    raise typer.Exit(int(_with_store(history or ctx.obj, work, create=True)))


def _inventory_hosts(sources: list[str], pattern: str | None) -> list[str]:
    from corral.inventory import load_inventory

    inventory = load_inventory(sources)
    return [host.name for host in inventory.select(pattern or "all")]


def drift_cmd(
    pattern: Annotated[str | None, typer.Argument(metavar="PATTERN", help="Hosts to show: a glob over the hosts of the history (e.g. 'web*'), or with -i an inventory pattern; default all.")] = None,
    inventory: Annotated[list[str] | None, typer.Option("-i", "--inventory", help="Also show the inventory's hosts never checked (PATTERN is then an inventory pattern).")] = None,
    as_json: JsonOpt = False,
    history: HistoryOpt = None,
) -> None:
    """Per host, from the recorded checks: in sync, drifting since when, or unknown. Exit 2 on drift."""
    def work(store: Any) -> ExitCode:
        from corral.history.views import drift_report, drift_text

        hosts = _inventory_hosts(inventory, pattern) if inventory else None
        entries = drift_report(store, pattern, hosts)
        if as_json:
            _print_json(entries)
        elif entries:
            sys.stdout.write(drift_text(entries) + "\n")
        else:
            sys.stdout.write("no host recorded in the history matches\n")
        drifting = any(e["state"] == "drifting" for e in entries)
        return ExitCode.DRIFT if drifting else ExitCode.SUCCESS

    raise typer.Exit(int(_with_store(history, work)))


def add_history_commands(app: typer.Typer) -> None:
    app.add_typer(history_app, name="history")
    app.command("drift")(drift_cmd)
