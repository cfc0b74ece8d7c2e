"""The PLAY RECAP lines and the one-line fleet summary."""

from __future__ import annotations

from collections.abc import Callable

from corral.report.host_lists import host_outcome, outcome_counts, unknown_count
from corral.report.model import HostReport, RunReport

Paint = Callable[[str, str], str]
WIDTH = 79


def no_paint(text: str, code: str) -> str:
    return text


def recap_lines(report: RunReport, paint: Paint = no_paint, only_notable: bool = False) -> list[str]:
    """One line per host; ``only_notable`` (-q, a terminal) leaves out the hosts that ended ok."""
    lines = ["PLAY RECAP " + "*" * (WIDTH - 11)]
    width = max((len(n) for n in report.hosts), default=0)
    hidden = 0
    for name, host in report.hosts.items():
        if only_notable and host_outcome(host) == "ok":
            hidden += 1
            continue
        lines.append(recap_line(name.ljust(width), host, paint))
    if hidden:
        lines.append(f"({hidden} other host{'s' if hidden != 1 else ''} ok, not listed)")
    return lines


def recap_line(name: str, host: HostReport, paint: Paint = no_paint) -> str:
    recap = host.recap()
    text = (f"{name} : ok={recap.ok} changed={recap.changed} "
            f"unreachable={int(recap.unreachable)} failed={recap.failed} skipped={recap.skipped} "
            f"rescued={recap.rescued} ignored={recap.ignored}")
    unknown = unknown_count(host)
    if unknown:
        text += f" unknown={unknown}"  # check mode could not predict these (pending changes)
    if host.never_touched:
        text += " (never touched: the rollout stopped before this host)"
    if host.aborted and not (recap.failed or recap.unreachable):
        text += " aborted=1 (the rollout stopped before this host finished)"
        return paint(text, "35")
    if host.interrupted:
        text += " interrupted=1" + (f" (during {host.interrupted_task!r})"
                                     if host.interrupted_task else "")
        return paint(text, "35")
    if recap.failed or recap.unreachable:
        return paint(text, "31")
    if recap.changed:
        return paint(text, "33")
    return paint(text, "32")


def summary_line(report: RunReport) -> str:
    """One line that stays readable at 1,000 hosts; its counts add up to the hosts."""
    total = len(report.hosts)
    counts = outcome_counts(report)
    verb = "would change" if report.check_mode else "changed"
    text = (f"{total} host{'' if total == 1 else 's'}: {counts['ok']} ok, "
            f"{counts['changed']} {verb}, {counts['failed']} failed, "
            f"{counts['unreachable']} unreachable")
    for key, words in (("unknown", "unknown"), ("aborted", "aborted"),
                       ("interrupted", "interrupted"), ("never_touched", "never touched")):
        if counts[key]:
            text += f", {counts[key]} {words}"
    text += f" in {report.duration:.1f}s"
    if report.interrupted:
        text += " (interrupted)"
    return text
