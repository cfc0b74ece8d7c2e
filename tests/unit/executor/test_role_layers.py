"""Where role variables sit in a host's stack, and which handler a name runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from corral.errors import Position
from corral.executor.handler_choice import handlers_by_name
from corral.executor.host_state import HostState
from corral.executor.play_context import PlayContext
from corral.playbook.model import Play, RoleRef, Task, VarsSource
from corral.templating import Layer, VariableStack

HERE = Position("site.yml", 1)
NAMES = ("defaults", "inventory", "facts", "play", "rolevars", "task", "incvars", "setfact",
         "param", "incparam", "extra")


def _ref(name: str, **values: str) -> RoleRef:
    return RoleRef(name=name, path=Path(f"/r/{name}"), position=HERE,
                   defaults=[VarsSource(vars={k: "defaults" for k in NAMES},
                                        path=f"/r/{name}/defaults/main.yml", lines={"defaults": 3})],
                   vars=[VarsSource(vars={k: "rolevars" for k in NAMES[4:]},
                                    path=f"/r/{name}/vars/main.yml")],
                   params={k: "param" for k in NAMES[8:]}, **values)


def _context(role: RoleRef) -> tuple[PlayContext, HostState]:
    play = Play(hosts="all", position=HERE, path=Path("/p/site.yml"), roles=[role],
                vars={k: "play" for k in NAMES[3:]})
    base = VariableStack([Layer("inventory", {k: "inventory" for k in NAMES[1:]})])
    context = PlayContext(play=play, play_hosts=["h"], batch=["h"], playbook_dir=Path("/p"),
                          base={"h": base},
                          play_layers={"h": [Layer("play vars", play.vars)]},
                          extra=Layer("extra vars", {"extra": "extra"}))
    state = HostState("h", facts=Layer("facts", {k: "facts" for k in NAMES[2:]}))
    state.included = {k: "incvars" for k in NAMES[6:]}
    state.registered = {k: "setfact" for k in NAMES[7:]}
    return context, state


def test_precedence_of_role_layers_in_a_role_task() -> None:
    role = _ref("web")
    context, state = _context(role)
    task = Task(module="debug", position=HERE, role=role, vars={k: "task" for k in NAMES[5:]},
                include_params={k: "incparam" for k in NAMES[9:]})
    stack = context.stack_for(state, task)
    assert {name: stack[name] for name in NAMES} == {name: name for name in NAMES}
    assert stack["role_name"] == "web" and stack["role_path"] == "/r/web"
    assert stack["ansible_role_names"] == ["web"]
    assert "ansible_managed" not in stack  # only while rendering a template file


def test_play_tasks_see_public_role_defaults_and_vars_not_params() -> None:
    role = _ref("web")
    context, state = _context(role)
    stack = context.stack_for(HostState("h"), Task(module="debug", position=HERE))
    assert stack["defaults"] == "defaults"
    assert stack["rolevars"] == "rolevars"
    assert stack["param"] == "rolevars"  # role params stay with the role's own tasks
    value, layer = stack.lookup("defaults")
    assert layer.describe("defaults") == "role defaults (web) (/r/web/defaults/main.yml:3)"
    del state


def test_own_role_defaults_win_over_other_roles() -> None:
    first, second = _ref("a"), _ref("b")
    first.defaults[0].vars["defaults"] = "a"
    second.defaults[0].vars["defaults"] = "b"
    play = Play(hosts="all", position=HERE, path=Path("/p/site.yml"), roles=[first, second])
    context = PlayContext(play=play, play_hosts=["h"], batch=["h"], playbook_dir=Path("/p"),
                          base={"h": VariableStack()})
    in_a = context.stack_for(HostState("h"), Task(module="debug", position=HERE, role=first))
    outside = context.stack_for(HostState("h"), Task(module="debug", position=HERE))
    assert (in_a["defaults"], outside["defaults"]) == ("a", "b")


@pytest.mark.parametrize(("notified", "expected"), [
    ("restart", "included"),  # the last loaded of a name wins, include_role's come last
    ("web : restart", "included"),
    ("reload", "static-2"),
])
def test_one_handler_per_name(notified: str, expected: str) -> None:
    role = _ref("web")
    static = [Task(module="debug", position=HERE, name="restart", role=role, args={"msg": "static"}),
              Task(module="debug", position=HERE, name="reload", args={"msg": "static-1"}),
              Task(module="debug", position=HERE, name="reload", args={"msg": "static-2"})]
    included = [Task(module="debug", position=HERE, name="restart", role=role,
                     args={"msg": "included"})]
    assert handlers_by_name(static, included)[notified].args["msg"] == expected
