"""Small run reports and metadata for the history tests."""

from __future__ import annotations

from corral.report.model import ContentDiff, RunReport, Status, TaskResult
from corral.report.run_meta import RunMeta


def make_report(statuses: dict[str, list[Status]], check: bool = False) -> RunReport:
    report = RunReport(check_mode=check, duration=1.5)
    for host, row in statuses.items():
        for number, status in enumerate(row):
            report.host(host).add(TaskResult(host, f"task {number}", "copy", status,
                                             msg=f"{status.value} here", duration=0.25))
    return report


def make_meta(run_id: str, started: str, *, check: bool = False, playbook: str = "site.yml",
              exit_code: int = 0, argv: tuple[str, ...] = ()) -> RunMeta:
    return RunMeta(run_id=run_id, started=started, command="check" if check else "apply",
                   argv=argv, playbook=playbook, playbook_sha256="ab" * 32,
                   inventory=("inv.yml",), check_mode=check, user="tester",
                   controller="ctl").finished(exit_code)


def diff_result(host: str, before: str, after: str, **extra: object) -> TaskResult:
    return TaskResult(host, "write config", "copy", Status.CHANGED, msg="updated",
                      diff=ContentDiff(before, after), **extra)  # type: ignore[arg-type]
