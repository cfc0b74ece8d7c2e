"""The `corral` command line: thin wrappers that build options and call the engine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from corral import __version__
from corral.cli.common_flags import (
    CheckOpt,
    DiffOpt,
    ExtraVarsOpt,
    HostFlags,
    InventoryOpt,
    PatternArg,
    PlaybookFlags,
    RecordFlags,
    RolesPathOpt,
    ShardOpt,
)
from corral.cli.completion import complete_module, complete_pattern
from corral.cli.exit_codes import ExitCode
from corral.cli.gc_policy import PausedCollector
from corral.cli.help_text import exit_codes_epilog, polish_help
from corral.cli.option_groups import with_option_groups
from corral.cli.run_record import RecordOptions
from corral.cli.settings import CliSettings, Resolved
from corral.errors import InputError, UsageError

app = typer.Typer(
    name="corral",
    help="Apply Ansible-style playbooks to fleets of Linux hosts over SSH, in parallel, "
    "with honest check mode and a per-host change report.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corral {__version__}")
        raise typer.Exit(0)


_RUN_HOSTS = frozenset({"apply", "check", "run", "facts"})  # they resume the collector at the run


def _collector(ctx: typer.Context) -> PausedCollector | None:
    """The collector the entry point paused (see gc_policy), if it did."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, PausedCollector) else None


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """corral: infrastructure automation over SSH."""
    collector = _collector(ctx)
    if collector is not None and ctx.invoked_subcommand not in _RUN_HOSTS:
        collector.resume()


def _settings(cli: CliSettings) -> Resolved:
    from corral.cli.settings import resolve_settings

    try:
        return resolve_settings(cli)
    except UsageError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        raise typer.Exit(int(ExitCode.USAGE)) from exc
    except InputError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        raise typer.Exit(int(ExitCode.INVALID_INPUT)) from exc


def _inventories(given: list[str] | None) -> list[str]:
    """-i, else ansible.cfg's inventory (for the commands without the full settings)."""
    return _settings(CliSettings(inventory=given)).inventory


def _run_playbook(ctx: typer.Context, playbook: Path, hosts: HostFlags, book: PlaybookFlags,
                  record: RecordOptions, check: bool, diff: bool, **kw: Any) -> None:
    from corral.cli.apply_cmd import apply_playbook
    from corral.cli.vault_options import run_with_vault

    resolved = _settings(hosts.settings(book.roles_path))
    code = run_with_vault(
        resolved.vault_password_files, resolved.vault_ids, hosts.ask_vault_pass,
        lambda: apply_playbook(
            playbook, resolved.inventory, check=check, diff=diff, roles_path=resolved.roles_path,
            limit=hosts.limit, allow_empty=hosts.allow_empty, tags=book.tags,
            skip_tags=book.skip_tags, extra_vars=hosts.extra_vars, report=book.report,
            verbose=hosts.verbose, stats=book.stats, syntax_check=book.syntax_check,
            record=record, shard=hosts.shard, only_changed=book.only_changed,
            collector=_collector(ctx), **resolved.options, **kw))
    raise typer.Exit(int(code))


@app.command(epilog=exit_codes_epilog(ExitCode.DRIFT))
@with_option_groups
def apply(
    ctx: typer.Context,
    playbook: Annotated[Path, typer.Argument(metavar="PLAYBOOK", help="The playbook to apply.")],
    hosts: HostFlags,
    book: PlaybookFlags,
    record: RecordFlags,
    check: CheckOpt = False,
    diff: DiffOpt = False,
    force_handlers: Annotated[bool, typer.Option("--force-handlers", help="Run handlers even on failed hosts.")] = False,
    list_hosts: Annotated[bool, typer.Option("--list-hosts", help="List the hosts each play would run on, then exit.")] = False,
    list_tasks: Annotated[bool, typer.Option("--list-tasks", help="List the tasks that would run, then exit.")] = False,
    start_at_task: Annotated[str | None, typer.Option("--start-at-task", help="Skip tasks until the one with this name.")] = None,
) -> None:
    """Apply PLAYBOOK to the hosts of the inventory."""
    _run_playbook(ctx, playbook, hosts, book, record.options("apply"), check, diff,
                  force_handlers=force_handlers, list_hosts=list_hosts, list_tasks=list_tasks,
                  start_at_task=start_at_task)


@app.command(epilog=exit_codes_epilog(ExitCode.DRIFT))
@with_option_groups
def check(
    ctx: typer.Context,
    playbook: Annotated[Path, typer.Argument(metavar="PLAYBOOK", help="The playbook to check.")],
    hosts: HostFlags,
    book: PlaybookFlags,
    record: RecordFlags,
) -> None:
    """Drift check: apply PLAYBOOK in check + diff mode; exit 2 when anything would change."""
    _run_playbook(ctx, playbook, hosts, book, record.options("check"), True, True,
                  force_handlers=False, list_hosts=False, list_tasks=False)


@app.command("run", epilog=exit_codes_epilog(ExitCode.DRIFT))
@with_option_groups
def run_adhoc(
    ctx: typer.Context,
    pattern: PatternArg,
    module: Annotated[str, typer.Option("--module-name", "-m", help="Module to run.",
                                        autocompletion=complete_module)] = "command",
    args: Annotated[str, typer.Option("--args", "-a", help="Module arguments: k=v pairs or free form.")] = "",
    check: CheckOpt = False,
    diff: DiffOpt = False,
    one_line: Annotated[bool, typer.Option("--one-line", "-o", help="One line per host (stdout with its newlines escaped).")] = False,
    tree: Annotated[Path | None, typer.Option("--tree", help="Also write each host's result to DIR/HOST as JSON.", metavar="DIR")] = None,
    *,
    hosts: HostFlags,
    record: RecordFlags,
) -> None:
    """Run one module on the hosts matching PATTERN, like `ansible PATTERN -m MODULE -a ARGS`:
    `host | CHANGED | rc=0 >>` and the output; -v shows each result as JSON."""
    from corral.cli.adhoc_cmd import AdhocOutput

    _adhoc(pattern, hosts, module, args, check=check, diff=diff, collector=_collector(ctx),
           record=record.options("run"), output=AdhocOutput(one_line=one_line, tree=tree))


