"""Which hosts drifted, failed or were unreachable: the lists reports and history share."""

from __future__ import annotations

from corral.report.model import HostReport, RunReport


def unknown_count(host: HostReport) -> int:
    return host.recap().unknown


def host_outcome(host: HostReport) -> str:
    """One word per host: unreachable, failed, changed, unknown, ok or never_touched.

    Worst first: a host that failed after changing something is "failed".
    """
    if host.never_touched:
        return "never_touched"
    recap = host.recap()
    if recap.unreachable:
        return "unreachable"
    if recap.failed:
        return "failed"
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
