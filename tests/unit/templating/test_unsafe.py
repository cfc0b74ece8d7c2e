"""Host data is never rendered as a template, however it is reached."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from corral.templating import (
    CorralEnvironment,
    HostVarsView,
    Templar,
    TemplatedVars,
    UnsafeDict,
    UnsafeList,
    UnsafeText,
    is_unsafe,
    mark_unsafe,
)

EVIL = "{{ 7*7 }}"

FACTS: dict[str, Any] = mark_unsafe(
    {
        "ansible_hostname": EVIL,
        "ansible_facts": {"motd": "{% for x in range(3) %}x{% endfor %}", "list": [EVIL]},
        "registered": {"stdout": EVIL, "stdout_lines": [EVIL], "changed": False},
    }
)

PLAY: dict[str, Any] = {
    "msg": "{{ ansible_hostname }}",
    "greeting": "host is {{ ansible_hostname }}",
    "indirect": "{{ msg }}",
    "shout": "{{ ansible_hostname | upper }}",
    "joined": "{{ registered.stdout_lines | join(',') }}",
}

CASES: list[tuple[Any, Any]] = [
    ("{{ ansible_hostname }}", EVIL),
    ("{{ msg }}", EVIL),
    ("{{ indirect }}", EVIL),
    ("{{ greeting }}", "host is " + EVIL),
    ("{{ shout }}", "{{ 7*7 }}"),
    ("{{ joined }}", EVIL),
    ("{{ registered.stdout }}", EVIL),
    ("{{ registered.stdout_lines }}", [EVIL]),
    ("{{ ansible_facts.motd }}", "{% for x in range(3) %}x{% endfor %}"),
    ("{{ ansible_facts['list'][0] }}", EVIL),
    ("{{ ansible_hostname | default('x') }}", EVIL),
    ("{{ ansible_hostname | trim }}", EVIL),
    ({"dest": "{{ msg }}", "content": "{{ registered.stdout }}"}, {"dest": EVIL, "content": EVIL}),
    (FACTS["ansible_hostname"], EVIL),
    ({"raw": FACTS["ansible_hostname"]}, {"raw": EVIL}),
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_host_data_is_never_rendered(value: Any, expected: Any) -> None:
    templar = Templar(CorralEnvironment(), {**FACTS, **PLAY})
    result = templar.render(value)
    assert result == expected
    assert is_unsafe(result)


def test_rendering_the_result_again_keeps_it_literal() -> None:
    """A rendered value stored as a variable (set_fact) stays host data."""
    env = CorralEnvironment()
    first = Templar(env, {**FACTS, **PLAY}).render("{{ greeting }}")
    second = Templar(env, {"stored": first, "twice": "{{ stored }}"})
    assert second.render("{{ twice }}") == "host is " + EVIL


def test_unsafe_condition_is_not_evaluated() -> None:
    templar = Templar(CorralEnvironment(), mark_unsafe({"out": "true and false"}))
    assert templar.condition("out == 'true and false'")


def test_hostvars_of_another_host_stay_literal() -> None:
    env = CorralEnvironment()

    def factory(host: str) -> Mapping[str, Any]:
        return TemplatedVars({**FACTS, **PLAY}, env)

    templar = Templar(env, {"hostvars": HostVarsView(["db1"], factory)})
    assert templar.render("{{ hostvars['db1']['x'] | default('none') }}") == "none"
    assert templar.render("{{ hostvars['db1']['msg'] }}") == EVIL
    assert templar.render("{{ hostvars.db1.ansible_hostname }}") == EVIL


MARK: list[tuple[Any, Any]] = [
    ("text", UnsafeText("text")),
    ({"k": ["a", 1, None, ("b",)]}, {"k": ["a", 1, None, ("b",)]}),
    (3, 3),
]


@pytest.mark.parametrize(("value", "expected"), MARK, ids=[repr(c[0]) for c in MARK])
def test_mark_unsafe_is_deep(value: Any, expected: Any) -> None:
    marked = mark_unsafe(value)
    assert marked == expected
    strings: list[Any] = []

    def collect(obj: Any) -> None:
        if isinstance(obj, str):
            strings.append(obj)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                collect(k)
                collect(v)
        elif isinstance(obj, list | tuple):
            for v in obj:
                collect(v)

    collect(marked)
    assert all(isinstance(s, UnsafeText) for s in strings)
    assert is_unsafe(marked) is bool(strings)


def test_is_unsafe_on_plain_data() -> None:
    assert not is_unsafe({"a": ["b", 1]})
    assert is_unsafe({"a": ["b", UnsafeText("c")]})


def test_marked_containers_are_host_data_types() -> None:
    marked = mark_unsafe({"a": ["b"]})
    assert type(marked) is UnsafeDict and type(marked["a"]) is UnsafeList
    assert type(marked["a"][0]) is UnsafeText
    assert mark_unsafe(marked) is marked


def test_host_data_is_returned_itself_not_walked() -> None:
    templar = Templar(CorralEnvironment(), FACTS)
    assert templar.render("{{ ansible_facts }}") is FACTS["ansible_facts"]
    assert templar.render({"f": FACTS["registered"]})["f"] is FACTS["registered"]
