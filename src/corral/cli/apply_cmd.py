"""`corral apply`, `corral check` and `corral run`: load input, run the engine, map the exit code."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from corral.cli.exit_codes import ExitCode, exit_code_for
from corral.cli.extra_vars import parse_extra_vars
from corral.cli.interrupts import Interrupts
from corral.errors import CorralError, InputError, Problem, UsageError
from corral.executor.options import ConnectionDefaults, RunOptions
from corral.inventory.empty_pattern import did_you_mean, inventory_names, no_host_message
from corral.scale.shard import parse_shard

if TYPE_CHECKING:
    from corral.cli.gc_policy import PausedCollector
    from corral.cli.run_record import RecordOptions, RunRecorder
    from corral.report.events import RunEvents
    from corral.report.model import RunReport
    from corral.report.phase_times import PhaseClock

_POLICIES = ("strict", "accept-new", "off")


def _split_tags(values: list[str] | None) -> frozenset[str]:
    return frozenset(t.strip() for v in values or () for t in v.split(",") if t.strip())


def print_input_error(exc: InputError) -> None:
    count = len(exc.problems)
    sys.stderr.write(f"ERROR: {count} problem{'s' if count != 1 else ''} found; nothing was run:\n")
    for problem in exc.problems:
        sys.stderr.write(f"  {problem}\n")


def refused(exc: InputError | UsageError) -> ExitCode:
    """Say why nothing was run, and the exit code for it: 4 for input, 5 for usage."""
    if isinstance(exc, InputError):
        print_input_error(exc)
        return ExitCode.INVALID_INPUT
    sys.stderr.write(f"ERROR: {exc}\n")
    return ExitCode.USAGE


def build_options(check: bool, diff: bool, *, limit: str | None, tags: list[str] | None,
                  skip_tags: list[str] | None, extra_vars: list[str] | None, forks: int,
                  verbose: int, ask_become_pass: bool, force_handlers: bool,
                  host_key_checking: str | None, stats: bool, timeout: float,
                  start_at_task: str | None = None,
                  defaults: ConnectionDefaults | None = None,
                  gather_implicit: bool = True, shard: str | None = None,
                  only_changed: bool = False) -> RunOptions:
    if host_key_checking is not None and host_key_checking not in _POLICIES:
        raise UsageError(f"--host-key-checking must be one of {', '.join(_POLICIES)}")
    password = None
    if ask_become_pass:
        password = getpass.getpass("BECOME password: ")
    return RunOptions(
        check=check, diff=diff, limit=limit, tags=_split_tags(tags), skip_tags=_split_tags(skip_tags),
        extra_vars=parse_extra_vars(list(extra_vars or [])), forks=forks, verbosity=verbose,
        force_handlers=force_handlers, become_password=password,
        host_key_policy=host_key_checking, connect_timeout=timeout, collect_stats=stats,
        start_at_task=start_at_task, defaults=defaults or ConnectionDefaults(),
        gather_implicit=gather_implicit,
        shard=parse_shard(shard) if shard is not None else None, only_changed=only_changed,
    )


def apply_playbook(playbook: Path, inventory: list[str], *, check: bool, diff: bool,
                   report: Path | None, list_hosts: bool, list_tasks: bool,
                   syntax_check: bool = False, roles_path: list[str] | None = None,
                   record: RecordOptions | None = None, allow_empty: bool = False,
                   collector: PausedCollector | None = None, **kw: Any) -> ExitCode:
    from dataclasses import replace

    from corral.cli.loading import load_run_input
    from corral.cli.run_record import check_record_paths
    from corral.report.phase_times import PhaseClock

    clock = PhaseClock()  # the command begins: start-up ends
    if record is not None:
        record = replace(record, playbook=playbook)
    try:
        _check_report_path(report)
        if record is not None:
            check_record_paths(record)
        options = build_options(check, diff, **kw)
        loaded = load_run_input(playbook, inventory, roles_path or [])
    except (InputError, UsageError) as exc:
        return refused(exc)
    try:
        limit_ok = not options.limit or _limit_matches(loaded, options.limit)
    except InputError as exc:
        return refused(exc)
    if not limit_ok and not allow_empty:
        hint = did_you_mean(options.limit or "", known_names(loaded.inventory))
        sys.stderr.write(f"ERROR: --limit {options.limit!r} matches none of the hosts the plays "
                         f"target{hint}; nothing was run (--allow-empty runs anyway)\n")
        return ExitCode.INVALID_INPUT
    if syntax_check:
        sys.stdout.write(f"playbook: {playbook}\n")
        return ExitCode.SUCCESS
    if options.shard is not None:
        from corral.scale.caveats import shard_warnings

        for warning in shard_warnings(loaded.playbook, options.shard):
            sys.stderr.write(f"[WARNING]: {warning}\n")
    if list_hosts or list_tasks:
        from corral.cli.listing import list_playbook

        return list_playbook(loaded, options, list_hosts, list_tasks)
    try:
        empty = [] if allow_empty else _plays_matching_nothing(loaded)
        if empty:
            raise InputError(empty)
    except InputError as exc:
        return refused(exc)
    return execute(loaded.inventory, loaded.registry, loaded.playbook, options, report,
                    record, inventory, collector=collector, clock=clock, env=loaded.env)


def _limit_matches(loaded: Any, limit: str) -> bool:
    """A --limit that selects no host is a mistake (a typo in a cron job), not a clean run."""
    inventory = loaded.inventory
    return any(inventory.limit(inventory.select(play.hosts), limit)
               for play in loaded.playbook.plays)


def known_names(inventory: Any) -> list[str]:
    return inventory_names(inventory.groups, inventory.hosts)


def _plays_matching_nothing(loaded: Any) -> list[Problem]:
    """A play whose hosts pattern selects no host of the inventory: a typo until told
    otherwise (ansible-core warns and skips the play; --allow-empty does that).

    Plays after one that may add hosts or groups at run time (add_host, group_by, an
    include) are left to the run: their hosts may not exist yet."""
    from corral.playbook.inventory_edits import may_edit_inventory

    inventory = loaded.inventory
    problems = []
    for play in loaded.playbook.plays:
        if not inventory.select(play.hosts):
            problems.append(Problem(
                no_host_message("play hosts pattern", play.hosts, known_names(inventory),
                                inventory.groups) + " (--allow-empty skips such plays)",
                play.position))
        if may_edit_inventory(play):
            break
    return problems


def execute(inventory: Any, registry: Any, playbook: Any, options: RunOptions,
             report_path: Path | None, record: RecordOptions | None = None,
             sources: list[str] | None = None,
             console_for: Callable[[TextIO], RunEvents] | None = None,
             collector: PausedCollector | None = None,
             clock: PhaseClock | None = None, env: Any = None) -> ExitCode:
    from corral.cli.run_record import RunRecorder
    from corral.executor.engine import Engine
    from corral.report.console import ConsoleEvents
    from corral.report.json_report import write_json_report
    from corral.report.model import RunReport

    try:
        recorder = RunRecorder(record, options, sources or []) if record is not None else None
    except UsageError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return ExitCode.USAGE
    stream = recorder.console_stream if recorder else sys.stdout
    console: RunEvents = console_for(stream) if console_for is not None else ConsoleEvents(
        stream, diff=options.diff, verbosity=options.verbosity, show_stats=options.collect_stats,
        only_changed=options.only_changed)
    events = recorder.events(console) if recorder else console
    engine = Engine(inventory, registry, options, events, env)
    with Interrupts() as interrupts:  # until the report is written: no signal cuts it short
        try:
            for warning in [*inventory.warnings, *map(str, getattr(playbook, "warnings", []))]:
                events.warning(warning)
            _warn_open_files(engine, playbook, options, events)
            engine.preload_transport(playbook)
            if collector is not None:
                collector.resume()  # what was loaded stays: frozen for the run (gc_policy)
            if clock is not None:
                clock.lap("loading", "playbook, inventory, checks")
            result = asyncio.run(_run(engine, playbook, interrupts))
            if clock is not None:
                clock.split_run(clock.lap("run"), result.connected_after, result.closing)
        except InputError as exc:
            print_input_error(exc)
            return _finish(recorder, RunReport(check_mode=options.check),
                           ExitCode.INVALID_INPUT)
        except CorralError as exc:
            sys.stderr.write(f"ERROR: {exc}\n")
            return _finish(recorder, RunReport(check_mode=options.check), ExitCode.TASK_FAILED)
        if options.shard is not None:
            result.shard = str(options.shard)
        code = _finish(recorder, result, exit_code_for(result, drift_is_failure=options.check))
        if report_path is not None:
            try:
                write_json_report(result, report_path,
                                  recorder.meta.to_dict() if recorder else None)
            except OSError as exc:
                sys.stderr.write(f"ERROR: cannot write the report {report_path}: {exc.strerror}\n")
                return ExitCode.USAGE
    if clock is not None and options.collect_stats:
        _print_phases(clock, stream)
    return code


def _print_phases(clock: PhaseClock, stream: TextIO) -> None:
    from corral.report.phase_times import render_phases

    clock.lap("report", "the report, the history, other outputs")
    stream.write("\n" + render_phases(clock.phases) + "\n")
    stream.flush()


def _finish(recorder: RunRecorder | None, report: RunReport, code: ExitCode) -> ExitCode:
    """Events end, --report-dir, --junit and the history; a file that cannot be written is exit 5."""
    if recorder is None or recorder.finish(report, int(code)):
        return code
    return ExitCode.USAGE


async def _run(engine: Any, playbook: Any, interrupts: Interrupts) -> Any:
    """The engine's run, with Ctrl-C and SIGTERM handed to ``engine.interrupt``."""
    with interrupts.forwarded(asyncio.get_running_loop(), engine.interrupt):
        return await engine.run(playbook)


def _warn_open_files(engine: Any, playbook: Any, options: RunOptions, events: Any) -> None:
    from corral.scale.open_files import open_files_warning

    hosts = {name for play in playbook.plays for name in engine.select_hosts(play)}
    warning = open_files_warning(options.forks, len(hosts))
    if warning is not None:
        events.warning(warning)


def _check_report_path(report: Path | None) -> None:
    """Fail before any host is touched when the report could not be written at the end."""
    if report is None:
        return
    folder = report.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--report {report}: the folder {folder} does not exist or is not "
                         "writable")
