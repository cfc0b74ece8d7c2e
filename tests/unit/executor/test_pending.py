"""Three-valued check mode: which results are simulations, and which tasks read them."""

from __future__ import annotations

import pytest

from corral.errors import Position
from corral.executor.pending import is_simulated, pending_dependency, unknown_reason
from corral.playbook.model import Task
from corral.report.model import Status, TaskResult


@pytest.mark.parametrize(("status", "msg", "simulated"), [
    (Status.CHANGED, "", True),
    (Status.UNKNOWN, "depends on 'x', which would change", True),
    (Status.SKIPPED, "command is not run in check mode", True),
    (Status.SKIPPED, "Conditional result was False", False),
    (Status.OK, "", False),
    (Status.FAILED, "boom", False),
])
def test_is_simulated(status, msg, simulated):
    assert is_simulated(TaskResult("h", "t", "command", status, msg=msg)) is simulated


def _task(**kw: object) -> Task:
    return Task(position=Position("play.yml", 1), **kw)  # type: ignore[arg-type]


PENDING = {"out": "read it", "made": "make file"}


@pytest.mark.parametrize(("task", "origin"), [
    (_task(module="debug", args={"msg": "{{ out.stdout }}"}), "read it"),
    (_task(module="command", args={"cmd": "echo"}, when=["out.rc == 0"]), "read it"),
    (_task(module="copy", args={"content": "{{ made['dest'] }}"}), "make file"),
    (_task(module="debug", loop="{{ out.stdout_lines }}"), "read it"),
    (_task(module="debug", args={"msg": "{{ layout.stdout }}"}), None),  # not the word out
    (_task(module="debug", args={"msg": "{{ x.out }}"}), None),  # an attribute named out
    (_task(module="debug", args={"msg": "plain"}), None),
])
def test_pending_dependency(task, origin):
    assert pending_dependency(task, PENDING) == origin


def test_nothing_pending_means_no_dependency():
    assert pending_dependency(_task(module="debug", args={"msg": "{{ out }}"}), {}) is None


def test_reason_names_the_task():
    assert unknown_reason("read it") == "depends on 'read it', which would change"
