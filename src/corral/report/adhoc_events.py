"""The events of `corral run`: a block per host as it answers, Ansible-style, and the
fleet summary line on stderr at the end (stdout stays what ansible prints)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from corral.report.adhoc_output import AdhocStyle, render_result, result_data
from corral.report.atomic_write import write_text_atomically
from corral.report.console import summary_line, use_colour
from corral.report.events import SilentEvents
from corral.report.model import RunReport, Status, TaskResult
from corral.vault.active import revealed_secrets
from corral.vault.redact import redact_data

_COLOURS = {Status.OK: "32", Status.CHANGED: "33", Status.FAILED: "31",
            Status.UNREACHABLE: "31", Status.SKIPPED: "36", Status.UNKNOWN: "35"}


class AdhocEvents(SilentEvents):
    """Prints each host's result; with ``tree``, also writes ``tree/HOST`` as JSON.

    Plays, batches and tasks print nothing (an ad-hoc run is one task): those events,
    and any the executor adds later, are SilentEvents' no-ops.
    """

    def __init__(self, stream: TextIO, errors: TextIO, style: AdhocStyle,
                 tree: Path | None = None, colour: bool | None = None) -> None:
        super().__init__()
        self.stream = stream
        self.errors = errors
        self.style = style
        self.tree = tree
        self.colour = use_colour(stream) if colour is None else colour

    def task_result(self, result: TaskResult) -> None:
        text = render_result(result, self.style)
        if self.colour:
            text = f"\x1b[{_COLOURS[result.status]}m{text}\x1b[0m"
        self.stream.write(text + "\n")
        self.stream.flush()
        if self.tree is not None:
            self._write_tree(result)

    def _write_tree(self, result: TaskResult) -> None:
        assert self.tree is not None
        if "/" in result.host or result.host in (".", ".."):
            self.warning(f"--tree: host name {result.host!r} is not a file name; not written")
            return
        data = redact_data(result_data(result), revealed_secrets())
        try:
            write_text_atomically(self.tree / result.host, json.dumps(data, default=str))
        except OSError as exc:
            self.warning(f"--tree: cannot write {self.tree / result.host}: {exc.strerror}")

    def warning(self, message: str) -> None:
        self.errors.write(f"[WARNING]: {message}\n")
        self.errors.flush()

    def run_end(self, report: RunReport) -> None:
        self.errors.write(summary_line(report) + "\n")
        self.errors.flush()
