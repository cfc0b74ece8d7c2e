"""An undefined variable's message: a did-you-mean from the variables in scope, the
same text on every host, and file:line:col of the name in the task's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from corral.errors import Position, Problem, TemplateError
from corral.executor.expression_position import expression_position, task_error_text
from corral.playbook.model import Task
from corral.templating import CorralEnvironment, Templar

ENV = CorralEnvironment()


def _error(variables: dict, text: str, field: str = "msg") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        Templar(ENV, variables).render({field: text})
    return caught.value


@pytest.mark.parametrize(("variables", "text", "expected"), [
    ({"app_port": 1}, "{{ app_prot }}",
     "'app_prot' is undefined; did you mean 'app_port'? (in msg: '{{ app_prot }}')"),
    ({"zzz": 1}, "{{ app_prot }}", "'app_prot' is undefined (in msg: '{{ app_prot }}')"),
    ({"web_port": 1, "db_port": 2, "web_ports": 3}, "{{ web_prot }}",
     "'web_prot' is undefined; did you mean 'web_port' or 'web_ports'? (in msg: "
     "'{{ web_prot }}')"),
])
def test_undefined_says_what_was_meant(variables: dict, text: str, expected: str) -> None:
    error = _error(variables, text)
    assert str(error) == expected
    assert (error.field, error.undefined) == ("msg", text.strip("{} "))


def test_the_message_is_the_same_on_every_host() -> None:
    hosts = [{"inventory_hostname": h, "app_port": 80 + i} for i, h in enumerate(("a", "b"))]
    assert len({str(_error(v, "port {{ app_prot }}")) for v in hosts}) == 1


def test_condition_undefined_names_the_condition() -> None:
    with pytest.raises(TemplateError) as caught:
        Templar(ENV, {"app_name": "x"}).condition("app_nam == 'x'")
    assert str(caught.value) == ("'app_nam' is undefined; did you mean 'app_name'? "
                                 "(in condition: \"app_nam == 'x'\")")
    assert caught.value.field == "condition"


def test_undefined_inside_a_variable_suggests_from_the_variables() -> None:
    error = _error({"base_url": "{{ hots }}/x", "host": "h"}, "{{ base_url }}")
    assert str(error).startswith("'hots' is undefined; did you mean 'host'? (in variable "
                                 "'base_url'")


PLAY = """\
- hosts: all
  tasks:
    - name: show it
      debug:
        msg: "port {{ app_prot }} for {{ app_name }}"
    - debug: msg=hi
      when:
        - true
        - app_nam == 'x'
"""


@pytest.fixture
def playbook(tmp_path: Path) -> Path:
    path = tmp_path / "site.yml"
    path.write_text(PLAY)
    return path


def _task(path: Path, args: dict[str, tuple[int, int]], keywords: dict[str, tuple[int, int]]
          ) -> Task:
    where = {k: Position(str(path), *v) for k, v in args.items()}
    keys = {k: Position(str(path), *v) for k, v in keywords.items()}
    return Task(module="debug", position=Position(str(path), 3, 7), arg_positions=where,
                keyword_positions=keys)


def test_position_is_the_undefined_name_in_the_arg(playbook: Path) -> None:
    task = _task(playbook, {"msg": (5, 9)}, {})
    error = _error({"app_port": 1}, "port {{ app_prot }} for {{ app_name }}")
    assert expression_position(error, task) == Position(str(playbook), 5, 23)
    assert task_error_text(error, task).startswith(
        f"{playbook}:5:23: 'app_prot' is undefined; did you mean 'app_port'?")


def test_position_of_a_condition_looks_at_the_lines_of_the_list(playbook: Path) -> None:
    task = _task(playbook, {"msg": (6, 14)}, {"when": (7, 7)})
    with pytest.raises(TemplateError) as caught:
        Templar(ENV, {"app_name": "x"}).condition("app_nam == 'x'")
    assert expression_position(caught.value, task) == Position(str(playbook), 9, 11)


@pytest.mark.parametrize("contents", [None, "$ANSIBLE_VAULT;1.1;AES256\n6162\n"])
def test_position_falls_back_to_the_key(tmp_path: Path, contents: str | None) -> None:
    path = tmp_path / "gone.yml"
    if contents is not None:
        path.write_text(contents)
    task = _task(path, {"msg": (5, 9)}, {})
    error = _error({}, "{{ app_prot }}")
    assert expression_position(error, task) == Position(str(path), 5, 9)


def test_an_error_with_a_position_keeps_it(playbook: Path) -> None:
    error = TemplateError(Problem("x", Position("t.j2", 3)), field="msg")
    assert task_error_text(error, _task(playbook, {"msg": (5, 9)}, {})) == "t.j2:3: x"
