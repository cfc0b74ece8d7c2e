"""The human-readable run output: a line per task per host, diffs, the recap."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TextIO

from corral.report.diff import attribute_lines, unified_diff
from corral.report.json_report import NO_LOG_TEXT
from corral.report.model import HostReport, RunReport, Status, TaskResult

_COLOURS = {
    Status.OK: "32",
    Status.CHANGED: "33",
    Status.FAILED: "31",
    Status.UNREACHABLE: "31",
    Status.SKIPPED: "36",
    Status.UNKNOWN: "35",
}
_WORDS = {
    Status.OK: "ok",
    Status.CHANGED: "changed",
    Status.FAILED: "failed",
    Status.UNREACHABLE: "unreachable",
    Status.SKIPPED: "skipping",
    Status.UNKNOWN: "unknown",
}
WIDTH = 79


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


class ConsoleEvents:
    """Prints the run as it happens, then the recap."""

    def __init__(self, stream: TextIO, *, diff: bool = False, verbosity: int = 0,
                 colour: bool | None = None, show_stats: bool = False) -> None:
        self.stream = stream
        self.diff = diff
        self.verbosity = verbosity
        self.colour = use_colour(stream) if colour is None else colour
        self.show_stats = show_stats

    # -- helpers -------------------------------------------------------------
    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def _write(self, text: str = "") -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def _banner(self, text: str) -> None:
        self._write()
        self._write(text + " " + "*" * max(3, WIDTH - len(text) - 1))

    # -- events --------------------------------------------------------------
    def play_start(self, name: str, hosts: list[str], check_mode: bool) -> None:
        suffix = " (check mode)" if check_mode else ""
        self._banner(f"PLAY [{name}]{suffix}")

    def batch_start(self, hosts: list[str], number: int, total: int) -> None:
        if total > 1:
            self._write(f"batch {number}/{total}: {', '.join(hosts)}")

    def task_start(self, name: str, handler: bool) -> None:
        self._banner(f"{'RUNNING HANDLER' if handler else 'TASK'} [{name}]")

    def task_result(self, result: TaskResult) -> None:
        word = _WORDS[result.status]
        if result.ignored:
            word = "failed (ignored)"
        line = f"{word}: [{result.host}]"
        if result.item_label is not None:
            line += f" => (item={result.item_label})"
        detail = self._detail(result)
        if detail:
            line += f" => {detail}"
        self._write(self._paint(line, _COLOURS[result.status]))
        # A task's own `diff: true` asks for its diff even without --diff.
        if not result.no_log and (self.diff or result.diff is not None):
            self._print_diff(result)
        if self.verbosity and result.data and not result.no_log:
            self._write(json.dumps(dict(result.data), indent=2, default=str, sort_keys=True))

    def _detail(self, result: TaskResult) -> str:
        if result.no_log:
            return NO_LOG_TEXT if result.status in (Status.FAILED, Status.CHANGED, Status.OK) and (
                result.msg or result.changes) else ""
        if result.status in (Status.FAILED, Status.UNREACHABLE, Status.UNKNOWN):
            return result.msg
        if result.module == "debug" and result.status is Status.OK:
            return result.msg
        if result.status is Status.SKIPPED and self.verbosity:
            return result.msg
        if result.status is Status.CHANGED and result.changes and not self.diff:
            return "; ".join(attribute_lines(result.changes))
        if self.verbosity and result.msg:
            return result.msg
        return ""

    def _print_diff(self, result: TaskResult) -> None:
        if result.diff is not None:
            self._write(unified_diff(result.diff).rstrip("\n"))
        for line in attribute_lines(result.changes):
            if result.diff is None or not line.startswith("content"):
                self._write(f"  {line}")

    def warning(self, message: str) -> None:
        self._write(self._paint(f"[WARNING]: {message}", "35"))

    def run_end(self, report: RunReport) -> None:
        self._write(render_recap(report, self._paint))


def _no_paint(text: str, code: str) -> str:
    return text


def render_recap(report: RunReport, paint: Callable[[str, str], str] = _no_paint) -> str:
    """The recap, the list of what changed per host, and one fleet summary line."""
    lines = ["", "PLAY RECAP " + "*" * (WIDTH - 11)]
    width = max((len(n) for n in report.hosts), default=0)
    for name, host in report.hosts.items():
        lines.append(_recap_line(name.ljust(width), host, paint))
    changed_lines = _changed_lines(report)
    if changed_lines:
        lines += ["", "CHANGES" + (" (would be made: check mode)" if report.check_mode else "")]
        lines += changed_lines
    lines += ["", summary_line(report)]
    if report.stats:
        lines += ["", render_stats(report.stats)]
    return "\n".join(lines)


def _recap_line(name: str, host: HostReport, paint: Callable[[str, str], str]) -> str:
    recap = host.recap()
    text = (f"{name} : ok={recap.ok} changed={recap.changed} "
            f"unreachable={int(recap.unreachable)} failed={recap.failed} skipped={recap.skipped} "
            f"rescued={recap.rescued} ignored={recap.ignored}")
    if recap.unknown:
        text += f" unknown={recap.unknown}"  # check mode could not predict these (pending changes)
    if host.never_touched:
        text += " (never touched: the rollout stopped before this host)"
    if host.interrupted:
        text += " interrupted=1" + (f" (during {host.interrupted_task!r})"
                                     if host.interrupted_task else "")
        return paint(text, "35")
    if recap.failed or recap.unreachable:
        return paint(text, "31")
    if recap.changed:
        return paint(text, "33")
    if recap.unknown:  # drift check mode could not tell: not ok
        return paint(text, _COLOURS[Status.UNKNOWN])
    return paint(text, "32")


def _changed_lines(report: RunReport) -> list[str]:
    out: list[str] = []
    for name, host in report.hosts.items():
        changed = [r for r in host.results if r.status is Status.CHANGED]
        if not changed:
            continue
        out.append(f"{name}:")
        for result in changed:
            item = f" (item={result.item_label})" if result.item_label is not None else ""
            out.append(f"  - {result.task} [{result.module}]{item}")
    return out


def summary_line(report: RunReport) -> str:
    """One line that stays readable at 1,000 hosts."""
    total = len(report.hosts)
    changed = unknown = failed = unreachable = untouched = interrupted = 0
    for host in report.hosts.values():
        recap = host.recap()
        if host.never_touched:
            untouched += 1
        elif host.interrupted:
            interrupted += 1
        elif recap.unreachable:
            unreachable += 1
        elif recap.failed:
            failed += 1
        elif recap.changed:
            changed += 1
        elif recap.unknown:  # check mode could not tell: drift, not ok
            unknown += 1
    ok = total - changed - unknown - failed - unreachable - untouched - interrupted
    verb = "would change" if report.check_mode else "changed"
    text = (f"{total} host{'' if total == 1 else 's'}: {ok} ok, {changed} {verb}, {failed} failed, "
            f"{unreachable} unreachable")
    if unknown:
        text += f", {unknown} unknown"
    if interrupted:
        text += f", {interrupted} interrupted"
    if untouched:
        text += f", {untouched} never touched"
    text += f" in {report.duration:.1f}s"
    if report.interrupted:
        text += " (interrupted)"
    return text


def render_stats(stats: dict[str, dict[str, Any]]) -> str:
    """The `--stats` table: where the time and the round trips went, per host."""
    header = f"{'host':<20} {'requests':>8} {'round trips':>11} {'sent':>10} {'received':>10} {'connect s':>9} {'modules s':>9}"
    lines = ["STATS", header]
    for name, row in stats.items():
        lines.append(
            f"{name:<20} {row.get('requests', 0):>8} {row.get('round_trips', 0):>11} "
            f"{_bytes(row.get('bytes_sent', 0)):>10} {_bytes(row.get('bytes_received', 0)):>10} "
            f"{row.get('connect_seconds', 0.0):>9.3f} {row.get('module_seconds', 0.0):>9.3f}"
        )
    return "\n".join(lines)


def _bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1024
    return f"{value:.1f}GiB"
