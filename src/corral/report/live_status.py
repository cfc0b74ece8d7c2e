"""What the live view shows: the current play and task, progress, counts, slow hosts.

Pure state fed by the run's events; ``lines()`` renders it as plain text, so it is
tested without a terminal (live_view.py puts it on one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from corral.report.host_ranges import fold_names
from corral.report.model import Status, TaskResult

SLOW_SHOWN = 3
_COUNTED = (Status.OK, Status.CHANGED, Status.FAILED, Status.UNREACHABLE, Status.UNKNOWN)


@dataclass
class LiveStatus:
    """The run so far, as the live view shows it."""

    clock: Callable[[], float] = time.monotonic
    started: float = 0.0
    play: str = ""
    task: str = ""
    batch: str = ""
    hosts: list[str] = field(default_factory=list)  # the batch running now
    down: set[str] = field(default_factory=set)  # failed or unreachable: no more tasks
    task_started: float = 0.0
    last_seen: dict[str, float] = field(default_factory=dict)  # host -> its last result
    outcome: dict[str, Status] = field(default_factory=dict)  # host -> this task's status

    def __post_init__(self) -> None:
        self.started = self.clock()

    def play_start(self, name: str, hosts: list[str]) -> None:
        self.play, self.hosts, self.batch, self.task = name, list(hosts), "", ""
        self.down = set()
        self.outcome = {}

    def batch_start(self, hosts: list[str], number: int, total: int) -> None:
        self.hosts, self.task = list(hosts), ""
        self.batch = f"batch {number}/{total}" if total > 1 else ""

    def task_start(self, name: str, handler: bool) -> None:
        self.task = f"{'HANDLER' if handler else 'TASK'} [{name}]"
        self.task_started = self.clock()
        self.outcome = {}

    def task_result(self, result: TaskResult) -> None:
        self.last_seen[result.host] = self.clock()
        status = result.status
        if status is Status.FAILED and result.ignored:
            status = Status.OK
        self.outcome[result.host] = status
        if status in (Status.FAILED, Status.UNREACHABLE):
            self.down.add(result.host)

    def running(self) -> list[tuple[str, float]]:
        """The hosts still on the current task, slowest first, with seconds waited."""
        if not self.task:
            return []  # between plays or batches: nothing runs yet
        now = self.clock()
        waiting = [h for h in self.hosts if h not in self.outcome and h not in self.down]
        ages = [(h, now - max(self.task_started, self.last_seen.get(h, 0.0))) for h in waiting]
        return sorted(ages, key=lambda pair: -pair[1])

    def lines(self) -> list[str]:
        head = " · ".join(p for p in (f"PLAY [{self.play}]", self.batch, self.task) if p)
        active = [h for h in self.hosts if h not in self.down or h in self.outcome]
        done = sum(1 for h in active if h in self.outcome)
        counts = {s: 0 for s in _COUNTED}
        for status in self.outcome.values():
            if status in counts:
                counts[status] += 1
        tally = " ".join(f"{s.value}={n}" for s, n in counts.items())
        lines = [head, f"hosts {done}/{len(active)} done · {tally} · "
                       f"{self.clock() - self.started:.1f}s elapsed"]
        slow = self.running()
        if slow:
            shown = ", ".join(f"{h} {age:.1f}s" for h, age in slow[:SLOW_SHOWN])
            more = f" (+{len(slow) - SLOW_SHOWN}: {fold_names([h for h, _ in slow[SLOW_SHOWN:]], 4)})" \
                if len(slow) > SLOW_SHOWN else ""
            lines.append(f"slowest still running: {shown}{more}")
        return lines
