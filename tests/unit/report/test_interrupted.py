"""A Ctrl-C'd run: every host selected has one state, and the three renderings agree."""

from corral.cli.exit_codes import ExitCode, exit_code_for
from corral.report.console import render_recap, summary_line
from corral.report.json_report import report_to_dict
from corral.report.model import RunReport, Status, TaskResult


def _interrupted_run() -> RunReport:
    report = RunReport(interrupted=True)
    report.host("done").add(TaskResult("done", "t", "file", Status.CHANGED))
    report.host("failed").add(TaskResult("failed", "t", "command", Status.FAILED))
    cut = report.host("cut")
    cut.add(TaskResult("cut", "t", "file", Status.CHANGED))
    cut.interrupted, cut.interrupted_task = True, "long command"
    report.host("waiting").never_touched = True
    return report


def test_recap_marks_the_interrupted_host_and_its_task() -> None:
    lines = render_recap(_interrupted_run()).splitlines()
    cut = next(line for line in lines if line.startswith("cut"))
    assert cut.endswith("interrupted=1 (during 'long command')")
    assert not any("interrupted=1" in line for line in lines if not line.startswith("cut"))


def test_summary_counts_add_up_to_the_hosts() -> None:
    line = summary_line(_interrupted_run())
    assert line.startswith("4 hosts: 0 ok, 1 changed, 1 failed, 0 unreachable, 1 interrupted, "
                           "1 never touched in ")
    assert line.endswith("(interrupted)")


def test_json_report_has_the_state_per_host() -> None:
    data = report_to_dict(_interrupted_run())
    assert data["interrupted"] is True
    hosts = data["hosts"]
    assert (hosts["cut"]["interrupted"], hosts["cut"]["interrupted_task"]) == (True, "long command")
    assert hosts["cut"]["changed"] == 1  # what it did before the Ctrl-C is still there
    assert [n for n, h in hosts.items() if h["interrupted"]] == ["cut"]
    assert hosts["waiting"]["never_touched"] is True


def test_interrupted_run_exits_130() -> None:
    assert exit_code_for(_interrupted_run(), drift_is_failure=False) is ExitCode.INTERRUPTED
