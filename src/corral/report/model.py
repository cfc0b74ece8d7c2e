"""Typed results of a run: what happened to each task on each host.

The console recap and the JSON report are two renderers of this data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """The outcome of one task on one host."""

    OK = "ok"
    CHANGED = "changed"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNREACHABLE = "unreachable"
    # Check mode only: the outcome depends on a change not made yet (drift, never ok).
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AttributeChange:
    """One attribute a module changed (or would change): before and after."""

    what: str
    before: Any = None
    after: Any = None
    lines: tuple[int, int] | None = None  # content: (added, removed) lines, when the module counted


@dataclass(frozen=True)
class ContentDiff:
    """A change of content, rendered as a unified diff."""

    before: str
    after: str
    before_header: str = "before"
    after_header: str = "after"


@dataclass(frozen=True)
class TaskResult:
    """What one task did on one host."""

    host: str
    task: str
    module: str
    status: Status
    msg: str = ""
    diff: ContentDiff | None = None
    changes: tuple[AttributeChange, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    ignored: bool = False  # failed, but ignore_errors was set
    no_log: bool = False
    item_label: str | None = None
    duration: float = 0.0
    where: str = ""  # the task's file:line:col in the playbook, when known

    @property
    def changed(self) -> bool:
        return self.status is Status.CHANGED


@dataclass(frozen=True)
class HostRecap:
    """Counts per host, as the recap line and the JSON report show them."""

    ok: int = 0
    changed: int = 0
    failed: int = 0
    skipped: int = 0
    unreachable: bool = False
    rescued: int = 0
    ignored: int = 0
    interrupted: bool = False
    unknown: int = 0  # check mode could not predict these tasks; not counted in ok


@dataclass
class HostReport:
    """Everything that happened on one host during a run."""

    name: str
    results: list[TaskResult] = field(default_factory=list)
    unreachable_msg: str | None = None
    never_touched: bool = False  # a rollout stopped (or Ctrl-C came) before this host's turn
    rescued: int = 0  # failures a block's rescue handled
    interrupted: bool = False  # Ctrl-C came while this host was still running its play
    interrupted_task: str | None = None  # the task it was running then, if any
    aborted: bool = False  # the rollout stopped (max_fail_percentage, any_errors_fatal) mid-batch

    def add(self, result: TaskResult) -> None:
        self.results.append(result)
        if result.status is Status.UNREACHABLE:
            self.unreachable_msg = result.msg

    def recap(self) -> HostRecap:
        counts = {status: 0 for status in Status}
        ignored = ignored_changed = 0
        for result in self.results:
            counts[result.status] += 1
            if result.ignored:
                ignored += 1
                ignored_changed += bool(result.data.get("changed") is True)
        # Ansible counts a changed task as ok too, and an ignored failure as ok
        # (and changed when the module said so) besides ignored. An unknown task is not ok.
        return HostRecap(
            ok=counts[Status.OK] + counts[Status.CHANGED] + ignored,
            changed=counts[Status.CHANGED] + ignored_changed,
            failed=max(0, counts[Status.FAILED] - ignored - self.rescued),
            skipped=counts[Status.SKIPPED],
            unreachable=self.unreachable_msg is not None,
            ignored=ignored,
            rescued=self.rescued,
            interrupted=self.interrupted,
            unknown=counts[Status.UNKNOWN],
        )


@dataclass
class RunReport:
    """The whole run: one HostReport per host, in inventory order."""

    hosts: dict[str, HostReport] = field(default_factory=dict)
    check_mode: bool = False
    interrupted: bool = False
    duration: float = 0.0
    connected_after: float = 0.0  # seconds until the last host's first agent was up
    closing: float = 0.0  # seconds the connections took to close, at the end
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    shard: str | None = None  # "I/N" when the run was one shard of a fleet
    stop_reason: str | None = None  # why the rollout stopped early, e.g. "any_errors_fatal in batch 1"

    def host(self, name: str) -> HostReport:
        if name not in self.hosts:
            self.hosts[name] = HostReport(name)
        return self.hosts[name]

    @property
    def any_failed(self) -> bool:
        return any(h.recap().failed for h in self.hosts.values())

    @property
    def any_unreachable(self) -> bool:
        return any(h.unreachable_msg is not None for h in self.hosts.values())

    @property
    def any_changed(self) -> bool:
        return any(h.recap().changed for h in self.hosts.values())
