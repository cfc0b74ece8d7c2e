"""A missing attribute names the variable and the task that registered it, never a class."""

from __future__ import annotations

import pytest

from corral.errors import Position, TemplateError
from corral.executor.attribute_error import name_the_variable
from corral.playbook.model import Task
from corral.templating import CorralEnvironment, Templar
from corral.templating.unsafe import mark_unsafe

BY = {"v": "task 'probe', which was skipped", "other": "task 'x'"}


def _task(**kw: object) -> Task:
    return Task(position=Position("play.yml", 1), module="debug", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("message", "task", "expected"), [
    ("'dict object' has no attribute 'stdout' (in msg: '{{ v.stdout }}')",
     _task(args={"msg": "{{ v.stdout }}"}),
     "'v' (registered by task 'probe', which was skipped) has no attribute 'stdout' "
     "(in msg: '{{ v.stdout }}')"),
    ("'dict object' has no attribute 'rc'", _task(when=["v['rc'] == 0"]),
     "'v' (registered by task 'probe', which was skipped) has no attribute 'rc'"),
    # not a registered name, or another attribute: the message stays
    ("'dict object' has no attribute 'rc'", _task(when=["conf.rc == 0"]),
     "'dict object' has no attribute 'rc'"),
    ("'dict object' has no attribute 'rc'", _task(when=["v.stdout == 0"]),
     "'dict object' has no attribute 'rc'"),
    ("'x' is undefined", _task(args={"msg": "{{ x }}"}), "'x' is undefined"),
])
def test_name_the_variable(message, task, expected):
    assert name_the_variable(message, task, BY) == expected


def test_jinja_says_dict_for_a_registered_result_not_an_internal_class():
    templar = Templar(CorralEnvironment(), {"v": mark_unsafe({"changed": False})})
    with pytest.raises(TemplateError) as error:
        templar.render("{{ v.stdout }}")
    assert "'dict object' has no attribute 'stdout'" in str(error.value)
    assert "corral" not in str(error.value) and "Unsafe" not in str(error.value)
