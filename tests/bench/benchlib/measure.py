"""One measured run of a tool: wall, controller CPU, peak RSS, and the tree's summed PSS.

The tool runs under child.py (a fresh parent per run, see there). While it runs,
this process samples the proportional set size (PSS) summed over the whole process
tree below child.py every SAMPLE_SECONDS: for a tool that forks workers (ansible)
ru_maxrss is only its largest process; PSS splits shared copy-on-write pages
fairly, so the sum is what the run really occupied.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "child.py"
SAMPLE_SECONDS = 0.5


@dataclass(frozen=True)
class Sample:
    rc: int
    wall: float
    cpu: float
    maxrss_mb: float
    tree_pss_mb: float
    log: Path


def measure(cmd: list[str], log: Path, cwd: Path, env: dict[str, str]) -> Sample:
    out = log.with_suffix(".usage.json")
    proc = subprocess.Popen([sys.executable, str(CHILD), str(out), str(log), "--", *cmd],
                            cwd=cwd, env=env, start_new_session=True)
    peak = [0]
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_loop, args=(proc.pid, stop, peak), daemon=True)
    sampler.start()
    proc.wait()
    stop.set()
    sampler.join()
    data = json.loads(out.read_text())
    return Sample(rc=data["rc"], wall=data["wall"], cpu=data["user"] + data["sys"],
                  maxrss_mb=data["maxrss_kb"] / 1024, tree_pss_mb=peak[0] / 1024, log=log)


def _sample_loop(root: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(SAMPLE_SECONDS):
        total = sum(_pss_kb(pid) for pid in _descendants(root))
        peak[0] = max(peak[0], total)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
