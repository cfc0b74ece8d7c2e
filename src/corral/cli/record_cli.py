"""The options of apply, check and run that say what a run leaves behind (see run_record)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ReportDirOpt = Annotated[Path | None, typer.Option(
    "--report-dir", help="Also write the JSON report to this folder, one file per run.")]
EventsOpt = Annotated[str | None, typer.Option(
    "--events", metavar="FILE|-", help="Stream events as NDJSON to FILE, or - for stdout "
    "(the console then goes to stderr).")]
JunitOpt = Annotated[Path | None, typer.Option(
    "--junit", help="Write a JUnit XML report to this file (a host per suite, a task per case).")]
HistoryOpt = Annotated[Path | None, typer.Option(
    "--history", help="The run history database (default: $CORRAL_HISTORY, else "
    "$XDG_STATE_HOME/corral/history.db).")]
NoHistoryOpt = Annotated[bool, typer.Option("--no-history", help="Do not record this run in the history.")]

