"""The human-readable run output: per-host lines as the run goes, then the end sections.

Off a terminal (a pipe, CI, NO_COLOR, TERM=dumb) every line is plain and greppable.
On a terminal a live view shows progress, and only the lines that matter are printed.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, TextIO

from corral.report.change_text import change_text
from corral.report.diff import unified_diff
from corral.report.end_sections import changes_section, problem_section, stop_section
from corral.report.host_ranges import fold_names
from corral.report.json_report import NO_LOG_TEXT
from corral.report.model import RunReport, Status, TaskResult
from corral.report.recap import WIDTH, Paint, no_paint, recap_lines, summary_line

if TYPE_CHECKING:
    from corral.report.live_view import LiveView

__all__ = ["ConsoleEvents", "render_recap", "summary_line", "use_colour", "use_live"]

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
_NOTABLE = (Status.CHANGED, Status.FAILED, Status.UNREACHABLE, Status.UNKNOWN)


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def use_live(stream: TextIO) -> bool:
    """The live view where colour goes: a terminal that can move its cursor."""
    return use_colour(stream)


class ConsoleEvents:
    """Prints the run as it happens, then the end sections and the recap."""

    def __init__(self, stream: TextIO, *, diff: bool = False, verbosity: int = 0,
                 colour: bool | None = None, show_stats: bool = False,
                 only_changed: bool = False, live: bool | None = None) -> None:
        self.stream = stream
        self.diff = diff
        self.verbosity = verbosity
        self.colour = use_colour(stream) if colour is None else colour
        self.show_stats = show_stats
        self.only_changed = only_changed
        self.live = _live_view(stream) if (use_live(stream) if live is None else live) else None
        self._banner_due: str | None = None  # a TASK banner printed with its first line
        self._path_due = False

    # -- helpers -------------------------------------------------------------
    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def _write(self, text: str = "") -> None:
        if self.live is not None and self.live.active:
            self.live.print(text)
            return
        self.stream.write(text + "\n")
        self.stream.flush()

    def _banner(self, text: str) -> None:
        self._write()
        self._write(text + " " + "*" * max(3, WIDTH - len(text) - 1))

    @property
    def _selective(self) -> bool:
        """-q, or the live view without -v: only the lines that matter."""
        return self.only_changed or (self.live is not None and not self.verbosity)

    # -- events --------------------------------------------------------------
    def play_start(self, name: str, hosts: list[str], check_mode: bool) -> None:
        if self.live is not None:
            self.live.status.play_start(name, hosts)
            self.live.start()
        suffix = " (check mode)" if check_mode else ""
        self._banner(f"PLAY [{name}]{suffix}")

    def batch_start(self, hosts: list[str], number: int, total: int) -> None:
        if self.live is not None:
            self.live.status.batch_start(hosts, number, total)
        if total > 1:
            self._write(f"batch {number}/{total}: {fold_names(hosts, max_parts=20)}")

    def task_start(self, name: str, handler: bool) -> None:
        if self.live is not None:
            self.live.status.task_start(name, handler)
            self.live.refresh()
        banner = f"{'RUNNING HANDLER' if handler else 'TASK'} [{name}]"
        self._path_due = self.verbosity >= 2  # -vv: the task's file:line, with its first result
        if self._selective:
            self._banner_due = banner
        else:
            self._banner(banner)

    def task_result(self, result: TaskResult) -> None:
        if self.live is not None:
            self.live.status.task_result(result)
            self.live.refresh(every=0.1)
        if not self._shown(result):
            return
        if self._banner_due is not None:
            self._banner(self._banner_due)
            self._banner_due = None
        if self._path_due and result.where:
            self._write(f"task path: {result.where}")
            self._path_due = False
        self._write(self._paint(self._line(result), _COLOURS[result.status]))
        if self.verbosity and result.diff is not None and not result.no_log:
            self._write(unified_diff(result.diff).rstrip("\n"))
        if self.verbosity and result.data and not result.no_log:
            self._write(json.dumps(dict(result.data), indent=2, default=str, sort_keys=True))

    def _shown(self, result: TaskResult) -> bool:
        if result.status in _NOTABLE:
            return True
        if self.only_changed:
            return False  # -q: no ok, no skipping
        return not self._selective or (result.module == "debug" and result.status is Status.OK)

    def _line(self, result: TaskResult) -> str:
        word = "failed (ignored)" if result.ignored else _WORDS[result.status]
        line = f"{word}: [{result.host}]"
        if result.item_label is not None:
            line += f" => (item={result.item_label})"
        detail = self._detail(result)
        if detail:
            line += f" => {detail}"
        if self.verbosity >= 3:
            line += f" ({result.duration:.2f}s)"
        return line

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
        if result.status is Status.CHANGED and (result.changes or result.diff is not None):
            return change_text(result)
        if self.verbosity and result.msg:
            return result.msg
        return ""

    def warning(self, message: str) -> None:
        self._write(self._paint(f"[WARNING]: {message}", "35"))

    def run_end(self, report: RunReport) -> None:
        if self.live is not None:
            self.live.stop()
        self._write(render_recap(report, self._paint, only_notable=self._selective))


def _live_view(stream: TextIO) -> LiveView:
    """The live view (rich: imported only for a terminal)."""
    from corral.report.live_status import LiveStatus
    from corral.report.live_view import LiveView

    return LiveView(stream, LiveStatus())


def render_recap(report: RunReport, paint: Paint = no_paint, only_notable: bool = False) -> str:
    """The recap, what failed, what changed (folded), why the run stopped, one summary line."""
    lines = ["", *recap_lines(report, paint, only_notable)]
    for section, code in ((problem_section(report), "31"), (changes_section(report), "33")):
        if section:
            lines += ["", paint(section[0], code), *section[1:]]
    stop = stop_section(report)
    if stop:
        stop[0] = paint(stop[0], "35")
    lines += ["", *stop, summary_line(report)]
    if report.stats:
        lines += ["", render_stats(report.stats)]
    return "\n".join(lines)


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
