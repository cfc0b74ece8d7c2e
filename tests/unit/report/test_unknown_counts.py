"""A host whose check found only unknown tasks (and ok ones) is drift, never ok: in the
recap, the summary line, the JSON report's lists, the exit code, the history's host
status and a merged shard report."""

from __future__ import annotations

from corral.cli.exit_codes import ExitCode, exit_code_for
from corral.history.drift import DRIFTING, compute_drift
from corral.report.console import render_recap, summary_line
from corral.report.host_lists import host_outcome
from corral.report.json_report import report_to_dict
from corral.report.model import RunReport, Status, TaskResult
from corral.scale.merge import ShardReport, merge_reports
from corral.scale.merge import summary_line as merged_summary


def _check_report() -> RunReport:
    report = RunReport(check_mode=True)
    rows = {
        "insync": [Status.OK, Status.OK],
        "changes": [Status.OK, Status.CHANGED],
        "cannottell": [Status.OK, Status.UNKNOWN, Status.UNKNOWN],
    }
    for name, statuses in rows.items():
        host = report.host(name)
        for index, status in enumerate(statuses):
            unknown = status is Status.UNKNOWN
            host.add(TaskResult(name, f"t{index}", "copy", status,
                                msg="depends on 'install', which would change" if unknown else "",
                                data={"depends_on": "install"} if unknown else {}))
    return report


def test_the_recap_counts_unknown_apart_from_ok() -> None:
    recap = _check_report().host("cannottell").recap()
    assert (recap.ok, recap.changed, recap.unknown) == (1, 0, 2)
    assert ("cannottell : ok=1 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
            "unknown=2") in render_recap(_check_report())


def test_the_summary_line_counts_an_unknown_host_as_unknown_not_ok() -> None:
    assert summary_line(_check_report()).startswith(
        "3 hosts: 1 ok, 1 would change, 0 failed, 0 unreachable, 1 unknown in ")


def test_the_summary_line_is_unchanged_without_unknown() -> None:
    report = _check_report()
    del report.hosts["cannottell"]
    assert summary_line(report).startswith("2 hosts: 1 ok, 1 would change, 0 failed, 0 unreachable in ")


def test_json_report_lists_the_unknown_host_as_drifted() -> None:
    data = report_to_dict(_check_report())
    assert data["drifted"] == ["changes", "cannottell"]
    host = data["hosts"]["cannottell"]
    assert (host["ok"], host["unknown"]) == (1, 2)
    assert [t["status"] for t in host["tasks"]] == ["ok", "unknown", "unknown"]
    assert host["tasks"][1]["depends_on"] == "install" and "depends_on" not in host["tasks"][0]


def test_exit_code_and_history_status_are_drift() -> None:
    report = _check_report()
    del report.hosts["changes"]
    assert exit_code_for(report, drift_is_failure=True) is ExitCode.DRIFT
    assert host_outcome(report.host("cannottell")) == "unknown"
    observed = [{"run_id": "r1", "started": "t1", "playbook": "site.yml", "host": "cannottell",
                 "status": host_outcome(report.host("cannottell"))}]
    (drift,) = compute_drift(observed, ["cannottell"])
    assert (drift.state, drift.since) == (DRIFTING, "t1")


def test_merged_shards_with_an_unknown_host_exit_2() -> None:
    report = _check_report()
    del report.hosts["changes"]
    data = report_to_dict(report) | {"shard": "0/1"}
    merged = merge_reports([ShardReport("s1.json", data=data)])
    assert merged.exit_code is ExitCode.DRIFT
    assert "unknown=2 (exit 2)" in merged_summary(merged)
