"""Precedence and provenance (VariableStack), lazy templating (TemplatedVars), hostvars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from corral.errors import Position, TemplateError
from corral.templating import (
    CorralEnvironment,
    HostVarsView,
    Layer,
    Templar,
    TemplatedVars,
    VariableStack,
)

ORDER = [
    "inventory group vars: all",
    "inventory group vars: web",
    "group_vars file: web",
    "inventory host vars",
    "host_vars file",
    "facts",
    "play vars",
    "play vars_files",
    "task vars",
    "set_fact",
    "extra vars",
]

# which layers set `port` (by name, each to its own value) → winner, shadowed (highest first)
PRECEDENCE: list[tuple[list[str], str, list[str]]] = [
    (["inventory group vars: all"], "inventory group vars: all", []),
    (
        ["inventory group vars: all", "inventory group vars: web"],
        "inventory group vars: web",
        ["inventory group vars: all"],
    ),
    (
        ["group_vars file: web", "inventory host vars"],
        "inventory host vars",
        ["group_vars file: web"],
    ),
    (["host_vars file", "play vars"], "play vars", ["host_vars file"]),
    (["facts", "play vars"], "play vars", ["facts"]),
    (["play vars", "play vars_files"], "play vars_files", ["play vars"]),
    (["play vars_files", "task vars"], "task vars", ["play vars_files"]),
    (["task vars", "set_fact"], "set_fact", ["task vars"]),
    (ORDER, "extra vars", list(reversed(ORDER[:-1]))),
    (
        ["inventory group vars: all", "host_vars file", "extra vars"],
        "extra vars",
        ["host_vars file", "inventory group vars: all"],
    ),
]


def _stack(setting: list[str]) -> VariableStack:
    stack = VariableStack()
    for name in ORDER:
        values = {"port": name} if name in setting else {"other": name}
        stack = stack.push(Layer(name, values, f"/src/{name}.yml", {"port": 3}))
    return stack


@pytest.mark.parametrize(
    ("setting", "winner", "shadowed"), PRECEDENCE, ids=[p[1] for p in PRECEDENCE]
)
def test_precedence(setting: list[str], winner: str, shadowed: list[str]) -> None:
    stack = _stack(setting)
    value, layer = stack.lookup("port")
    assert (value, layer.name) == (winner, winner)
    assert [(v, lay.name) for v, lay in stack.shadowed("port")] == [(s, s) for s in shadowed]
    assert stack["port"] == winner


def test_lookup_missing_raises_keyerror() -> None:
    stack = _stack([])
    with pytest.raises(KeyError):
        stack.lookup("port")
    assert stack.shadowed("port") == []
    assert "port" not in stack


def test_dicts_are_replaced_not_merged() -> None:
    stack = VariableStack([Layer("play vars", {"app": {"a": 1, "b": 2}})])
    stack = stack.push(Layer("extra vars", {"app": {"b": 3}}))
    assert stack["app"] == {"b": 3}


def test_push_is_persistent_and_shares_layers() -> None:
    base = VariableStack([Layer("host vars", {"x": 1})])
    task1 = base.push(Layer("task vars", {"x": 2}))
    task2 = base.push(Layer("task vars", {"y": 3}))
    assert (base["x"], task1["x"], task2["x"]) == (1, 2, 1)
    assert len(base.layers) == 1 and task1.layers[0] is base.layers[0]
    assert sorted(task2) == ["x", "y"] and len(task2) == 2


def test_layer_provenance() -> None:
    layer = Layer("play vars", {"port": 1}, "site.yml", {"port": 12})
    assert layer.position("port") == Position("site.yml", 12)
    assert layer.describe("port") == "play vars (site.yml:12)"
    assert Layer("extra vars", {"port": 1}).describe("port") == "extra vars"


LAZY: list[tuple[dict[str, Any], str, Any]] = [
    ({"url": "http://{{ host }}:{{ port }}", "host": "db", "port": 5432}, "url", "http://db:5432"),
    ({"a": "{{ b }}", "b": "{{ c }}", "c": [1, 2]}, "a", [1, 2]),
    ({"a": {"nested": "{{ b }}"}, "b": 3}, "a", {"nested": 3}),
    ({"a": ["{{ b }}", "x"], "b": True}, "a", [True, "x"]),
    ({"n": "{{ m + 1 }}", "m": 41}, "n", 42),
    ({"v": "{{ vars['k'] }}", "k": "via vars"}, "v", "via vars"),
    ({"r": "{{ range(3) | list }}"}, "r", [0, 1, 2]),
]


@pytest.mark.parametrize(
    ("variables", "name", "expected"), LAZY, ids=[c[1] + str(i) for i, c in enumerate(LAZY)]
)
def test_lazy_reference(variables: dict[str, Any], name: str, expected: Any) -> None:
    view = TemplatedVars(variables, CorralEnvironment())
    assert view[name] == expected


def test_lazy_renders_only_what_is_used() -> None:
    env = CorralEnvironment()
    view = TemplatedVars({"used": "{{ 1 }}", "broken": "{{ nope }}"}, env)
    assert Templar(env, view).render("{{ used }}") == 1
    assert env.compile_count == 2  # "{{ used }}" and "{{ 1 }}", never "{{ nope }}"


def test_lazy_value_cached_per_view() -> None:
    env = CorralEnvironment()
    calls: list[int] = []

    def tick() -> int:
        calls.append(1)
        return len(calls)

    env.globals["tick"] = tick
    view = TemplatedVars({"t": "{{ tick() }}"}, env)
    assert (view["t"], view["t"]) == (1, 1)
    assert TemplatedVars({"t": "{{ tick() }}"}, env)["t"] == 2


CYCLES: list[tuple[dict[str, Any], str, str]] = [
    ({"a": "{{ b }}", "b": "{{ a }}"}, "a", "variable 'a' refers to itself through: a -> b -> a"),
    ({"a": "{{ b }}", "b": "{{ a }}"}, "b", "variable 'b' refers to itself through: b -> a -> b"),
    ({"a": "{{ a }}"}, "a", "variable 'a' refers to itself through: a -> a"),
    (
        {"x": "{{ a }}", "a": "{{ b }}", "b": "{{ c }}", "c": "{{ a | default(1) }}"},
        "x",
        "variable 'a' refers to itself through: a -> b -> c -> a",
    ),
    ({"a": {"k": ["{{ b }}"]}, "b": "{{ a.k }}"}, "a", "a -> b -> a"),
]


@pytest.mark.parametrize(("variables", "name", "message"), CYCLES, ids=[c[2] for c in CYCLES])
def test_cycle(variables: dict[str, Any], name: str, message: str) -> None:
    templar = Templar(CorralEnvironment(), variables)
    with pytest.raises(TemplateError) as caught:
        templar.render("{{ " + name + " }}")
    assert message in str(caught.value)


UNDEFINED_INSIDE: list[tuple[str, Any]] = [
    ("{{ url is defined }}", False),
    ("{{ url | default('none') }}", "none"),
    ("{{ ok }}", "fine"),
]


@pytest.mark.parametrize(
    ("template", "expected"), UNDEFINED_INSIDE, ids=[c[0] for c in UNDEFINED_INSIDE]
)
def test_variable_using_undefined_is_undefined(template: str, expected: Any) -> None:
    templar = Templar(CorralEnvironment(), {"url": "http://{{ host }}", "ok": "fine"})
    assert templar.render(template) == expected


def test_variable_using_undefined_names_the_cause() -> None:
    env = CorralEnvironment()
    variables = {"url": "http://{{ host }}"}
    with pytest.raises(TemplateError, match=r"'host' is undefined \(in variable 'url'\)"):
        Templar(env, variables).render("{{ url }}")
    with pytest.raises(TemplateError, match=r"'host' is undefined"):
        TemplatedVars(variables, env)["url"]


def test_templated_vars_is_a_mapping() -> None:
    view = TemplatedVars(
        VariableStack([Layer("play vars", {"a": "{{ b }}", "b": 2})]), CorralEnvironment()
    )
    assert dict(view) == {"a": 2, "b": 2}
    assert "a" in view and "zz" not in view and len(view) == 2
    with pytest.raises(KeyError):
        view["zz"]


def _hostvars(env: CorralEnvironment, built: list[str]) -> HostVarsView:
    per_host: dict[str, dict[str, Any]] = {
        "web1": {"port": 80, "url": "http://web1:{{ port }}"},
        "web2": {"port": 81, "url": "http://web2:{{ port }}"},
    }

    def factory(host: str) -> Mapping[str, Any]:
        built.append(host)
        return TemplatedVars(per_host[host], env)

    return HostVarsView(["web1", "web2"], factory)


HOSTVARS: list[tuple[str, Any]] = [
    ("{{ hostvars['web2']['url'] }}", "http://web2:81"),
    ("{{ hostvars.web1.port }}", 80),
    ("{{ hostvars | list }}", ["web1", "web2"]),
    ("{{ 'web3' in hostvars }}", False),
    ("{{ hostvars['web3'] is defined }}", False),
    ("{{ groups['web'] | map('extract', hostvars, 'port') | list }}", [80, 81]),
]


@pytest.mark.parametrize(("template", "expected"), HOSTVARS, ids=[c[0] for c in HOSTVARS])
def test_hostvars(template: str, expected: Any) -> None:
    env = CorralEnvironment()
    hostvars = _hostvars(env, [])
    templar = Templar(env, {"hostvars": hostvars, "groups": {"web": ["web1", "web2"]}})
    assert templar.render(template) == expected


def test_hostvars_builds_hosts_lazily_once() -> None:
    env = CorralEnvironment()
    built: list[str] = []
    templar = Templar(env, {"hostvars": _hostvars(env, built)})
    templar.render("{{ hostvars.web2.port }} {{ hostvars.web2.url }}")
    assert built == ["web2"]
    with pytest.raises(KeyError):
        _hostvars(env, built)["web9"]
