"""Run options: everything the command line decides, passed explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from corral.scale.shard import Shard


@dataclass(frozen=True)
class ConnectionDefaults:
    """The lowest-precedence connection settings: ansible.cfg, then -u/-b/--become-user.

    Inventory variables and play keywords beat them, as in Ansible.
    """

    remote_user: str | None = None
    private_key_file: str | None = None
    become: bool = False
    become_user: str | None = None


@dataclass(frozen=True)
class RunOptions:
    """How to run a playbook. The CLI builds one; the engine only reads it."""

    check: bool = False
    diff: bool = False
    limit: str | None = None
    tags: frozenset[str] = frozenset()
    skip_tags: frozenset[str] = frozenset()
    extra_vars: Mapping[str, Any] = field(default_factory=dict)
    extra_vars_source: str = "extra vars (-e)"
    forks: int = 50
    verbosity: int = 0
    force_handlers: bool = False
    become_password: str | None = None
    host_key_policy: str | None = None
    connect_timeout: float = 10.0
    collect_stats: bool = False
    start_at_task: str | None = None
    defaults: ConnectionDefaults = field(default_factory=ConnectionDefaults)
    gather_implicit: bool = True  # ansible.cfg gathering=explicit: only plays that ask gather
    shard: Shard | None = None  # --shard I/N: only this slice of the selected hosts
    only_changed: bool = False  # -q: the console leaves out ok and skipped lines
