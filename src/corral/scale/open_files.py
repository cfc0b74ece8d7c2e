"""The open-file limit: raised to the hard limit at start, checked against the run's size.

Each host keeps one SSH connection (one socket) for the whole run, so a run over
many hosts needs one file descriptor per host, not per fork (measured on the stand-in
fleet of tests/bench/scale: 10,000 hosts, 10,006 open files at the peak, whatever
--forks); a host on the local connection needs three more (its agent's pipes), which
the reserve covers for the few local hosts a run has.
"""

from __future__ import annotations

import resource

FDS_PER_HOST = 1  # the SSH socket
RESERVED_FDS = 64  # the controller's own files: inventory, playbook, report, stdio, epoll


def raise_open_file_limit() -> tuple[int, int]:
    """Set the soft RLIMIT_NOFILE to the hard limit; return (soft, hard) as they now are.

    Never fails: when the limit cannot be raised, the old one stays and the run
    checks against it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != soft and (hard == resource.RLIM_INFINITY or hard > soft):
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # e.g. a hard limit above the kernel's nr_open: keep the soft limit
    return soft, hard


def hosts_allowed(soft_limit: int) -> int:
    """How many hosts can hold a connection at once under ``soft_limit`` open files."""
    return max(1, (soft_limit - RESERVED_FDS) // FDS_PER_HOST)


def open_files_warning(forks: int, hosts: int) -> str | None:
    """A warning when the run may run out of file descriptors, else None."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    allowed = hosts_allowed(soft)
    if forks > allowed:
        return (f"--forks {forks} is more than the open-file limit allows ({soft} files: about "
                f"{allowed} connections at once); raise it (ulimit -n, LimitNOFILE=) or lower "
                "--forks")
    if hosts > allowed:
        return (f"this run keeps a connection to each of its {hosts} hosts, more than the "
                f"open-file limit allows ({soft} files: about {allowed} connections); hosts "
                "past that fail to connect: raise the limit (ulimit -n, LimitNOFILE=) or split "
                "the run with --shard")
    return None
