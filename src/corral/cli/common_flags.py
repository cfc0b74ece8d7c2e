"""The option groups of apply, check, run and facts (see option_groups).

``HostFlags``: which hosts, how to reach them, vars and vault: every command that
touches hosts. ``RecordFlags``: what a run leaves behind (apply, check, run).
``PlaybookFlags``: what only a playbook has (apply, check).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from corral.cli.completion import complete_pattern
from corral.cli.option_groups import option_group
from corral.cli.record_cli import EventsOpt, HistoryOpt, JunitOpt, NoHistoryOpt, ReportDirOpt
from corral.cli.run_record import RecordOptions
from corral.cli.settings import CliSettings
from corral.cli.vault_options import AskVaultPassOpt, VaultIdOpt, VaultPasswordFileOpt

InventoryOpt = Annotated[
    list[str] | None,
    typer.Option("-i", "--inventory",
                 help="Inventory file or folder (repeatable; default: ansible.cfg's inventory)."),
]
ExtraVarsOpt = Annotated[
    list[str] | None,
    typer.Option("-e", "--extra-vars", help="Extra vars: k=v, @file.yml or JSON (repeatable)."),
]
RolesPathOpt = Annotated[list[str] | None, typer.Option(
    "--roles-path", help="Folder to find roles in, after roles/ beside the playbook (repeatable; "
    "also ANSIBLE_ROLES_PATH and ansible.cfg's roles_path).")]
PatternArg = Annotated[str, typer.Argument(
    metavar="PATTERN", help="Host pattern, e.g. all, web, 'web:!web3'.",
    autocompletion=complete_pattern)]
ShardOpt = Annotated[str | None, typer.Option(
    "--shard", metavar="I/N", help="Only shard I of N (0-based) of the selected hosts, split by "
    "a stable hash of the host name.")]
CheckOpt = Annotated[bool, typer.Option("--check", "-C", help="Change nothing; report what would change.")]
DiffOpt = Annotated[bool, typer.Option("--diff", "-D", help="Show diffs of what changes.")]


@option_group
@dataclass(frozen=True)
class HostFlags:
    """Which hosts, how to connect, with which vars and vault passwords."""

    inventory: InventoryOpt = None
    limit: Annotated[str | None, typer.Option(
        "--limit", "-l", help="Further limit hosts to a pattern (@FILE: names from a file).",
        autocompletion=complete_pattern)] = None
    allow_empty: Annotated[bool, typer.Option(
        "--allow-empty", help="A hosts pattern or --limit that matches no host is skipped, "
        "as ansible-core does. Without it such a run exits 4 and names what you may have "
        "meant: a pattern that matches nothing is usually a typo, and a run that did nothing "
        "must not look like a clean one in cron or CI.")] = False
    extra_vars: ExtraVarsOpt = None
    user: Annotated[str | None, typer.Option(
        "--user", "-u", help="Connect as this user (inventory and play settings win).")] = None
    private_key: Annotated[str | None, typer.Option(
        "--private-key", "--key-file", help="SSH private key file (inventory settings win; "
        "default: ansible.cfg's private_key_file).")] = None
    become: Annotated[bool, typer.Option(
        "--become", "-b", help="Run tasks through sudo, as root unless --become-user.")] = False
    become_user: Annotated[str | None, typer.Option(
        "--become-user", help="The user to become (default root).")] = None
    ask_become_pass: Annotated[bool, typer.Option(
        "--ask-become-pass", "-K", help="Ask once for the sudo password.")] = False
    forks: Annotated[int | None, typer.Option(
        "--forks", "-f", min=1, help="Hosts worked on at once (default 50, or ansible.cfg's "
        "forks).")] = None
    timeout: Annotated[float | None, typer.Option(
        "--timeout", "-T", help="Connect timeout in seconds (default 10, or ansible.cfg's "
        "timeout).")] = None
    host_key_checking: Annotated[str | None, typer.Option(
        "--host-key-checking", help="strict, accept-new or off (default: strict, or "
        "corral_host_key_policy).")] = None
    shard: ShardOpt = None
    vault_password_file: VaultPasswordFileOpt = None
    vault_id: VaultIdOpt = None
    ask_vault_pass: AskVaultPassOpt = False
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, help="Show module results (-v).")] = 0

    def settings(self, roles_path: list[str] | None = None, *, become: bool | None = None,
                 verbose: int | None = None) -> CliSettings:
        """What the user typed, for ``resolve_settings`` (``become``: for the defaults; the
        ad-hoc play carries its own)."""
        return CliSettings(self.inventory, self.forks, self.timeout, self.host_key_checking,
                           self.user, self.become if become is None else become,
                           self.become_user if become is None else None, self.ask_become_pass,
                           list(self.vault_password_file or []), list(self.vault_id or []),
                           self.verbose if verbose is None else verbose, list(roles_path or []),
                           self.private_key)


@option_group
@dataclass(frozen=True)
class RecordFlags:
    """What a run leaves behind besides the console."""

    report_dir: ReportDirOpt = None
    events: EventsOpt = None
    junit: JunitOpt = None
    history: HistoryOpt = None
    no_history: NoHistoryOpt = False

    def options(self, command: str) -> RecordOptions:
        return RecordOptions(command=command, report_dir=self.report_dir, events=self.events,
                             junit=self.junit, history=self.history, no_history=self.no_history)


@option_group
@dataclass(frozen=True)
class PlaybookFlags:
    """What only a playbook run has: tags, the JSON report, roles, stats, syntax check."""

    tags: Annotated[list[str] | None, typer.Option(
        "--tags", "-t", help="Only run tasks with these tags.")] = None
    skip_tags: Annotated[list[str] | None, typer.Option(
        "--skip-tags", help="Skip tasks with these tags.")] = None
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write a JSON report to this file.")] = None
    stats: Annotated[bool, typer.Option(
        "--stats", help="Print round trips, bytes and timings per host.")] = False
    syntax_check: Annotated[bool, typer.Option(
        "--syntax-check", help="Only load and validate the playbook and inventory, then exit.")] = False
    roles_path: RolesPathOpt = None
    only_changed: Annotated[bool, typer.Option(
        "--only-changed", "-q",
        help="Leave out ok and skipped lines; the recap lists only the hosts that are not ok.")] = False
