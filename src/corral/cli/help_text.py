"""What `--help` shows beyond typer's defaults: the exit codes, whole command
summaries, and usage lines without braces (``corral apply [OPTIONS] PLAYBOOK``)."""

from __future__ import annotations

import inspect
import re
import textwrap
from typing import Any

import typer
from typer.core import TyperCommand
from typer.models import DefaultPlaceholder

from corral.cli.exit_codes import ExitCode

_MEANINGS = {
    ExitCode.SUCCESS: "success (check mode: no drift)",
    ExitCode.TASK_FAILED: "a task failed",
    ExitCode.DRIFT: "check mode found drift (changes would be made, or an outcome is unknown)",
    ExitCode.UNREACHABLE: "a host was unreachable",
    ExitCode.INVALID_INPUT: "invalid input: playbook, inventory, template, arguments, or a host "
    "pattern or --limit matching no host (nothing was run)",
    ExitCode.USAGE: "bad command-line usage",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C or SIGTERM); the recap and the report are "
    "still written",
}


def exit_codes_epilog(*extra: ExitCode) -> str:
    """The exit-code table for a command's --help (``extra``: codes only some commands have,
    such as 2 for check mode)."""
    codes = [c for c in ExitCode if c is not ExitCode.DRIFT or c in extra]
    rows = "\n".join(_row(int(code), _MEANINGS[code]) for code in codes)
    return "\b\nExit codes:\n" + rows  # \b: click keeps the lines as written


def _row(code: int, meaning: str, width: int = 74) -> str:
    lines = textwrap.wrap(meaning, width - 8)
    return "\n".join([f"  {code:<6}{lines[0]}", *(f"        {line}" for line in lines[1:])])


class PlainUsageCommand(TyperCommand):
    """Usage pieces as written (``PLAYBOOK``), not typer's ``{PLAYBOOK}`` for required ones."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [re.sub(r"^\{(.*)\}$", r"\1", piece)
                for piece in super().collect_usage_pieces(ctx)]


def _first_paragraph(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def polish_help(app: typer.Typer) -> None:
    """Every command of ``app`` (and of its sub-apps): plain usage, whole summary."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = PlainUsageCommand
        if command.short_help is None:
            command.short_help = _first_paragraph(command.help or command.callback.__doc__
                                                  if command.callback else command.help)
    for group in app.registered_groups:
        if group.typer_instance is None:
            continue
        info = group.typer_instance.info
        if isinstance(group.short_help, DefaultPlaceholder | None):
            group.short_help = _first_paragraph(group.help if isinstance(group.help, str)
                                                else info.help if isinstance(info.help, str)
                                                else None)
        polish_help(group.typer_instance)
