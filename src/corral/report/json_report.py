"""The `--report FILE.json` renderer (schema in DESIGN.md)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from corral.report.diff import unified_diff
from corral.report.host_lists import (
    drifted_hosts,
    failed_hosts,
    host_outcome,
    outcome_counts,
    unknown_count,
    unreachable_hosts,
)
from corral.report.model import AttributeChange, HostReport, RunReport, Status, TaskResult
from corral.vault.active import revealed_secrets
from corral.vault.redact import redact_data

NO_LOG_TEXT = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"


def task_status(result: TaskResult) -> str:
    """The task's status word: a failure under ignore_errors is "ignored"."""
    return "ignored" if result.ignored else result.status.value


def _attribute(change: AttributeChange) -> dict[str, Any]:
    entry: dict[str, Any] = {"what": change.what, "before": change.before, "after": change.after}
    if change.lines is not None:
        entry["lines_added"], entry["lines_removed"] = change.lines
    return entry


def task_to_dict(result: TaskResult) -> dict[str, Any]:
    if result.no_log:
        return {"name": result.task, "module": result.module, "status": task_status(result),
                "diff": None, "msg": NO_LOG_TEXT}
    diff: dict[str, Any] | None = None
    if result.diff is not None or result.changes:
        diff = {
            "before": result.diff.before if result.diff else None,
            "after": result.diff.after if result.diff else None,
            "unified": unified_diff(result.diff) if result.diff else None,
            "attributes": [_attribute(c) for c in result.changes],
        }
    entry: dict[str, Any] = {
        "name": result.task,
        "module": result.module,
        "status": task_status(result),
        "diff": diff,
        "msg": result.msg,
    }
    if result.item_label is not None:
        entry["item"] = result.item_label
    if result.ignored:
        entry["ignored"] = True
    depends_on = result.data.get("depends_on")
    if result.status is Status.UNKNOWN and depends_on:  # the pending change it waits for
        entry["depends_on"] = str(depends_on)
    if result.where:
        entry["where"] = result.where
    return entry


def host_to_dict(host: HostReport) -> dict[str, Any]:
    recap = host.recap()
    return {
        "ok": recap.ok,
        "changed": recap.changed,
        "failed": recap.failed,
        "skipped": recap.skipped,
        "unreachable": recap.unreachable,
        "ignored": recap.ignored,
        "rescued": recap.rescued,
        "never_touched": host.never_touched,
        "interrupted": host.interrupted,
        "interrupted_task": host.interrupted_task,
        "aborted": host.aborted,
        "outcome": host_outcome(host),
        "unknown": unknown_count(host),
        "tasks": [task_to_dict(r) for r in host.results],
    }


def report_to_dict(report: RunReport, run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Today's keys, plus ``run`` (the run's metadata, when known) and the host lists."""
    data: dict[str, Any] = {
        "hosts": {name: host_to_dict(host) for name, host in report.hosts.items()},
        "check_mode": report.check_mode,
        "interrupted": report.interrupted,
        "duration_seconds": round(report.duration, 3),
        "drifted": drifted_hosts(report),
        "failed": failed_hosts(report),
        "unreachable": unreachable_hosts(report),
        "outcomes": outcome_counts(report),
    }
    if report.stop_reason is not None:
        data["stop_reason"] = report.stop_reason
    if run is not None:
        data["run"] = run
    if report.stats:
        data["stats"] = report.stats
    if report.shard is not None:
        data["shard"] = report.shard
    return data


def write_json_report(report: RunReport, path: Path, run: dict[str, Any] | None = None) -> None:
    """Write the report atomically: a reader never sees half a file."""
    data = redact_data(report_to_dict(report, run), revealed_secrets())  # vault values never written
    text = json.dumps(data, indent=2, sort_keys=False, default=str)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".corral-report-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
