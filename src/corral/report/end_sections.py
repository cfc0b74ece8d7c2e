"""The end of a run answers the question: what failed, what changed, why it stopped.

Each section groups by task; an identical outcome on many hosts is printed once,
with the host list after it (`web[01:20]`), so it reads the same at 5 and 1,000 hosts.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import TypeVar

from corral.report.change_text import change_text
from corral.report.diff import unified_diff
from corral.report.host_lists import host_outcome
from corral.report.host_ranges import fold_names
from corral.report.json_report import NO_LOG_TEXT
from corral.report.model import RunReport, Status, TaskResult

MAX_MESSAGE_LINES = 6
K = TypeVar("K", bound=Hashable)


def problem_section(report: RunReport) -> list[str]:
    """FAILED AND UNREACHABLE: per task, each distinct message once, then its hosts."""
    picked = [r for host in report.hosts.values() if host.recap().failed or host.recap().unreachable
              for r in host.results
              if (r.status is Status.FAILED and not r.ignored) or r.status is Status.UNREACHABLE]
    if not picked:
        return []
    lines = ["FAILED AND UNREACHABLE"]
    for (status, task, where, msg), hosts in _grouped(picked, _problem_key).items():
        word = "unreachable" if status is Status.UNREACHABLE else "failed"
        head, *rest = (msg or "(no message)").splitlines() or [""]
        lines.append(f"  {word}: {task}{f' ({where})' if where else ''}: {head}")
        lines += [f"      {line}" for line in rest[:MAX_MESSAGE_LINES - 1]]
        if len(rest) >= MAX_MESSAGE_LINES:
            lines.append(f"      … {len(rest) - MAX_MESSAGE_LINES + 1} more lines (see --report)")
        lines.append(f"    on {_hosts(hosts)}")
    return lines


def changes_section(report: RunReport) -> list[str]:
    """CHANGES by task: what changed and where; identical diffs (--diff) folded into one."""
    picked = [r for host in report.hosts.values() for r in host.results
              if r.status in (Status.CHANGED, Status.UNKNOWN)]
    if not picked:
        return []
    title = "CHANGES" + (" (would be made: check mode)" if report.check_mode else "")
    lines = [title]
    by_task: dict[str, list[TaskResult]] = {}
    for result in picked:
        by_task.setdefault(result.task, []).append(result)
    for task, results in by_task.items():
        groups = _grouped(results, _change_key)
        headers = _diff_headers(results)
        if len(groups) == 1:
            ((what, diff), hosts), = groups.items()
            lines.append(f"  {task}: {_hosts(hosts)}{f' ({what})' if what else ''}")
            lines += _indented(diff, headers, hosts)
            continue
        lines.append(f"  {task}:")
        for (what, diff), hosts in groups.items():
            lines.append(f"    {_hosts(hosts)}{f' ({what})' if what else ''}")
            lines += _indented(diff, headers, hosts)
    return lines


def _diff_headers(results: list[TaskResult]) -> dict[str, tuple[str, str]]:
    """Each host's diff file names: folded diffs compare only the hunks
    (`/etc/app/{{ inventory_hostname }}.conf` differs by host, its change may not)."""
    return {r.host: (r.diff.before_header, r.diff.after_header)
            for r in results if r.diff is not None}


def stop_section(report: RunReport) -> list[str]:
    """Why the run ended early, and which hosts did not finish because of it."""
    lines: list[str] = []
    if report.interrupted:
        lines.append("stopped: interrupted (Ctrl-C or SIGTERM)")
    elif report.stop_reason is not None:
        lines.append(f"stopped: {report.stop_reason}")
    outcomes = {name: host_outcome(host) for name, host in report.hosts.items()}
    for outcome, words in (("aborted", "aborted mid-batch"), ("interrupted", "interrupted"),
                           ("never_touched", "never touched")):
        names = [name for name, seen in outcomes.items() if seen == outcome]
        if names:
            lines.append(f"  {words}: {_hosts(names)}")
    return lines


def _problem_key(result: TaskResult) -> tuple[Status, str, str, str]:
    msg = NO_LOG_TEXT if result.no_log else result.msg
    return result.status, result.task, result.where, msg.strip()


def _change_key(result: TaskResult) -> tuple[str, str]:
    what = change_text(result)
    if result.status is Status.UNKNOWN:
        what = f"unknown: {(result.msg.splitlines() or [''])[0]}"
    if result.item_label is not None:
        what = f"item={result.item_label}" + (f": {what}" if what else "")
    diff = ""
    if result.diff is not None and not result.no_log:  # only there with --diff or diff: true
        diff = unified_diff(replace(result.diff, before_header="", after_header="")).rstrip("\n")
    return what, diff


def _grouped(results: Iterable[TaskResult], key: Callable[[TaskResult], K]) -> dict[K, list[str]]:
    """Hosts per key, both in first-seen order."""
    groups: dict[K, list[str]] = {}
    for result in results:
        hosts = groups.setdefault(key(result), [])
        if result.host not in hosts:
            hosts.append(result.host)
    return groups


def _hosts(names: list[str]) -> str:
    return fold_names(names)


def _indented(diff: str, headers: dict[str, tuple[str, str]], hosts: list[str]) -> list[str]:
    """The folded diff under its hosts, with the first host's file names."""
    if not diff:
        return []
    names = {headers[h] for h in hosts if h in headers}
    before, after = headers.get(hosts[0], ("before", "after"))
    others = f" (and {len(names) - 1} other path{'s' if len(names) > 2 else ''})" if len(names) > 1 else ""
    body = diff.splitlines()[2:]  # the headers, blank in the key
    return [f"      --- {before}{others}", f"      +++ {after}", *(f"      {line}" for line in body)]
