"""`corral run` output, one row per case: the shape `ansible -m` prints."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from corral.report.adhoc_events import AdhocEvents
from corral.report.adhoc_output import AdhocStyle, render_result
from corral.report.json_report import NO_LOG_TEXT
from corral.report.model import AttributeChange, ContentDiff, RunReport, Status, TaskResult

UPTIME = {"rc": 0, "stdout": " 05:42:50 up 3:20", "stderr": "", "cmd": ["uptime"]}
FALSE = {"rc": 1, "stdout": "", "stderr": "", "cmd": ["false"]}
SHELL = {"rc": 3, "stdout": "a\nb", "stderr": "err", "cmd": "echo a; echo b; exit 3"}
TOUCH = (AttributeChange("state", "absent", "file"),)
TWO = (AttributeChange("mode", "0644", "0600"), AttributeChange("owner", "root", "app"))


def _result(module: str, status: Status, data: dict | None = None, **kw) -> TaskResult:
    return TaskResult("host07", f"{module} x", module, status, data=data or {}, **kw)


PLAIN = AdhocStyle()
ONE = AdhocStyle(one_line=True)
VERBOSE = AdhocStyle(verbosity=1)


@pytest.mark.parametrize(("result", "style", "expected"), [
    (_result("command", Status.CHANGED, UPTIME), PLAIN,
     "host07 | CHANGED | rc=0 >>\n 05:42:50 up 3:20"),
    (_result("ansible.builtin.shell", Status.CHANGED, UPTIME), PLAIN,
     "host07 | CHANGED | rc=0 >>\n 05:42:50 up 3:20"),
    (_result("command", Status.FAILED, FALSE, msg="non-zero return code"), PLAIN,
     "host07 | FAILED | rc=1 >>\nnon-zero return code"),
    (_result("shell", Status.FAILED, SHELL, msg="non-zero return code"), PLAIN,
     "host07 | FAILED | rc=3 >>\na\nb\nerr\nnon-zero return code"),
    (_result("command", Status.CHANGED, UPTIME), ONE,
     "host07 | CHANGED | rc=0 | (stdout)  05:42:50 up 3:20"),
    (_result("shell", Status.FAILED, SHELL, msg="non-zero return code"), ONE,
     "host07 | FAILED | rc=3 | (stdout) a\\nb (stderr) err"),
    (_result("command", Status.SKIPPED, msg="command is not run in check mode"), PLAIN,
     "host07 | SKIPPED => command is not run in check mode"),
    (_result("ping", Status.OK, {"ping": "pong"}), PLAIN, "host07 | SUCCESS => ping: pong"),
    (_result("ping", Status.OK, {"ping": "pong"}), ONE,
     'host07 | SUCCESS => {"changed": false,"ping": "pong"}'),
    (_result("ping", Status.OK, {"ping": "pong"}), VERBOSE,
     'host07 | SUCCESS => {\n    "changed": false,\n    "ping": "pong"\n}'),
    (_result("command", Status.FAILED, FALSE, msg="boom"), VERBOSE,
     "host07 | FAILED! => " + json.dumps({**FALSE, "changed": False, "msg": "boom"},
                                         indent=4, sort_keys=True)),
    (_result("file", Status.CHANGED, changes=TOUCH), PLAIN,
     "host07 | CHANGED => state: absent -> file"),
    (_result("file", Status.CHANGED, msg="created /tmp/x", changes=TOUCH), PLAIN,
     "host07 | CHANGED => created /tmp/x\n  state: absent -> file"),
    (_result("file", Status.CHANGED, changes=TWO), PLAIN,
     "host07 | CHANGED\n  mode: 0644 -> 0600\n  owner: root -> app"),
    (_result("file", Status.CHANGED, msg="mode: 0644 -> 0600", changes=TWO[:1]), PLAIN,
     "host07 | CHANGED => mode: 0644 -> 0600"),
    (_result("setup", Status.OK, {"ansible_facts": {"a": 1}}), PLAIN, "host07 | SUCCESS"),
    (_result("file", Status.FAILED, msg="path /x does not exist"), PLAIN,
     "host07 | FAILED! => path /x does not exist"),
    (_result("command", Status.FAILED, msg="no such file: nope"), PLAIN,
     "host07 | FAILED! => no such file: nope"),  # no rc: the command never ran
    (_result("copy", Status.UNREACHABLE, msg="connection refused"), PLAIN,
     "host07 | UNREACHABLE! => connection refused"),
    (_result("copy", Status.UNREACHABLE, msg="connection refused"), ONE,
     'host07 | UNREACHABLE! => {"changed": false,"msg": "connection refused",'
     '"unreachable": true}'),
    (_result("copy", Status.UNKNOWN, msg="depends on an earlier change"), PLAIN,
     "host07 | UNKNOWN => depends on an earlier change"),
    (_result("command", Status.CHANGED, {"rc": 0, "stdout": "s3cret"}, no_log=True), PLAIN,
     "host07 | CHANGED"),
    (_result("command", Status.CHANGED, {"rc": 0, "stdout": "s3cret"}, no_log=True,
             msg="x"), VERBOSE, f"host07 | CHANGED => {NO_LOG_TEXT}"),
    (_result("command", Status.CHANGED, {"rc": 0, "stdout": "s3cret"}, no_log=True), ONE,
     f"host07 | CHANGED => {NO_LOG_TEXT}"),
])
def test_render_result(result: TaskResult, style: AdhocStyle, expected: str) -> None:
    assert render_result(result, style) == expected


def test_diff_is_shown_with_diff_and_replaces_the_content_line() -> None:
    result = _result("copy", Status.CHANGED, changes=(AttributeChange("content", "a", "b"),
                                                      AttributeChange("mode", "0644", "0600")),
                     diff=ContentDiff("old\n", "new\n"))
    text = render_result(result, AdhocStyle(diff=True))
    assert text.splitlines() == ["host07 | CHANGED", "--- before", "+++ after", "@@ -1 +1 @@",
                                 "-old", "+new", "  mode: 0644 -> 0600"]


def test_events_print_a_block_per_host_and_the_summary_on_stderr(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    events = AdhocEvents(out, err, PLAIN, tree=tmp_path, colour=False)
    report = RunReport()
    for host in ("web1", "web2"):
        result = TaskResult(host, "command uptime", "command", Status.CHANGED, data=UPTIME)
        events.task_result(result)
        report.host(host).add(result)
    events.run_end(report)
    assert out.getvalue().splitlines() == ["web1 | CHANGED | rc=0 >>", " 05:42:50 up 3:20",
                                           "web2 | CHANGED | rc=0 >>", " 05:42:50 up 3:20"]
    assert err.getvalue().startswith("2 hosts: 0 ok, 2 changed, 0 failed, 0 unreachable in ")
    saved = json.loads((tmp_path / "web2").read_text())
    assert saved["stdout"] == UPTIME["stdout"] and saved["changed"] is True


def test_tree_never_writes_outside_its_folder(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    events = AdhocEvents(out, err, PLAIN, tree=tmp_path / "tree", colour=False)
    (tmp_path / "tree").mkdir()
    events.task_result(TaskResult("../evil", "t", "ping", Status.OK))
    assert not (tmp_path / "evil").exists() and list((tmp_path / "tree").iterdir()) == []
    assert "is not a file name" in err.getvalue()
