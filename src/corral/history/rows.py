"""A finished run as the rows the history stores: redacted, bounded, no_log hidden."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from corral.report.host_lists import host_outcome, unknown_count
from corral.report.json_report import task_to_dict
from corral.report.model import HostReport, RunReport, Status, TaskResult
from corral.report.run_meta import RunMeta
from corral.vault.redact import redact_data

MAX_DIFF = 64 * 1024  # characters of a task's diff kept; a config file's diff fits, a dump does not
MAX_MSG = 8 * 1024

RUN_COLUMNS = ("id", "started", "ended", "user", "controller", "version", "command", "argv",
               "playbook", "playbook_sha256", "inventory", "limit_pattern", "tags", "skip_tags",
               "check_mode", "exit_code", "interrupted", "duration")
HOST_COLUMNS = ("run_id", "host", "status", "ok", "changed", "failed", "skipped", "unreachable",
                "ignored", "rescued", "unknown", "never_touched")
TASK_COLUMNS = ("run_id", "host", "seq", "name", "module", "status", "changed", "unknown",
                "ignored", "item", "diff", "msg", "duration")


@dataclass(frozen=True)
class RunRecord:
    """One run: its row, its hosts' rows and its task results' rows (column → value)."""

    run: dict[str, Any]
    hosts: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "\n… (cut)"


def _task_row(run_id: str, seq: int, result: TaskResult, secrets: frozenset[str]) -> dict[str, Any]:
    entry = redact_data(task_to_dict(result), secrets)  # no_log: msg hidden, diff None
    diff = entry["diff"]
    if diff is not None:
        diff = _cut(json.dumps({"unified": diff["unified"], "attributes": diff["attributes"]},
                               default=str), MAX_DIFF)
    return {"run_id": run_id, "host": result.host, "seq": seq, "name": entry["name"],
            "module": result.module, "status": entry["status"], "changed": int(result.changed),
            "unknown": int(result.status is Status.UNKNOWN), "ignored": int(result.ignored),
            "item": entry.get("item"), "diff": diff, "msg": _cut(str(entry["msg"] or ""), MAX_MSG),
            "duration": round(result.duration, 3)}


def _host_row(run_id: str, host: HostReport) -> dict[str, Any]:
    recap = host.recap()
    return {"run_id": run_id, "host": host.name, "status": host_outcome(host), "ok": recap.ok,
            "changed": recap.changed, "failed": recap.failed, "skipped": recap.skipped,
            "unreachable": int(recap.unreachable), "ignored": recap.ignored,
            "rescued": recap.rescued, "unknown": unknown_count(host),
            "never_touched": int(host.never_touched)}


def run_record(meta: RunMeta, report: RunReport, secrets: frozenset[str]) -> RunRecord:
    data = redact_data(meta.to_dict(), secrets)
    run = {
        "id": meta.run_id, "started": meta.started, "ended": meta.ended, "user": meta.user,
        "controller": meta.controller, "version": meta.version, "command": meta.command,
        "argv": json.dumps(data["argv"]), "playbook": data["playbook"],
        "playbook_sha256": meta.playbook_sha256, "inventory": json.dumps(data["inventory"]),
        "limit_pattern": data["limit"], "tags": json.dumps(data["tags"]),
        "skip_tags": json.dumps(data["skip_tags"]), "check_mode": int(meta.check_mode),
        "exit_code": meta.exit_code, "interrupted": int(report.interrupted),
        "duration": round(report.duration, 3),
    }
    hosts = [_host_row(meta.run_id, host) for host in report.hosts.values()]
    tasks = []
    for host in report.hosts.values():
        for seq, result in enumerate(host.results):
            tasks.append(_task_row(meta.run_id, seq, result, secrets))
    return RunRecord(run, hosts, tasks)
