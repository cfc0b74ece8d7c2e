"""The `corral` command line: thin wrappers that build options and call the engine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from corral import __version__
from corral.cli.exit_codes import ExitCode
from corral.cli.record_cli import (
    EventsOpt,
    HistoryOpt,
    JunitOpt,
    NoHistoryOpt,
    ReportDirOpt,
    record_options,
)
from corral.cli.settings import CliSettings, Resolved
from corral.cli.vault_options import AskVaultPassOpt, VaultIdOpt, VaultPasswordFileOpt
from corral.errors import InputError, UsageError

app = typer.Typer(
    name="corral",
    help="Apply Ansible-style playbooks to fleets of Linux hosts over SSH, in parallel, "
    "with honest check mode and a per-host change report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

InventoryOpt = Annotated[
    list[str] | None,
    typer.Option("-i", "--inventory",
                 help="Inventory file or folder (repeatable; default: ansible.cfg's inventory)."),
]
ExtraVarsOpt = Annotated[
    list[str] | None,
    typer.Option("-e", "--extra-vars", help="Extra vars: k=v, @file.yml or JSON (repeatable)."),
]
ForksOpt = Annotated[int | None, typer.Option("--forks", "-f", min=1, help="Hosts worked on at once (default 50, or ansible.cfg's forks).")]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", "-T", help="Connect timeout in seconds (default 10, or ansible.cfg's timeout).")]
UserOpt = Annotated[str | None, typer.Option("--user", "-u", help="Connect as this user (inventory and play settings win).")]
BecomeOpt = Annotated[bool, typer.Option("--become", "-b", help="Run tasks through sudo, as root unless --become-user.")]
BecomeUserOpt = Annotated[str | None, typer.Option("--become-user", help="The user to become (default root).")]
AskBecomeOpt = Annotated[bool, typer.Option("--ask-become-pass", "-K", help="Ask once for the sudo password.")]
QuietOpt = Annotated[bool, typer.Option("--only-changed", "-q", help="Leave out ok and skipped lines; the recap lists only the hosts that are not ok.")]
ShardOpt = Annotated[str | None, typer.Option("--shard", metavar="I/N", help="Only shard I of N (0-based) of the selected hosts, split by a stable hash of the host name.")]
HostKeyOpt = Annotated[str | None, typer.Option("--host-key-checking", help="strict, accept-new or off (default: strict, or corral_host_key_policy).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corral {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """corral: infrastructure automation over SSH."""


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


def _run_playbook(playbook: Path, cli: CliSettings, check: bool, diff: bool,
                  ask_vault_pass: bool, **kw: Any) -> None:
    from corral.cli.apply_cmd import apply_playbook
    from corral.cli.vault_options import run_with_vault

    resolved = _settings(cli)
    code = run_with_vault(
        resolved.vault_password_files, resolved.vault_ids, ask_vault_pass,
        lambda: apply_playbook(playbook, resolved.inventory, check=check, diff=diff,
                               roles_path=resolved.roles_path, **resolved.options, **kw))
    raise typer.Exit(int(code))


@app.command()
def apply(
    playbook: Annotated[Path, typer.Argument(metavar="PLAYBOOK", help="The playbook to apply.")],
    inventory: InventoryOpt = None,
    check: Annotated[bool, typer.Option("--check", "-C", help="Change nothing; report what would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", "-D", help="Show diffs of what changes.")] = False,
    limit: Annotated[str | None, typer.Option("--limit", "-l", help="Further limit hosts to a pattern.")] = None,
    tags: Annotated[list[str] | None, typer.Option("--tags", "-t", help="Only run tasks with these tags.")] = None,
    skip_tags: Annotated[list[str] | None, typer.Option("--skip-tags", help="Skip tasks with these tags.")] = None,
    extra_vars: ExtraVarsOpt = None,
    forks: ForksOpt = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write a JSON report to this file.")] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="Show module results (-v).")] = 0,
    only_changed: QuietOpt = False,
    user: UserOpt = None,
    become: BecomeOpt = False,
    become_user: BecomeUserOpt = None,
    ask_become_pass: AskBecomeOpt = False,
    force_handlers: Annotated[bool, typer.Option("--force-handlers", help="Run handlers even on failed hosts.")] = False,
    host_key_checking: HostKeyOpt = None,
    stats: Annotated[bool, typer.Option("--stats", help="Print round trips, bytes and timings per host.")] = False,
    list_hosts: Annotated[bool, typer.Option("--list-hosts", help="List the hosts each play would run on, then exit.")] = False,
    list_tasks: Annotated[bool, typer.Option("--list-tasks", help="List the tasks that would run, then exit.")] = False,
    syntax_check: Annotated[bool, typer.Option("--syntax-check", help="Only load and validate the playbook and inventory, then exit.")] = False,
    timeout: TimeoutOpt = None,
    shard: ShardOpt = None,
    start_at_task: Annotated[str | None, typer.Option("--start-at-task", help="Skip tasks until the one with this name.")] = None,
    vault_password_file: VaultPasswordFileOpt = None,
    vault_id: VaultIdOpt = None,
    ask_vault_pass: AskVaultPassOpt = False,
    roles_path: Annotated[list[str] | None, typer.Option("--roles-path", help="Folder to find roles in, after roles/ beside the playbook (repeatable; also ANSIBLE_ROLES_PATH and ansible.cfg's roles_path).")] = None,
    report_dir: ReportDirOpt = None,
    events: EventsOpt = None,
    junit: JunitOpt = None,
    history: HistoryOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:
    """Apply PLAYBOOK to the hosts of INVENTORY."""
    cli = CliSettings(inventory, forks, timeout, host_key_checking, user, become, become_user,
                      ask_become_pass, list(vault_password_file or []), list(vault_id or []),
                      verbose, list(roles_path or []))
    _run_playbook(playbook, cli, check, diff, ask_vault_pass, limit=limit, tags=tags,
                  skip_tags=skip_tags, extra_vars=extra_vars, report=report, verbose=verbose,
                  force_handlers=force_handlers, stats=stats, list_hosts=list_hosts,
                  list_tasks=list_tasks, syntax_check=syntax_check, start_at_task=start_at_task,
                  record=record_options("apply", report_dir, events, junit, history, no_history),
                  shard=shard, only_changed=only_changed)


@app.command()
def check(
    playbook: Annotated[Path, typer.Argument(metavar="PLAYBOOK", help="The playbook to check.")],
    inventory: InventoryOpt = None,
    limit: Annotated[str | None, typer.Option("--limit", "-l", help="Further limit hosts to a pattern.")] = None,
    tags: Annotated[list[str] | None, typer.Option("--tags", "-t", help="Only check tasks with these tags.")] = None,
    skip_tags: Annotated[list[str] | None, typer.Option("--skip-tags", help="Skip tasks with these tags.")] = None,
    extra_vars: ExtraVarsOpt = None,
    forks: ForksOpt = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write a JSON report to this file.")] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="Show module results (-v).")] = 0,
    only_changed: QuietOpt = False,
    user: UserOpt = None,
    become: BecomeOpt = False,
    become_user: BecomeUserOpt = None,
    ask_become_pass: AskBecomeOpt = False,
    host_key_checking: HostKeyOpt = None,
    stats: Annotated[bool, typer.Option("--stats", help="Print round trips, bytes and timings per host.")] = False,
    syntax_check: Annotated[bool, typer.Option("--syntax-check", help="Only load and validate the playbook and inventory, then exit.")] = False,
    timeout: TimeoutOpt = None,
    shard: ShardOpt = None,
    vault_password_file: VaultPasswordFileOpt = None,
    vault_id: VaultIdOpt = None,
    ask_vault_pass: AskVaultPassOpt = False,
    roles_path: Annotated[list[str] | None, typer.Option("--roles-path", help="Folder to find roles in, after roles/ beside the playbook (repeatable; also ANSIBLE_ROLES_PATH and ansible.cfg's roles_path).")] = None,
    report_dir: ReportDirOpt = None,
    events: EventsOpt = None,
    junit: JunitOpt = None,
    history: HistoryOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:
    """Drift check: apply in check + diff mode. Exit 2 when anything would change."""
    cli = CliSettings(inventory, forks, timeout, host_key_checking, user, become, become_user,
                      ask_become_pass, list(vault_password_file or []), list(vault_id or []),
                      verbose, list(roles_path or []))
    _run_playbook(playbook, cli, True, True, ask_vault_pass, limit=limit, tags=tags,
                  skip_tags=skip_tags, extra_vars=extra_vars, report=report, verbose=verbose,
                  force_handlers=False, stats=stats, list_hosts=False, list_tasks=False,
                  syntax_check=syntax_check, shard=shard,
                  record=record_options("check", report_dir, events, junit, history, no_history),
                  only_changed=only_changed)


@app.command("run")
def run_adhoc(
    pattern: Annotated[str, typer.Argument(metavar="PATTERN", help="Host pattern, e.g. all, web, 'web:!web3'.")],
    inventory: InventoryOpt = None,
    module: Annotated[str, typer.Option("--module-name", "-m", help="Module to run.")] = "command",
    args: Annotated[str, typer.Option("--args", "-a", help="Module arguments: k=v pairs or free form.")] = "",
    check: Annotated[bool, typer.Option("--check", "-C", help="Change nothing; report what would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", "-D", help="Show diffs.")] = False,
    user: UserOpt = None,
    become: BecomeOpt = False,
    become_user: BecomeUserOpt = None,
    ask_become_pass: AskBecomeOpt = False,
    limit: Annotated[str | None, typer.Option("--limit", "-l", help="Further limit hosts.")] = None,
    extra_vars: ExtraVarsOpt = None,
    forks: ForksOpt = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="Show module results.")] = 1,
    host_key_checking: HostKeyOpt = None,
    timeout: TimeoutOpt = None,
    shard: ShardOpt = None,
    vault_password_file: VaultPasswordFileOpt = None,
    vault_id: VaultIdOpt = None,
    ask_vault_pass: AskVaultPassOpt = False,
    report_dir: ReportDirOpt = None,
    events: EventsOpt = None,
    junit: JunitOpt = None,
    history: HistoryOpt = None,
    no_history: NoHistoryOpt = False,
) -> None:
    """Run one module on the hosts matching PATTERN (like `ansible -m`)."""
    from corral.cli.apply_cmd import run_adhoc_task
    from corral.cli.vault_options import run_with_vault

    cli = CliSettings(inventory, forks, timeout, host_key_checking, user, False, None,
                      ask_become_pass, list(vault_password_file or []), list(vault_id or []),
                      verbose)
    resolved = _settings(cli)
    code = run_with_vault(resolved.vault_password_files, resolved.vault_ids, ask_vault_pass,
                          lambda: run_adhoc_task(
        pattern, resolved.inventory, module, args, check=check, diff=diff, become=become,
        become_user=become_user, limit=limit, extra_vars=extra_vars, verbose=verbose,
        record=record_options("run", report_dir, events, junit, history, no_history),
        shard=shard, **resolved.options))
    raise typer.Exit(int(code))


@app.command("inventory")
def inventory_cmd(
    pattern: Annotated[str, typer.Argument(metavar="PATTERN", help="Host pattern to list.")] = "all",
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
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="Show one module's arguments.")] = None,
    playbook_dir: Annotated[Path | None, typer.Option("--playbook-dir", help="Also list modules/ next to this folder's playbooks.")] = None,
) -> None:
    """List the modules corral has, with their arguments."""
    from corral.cli.modules_cmd import show_modules

    raise typer.Exit(int(show_modules(name, playbook_dir)))


@app.command("explain")
def explain_cmd(
    variable: Annotated[str, typer.Argument(metavar="VARIABLE", help="The variable name.")],
    host: Annotated[str, typer.Argument(metavar="HOST", help="The inventory host.")],
    playbook: Annotated[Path | None, typer.Argument(metavar="PLAYBOOK", help="Also consider this playbook's play vars.")] = None,
    inventory: InventoryOpt = None,
    extra_vars: ExtraVarsOpt = None,
    roles_path: Annotated[list[str] | None, typer.Option("--roles-path", help="Folder to find roles in, after roles/ beside the playbook (repeatable; also ANSIBLE_ROLES_PATH).")] = None,
) -> None:
    """Show the value VARIABLE has for HOST, where it comes from, and every value it shadows."""
    from corral.cli.explain_cmd import explain_variable

    raise typer.Exit(int(explain_variable(variable, host, _inventories(inventory), playbook,
                                         list(extra_vars or []), list(roles_path or []))))


@app.command("facts")
def facts_cmd(
    pattern: Annotated[str, typer.Argument(metavar="PATTERN", help="Host pattern.")],
    inventory: InventoryOpt = None,
    limit: Annotated[str | None, typer.Option("--limit", "-l", help="Further limit hosts.")] = None,
    forks: Annotated[int, typer.Option("--forks", "-f", min=1, help="Hosts worked on at once.")] = 50,
    host_key_checking: Annotated[str | None, typer.Option("--host-key-checking", help="strict, accept-new or off.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", "-T", help="Connect timeout in seconds.")] = 10.0,
) -> None:
    """Gather and print the facts of the hosts matching PATTERN (as JSON)."""
    from corral.cli.apply_cmd import run_adhoc_task

    code = run_adhoc_task(pattern, _inventories(inventory), "setup", "", check=False, diff=False, become=False,
                          become_user=None, ask_become_pass=False, limit=limit, extra_vars=None,
                          forks=forks, verbose=1, host_key_checking=host_key_checking,
                          timeout=timeout)
    raise typer.Exit(int(code))


def _add_sub_commands() -> None:
    from corral.cli.history_cmd import add_history_commands
    from corral.cli.vault_app import vault_app

    app.add_typer(vault_app, name="vault")
    add_history_commands(app)
    from corral.cli.report_app import report_app

    app.add_typer(report_app, name="report")


_add_sub_commands()


def main() -> None:
    """Entry point: map usage errors to exit 5 and input errors to exit 4."""
    from corral.scale.open_files import raise_open_file_limit

    raise_open_file_limit()  # one connection per host: big runs need many descriptors
    try:
        result = app(standalone_mode=False)
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
