"""Where the controller's time went, phase by phase, for `--stats`.

start-up is the process's start until the command began (the interpreter, imports,
option parsing): its wall time comes from the process's start time in /proc (to a
clock tick), its CPU from the process's CPU clock. Then each phase is a lap of the
wall and CPU clocks: loading (playbook, inventory, validation), the run (split
into connecting and tasks by when the last host's agent was up, then closing the
connections: that split is wall time only, the phases overlap on the event loop),
and report (the JSON report, the history and the other outputs). The teardown of
the interpreter after that cannot be timed from inside it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    name: str
    wall: float | None  # None: unknown (no /proc)
    cpu: float | None  # None: shared with the phases around it (inside the run)
    note: str = ""
    part: bool = False  # a part of the phase before it


def process_age() -> float | None:
    """Seconds since this process started (Linux, to a clock tick); None elsewhere."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime, in ticks
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class PhaseClock:
    """Laps of the wall and CPU clocks, from the moment the command began."""

    def __init__(self) -> None:
        self.phases = [Phase("start-up", process_age(), time.process_time(),
                             "interpreter, imports, options")]
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def lap(self, name: str, note: str = "") -> Phase:
        """The phase that ends now."""
        wall, cpu = time.perf_counter(), time.process_time()
        phase = Phase(name, wall - self._wall, cpu - self._cpu, note)
        self._wall, self._cpu = wall, cpu
        self.phases.append(phase)
        return phase

    def split_run(self, run: Phase, connected_after: float, closing: float) -> None:
        """The run's parts (wall only), after ``run``: connect, tasks, closing."""
        total = run.wall or 0.0
        connect = min(connected_after, total)
        tasks = max(0.0, total - connect - closing)
        self.phases += [Phase("connect", connect, None, "until every host's agent was up", True),
                        Phase("tasks", tasks, None, "", True),
                        Phase("closing", min(closing, total), None, "", True)]


def render_phases(phases: list[Phase]) -> str:
    """The `--stats` phase table: wall and CPU seconds per phase, then the totals."""
    lines = ["PHASES (controller)", f"{'phase':<20} {'wall s':>8} {'CPU s':>8}"]
    for phase in phases:
        name = f"  {phase.name}" if phase.part else phase.name
        lines.append(f"{name:<20} {_seconds(phase.wall)} {_seconds(phase.cpu)}"
                     + (f"  {phase.note}" if phase.note else ""))
    whole = [p for p in phases if not p.part]
    lines.append(f"{'total':<20} {_seconds(_sum([p.wall for p in whole]))} "
                 f"{_seconds(_sum([p.cpu for p in whole]))}  this process, until now")
    return "\n".join(lines)


def _sum(values: list[float | None]) -> float | None:
    return None if None in values else sum(v or 0.0 for v in values)


def _seconds(value: float | None) -> str:
    return f"{'-':>8}" if value is None else f"{value:>8.3f}"
