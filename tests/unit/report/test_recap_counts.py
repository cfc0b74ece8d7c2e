"""The recap counts an ignored failure and a rescued one as ansible-core does."""

from corral.report.console import render_recap
from corral.report.json_report import report_to_dict
from corral.report.model import RunReport, Status, TaskResult


def _host_report(*results: TaskResult, rescued: int = 0) -> RunReport:
    report = RunReport()
    host = report.host("web1")
    for result in results:
        host.add(result)
    host.rescued = rescued
    return report


def test_an_ignored_failure_counts_ok_changed_and_ignored() -> None:
    report = _host_report(
        TaskResult("web1", "a", "command", Status.FAILED, ignored=True, data={"changed": True}),
        TaskResult("web1", "b", "command", Status.FAILED, ignored=True),
        TaskResult("web1", "c", "file", Status.OK),
    )
    recap = report.host("web1").recap()
    assert (recap.ok, recap.changed, recap.failed, recap.ignored) == (3, 1, 0, 2)


def test_a_rescued_failure_counts_only_rescued() -> None:
    report = _host_report(TaskResult("web1", "a", "command", Status.FAILED),
                          TaskResult("web1", "b", "debug", Status.OK), rescued=1)
    recap = report.host("web1").recap()
    assert (recap.ok, recap.changed, recap.failed, recap.rescued) == (1, 0, 0, 1)


def test_recap_line_keeps_the_stable_prefix_and_adds_rescued_and_ignored() -> None:
    report = _host_report(TaskResult("web1", "a", "file", Status.OK))
    assert ("web1 : ok=1 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0"
            in render_recap(report))


def test_json_report_says_ignored() -> None:
    report = _host_report(TaskResult("web1", "a", "command", Status.FAILED, ignored=True))
    host = report_to_dict(report)["hosts"]["web1"]
    assert (host["ok"], host["failed"], host["ignored"]) == (1, 0, 1)
    assert host["tasks"][0]["status"] == "ignored"
