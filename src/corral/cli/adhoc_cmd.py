"""`corral run` (and `corral facts`): one task on the hosts of a pattern, printed as
`ansible -m` prints it (report/adhoc_output.py)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from corral.cli.apply_cmd import build_options, execute, known_names, refused
from corral.cli.exit_codes import ExitCode
from corral.errors import InputError, UsageError
from corral.executor.options import RunOptions
from corral.inventory.empty_pattern import did_you_mean, no_host_message

if TYPE_CHECKING:
    from corral.cli.gc_policy import PausedCollector
    from corral.cli.run_record import RecordOptions
    from corral.report.events import RunEvents


@dataclass(frozen=True)
class AdhocOutput:
    """How `corral run` prints: ``--one-line``, and ``--tree DIR`` (a JSON file per host)."""

    one_line: bool = False
    tree: Path | None = None


def run_adhoc_task(pattern: str, inventory: list[str], module: str, args: str, *, check: bool,
                   diff: bool, become: bool, become_user: str | None,
                   record: RecordOptions | None = None, output: AdhocOutput | None = None,
                   allow_empty: bool = False, collector: PausedCollector | None = None,
                   **kw: Any) -> ExitCode:
    """``corral run``: one task on the hosts of ``pattern``, printed as ``ansible -m`` does."""
    from corral.cli.loading import load_adhoc_input
    from corral.cli.run_record import check_record_paths

    output = output or AdhocOutput()
    try:
        if record is not None:
            check_record_paths(record)
        options = build_options(check, diff, force_handlers=False, stats=False, tags=None,
                                skip_tags=None, **kw)
        loaded = load_adhoc_input(pattern, inventory, module, args, become, become_user)
        if not allow_empty:
            _check_adhoc_hosts(loaded, pattern, options.limit)
        if output.tree is not None:
            _make_tree(output.tree)
    except (InputError, UsageError) as exc:
        return refused(exc)
    return execute(loaded.inventory, loaded.registry, loaded.playbook, options, None, record,
                    inventory, console_for=lambda stream: _adhoc_events(stream, output, options),
                    collector=collector)


def _check_adhoc_hosts(loaded: Any, pattern: str, limit: str | None) -> None:
    """An ad-hoc pattern (or its --limit) selecting no host is exit 4, with a did-you-mean."""
    inventory = loaded.inventory
    known = known_names(inventory)
    selected = inventory.select(pattern)
    if not selected:
        raise InputError(no_host_message("host pattern", pattern, known, inventory.groups)
                         + " (--allow-empty runs anyway)")
    if limit is not None and not inventory.limit(selected, limit):
        raise InputError(f"--limit {limit!r} matches none of the {len(selected)} hosts of "
                         f"{pattern!r}{did_you_mean(limit, known)} (--allow-empty runs anyway)")


def _make_tree(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--tree {folder}: cannot make the folder: {exc.strerror}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--tree {folder}: the folder is not writable")


def _adhoc_events(stream: TextIO, output: AdhocOutput, options: RunOptions) -> RunEvents:
    from corral.report.adhoc_events import AdhocEvents
    from corral.report.adhoc_output import AdhocStyle

    style = AdhocStyle(verbosity=options.verbosity, one_line=output.one_line, diff=options.diff)
    return AdhocEvents(stream, sys.stderr, style, output.tree)
