"""``--events FILE|-``: one JSON object per line, written and flushed as the run happens.

For log shippers: each line stands alone (``event``, ``time``, ``run_id`` and the
event's fields), so a reader can tail the file while the run goes on. Vault values
are redacted and no_log results hidden, as in the JSON report.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from corral.report.host_lists import drifted_hosts, failed_hosts, unreachable_hosts
from corral.report.json_report import host_to_dict, task_to_dict
from corral.report.model import RunReport, TaskResult
from corral.report.run_meta import RunMeta, iso, utc_now
from corral.vault.active import revealed_secrets
from corral.vault.redact import redact_data


class NdjsonEvents:
    """Writes every event of the run as a line of JSON to ``stream``."""

    def __init__(self, stream: TextIO, meta: RunMeta) -> None:
        self.stream = stream
        self.run_id = meta.run_id
        self._report: RunReport | None = None
        self._broken = False
        self._emit("run_start", {k: v for k, v in meta.to_dict().items() if k != "id"})

    def _emit(self, event: str, fields: dict[str, Any]) -> None:
        if self._broken:
            return
        line = {"event": event, "time": iso(utc_now()), "run_id": self.run_id, **fields}
        text = json.dumps(redact_data(line, revealed_secrets()), default=str, sort_keys=False)
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except OSError as exc:  # a closed pipe or a full disk must not stop the run
            self._broken = True
            sys.stderr.write(f"[WARNING]: --events: cannot write events any more: {exc}\n")

    def play_start(self, name: str, hosts: list[str], check_mode: bool) -> None:
        self._emit("play_start", {"play": name, "hosts": hosts, "check_mode": check_mode})

    def batch_start(self, hosts: list[str], number: int, total: int) -> None:
        self._emit("batch_start", {"hosts": hosts, "number": number, "total": total})

    def task_start(self, name: str, handler: bool) -> None:
        self._emit("task_start", {"task": name, "handler": handler})

    def task_result(self, result: TaskResult) -> None:
        entry = task_to_dict(result)
        entry["task"] = entry.pop("name")
        if entry["diff"] is not None:  # the unified diff says it; whole files stay out of logs
            entry["diff"] = {"unified": entry["diff"]["unified"],
                             "attributes": entry["diff"]["attributes"]}
        self._emit("task_result", {"host": result.host, **entry, "changed": result.changed,
                                   "duration": round(result.duration, 3)})

    def warning(self, message: str) -> None:
        self._emit("warning", {"message": message})

    def run_end(self, report: RunReport) -> None:
        self._report = report  # written by finish(), once the exit code is known

    def finish(self, meta: RunMeta) -> None:
        report = self._report or RunReport(check_mode=meta.check_mode)
        counts = {name: {k: v for k, v in host_to_dict(host).items() if k != "tasks"}
                  for name, host in report.hosts.items()}
        self._emit("run_end", {"exit_code": meta.exit_code, "ended": meta.ended,
                               "interrupted": report.interrupted, "hosts": counts,
                               "drifted": drifted_hosts(report), "failed": failed_hosts(report),
                               "unreachable": unreachable_hosts(report)})
