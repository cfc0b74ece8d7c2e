"""What the executor tells the outside world while it runs.

The executor calls these; the console renderer (and tests) implement them.
Nothing in the executor prints.
"""

from __future__ import annotations

from typing import Protocol

from corral.report.model import RunReport, TaskResult


class RunEvents(Protocol):
    def play_start(self, name: str, hosts: list[str], check_mode: bool) -> None: ...

    def batch_start(self, hosts: list[str], number: int, total: int) -> None: ...

    def task_start(self, name: str, handler: bool) -> None: ...

    def task_result(self, result: TaskResult) -> None: ...

    def warning(self, message: str) -> None: ...

    def run_end(self, report: RunReport) -> None: ...


class SilentEvents:
    """Events that go nowhere: for tests and embedding."""

    def __init__(self) -> None:
        self.results: list[TaskResult] = []
        self.warnings: list[str] = []

    def play_start(self, name: str, hosts: list[str], check_mode: bool) -> None:
        return None

    def batch_start(self, hosts: list[str], number: int, total: int) -> None:
        return None

    def task_start(self, name: str, handler: bool) -> None:
        return None

    def task_result(self, result: TaskResult) -> None:
        self.results.append(result)

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def run_end(self, report: RunReport) -> None:
        return None
