"""The end of a run: failures once per task, changes by task with folded diffs, the stop reason."""

import io

from corral.report.console import ConsoleEvents, render_recap, summary_line
from corral.report.end_sections import changes_section, problem_section, stop_section
from corral.report.json_report import report_to_dict
from corral.report.model import AttributeChange, ContentDiff, RunReport, Status, TaskResult

WHERE = "site.yml:12:7"


def _run(*results: TaskResult, check: bool = False) -> RunReport:
    report = RunReport(check_mode=check)
    for result in results:
        report.host(result.host).add(result)
    return report


def _failed(host: str, msg: str, task: str = "Render config", **kw: object) -> TaskResult:
    return TaskResult(host, task, "template", Status.FAILED, msg=msg, where=WHERE, **kw)  # type: ignore[arg-type]


def _changed(host: str, task: str, *changes: AttributeChange, diff: ContentDiff | None = None) -> TaskResult:
    return TaskResult(host, task, "copy", Status.CHANGED, changes=changes, diff=diff)


def test_an_identical_failure_is_printed_once_with_its_hosts() -> None:
    report = _run(*(_failed(f"web{i:02d}", "'port' is undefined") for i in range(1, 21)),
                  _failed("db1", "connection reset"),
                  _failed("web21", "ignored one", ignored=True),
                  TaskResult("web22", "Gathering Facts", "setup", Status.UNREACHABLE,
                             msg="ssh: connection refused"))
    assert problem_section(report) == [
        "FAILED AND UNREACHABLE",
        f"  failed: Render config ({WHERE}): 'port' is undefined",
        "    on web[01:20]",
        f"  failed: Render config ({WHERE}): connection reset",
        "    on db1",
        "  unreachable: Gathering Facts: ssh: connection refused",
        "    on web22",
    ]


def test_a_rescued_failure_is_not_listed() -> None:
    report = _run(_failed("web1", "boom"))
    report.host("web1").rescued = 1
    assert problem_section(report) == []


def test_a_long_message_is_cut() -> None:
    report = _run(_failed("web1", "\n".join(f"line {i}" for i in range(20))))
    lines = problem_section(report)
    assert lines[1].endswith(": line 0") and lines[-2] == "      … 14 more lines (see --report)"


def test_changes_are_grouped_by_task_and_say_what_changed() -> None:
    report = _run(
        _changed("host11", "Install the demo service", AttributeChange("corral-demo-svc", "absent", "1.0")),
        _changed("host12", "Install the demo service", AttributeChange("corral-demo-svc", "absent", "1.0")),
        _changed("host01", "Set mode", AttributeChange("mode", "0644", "0600")),
        _changed("host02", "Set mode", AttributeChange("mode", "0640", "0600")),
        check=True,
    )
    assert changes_section(report) == [
        "CHANGES (would be made: check mode)",
        "  Install the demo service: host11, host12 (corral-demo-svc absent -> 1.0)",
        "  Set mode:",
        "    host01 (mode 0644 -> 0600)",
        "    host02 (mode 0640 -> 0600)",
    ]


def test_identical_diffs_fold_into_one_under_the_host_list() -> None:
    def diff(host: str, new: str) -> ContentDiff:
        return ContentDiff("a = 1\n", f"a = {new}\n", f"/etc/app/{host}.conf", "app.conf.j2")

    report = _run(*(_changed(f"web{i}", "Config", diff=diff(f"web{i}", "2")) for i in range(1, 5)),
                  _changed("web5", "Config", diff=diff("web5", "3")))
    assert changes_section(report) == [
        "CHANGES",
        "  Config:",
        "    web[1:4] (content changed (+1 -1 lines))",
        "      --- /etc/app/web1.conf (and 3 other paths)",
        "      +++ app.conf.j2",
        "      @@ -1 +1 @@",
        "      -a = 1",
        "      +a = 2",
        "    web5 (content changed (+1 -1 lines))",
        "      --- /etc/app/web5.conf",
        "      +++ app.conf.j2",
        "      @@ -1 +1 @@",
        "      -a = 1",
        "      +a = 3",
    ]


def test_unknown_results_are_changes_check_could_not_predict() -> None:
    report = _run(TaskResult("web1", "Restart", "service", Status.UNKNOWN,
                             msg="depends on a pending change\nmore"), check=True)
    assert changes_section(report)[1] == "  Restart: web1 (unknown: depends on a pending change)"


def _stopped_rollout() -> RunReport:
    report = _run(_changed("n1", "Deploy", AttributeChange("release", "v1", "v2")),
                  _failed("n2", "health check failed"),
                  _changed("n3", "Deploy", AttributeChange("release", "v1", "v2")))
    report.host("n3").aborted = True
    for name in ("n4", "n5"):
        report.host(name).never_touched = True
    report.stop_reason = "max_fail_percentage 0 exceeded in batch 1 (1 of 3 failed)"
    return report


