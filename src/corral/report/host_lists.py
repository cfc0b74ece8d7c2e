"""Which hosts drifted, failed or were unreachable: the lists reports and history share."""

from __future__ import annotations

from corral.report.model import HostReport, RunReport


def unknown_count(host: HostReport) -> int:
    return host.recap().unknown


# Every host is in exactly one of these at the end of a run: the counts add up to the hosts.
OUTCOMES = ("ok", "changed", "unknown", "failed", "unreachable", "aborted", "interrupted",
            "never_touched")


def host_outcome(host: HostReport) -> str:
    """One word of OUTCOMES per host.

    Worst first: a host that failed after changing something is "failed"; a host the
    rollout stopped mid-batch is "aborted" whatever it changed before.
    """
    if host.never_touched:
        return "never_touched"
    if host.interrupted:
        return "interrupted"
    recap = host.recap()
    if recap.unreachable:
        return "unreachable"
    if recap.failed:
        return "failed"
    if host.aborted:
        return "aborted"
    if recap.changed:
        return "changed"
    if unknown_count(host):
        return "unknown"
    return "ok"


def drifted_hosts(report: RunReport) -> list[str]:
    """Hosts that were (or, in check mode, would be) changed, or whose state check could not tell."""
    return [name for name, host in report.hosts.items()
            if host.recap().changed or unknown_count(host)]


def failed_hosts(report: RunReport) -> list[str]:
    return [name for name, host in report.hosts.items() if host.recap().failed]


def unreachable_hosts(report: RunReport) -> list[str]:
    return [name for name, host in report.hosts.items() if host.recap().unreachable]


def outcome_counts(report: RunReport) -> dict[str, int]:
    """How many hosts ended in each outcome (every key of OUTCOMES, zeros included)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for host in report.hosts.values():
        counts[host_outcome(host)] += 1
    return counts
