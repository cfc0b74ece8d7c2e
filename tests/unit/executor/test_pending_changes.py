"""Three-valued check mode: which pending changes a check run collects, and which missing
precondition each explains (a table: one row per case)."""

from __future__ import annotations

import pytest

from corral.errors import Position
from corral.executor.pending_changes import (
    ANYTHING,
    PACKAGE,
    PATH,
    USER,
    PendingChange,
    changes_of,
    explaining,
    explains,
)
from corral.playbook.model import Task
from corral.report.model import Status, TaskResult


def _task(module: str, **kw: object) -> Task:
    return Task(position=Position("play.yml", 1), module=module, **kw)  # type: ignore[arg-type]


def _result(module: str, status: Status, msg: str = "", **data: object) -> TaskResult:
    return TaskResult("h", "t", module, status, msg=msg, data=data)


SKIP = "command is not run in check mode"


@pytest.mark.parametrize(("task", "result", "changes"), [
    (_task("apt"), _result("apt", Status.CHANGED), [PendingChange("T", PACKAGE)]),
    (_task("apt"), _result("apt", Status.OK), []),
    (_task("apt", args={"name": "x", "state": "absent"}), _result("apt", Status.CHANGED), []),
    (_task("file"), _result("file", Status.CHANGED, path="/srv/app/"),
     [PendingChange("T", PATH, "/srv/app")]),
    (_task("file", args={"path": "/srv/app/conf.d", "state": "directory"}),
     _result("file", Status.CHANGED, path="/srv/app/conf.d"),
     [PendingChange("T", PATH, "/srv/app/conf.d", parents=True)]),
    (_task("copy"), _result("copy", Status.UNKNOWN, dest="/srv/app/a"),
     [PendingChange("T", PATH, "/srv/app/a")]),
    (_task("copy"), _result("copy", Status.CHANGED, dest="relative"), []),
    (_task("user"), _result("user", Status.CHANGED, name="app"), [PendingChange("T", USER, "app")]),
    (_task("shell"), _result("shell", Status.SKIPPED, SKIP), [PendingChange("T", ANYTHING)]),
    (_task("shell", changed_when=[False]), _result("shell", Status.SKIPPED, SKIP), []),
    (_task("shell"), _result("shell", Status.SKIPPED, "Conditional result was False"), []),
    (_task("debug"), _result("debug", Status.CHANGED), []),
])
def test_changes_of(task, result, changes):
    assert changes_of(task, [result], "T") == changes


def _missing(kind: str, name: str) -> dict[str, str]:
    return {"kind": kind, "name": name}


@pytest.mark.parametrize(("change", "missing", "explained"), [
    (PendingChange("T", PACKAGE), _missing("unit", "nginx.service"), True),
    (PendingChange("T", PACKAGE), _missing("path", "/etc/nginx"), True),
    (PendingChange("T", ANYTHING), _missing("command", "app"), True),
    (PendingChange("T", PATH, "/srv/app"), _missing("path", "/srv/app"), True),
    (PendingChange("T", PATH, "/srv/app"), _missing("path", "/srv/app/conf.d/x"), True),
    (PendingChange("T", PATH, "/srv/app/conf.d", parents=True), _missing("path", "/srv/app"), True),
    # a file written into a folder does not make the folder
    (PendingChange("T", PATH, "/srv/app/a.txt"), _missing("path", "/srv/app"), False),
    (PendingChange("T", PATH, "/srv/app"), _missing("path", "/srv/application"), False),
    (PendingChange("T", PATH, "/srv/other"), _missing("path", "/srv/app"), False),
    (PendingChange("T", PATH, "/etc/systemd/system/app.service"), _missing("unit", "app"), True),
    (PendingChange("T", PATH, "/etc/systemd/system/app.service"),
     _missing("unit", "app.service"), True),
    (PendingChange("T", PATH, "/etc/app.conf"), _missing("unit", "app"), False),
    (PendingChange("T", PATH, "/opt/bin/app"), _missing("command", "/opt/bin/app"), True),
    (PendingChange("T", PATH, "/opt/bin/app"), _missing("command", "app"), True),
    (PendingChange("T", PATH, "/opt/bin/app"), _missing("user", "app"), False),
    (PendingChange("T", USER, "app"), _missing("user", "app"), True),
    (PendingChange("T", USER, "app"), _missing("group", "app"), True),
    (PendingChange("T", USER, "app"), _missing("user", "web"), False),
    (PendingChange("T", "group", "app"), _missing("user", "app"), False),
])
def test_explains(change, missing, explained):
    assert explains(change, missing) is explained


def test_the_latest_explaining_change_is_named():
    changes = [PendingChange("folder", PATH, "/srv/app"), PendingChange("other", PATH, "/tmp/x"),
               PendingChange("file", PATH, "/srv/app/a.conf")]
    assert explaining(changes, _missing("path", "/srv/app/a.conf")) == changes[2]
    assert explaining(changes, _missing("path", "/srv/app/b.conf")) == changes[0]
    assert explaining(changes, _missing("path", "/etc/app")) is None
    assert explaining([], _missing("unit", "app")) is None


def test_a_probe_that_changes_nothing_is_no_pending_change_even_when_unknown():
    probe = _task("command", changed_when=["false"], check_mode=False)
    assert changes_of(probe, [_result("command", Status.UNKNOWN)], "probe") == []
