"""Run one tool invocation and report its own resource use: `python3 child.py OUT LOG -- CMD...`.

This process is a fresh parent for every measured run, so RUSAGE_CHILDREN is the
tool's alone: CPU (user + sys) of the tool and every descendant it waited for,
and ru_maxrss, the peak RSS of the largest single process among them. It is also
a child subreaper, so processes the tool leaves behind (ansible's ControlPersist
ssh masters) are re-parented here; they are terminated and waited for after the
tool exits, which adds their CPU to the total. Wall time stops when the tool exits.
Stdlib only.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main(argv: list[str]) -> int:
    out_path, log_path, sep, *cmd = argv
    assert sep == "--" and cmd, "usage: child.py OUT LOG -- CMD..."
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - start
    leftovers = reap_leftovers()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "rc": rc, "wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss, "leftovers": leftovers,
    }
    with open(out_path, "w") as handle:
        json.dump(result, handle)
    return 0


def reap_leftovers(grace: float = 5.0) -> int:
    """Terminate the processes the tool left behind (now our children) and wait for them."""
    pids = children_of(os.getpid())
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return len(pids)
        if pid == 0:
            if time.monotonic() > deadline:
                for left in children_of(os.getpid()):
                    os.kill(left, signal.SIGKILL)
                deadline = time.monotonic() + grace
            time.sleep(0.02)


def children_of(parent: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            pids.append(int(entry))
    return pids


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
