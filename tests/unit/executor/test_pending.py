"""Three-valued check mode: which results are simulations, and which tasks read them."""

from __future__ import annotations

import pytest

from corral.errors import Position
from corral.executor.pending import (
    is_simulated,
    names_read,
    pending_dependency,
    template_names_read,
    unknown_reason,
)
from corral.playbook.model import Task
from corral.prepare.context import PrepareContext
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


@pytest.mark.parametrize(("task", "names"), [
    (_task(module="copy", args={"content": "out", "dest": "/x"}), set()),  # plain text
    (_task(module="debug", args={"msg": "{{ out.stdout | default(x) }}"}), {"out", "x"}),
    (_task(module="debug", args={"msg": "{% for l in out.lines %}{{ l }}{% endfor %}"}), {"out"}),
    (_task(module="debug", when=["out.rc == 0 and made is changed"]), {"out", "made"}),
    (_task(module="debug", when=["{{ out.rc == 0 }}"]), {"out"}),
    (_task(module="debug", when=[True]), set()),
    # its own changed_when reads its own new result, not an older one of that name
    (_task(module="command", args={"cmd": "x"}, register="out", changed_when=["out.rc != 0"]),
     set()),
    (_task(module="command", args={"cmd": "x"}, register="new", failed_when=["out.rc != 0"]),
     {"out"}),
])
def test_names_read(task, names):
    assert names_read(task) == names


def test_a_template_file_reads_names(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/app.j2").write_text("v={{ probe.stdout }}\nplain out\n")
    context = PrepareContext(playbook_dir=tmp_path)
    assert template_names_read("app.j2", context) == {"probe"}
    assert template_names_read("missing.j2", context) == frozenset()
