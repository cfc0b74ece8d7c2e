"""Merge the command line with ansible.cfg and ANSIBLE_* variables: the command line wins."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.config import AnsibleConfig, load_ansible_config
from corral.errors import UsageError
from corral.executor.options import ConnectionDefaults

DEFAULT_FORKS = 50
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class CliSettings:
    """What the user typed (``None``: not given)."""

    inventory: list[str] | None = None
    forks: int | None = None
    timeout: float | None = None
    host_key_checking: str | None = None
    user: str | None = None
    become: bool = False
    become_user: str | None = None
    ask_become_pass: bool = False
    vault_password_files: list[str] = field(default_factory=list)
    vault_ids: list[str] = field(default_factory=list)
    verbose: int = 0
    roles_path: list[str] = field(default_factory=list)
    private_key: str | None = None


@dataclass(frozen=True)
class Resolved:
    inventory: list[str]
    options: dict[str, Any]  # keyword arguments for build_options
    vault_password_files: list[str]
    vault_ids: list[str]
    roles_path: list[str] = field(default_factory=list)  # --roles-path, else ansible.cfg's


def resolve_settings(cli: CliSettings, config: AnsibleConfig | None = None) -> Resolved:
    """The settings of this run; with no -i and no inventory in ansible.cfg, a usage error."""
    cfg = config if config is not None else load_ansible_config()
    inventory = list(cli.inventory or cfg.inventory)
    if not inventory:
        raise UsageError("give an inventory with -i (or set inventory in ansible.cfg's "
                         "[defaults], or ANSIBLE_INVENTORY)")
    if cli.verbose and cfg.path is not None:
        _say_config(cfg)
    defaults = ConnectionDefaults(
        remote_user=cli.user or cfg.remote_user,
        private_key_file=(str(Path(cli.private_key).expanduser()) if cli.private_key
                          else cfg.private_key_file),
        become=cli.become or bool(cfg.become),
        become_user=cli.become_user or cfg.become_user,
    )
    options: dict[str, Any] = {
        "forks": cli.forks or cfg.forks or DEFAULT_FORKS,
        "timeout": cli.timeout or cfg.timeout or DEFAULT_TIMEOUT,
        "host_key_checking": cli.host_key_checking or cfg.host_key_policy,
        "ask_become_pass": cli.ask_become_pass or bool(cfg.become_ask_pass),
        "defaults": defaults,
        "gather_implicit": cfg.gathering != "explicit",
    }
    given_vault = cli.vault_password_files or cli.vault_ids
    files = list(cli.vault_password_files)
    ids = list(cli.vault_ids)
    if not given_vault:
        ids = list(cfg.vault_identity_list)
        if cfg.vault_password_file:
            files = [cfg.vault_password_file]
    return Resolved(inventory, options, files, ids, list(cli.roles_path or cfg.roles_path))


def _say_config(cfg: AnsibleConfig) -> None:
    sys.stderr.write(f"Using {cfg.path} as config file\n")
    if cfg.ignored:
        sys.stderr.write("ansible.cfg settings corral does not use: " + ", ".join(cfg.ignored) + "\n")