def test_the_stop_reason_and_the_hosts_it_cut_short() -> None:
    assert stop_section(_stopped_rollout()) == [
        "stopped: max_fail_percentage 0 exceeded in batch 1 (1 of 3 failed)",
        "  aborted mid-batch: n3",
        "  never touched: n4, n5",
    ]
    assert stop_section(_run(_changed("n1", "x"))) == []


def test_an_interrupted_run_says_so() -> None:
    report = _run(_changed("n1", "x"))
    report.interrupted = True
    report.host("n1").interrupted = True
    assert stop_section(report) == ["stopped: interrupted (Ctrl-C or SIGTERM)", "  interrupted: n1"]


def test_aborted_hosts_are_their_own_state_everywhere() -> None:
    report = _stopped_rollout()
    assert summary_line(report).startswith(
        "5 hosts: 0 ok, 1 changed, 1 failed, 0 unreachable, 1 aborted, 2 never touched in ")
    data = report_to_dict(report)
    assert data["outcomes"] == {"ok": 0, "changed": 1, "unknown": 0, "failed": 1, "unreachable": 0,
                                "aborted": 1, "interrupted": 0, "never_touched": 2}
    assert sum(data["outcomes"].values()) == len(data["hosts"])
    assert (data["hosts"]["n3"]["aborted"], data["hosts"]["n3"]["outcome"]) == (True, "aborted")
    assert data["stop_reason"] == report.stop_reason
    recap = render_recap(report)
    assert "n3 : ok=1 changed=1 " in recap and "aborted=1" in recap


def test_the_end_reads_recap_failures_changes_stop_then_summary() -> None:
    lines = render_recap(_stopped_rollout()).splitlines()
    heads = [line for line in lines if line and not line.startswith(" ") and " : " not in line]
    assert [h.split(" ")[0] for h in heads] == ["PLAY", "FAILED", "CHANGES", "stopped:", "5"]


def test_json_keeps_line_counts_and_the_task_position() -> None:
    report = _run(TaskResult("a", "t", "copy", Status.CHANGED, where=WHERE,
                             changes=(AttributeChange("content", "sha1:1", "sha1:2", (3, 1)),)))
    task = report_to_dict(report)["hosts"]["a"]["tasks"][0]
    assert task["where"] == WHERE
    assert task["diff"]["attributes"] == [{"what": "content", "before": "sha1:1", "after": "sha1:2",
                                           "lines_added": 3, "lines_removed": 1}]


def _console_run(**options: object) -> str:
    out = io.StringIO()
    console = ConsoleEvents(out, colour=False, live=False, **options)  # type: ignore[arg-type]
    console.play_start("site", ["a", "b"], False)
    for name, status in (("Packages", Status.OK), ("Config", Status.CHANGED), ("Old", Status.SKIPPED)):
        console.task_start(name, False)
        for host in ("a", "b"):
            console.task_result(TaskResult(host, name, "copy", status if host == "b" else Status.OK,
                                           where=WHERE, diff=ContentDiff("x\n", "y\n"),
                                           data={"dest": "/etc/x"}))
    return out.getvalue()


def test_pipe_output_keeps_every_line() -> None:
    out = _console_run()
    assert "ok: [a]" in out and "skipping: [b]" in out and "TASK [Packages]" in out
    assert "changed: [b] => content changed (+1 -1 lines)" in out
    assert "@@" not in out and '"dest"' not in out  # diffs fold at the end; results with -v


def test_only_changed_leaves_out_ok_and_skipped_and_their_banners() -> None:
    out = _console_run(only_changed=True)
    assert out.split("\n")[1:] == [
        "PLAY [site] " + "*" * 67, "", "TASK [Config] " + "*" * 65,
        "changed: [b] => content changed (+1 -1 lines)", ""]


def test_verbose_levels() -> None:
    assert '"dest": "/etc/x"' in _console_run(verbosity=1) and "@@ -1 +1 @@" in _console_run(verbosity=1)
    assert f"task path: {WHERE}" not in _console_run(verbosity=1)
    assert f"task path: {WHERE}" in _console_run(verbosity=2, only_changed=True)
    assert _console_run(verbosity=2).count(f"task path: {WHERE}") == 3  # once per task
    assert "changed: [b] => content changed (+1 -1 lines) (0.00s)" in _console_run(verbosity=3)


def test_a_quiet_recap_lists_only_the_hosts_that_are_not_ok() -> None:
    report = _run(*(TaskResult(f"web{i}", "t", "file", Status.OK) for i in range(1, 50)),
                  _changed("web50", "Config", AttributeChange("mode", "0644", "0600")))
    lines = render_recap(report, only_notable=True).splitlines()
    assert lines[1:4] == ["PLAY RECAP " + "*" * 68,
                          "web50 : ok=1 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0",
                          "(49 other hosts ok, not listed)"]
    assert len(render_recap(report).splitlines()) == len(lines) + 49 - 1
