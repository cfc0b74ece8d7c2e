"""The `corral report` sub-commands: work on JSON reports after a run."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from corral.cli.exit_codes import ExitCode

report_app = typer.Typer(
    name="report",
    help="Work on JSON reports (--report) after a run: merge the reports of shards.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@report_app.command("merge")
def merge(
    reports: Annotated[list[Path], typer.Argument(metavar="REPORT.json...",
                                                 help="The JSON reports of the shards of one run.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write the merged report here (default: stdout).")] = None,
) -> None:
    """Merge per-shard reports into one fleet report; exit as one run would have.

    A missing shard (reports record `shard: I/N`), an unreadable report or a host
    in two shards is reported, never dropped; a missing or failed shard makes the
    exit code at least 1.
    """
    from corral.scale.merge import merge_reports, read_shard_report, summary_line

    merged = merge_reports([read_shard_report(path) for path in reports])
    for warning in merged.warnings:
        sys.stderr.write(f"[WARNING]: {warning}\n")
    for problem in merged.problems:
        sys.stderr.write(f"ERROR: {problem}\n")
    text = json.dumps(merged.report, indent=2, default=str) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            sys.stderr.write(f"ERROR: cannot write {output}: {exc.strerror}\n")
            raise typer.Exit(int(ExitCode.USAGE)) from exc
    sys.stderr.write(summary_line(merged) + "\n")
    raise typer.Exit(int(merged.exit_code))
