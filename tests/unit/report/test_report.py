"""The recap, the fleet summary and the JSON report are renderings of the same results."""

import io
import json

import pytest

from corral.cli.exit_codes import ExitCode, exit_code_for
from corral.report.console import ConsoleEvents, render_recap, summary_line
from corral.report.json_report import NO_LOG_TEXT, report_to_dict, write_json_report
from corral.report.model import AttributeChange, ContentDiff, RunReport, Status, TaskResult


def _report(*rows, check=False):
    report = RunReport(check_mode=check)
    for host, status, extra in rows:
        report.host(host).add(TaskResult(host, f"t-{status.value}", "file", status, **extra))
    return report


def test_recap_line_counts_changed_as_ok_too():
    report = _report(("web1", Status.OK, {}), ("web1", Status.CHANGED, {}),
                     ("web1", Status.SKIPPED, {}))
    assert "web1 : ok=2 changed=1 unreachable=0 failed=0 skipped=1" in render_recap(report)


def test_ignored_failure_is_not_a_failure():
    report = _report(("web1", Status.FAILED, {"ignored": True}))
    recap = report.host("web1").recap()
    assert (recap.failed, recap.ignored) == (0, 1)
    assert exit_code_for(report, drift_is_failure=False) is ExitCode.SUCCESS


@pytest.mark.parametrize(
    ("rows", "check", "code"),
    [
        ([("a", Status.OK, {})], False, ExitCode.SUCCESS),
        ([("a", Status.CHANGED, {})], False, ExitCode.SUCCESS),
        ([("a", Status.CHANGED, {})], True, ExitCode.DRIFT),
        ([("a", Status.OK, {})], True, ExitCode.SUCCESS),
        ([("a", Status.FAILED, {}), ("b", Status.UNREACHABLE, {})], False, ExitCode.TASK_FAILED),
        ([("a", Status.UNREACHABLE, {"msg": "connection refused"})], False, ExitCode.UNREACHABLE),
        ([("a", Status.UNREACHABLE, {"msg": "x"}), ("b", Status.CHANGED, {})], True, ExitCode.UNREACHABLE),
    ],
)
def test_exit_codes(rows, check, code):
    assert exit_code_for(_report(*rows, check=check), drift_is_failure=check) is code


def test_summary_line_at_a_thousand_hosts_is_one_line():
    rows = [(f"h{i:04d}", Status.CHANGED if i % 10 == 0 else Status.OK, {}) for i in range(1000)]
    rows.append(("h0001", Status.FAILED, {}))
    line = summary_line(_report(*rows))
    assert "\n" not in line
    assert line.startswith("1000 hosts: 899 ok, 100 changed, 1 failed, 0 unreachable")


def test_check_mode_summary_says_would_change():
    assert "1 would change" in summary_line(_report(("a", Status.CHANGED, {}), check=True))


def test_json_report_schema():
    diff = ContentDiff("a\n", "b\n", "/etc/x", "x.j2")
    report = _report(
        ("web1", Status.CHANGED, {"diff": diff, "changes": (AttributeChange("mode", "0600", "0644"),),
                                  "msg": "updated"}),
        ("web2", Status.UNREACHABLE, {"msg": "connection refused"}),
    )
    data = report_to_dict(report)
    web1 = data["hosts"]["web1"]
    assert {k: web1[k] for k in ("ok", "changed", "failed", "skipped", "unreachable")} == {
        "ok": 1, "changed": 1, "failed": 0, "skipped": 0, "unreachable": False}
    task = web1["tasks"][0]
    assert (task["name"], task["module"], task["status"], task["msg"]) == (
        "t-changed", "file", "changed", "updated")
    assert "-a\n+b\n" in task["diff"]["unified"]
    assert task["diff"]["attributes"] == [{"what": "mode", "before": "0600", "after": "0644"}]
    assert data["hosts"]["web2"]["unreachable"] is True


def test_no_log_hides_message_and_diff_everywhere():
    secret = "hunter2-secret"
    report = _report(("web1", Status.CHANGED, {"msg": secret, "no_log": True,
                                              "diff": ContentDiff("", secret)}))
    text = json.dumps(report_to_dict(report))
    assert secret not in text and NO_LOG_TEXT in text
    out = io.StringIO()
    events = ConsoleEvents(out, diff=True, verbosity=2, colour=False)
    events.task_result(report.hosts["web1"].results[0])
    assert secret not in out.getvalue()


def test_json_report_is_written_atomically(tmp_path):
    path = tmp_path / "r.json"
    write_json_report(_report(("a", Status.OK, {})), path)
    assert json.loads(path.read_text())["hosts"]["a"]["ok"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_console_colour_only_when_asked():
    out = io.StringIO()
    ConsoleEvents(out, colour=False).task_result(TaskResult("a", "t", "file", Status.CHANGED))
    assert "\x1b[" not in out.getvalue()
    assert out.getvalue().strip() == "changed: [a]"
