"""The state one host carries through a play: facts, registered vars, handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corral.templating import Layer


@dataclass
class HostState:
    """Mutable per-host state, owned by the host's own task; never shared."""

    name: str
    facts: Layer | None = None  # gathered facts, as the variable layer they become
    registered: dict[str, Any] = field(default_factory=dict)  # register + set_fact
    # check mode: registered names whose task only simulated its change → that task's name
    pending: dict[str, str] = field(default_factory=dict)
    notified: list[str] = field(default_factory=list)  # handler names, in notify order
    failed: bool = False
    unreachable: bool = False
    ended: bool = False  # meta: end_host / end_play

    @property
    def active(self) -> bool:
        return not (self.failed or self.unreachable or self.ended)

    def notify(self, names: list[str]) -> None:
        for name in names:
            if name not in self.notified:
                self.notified.append(name)
