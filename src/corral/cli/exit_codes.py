"""The exit codes of DESIGN.md, and how a run report maps onto them."""

from __future__ import annotations

from enum import IntEnum

from corral.report.host_lists import drifted_hosts
from corral.report.model import RunReport


class ExitCode(IntEnum):
    SUCCESS = 0
    TASK_FAILED = 1
    DRIFT = 2
    UNREACHABLE = 3
    INVALID_INPUT = 4
    USAGE = 5
    INTERRUPTED = 130


def exit_code_for(report: RunReport, drift_is_failure: bool) -> ExitCode:
    """Failure beats unreachable beats drift; drift only counts in check mode."""
    if report.interrupted:
        return ExitCode.INTERRUPTED
    if report.any_failed:
        return ExitCode.TASK_FAILED
    if report.any_unreachable:
        return ExitCode.UNREACHABLE
    if drift_is_failure and (report.any_changed or drifted_hosts(report)):
        return ExitCode.DRIFT  # unknown (check could not predict) is drift too
    return ExitCode.SUCCESS
