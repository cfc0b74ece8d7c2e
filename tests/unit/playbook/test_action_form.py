"""``action:``/``local_action:`` are rewritten into the usual task form, positions kept."""

from __future__ import annotations

import pytest

from corral.playbook.action_form import expand_action
from corral.playbook.context import ParseContext
from corral.playbook.free_form import parse_free_form
from corral.playbook.yaml_loader import load_yaml_text


def _expand(text: str) -> tuple[dict, list[str]]:
    data, problems = load_yaml_text(text, "t.yml")
    assert not problems
    ctx = ParseContext(modules=None)  # type: ignore[arg-type]
    out = expand_action(ctx, data)
    return dict(out), [p.message for p in ctx.problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("action: copy src=a dest=b\nname: x", {"copy": "src=a dest=b", "name": "x"}),
    ("action: ping", {"ping": None}),
    ("action: {module: copy, src: a}", {"copy": {"src": "a"}}),
    ("local_action: command echo hi", {"command": "echo hi", "delegate_to": "localhost"}),
    ("local_action: {module: debug, msg: m}", {"debug": {"msg": "m"}, "delegate_to": "localhost"}),
    ("copy: {src: a}", {"copy": {"src": "a"}}),
])
def test_expand_action(text: str, expected: dict) -> None:
    assert _expand(text) == (expected, [])


def test_action_without_a_module_is_a_problem() -> None:
    out, problems = _expand("action: {src: a}")
    assert out == {} and "'action' needs a module name" in problems[0]


def test_local_action_with_delegate_to_is_a_problem() -> None:
    _, problems = _expand("local_action: ping\ndelegate_to: web1")
    assert problems == ["local_action already runs on localhost; remove delegate_to"]


def test_free_form_takes_templated_names_when_any_name_is_allowed() -> None:
    parsed = parse_free_form("a=1 {{ p }}_x=yes c={{ v }}", None)
    assert parsed.args == {"a": "1", "{{ p }}_x": "yes", "c": "{{ v }}"}
    assert parse_free_form("{{ p }}_x=yes", {"a"}).args == {}


def test_unsafe_tag_marks_scalars_lists_and_mappings() -> None:
    from corral.playbook.values import is_template
    from corral.templating.unsafe import UnsafeDict, UnsafeList, UnsafeText

    data, problems = load_yaml_text(
        'a: !unsafe "{{ x }}"\nb: !unsafe ["{{ y }}"]\nc: !unsafe {k: "{{ z }}"}\n', "t.yml")
    assert not problems
    assert isinstance(data["a"], UnsafeText) and data["a"] == "{{ x }}"
    assert isinstance(data["b"], UnsafeList) and isinstance(data["b"][0], UnsafeText)
    assert isinstance(data["c"], UnsafeDict) and isinstance(data["c"]["k"], UnsafeText)
    assert not is_template(data["a"]) and data.key_positions["a"].line == 1


def test_su_wrap_and_prompt() -> None:
    from corral.transport.become import Become, classify_sudo_failure, is_su_prompt

    become = Become("alice", "secret", method="su")
    assert become.wrap("python3 -c x") == "su -s /bin/sh alice -c 'python3 -c x'"
    assert "secret" not in become.wrap("python3 -c x")
    assert is_su_prompt("Password: ") and is_su_prompt("Mot de passe : ")
    assert not is_su_prompt("Password: \nuid=1001")
    error = classify_sudo_failure("su: Authentication failure\n", become)
    assert error is not None and "su rejected the become password for alice" in str(error)
