"""What `corral history` and `corral drift` show: the data (for --json) and its text."""

from __future__ import annotations

from dataclasses import asdict
from fnmatch import fnmatchcase
from typing import Any

from corral.history.drift import DRIFTING, IN_SYNC, compute_drift
from corral.history.store import HistoryStore

_PROBLEM = ("failed", "unreachable")


def run_line(run: dict[str, Any]) -> str:
    counts = run["counts"]
    started = run["started"].replace("T", " ")
    parts = [run["id"], started, run["command"], run["playbook"] or "-",
             "check" if run["check_mode"] else "apply",
             f"exit={run['exit_code'] if run['exit_code'] is not None else '?'}",
             " ".join(f"{k}={counts[k]}" for k in ("hosts", "ok", "changed", "unknown", "failed",
                                                    "unreachable"))]
    return "  ".join(parts)


def run_report(store: HistoryStore, run_id: str) -> dict[str, Any]:
    """The run as the JSON report shows it (today's keys, ``run`` and the host lists)."""
    run = store.run(run_id)
    hosts: dict[str, Any] = {}
    for row in store.hosts(run_id):
        tasks = [{"name": t["name"], "module": t["module"], "status": t["status"],
                  "diff": t["diff"], "msg": t["msg"], "duration": t["duration"],
                  **({"item": t["item"]} if t["item"] is not None else {})}
                 for t in store.tasks(run_id, row["host"])]
        hosts[row["host"]] = {
            "status": row["status"], "ok": row["ok"], "changed": row["changed"],
            "failed": row["failed"], "skipped": row["skipped"],
            "unreachable": bool(row["unreachable"]), "ignored": row["ignored"],
            "rescued": row["rescued"], "unknown": row["unknown"],
            "never_touched": bool(row["never_touched"]), "tasks": tasks}
    return {
        "hosts": hosts, "check_mode": run["check_mode"], "interrupted": run["interrupted"],
        "duration_seconds": run["duration"],
        "drifted": [h for h, d in hosts.items() if d["changed"] or d["unknown"]],
        "failed": [h for h, d in hosts.items() if d["failed"]],
        "unreachable": [h for h, d in hosts.items() if d["unreachable"]],
        "run": {k: v for k, v in run.items() if k != "counts"},
    }


def run_text(report: dict[str, Any]) -> str:
    run = report["run"]
    lines = [f"run {run['id']}: corral {run['command']} {run['playbook'] or ''}".rstrip(),
             f"  started {run['started']}  ended {run['ended']}  by {run['user']}@"
             f"{run['controller']}  corral {run['version']}",
             f"  command line: corral {' '.join(run['argv'])}",
             f"  check mode: {'yes' if run['check_mode'] else 'no'}  exit code: {run['exit_code']}"]
    for name, host in report["hosts"].items():
        lines.append("")
        lines.append(f"{name}: {host['status']}")
        for task in host["tasks"]:
            item = f" (item={task['item']})" if task.get("item") is not None else ""
            msg = f" => {task['msg']}" if task["msg"] and task["status"] != "ok" else ""
            lines.append(f"  {task['status']}: {task['name']}{item}{msg}")
            if task["diff"] and task["diff"].get("unified"):
                lines.extend("      " + line for line in task["diff"]["unified"].splitlines())
    lines.append("")
    for name, host in report["hosts"].items():
        lines.append(f"{name} : ok={host['ok']} changed={host['changed']} "
                     f"unreachable={int(host['unreachable'])} failed={host['failed']} "
                     f"skipped={host['skipped']}")
    return "\n".join(lines)


def drift_report(store: HistoryStore, pattern: str | None,
                 hosts: list[str] | None = None) -> list[dict[str, Any]]:
    """Per host (``hosts``, else those of the history matching the glob ``pattern``): its
    drift and drifted tasks."""
    if hosts is None:
        hosts = [h for h in store.known_hosts() if pattern is None or fnmatchcase(h, pattern)]
    out = []
    for drift in compute_drift(store.check_observations(), hosts):
        entry = asdict(drift)
        entry.pop("drifting_runs")
        entry["playbooks"] = list(drift.playbooks)
        entry["drifted_tasks"] = [
            {"playbook": playbook, "run_id": run_id, "task": t["name"], "module": t["module"],
             "status": t["status"], "msg": t["msg"], "diff": t["diff"]}
            for playbook, run_id in drift.drifting_runs
            for t in store.tasks(run_id, drift.host) if t["status"] in ("changed", "unknown")]
        out.append(entry)
    return out


def drift_text(entries: list[dict[str, Any]]) -> str:
    width = max((len(e["host"]) for e in entries), default=0)
    lines = []
    for entry in entries:
        name = entry["host"].ljust(width)
        last = f" (last check {entry['last_check']}" + (
            f", {entry['last_status']})" if entry["last_status"] in _PROBLEM else ")")
        if entry["state"] == DRIFTING:
            lines.append(f"{name}  drifting since {entry['since']}{last}")
            for task in entry["drifted_tasks"]:
                where = f"{task['playbook']}: " if task["playbook"] else ""
                lines.append(f"{' ' * width}    {task['status']}: {where}{task['task']}")
        elif entry["state"] == IN_SYNC:
            lines.append(f"{name}  in sync{last}")
        else:
            never = " (never checked)" if entry["last_check"] is None else last
            lines.append(f"{name}  unknown{never}")
    return "\n".join(lines)
