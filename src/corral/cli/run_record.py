"""What a run leaves behind besides the console: --report-dir, --events, --junit, the history.

``RunRecorder`` is made before the run (so bad paths fail before any host is touched
and ``run_start`` is streamed at once), gives the engine the fanned-out event
writers, and ``finish`` writes the rest once the exit code is known. The history
never fails a run: a read-only or full disk is a warning on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from corral.errors import CorralError, UsageError

if TYPE_CHECKING:  # the writers are imported when their option is given
    from corral.executor.options import RunOptions
    from corral.report.events import RunEvents
    from corral.report.events_ndjson import NdjsonEvents
    from corral.report.model import RunReport
    from corral.report.run_meta import RunMeta


@dataclass(frozen=True)
class RecordOptions:
    """The command line's say on what a run leaves behind."""

    command: str  # apply, check or run
    playbook: Path | None = None
    report_dir: Path | None = None
    events: str | None = None  # a file, or "-" for stdout
    junit: Path | None = None
    history: Path | None = None
    no_history: bool = False


def _check_folder(option: str, folder: Path) -> None:
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {folder}: the folder does not exist or is not writable")


def check_record_paths(record: RecordOptions) -> None:
    """Fail before any host is touched when an output could not be written at the end."""
    if record.report_dir is not None:
        _check_folder("--report-dir", record.report_dir)
    if record.junit is not None:
        _check_folder("--junit", record.junit.parent if str(record.junit.parent) else Path("."))
    if record.events not in (None, "-"):
        folder = Path(record.events).parent
        _check_folder("--events", folder if str(folder) else Path("."))


class RunRecorder:
    def __init__(self, record: RecordOptions, options: RunOptions, inventory: list[str]) -> None:
        from corral.history.secrets_filter import redact_argv
        from corral.report.run_meta import start_meta

        self.record = record
        self.meta: RunMeta = start_meta(
            record.command, redact_argv(sys.argv[1:]), record.playbook, inventory,
            limit=options.limit, tags=options.tags, skip_tags=options.skip_tags,
            check_mode=options.check)
        self.extra_vars = options.extra_vars
        self._events_file: TextIO | None = None
        self.ndjson: NdjsonEvents | None = None
        if record.events is not None:
            from corral.report.events_ndjson import NdjsonEvents

            stream = sys.stdout if record.events == "-" else self._open_events(record.events)
            self.ndjson = NdjsonEvents(stream, self.meta)

    def _open_events(self, path: str) -> TextIO:
        try:
            self._events_file = open(path, "w", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--events {path}: {exc.strerror}") from exc
        return self._events_file

    @property
    def console_stream(self) -> TextIO:
        """With --events -, stdout is the event stream: the console goes to stderr."""
        return sys.stderr if self.record.events == "-" else sys.stdout

    def events(self, console: RunEvents) -> RunEvents:
        if self.ndjson is None:
            return console
        from corral.report.fanout import FanOutEvents

        return FanOutEvents(console, self.ndjson)

    def finish(self, report: RunReport, exit_code: int) -> bool:
        """Writes everything; False when an output the user asked for could not be written."""
        self.meta = self.meta.finished(exit_code)
        ok = True
        if self.ndjson is not None:
            self.ndjson.finish(self.meta)
        if self._events_file is not None:
            self._events_file.close()
        if self.record.report_dir is not None:
            ok &= self._write("--report-dir", self._write_report_dir, self.record.report_dir, report)
        if self.record.junit is not None:
            ok &= self._write("--junit", self._write_junit, self.record.junit, report)
        if not self.record.no_history:
            self._write_history(report)
        return ok

    def _write(self, option: str, writer: Callable[[Path, RunReport], None], path: Path,
               report: RunReport) -> bool:
        try:
            writer(path, report)
        except OSError as exc:
            sys.stderr.write(f"ERROR: {option}: cannot write: {exc}\n")
            return False
        return True

    def _write_report_dir(self, folder: Path, report: RunReport) -> None:
        from corral.report.json_report import write_json_report

        name = f"corral-{self.meta.run_id}.json"  # the id starts with the time: names sort
        write_json_report(report, folder / name, self.meta.to_dict())

    def _write_junit(self, path: Path, report: RunReport) -> None:
        from corral.report.junit import write_junit

        write_junit(report, self.meta, path)

    def _write_history(self, report: RunReport) -> None:
        import sqlite3

        from corral.history.location import history_path
        from corral.history.rows import run_record
        from corral.history.secrets_filter import secret_values
        from corral.history.store import HistoryStore
        from corral.vault.active import revealed_secrets

        path = history_path(self.record.history, os.environ, Path.home())
        secrets = revealed_secrets() | secret_values(self.extra_vars)
        try:
            with HistoryStore(path) as store:
                store.record(run_record(self.meta, report, secrets))
        except (OSError, sqlite3.Error, CorralError) as exc:
            sys.stderr.write(f"[WARNING]: the run was not recorded in the history {path}: {exc} "
                             "(--no-history turns the history off)\n")
