"""One event stream, many writers: the console, NDJSON events, … each get every event."""

from __future__ import annotations

from corral.report.events import RunEvents
from corral.report.model import RunReport, TaskResult


class FanOutEvents:
    """Calls every writer in order, for every event."""

    def __init__(self, *writers: RunEvents) -> None:
        self.writers = writers

    def play_start(self, name: str, hosts: list[str], check_mode: bool) -> None:
        for writer in self.writers:
            writer.play_start(name, hosts, check_mode)

    def batch_start(self, hosts: list[str], number: int, total: int) -> None:
        for writer in self.writers:
            writer.batch_start(hosts, number, total)

    def task_start(self, name: str, handler: bool) -> None:
        for writer in self.writers:
            writer.task_start(name, handler)

    def task_result(self, result: TaskResult) -> None:
        for writer in self.writers:
            writer.task_result(result)

    def warning(self, message: str) -> None:
        for writer in self.writers:
            writer.warning(message)

    def run_end(self, report: RunReport) -> None:
        for writer in self.writers:
            writer.run_end(report)
