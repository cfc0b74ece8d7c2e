"""Running commands and naming processes safely across fleet invocations.

A pid alone can be reused after the process dies, so the state file records
(pid, start time) pairs: ProcRef.alive() is true only for the same process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import FleetError


def run(cmd: Sequence[str], *, what: str, timeout: float | None = None, **kwargs: object) -> str:
    """Run cmd, return stdout; raise FleetError naming `what` with stderr on failure."""
    try:
        done = subprocess.run(
            list(cmd),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,  # type: ignore[call-overload]
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FleetError(f"{what}: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-3000:]
        raise FleetError(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n{tail}")
    return str(done.stdout)


def start_time(pid: int) -> int | None:
    """The kernel start time of pid (clock ticks since boot), None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[19])


@dataclass(frozen=True)
class ProcRef:
    pid: int
    start: int

    @classmethod
    def of(cls, pid: int) -> ProcRef:
        started = start_time(pid)
        if started is None:
            raise FleetError(f"process {pid} exited right after it started")
        return cls(pid, started)

    def alive(self) -> bool:
        return start_time(self.pid) == self.start and not _is_zombie(self.pid)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def wait_gone(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"


def first_child(pid: int, timeout: float) -> int:
    """The first child of pid (unshare --fork's child is the namespace's PID 1)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = _children(pid)
        if children:
            return children[0]
        if start_time(pid) is None:
            break
        time.sleep(0.005)
    raise FleetError(f"process {pid} started no child within {timeout}s")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(word) for word in text.split()]