def _adhoc(pattern: str, hosts: HostFlags, module: str, args: str, **kw: Any) -> None:
    from corral.cli.adhoc_cmd import run_adhoc_task
    from corral.cli.vault_options import run_with_vault

    resolved = _settings(hosts.settings(become=False))  # the ad-hoc play carries -b
    code = run_with_vault(resolved.vault_password_files, resolved.vault_ids,
                          hosts.ask_vault_pass, lambda: run_adhoc_task(
        pattern, resolved.inventory, module, args, become=hosts.become,
        become_user=hosts.become_user, limit=hosts.limit, allow_empty=hosts.allow_empty,
        extra_vars=hosts.extra_vars, verbose=hosts.verbose, shard=hosts.shard,
        **resolved.options, **kw))
    raise typer.Exit(int(code))


@app.command("inventory")
def inventory_cmd(
    pattern: Annotated[str, typer.Argument(metavar="PATTERN", help="Host pattern to list.",
                                           autocompletion=complete_pattern)] = "all",
    inventory: InventoryOpt = None,
    graph: Annotated[bool, typer.Option("--graph", help="Show the group tree.")] = False,
    host: Annotated[str | None, typer.Option("--host", help="Show one host's variables.")] = None,
    as_json: Annotated[bool, typer.Option("--list", help="Dump everything as JSON (like ansible-inventory --list).")] = False,
    shard: ShardOpt = None,
) -> None:
    """Show what an inventory resolves to: hosts, groups, variables."""
    from corral.cli.inventory_cmd import show_inventory, show_shard

    if shard is not None:
        raise typer.Exit(int(show_shard(_inventories(inventory), pattern, shard)))
    raise typer.Exit(int(show_inventory(_inventories(inventory), pattern, graph, host, as_json)))


@app.command("modules")
def modules_cmd(
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="Show one module's arguments.",
                                               autocompletion=complete_module)] = None,
    playbook_dir: Annotated[Path | None, typer.Option("--playbook-dir", help="Also list modules/ next to this folder's playbooks.")] = None,
    snippet: Annotated[bool, typer.Option("--snippet", "-s", help="Print a task using module NAME, ready to paste into a playbook: required arguments set, optional ones commented out.")] = False,
) -> None:
    """List the modules corral has; with NAME, its arguments, return values and an example task."""
    from corral.cli.modules_cmd import show_modules

    raise typer.Exit(int(show_modules(name, playbook_dir, snippet)))


@app.command("explain")
def explain_cmd(
    variable: Annotated[str, typer.Argument(metavar="VARIABLE", help="The variable name.")],
    host: Annotated[str, typer.Argument(metavar="HOST", help="The inventory host.")],
    playbook: Annotated[Path | None, typer.Argument(metavar="PLAYBOOK", help="Also consider this playbook's play vars.")] = None,
    inventory: InventoryOpt = None,
    extra_vars: ExtraVarsOpt = None,
    roles_path: RolesPathOpt = None,
) -> None:
    """Show the value VARIABLE has for HOST, where it comes from, and every value it shadows."""
    from corral.cli.explain_cmd import explain_variable

    raise typer.Exit(int(explain_variable(variable, host, _inventories(inventory), playbook,
                                         list(extra_vars or []), list(roles_path or []))))


@app.command("facts", epilog=exit_codes_epilog())
@with_option_groups
def facts_cmd(ctx: typer.Context, pattern: PatternArg, hosts: HostFlags) -> None:
    """Gather and print the facts of the hosts matching PATTERN, as JSON."""
    from dataclasses import replace

    from corral.cli.adhoc_cmd import AdhocOutput

    _adhoc(pattern, replace(hosts, verbose=max(1, hosts.verbose)), "setup", "", check=False,
           diff=False, output=AdhocOutput(), collector=_collector(ctx))


def _add_sub_commands() -> None:
    from corral.cli.history_cmd import add_history_commands
    from corral.cli.vault_app import vault_app

    app.add_typer(vault_app, name="vault")
    add_history_commands(app)
    from corral.cli.report_app import report_app

    app.add_typer(report_app, name="report")


_add_sub_commands()
polish_help(app)


def main(collector: PausedCollector | None = None) -> None:
    """Entry point: map usage errors to exit 5 and input errors to exit 4.

    ``collector``: the garbage collector the `corral` entry point paused (gc_policy);
    the run resumes it when it begins."""
    from corral.scale.open_files import raise_open_file_limit

    raise_open_file_limit()  # one connection per host: big runs need many descriptors
    try:
        result = app(prog_name="corral", standalone_mode=False, obj=collector)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(int(ExitCode.INTERRUPTED))
    except Exception as exc:  # the vendored click's usage errors: show, then exit 5
        show = getattr(exc, "show", None)
        if show is None or not hasattr(exc, "exit_code"):
            raise
        show()
        sys.exit(int(ExitCode.USAGE))
    code = int(result) if isinstance(result, int) else 0
    if code == ExitCode.INTERRUPTED:
        # Ctrl-C: the recap and the report are out and every host was told to stop;
        # tearing the interpreter down can take longer than all that (seen: 0.6 s).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    main()
