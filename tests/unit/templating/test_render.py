"""Templar: native results, text rendering, conditions, omit, errors, syntax checks, caching."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from corral.errors import TemplateError
from corral.templating import (
    OMIT,
    CorralEnvironment,
    Templar,
    check_condition_syntax,
    check_syntax,
    mark_unsafe,
    strip_omitted,
)

VARS: dict[str, Any] = {
    "port": 8080,
    "ports": [80, 443],
    "conf": {"a": 1},
    "flag": True,
    "name": "web",
    "nothing": None,
    "omit": OMIT,
    "groups": {"web": ["a", "b"], "all": ["a", "b", "c"]},
    "result": mark_unsafe({"changed": True, "rc": 0, "stdout": "ok"}),
    "quiet": mark_unsafe({"changed": False, "rc": 0}),
    "flag_text": "false",
    "host_says": mark_unsafe("true"),
    "host_junk": mark_unsafe("x == x"),
}

RENDER: list[tuple[Any, Any]] = [
    ("{{ port }}", 8080),
    ("{{ ports }}", [80, 443]),
    ("{{ conf }}", {"a": 1}),
    ("{{ flag }}", True),
    ("{{ nothing }}", None),
    ("{{ 1 }}", 1),
    ("{{ '1' }}", "1"),
    ("{{ [1, port] }}", [1, 8080]),
    ("{{ port + 1 }}", 8081),
    ("{{ ports | map('string') }}", ["80", "443"]),
    ("{{ conf.keys() }}", ["a"]),
    ("port={{ port }}", "port=8080"),
    ("{{ port }} ", "8080 "),
    ("{{ ports }}!", "[80, 443]!"),
    ("x{{ nothing }}y", "xy"),
    ("{{ name }}-{{ port }}", "web-8080"),
    ("{% if flag %}yes{% endif %}", "yes"),
    ("no template", "no template"),
    ("{ not: a template }", "{ not: a template }"),
    (42, 42),
    (None, None),
    (
        {"dest": "/srv/{{ name }}", "mode": "0644", "n": "{{ port }}"},
        {"dest": "/srv/web", "mode": "0644", "n": 8080},
    ),
    (["{{ name }}", ["{{ port }}"], 3], ["web", [8080], 3]),
    ({"{{ name }}_key": "v"}, {"web_key": "v"}),
]


@pytest.mark.parametrize(("value", "expected"), RENDER, ids=[repr(c[0]) for c in RENDER])
def test_render(templar: Callable[..., Templar], value: Any, expected: Any) -> None:
    result = templar(VARS).render(value)
    assert result == expected
    assert type(result) is type(expected)


RENDER_ERRORS: list[tuple[Any, list[str]]] = [
    ("{{ app_port }}", ["'app_port' is undefined", "'{{ app_port }}'"]),
    ("x {{ app_port }} y", ["'app_port' is undefined"]),
    ("{{ [app_port] }}", ["'app_port' is undefined"]),
    ({"dest": "{{ app_port }}"}, ["'app_port' is undefined", "in dest"]),
    ({"a": [{"b": "{{ app_port }}"}]}, ["in a[0].b"]),
    ("{{ conf.missing }}", ["has no attribute 'missing'"]),
    ("{{ port + 'x' }}", ["TypeError"]),
    ("{{ 1 / 0 }}", ["ZeroDivisionError"]),
    ("{{ port ", ["template syntax error", "line 1"]),
    ("{% if %}", ["template syntax error"]),
    ("{% for x in ports %}", ["template syntax error", "for"]),
]


@pytest.mark.parametrize(("value", "parts"), RENDER_ERRORS, ids=[repr(c[0]) for c in RENDER_ERRORS])
def test_render_error(templar: Callable[..., Templar], value: Any, parts: list[str]) -> None:
    with pytest.raises(TemplateError) as caught:
        templar(VARS).render(value)
    for part in parts:
        assert part in str(caught.value)


def test_render_field_name_in_error(templar: Callable[..., Templar]) -> None:
    with pytest.raises(TemplateError, match=r"'x' is undefined \(in args\.dest"):
        templar(VARS).render({"dest": "{{ x }}"}, "args")


TEXT: list[tuple[str, str]] = [
    ("{{ port }}\n", "8080\n"),
    ("{{ ports }}", "[80, 443]"),
    ("{{ port }}", "8080"),
    ("{% for p in ports %}\nlisten {{ p }}\n{% endfor %}\n", "listen 80\nlisten 443\n"),
    ("a\n{% if flag %}\nb\n{% endif %}\nc\n", "a\nb\nc\n"),
    ("{{ nothing }}", ""),
    ("{% for p in ports %}{% if p > 100 %}{% break %}{% endif %}{{ p }}{% endfor %}", "80"),
]


@pytest.mark.parametrize(("text", "expected"), TEXT, ids=[repr(c[0]) for c in TEXT])
def test_render_text(templar: Callable[..., Templar], text: str, expected: str) -> None:
    result = templar(VARS).render_text(text, "app.conf.j2")
    assert result == expected
    assert isinstance(result, str)


TEXT_ERRORS: list[tuple[str, str]] = [
    ("line1\nline2 {{ missing }}\n", "app.conf.j2:2: 'missing' is undefined"),
    ("a\nb\n{% for x in ports %}\n", "app.conf.j2:3: template syntax error"),
    ("{{ ports }}\n{{ 'x' | from_json }}", "filter 'from_json' failed"),
]


@pytest.mark.parametrize(("text", "message"), TEXT_ERRORS, ids=[repr(c[0]) for c in TEXT_ERRORS])
def test_render_text_error(templar: Callable[..., Templar], text: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        templar(VARS).render_text(text, "app.conf.j2")
    assert message in str(caught.value)


CONDITIONS: list[tuple[Any, bool]] = [
    (True, True),
    (False, False),
    ("port > 80", True),
    ("port is defined and port > 9000", False),
    ("app_port is defined", False),
    ("app_port is undefined", True),
    ("app_port is defined and app_port > 3", False),
    ("result is changed", True),
    ("quiet is changed", False),
    ("result.rc == 0", True),
    ("'a' in groups['web']", True),
    ("'c' in groups['web']", False),
    ("'c' not in groups['web']", True),
    ("name == 'web'", True),
    ("flag_text", True),
    ("flag_text | bool", False),
    ("'1.2' is version('1.10', '<')", True),
    (["port > 1", "flag"], True),
    (["port > 1", "not flag"], False),
    ([], True),
    ("{{ flag }}", True),
    ("{{ flag_text }}", False),
    ("{{ port > 9000 }}", False),
    ("{{ port }} > 80", True),
    ("{{ host_says }}", True),
    ("  ", False),
]


@pytest.mark.parametrize(("expr", "expected"), CONDITIONS, ids=[repr(c[0]) for c in CONDITIONS])
def test_condition(templar: Callable[..., Templar], expr: Any, expected: bool) -> None:
    assert templar(VARS).condition(expr) is expected


CONDITION_ERRORS: list[tuple[Any, str]] = [
    ("app_port > 3", "'app_port' is undefined"),
    ("{{ name }} == 'web'", "'web' is undefined"),
    ("port >", "template syntax error"),
    ("{{ host_junk }}", "neither true nor false"),
    (3, "a condition must be a string"),
]


@pytest.mark.parametrize(
    ("expr", "message"), CONDITION_ERRORS, ids=[repr(c[0]) for c in CONDITION_ERRORS]
)
def test_condition_error(templar: Callable[..., Templar], expr: Any, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        templar(VARS).condition(expr)
    assert message in str(caught.value)


SYNTAX: list[tuple[str, str | None]] = [
    ("plain", None),
    ("{{ x | default(1) }}", None),
    ("a\n{{ x | nofilter }}", "No filter named 'nofilter'. (line 2 of the template)"),
    ("{{ x ", "unexpected end of template"),
    ("line1\nline2\n{% if x %}", "(line 3 of the template)"),
    ("{{ x is nosuchtest }}", "No test named 'nosuchtest'"),
]


@pytest.mark.parametrize(("text", "expected"), SYNTAX, ids=[c[0] for c in SYNTAX])
def test_check_syntax(text: str, expected: str | None) -> None:
    message = check_syntax(text)
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message


CONDITION_SYNTAX: list[tuple[str, str | None]] = [
    ("x is defined and x > 3", None),
    ("'a' in groups['web']", None),
    ("{{ x }}", None),
    ("x >", "unexpected"),
    ("x is", "expected"),
    ("{{ x ", "unexpected end of template"),
    ("", "the condition is empty"),
    ("x | nofilter", "No filter named 'nofilter'"),
]


@pytest.mark.parametrize(
    ("expr", "expected"), CONDITION_SYNTAX, ids=[c[0] for c in CONDITION_SYNTAX]
)
def test_check_condition_syntax(expr: str, expected: str | None) -> None:
    message = check_condition_syntax(expr)
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message


OMITS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"dest": "{{ missing | default(omit) }}", "mode": "0644"}, {"mode": "0644"}),
    ({"dest": "{{ name | default(omit) }}"}, {"dest": "web"}),
    ({"opts": {"a": "{{ omit }}", "b": 1}}, {"opts": {"b": 1}}),
    ({"list": ["{{ omit }}", "x"]}, {"list": ["x"]}),
    ({"text": "x{{ omit }}"}, {"text": "x" + OMIT}),
]


@pytest.mark.parametrize(("args", "expected"), OMITS, ids=[repr(c[0]) for c in OMITS])
def test_strip_omitted(
    templar: Callable[..., Templar], args: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert strip_omitted(templar(VARS).render(args)) == expected


def test_omit_placeholder_looks_like_ansibles() -> None:
    assert OMIT.startswith("__omit_place_holder__") and len(OMIT) > 30


def test_omit_is_available_without_a_variable(templar: Callable[..., Templar]) -> None:
    assert strip_omitted(templar().render({"a": "{{ b | default(omit) }}", "c": 1})) == {"c": 1}


def test_same_text_compiles_once() -> None:
    env = CorralEnvironment()
    for i in range(1000):
        assert Templar(env, {"port": i}).render("{{ port + 1 }}") == i + 1
    assert env.compile_count == 1
    Templar(env, {}).render("{{ 2 }}")
    assert env.compile_count == 2


def test_compile_cache_is_per_environment() -> None:
    first, second = CorralEnvironment(), CorralEnvironment()
    Templar(first, {}).render("{{ 1 }}")
    Templar(second, {}).render("{{ 1 }}")
    assert (first.compile_count, second.compile_count) == (1, 1)


def test_compile_cache_is_bounded() -> None:
    env = CorralEnvironment(cache_size=2)
    t = Templar(env, {})
    for text in ["{{ 1 }}", "{{ 2 }}", "{{ 3 }}", "{{ 1 }}"]:
        t.render(text)
    assert env.compile_count == 4


def test_is_template(templar: Callable[..., Templar]) -> None:
    t = templar()
    assert t.is_template("{{ x }}") and t.is_template("{% if x %}{% endif %}")
    assert not t.is_template("plain") and not t.is_template(3)
    assert not t.is_template(mark_unsafe("{{ x }}"))
