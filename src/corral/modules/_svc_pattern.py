"""Tell whether a service runs by finding ``pattern`` in the process list (``ps``).

Stdlib only, Python 3.8 syntax. For init scripts without a working ``status``
action (Ansible's ``pattern``): the pattern is a plain substring of a
process's command line, as ``ps`` shows it.
"""

import os

from corral.modules._svc_run import run_ok

REQUIRES = ("_svc_run",)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Iterable, List  # noqa: F401 (type comments)

PS_ARGV = ["ps", "-eo", "pid=,args="]


def matching_pids(ps_text, pattern, ignore=()):
    # type: (str, str, Iterable[int]) -> List[int]
    """The pids whose command line in ``ps -eo pid=,args=`` output contains ``pattern``."""
    skip = set(ignore)
    found = []
    for line in ps_text.splitlines():
        pid_text, _sep, command = line.strip().partition(" ")
        if not pid_text.isdigit() or int(pid_text) in skip:
            continue
        if pattern in command and not command.startswith(" ".join(PS_ARGV)):
            found.append(int(pid_text))
    return found


def pattern_running(pattern):
    # type: (str) -> bool
    ps = run_ok(PS_ARGV, "listing processes to look for %r" % pattern)
    return bool(matching_pids(ps.out, pattern, ignore=(os.getpid(),)))
