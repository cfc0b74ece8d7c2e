"""The state one host carries through a play: facts, registered vars, handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corral.templating import Layer

if TYPE_CHECKING:
    from corral.executor.pending_changes import PendingChange
    from corral.playbook.model import RoleRef


@dataclass
class HostState:
    """Mutable per-host state, owned by the host's own task; never shared."""

    name: str
    facts: Layer | None = None  # gathered facts, as the variable layer they become
    registered: dict[str, Any] = field(default_factory=dict)  # register + set_fact
    registered_by: dict[str, str] = field(default_factory=dict)  # register name → "task 'T'"
    included: dict[str, Any] = field(default_factory=dict)  # include_vars (below set_fact)
    public_roles: list[RoleRef] = field(default_factory=list)  # include_role public: yes
    roles_done: set[str] = field(default_factory=set)  # once-per-play roles that ran here
    # check mode: registered names whose task only simulated its change → that task's name
    pending: dict[str, str] = field(default_factory=dict)
    # check mode: what earlier tasks would change (packages, paths, …), see pending_changes.py
    pending_changes: list[PendingChange] = field(default_factory=list)
    # check mode: handler names only an unknown task notified → that task's name
    unknown_notified: dict[str, str] = field(default_factory=dict)
    notified: list[str] = field(default_factory=list)  # handler names, in notify order
    failed: bool = False
    # the last task that failed here and its result: ansible_failed_task/_result in a rescue
    failure: tuple[dict[str, Any], Any] | None = None
    unreachable: bool = False
    ended: bool = False  # meta: end_host / end_play

    @property
    def active(self) -> bool:
        return not (self.failed or self.unreachable or self.ended)

    def notify(self, names: list[str]) -> None:
        for name in names:
            if name not in self.notified:
                self.notified.append(name)
