"""Template injection corpus: host data pushed through every operation stays literal and unsafe.

A managed host controls its command output, facts and files. Whatever a
playbook computes from that data (string methods, slices, operators, ``~``,
``%``, filters, loops, macros, ``{% set %}``, literals) must come out as data:
never evaluated, never re-rendered by a later ``set_fact``-style rendering, and
still marked unsafe. Escapes written in a playbook's own templates are refused
by the sandbox with a clear error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from corral.errors import TemplateError
from corral.templating import (
    CorralEnvironment,
    Layer,
    Templar,
    UnsafeDict,
    UnsafeList,
    UnsafeText,
    VariableStack,
    is_unsafe,
)

PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__ }}",
    "{{ x.__class__ }}",
    " {{ 7*7 }} , {{ 6*6 }} ",
]

# (expression over the host text ``h``, the same computed in Python)
OPERATIONS: list[tuple[str, Callable[[str], Any]]] = [
    ("h", lambda h: h),
    ("h.strip()", lambda h: h.strip()),
    ("h.upper().lower()", lambda h: h.lower()),
    ("h.split()", lambda h: h.split()),
    ("h.split(',')[0]", lambda h: h.split(",")[0]),
    ("h.splitlines()", lambda h: h.splitlines()),
    ("h.replace('x', 'x')", lambda h: h),
    ("'{}'.format(h)", lambda h: h),
    ("'{0}{1}'.format('', h)", lambda h: h),
    ("'-'.join([h, h])", lambda h: h + "-" + h),
    ("''.join(h.split(' '))", lambda h: h.replace(" ", "")),
    ("h.partition(' ')[2]", lambda h: h.partition(" ")[2]),
    ("h.encode().decode()", lambda h: h),
    ("h[:]", lambda h: h),
    ("h[0:]", lambda h: h),
    ("h[::1]", lambda h: h),
    ("h[1:-1]", lambda h: h[1:-1]),
    ("h + ''", lambda h: h),
    ("'' + h", lambda h: h),
    ("h * 2", lambda h: h * 2),
    ("2 * h", lambda h: h * 2),
    ("h ~ ''", lambda h: h),
    ("'' ~ h ~ ''", lambda h: h),
    ("'%s' % h", lambda h: h),
    ("'%s%s' % (h, '')", lambda h: h),
    ("'%(a)s' % {'a': h}", lambda h: h),
    ("[h][0]", lambda h: h),
    ("[h]", lambda h: [h]),
    ("{'k': h}", lambda h: {"k": h}),
    ("{'k': h}['k']", lambda h: h),
    ("{'k': h}.k", lambda h: h),
    ("(h, 1)[0]", lambda h: h),
    ("h if true else ''", lambda h: h),
    ("h | string", lambda h: h),
    ("h | trim | upper | lower", lambda h: h.strip().lower()),
    ("h | replace('7', '7')", lambda h: h),
    ("h | regex_replace('^', '')", lambda h: h),
    ("'%s' | format(h)", lambda h: h),
    ("h | list | join", lambda h: h),
    ("h | reverse | reverse | join", lambda h: h),
    ("h.split() | map('trim') | join(' ')", lambda h: " ".join(h.split())),
    ("h.split() | select | join(' ')", lambda h: " ".join(h.split())),
    ("[h] | map('upper') | map('lower') | first", lambda h: h.lower()),
    ("[h] | select('string') | list", lambda h: [h]),
    ("[{'a': h}] | map(attribute='a') | first", lambda h: h),
    ("{'a': h} | dict2items | first", lambda h: {"key": "a", "value": h}),
    ("{'a': h} | dictsort | first | last", lambda h: h),
    ("h | to_json | from_json", lambda h: h),
    ("h | to_yaml | from_yaml", lambda h: h),
    ("h | b64encode | b64decode", lambda h: h),
    ("[h] | batch(1) | first | first", lambda h: h),
    ("dict(a=h).a", lambda h: h),
    ("namespace(v=h).v", lambda h: h),
]

# statements: the template's whole output, as text
STATEMENTS: list[tuple[str, Callable[[str], str]]] = [
    ("{% set v = h %}{{ v }}", lambda h: h),
    ("{% set v %}{{ h }}{% endset %}{{ v }}", lambda h: h),
    ("{% set v %}<{{ h }}>{% endset %}{{ v }}", lambda h: f"<{h}>"),
    ("{% for c in h %}{{ c }}{% endfor %}", lambda h: h),
    ("{% for c in h %}{% set ns = c %}{{ ns }}{% endfor %}", lambda h: h),
    ("{% for w in h.split(' ') %}{{ w }} {% endfor %}", lambda h: "".join(w + " " for w in h.split(" "))),
    ("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(h) }}", lambda h: h),
    ("{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m(h) }}", lambda h: f"[{h}]"),
    ("{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{{ h }}{% endcall %}", lambda h: h),
    ("{% filter upper %}{{ h }}{% endfilter %}", lambda h: h.upper()),
    ("{% set ns = namespace(v='') %}{% set ns.v = ns.v ~ h %}{{ ns.v }}", lambda h: h),
    ("{% set l = [] %}{% set _ = l.append(h) %}{{ l[0] }}", lambda h: h),
    ("text {{ h }} text", lambda h: f"text {h} text"),
]

SHAPES: list[tuple[str, Callable[[str], Mapping[str, Any]]]] = [
    ("text", lambda p: {"h": UnsafeText(p)}),
    ("dict", lambda p: {"r": UnsafeDict({UnsafeText("stdout"): UnsafeText(p)})}),
    ("list", lambda p: {"l": UnsafeList([UnsafeText(p)])}),
]
_SHAPE_PREFIX = {"text": "", "dict": "{% set h = r.stdout %}", "list": "{% set h = l[0] %}"}
_SHAPE_EXPR = {"text": "h", "dict": "r.stdout", "list": "l[0]"}


def _strings(value: Any) -> Iterator[str]:
    """Every str inside ``value`` (keys too), generators included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _strings(item)


def _rerendered(env: CorralEnvironment, value: Any) -> list[Any]:
    """``value`` set as a fact, then used by later templates (set_fact's path)."""
    stack = VariableStack([Layer("play vars", {"u": "{{ v }}"}),
                           Layer("registered vars and set_fact", {"v": value})])
    later = Templar(env, stack)
    return [later.render("{{ v }}"), later.render("{{ u }}"), later.render(value),
            later.render({"k": "{{ v }}"})["k"]]


def _assert_data(env: CorralEnvironment, value: Any, expected: Any) -> None:
    assert value == expected
    assert is_unsafe(value)
    assert all(isinstance(s, UnsafeText) for s in _strings(value) if "{" in s), value
    for again in _rerendered(env, value):
        assert again == expected


@pytest.fixture(scope="module")
def env() -> CorralEnvironment:
    return CorralEnvironment()


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("expr", "python"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_an_expression_over_host_text_stays_data(
    env: CorralEnvironment, payload: str, expr: str, python: Callable[[str], Any]
) -> None:
    value = Templar(env, {"h": UnsafeText(payload)}).render("{{ " + expr + " }}")
    _assert_data(env, value, python(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("text", "python"), STATEMENTS, ids=[s[0] for s in STATEMENTS])
@pytest.mark.parametrize(("shape", "host_vars"), SHAPES, ids=[s[0] for s in SHAPES])
def test_a_statement_over_host_data_stays_data(
    env: CorralEnvironment, payload: str, text: str, python: Callable[[str], str],
    shape: str, host_vars: Callable[[str], Mapping[str, Any]],
) -> None:
    template = _SHAPE_PREFIX[shape] + text
    value = Templar(env, host_vars(payload)).render(template)
    _assert_data(env, value, python(payload))
    file_text = Templar(env, host_vars(payload)).render_text(template)
    assert file_text == python(payload)
    assert isinstance(file_text, UnsafeText)


def _filter_names(env: CorralEnvironment) -> list[str]:
    return sorted(env.filters)


@pytest.mark.parametrize("payload", ["{{ 7*7 }}", "{{ cycler.__init__.__globals__.os.getcwd() }}"])
@pytest.mark.parametrize("shape", ["text", "list", "dict"])
def test_every_filter_keeps_host_data_unsafe(env: CorralEnvironment, payload: str,
                                             shape: str) -> None:
    tried = 0
    for name in _filter_names(env):
        if name in ("random", "shuffle"):  # same contract, random output
            continue
        values = {"text": UnsafeText(payload), "list": UnsafeList([UnsafeText(payload)]),
                  "dict": UnsafeDict({UnsafeText("k"): UnsafeText(payload)})}
        templar = Templar(env, {"h": values[shape]})  # fresh: Jinja's indent extends a list
        try:
            value = templar.render("{{ h | " + name + " }}")
        except TemplateError:
            continue  # needs arguments, or not for this type
        tried += 1
        assert all(isinstance(s, UnsafeText) for s in _strings(value)), (name, value)
        assert "49" not in str(value) or name in ("hash", "sha1", "md5", "b64encode"), name
        for again in _rerendered(env, value):
            assert again == value, name
    assert tried > 20


def test_the_controller_is_never_reached_by_host_data(env: CorralEnvironment) -> None:
    payload = "{{ cycler.__init__.__globals__.os.getcwd() }}"
    templar = Templar(env, {"h": UnsafeText(payload)})
    for expr in ("{{ h.strip() }}", "{{ h ~ '' }}", "{{ ('%s' % h)[0:] }}", "{{ h.split()[1] }}"):
        assert os.getcwd() not in str(templar.render(expr))


ESCAPES = [
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__ }}",
    "{{ x.__class__ }}",
    "{{ x.__class__.__base__.__subclasses__() }}",
    "{{ '{0.__class__}'.format(x) }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ (x | map('upper')).gi_frame }}",
    "{{ vars.env.from_string('{{ 7*7 }}').render() }}",
    "{{ vars._env }}",
    "{{ vars.scope._view }}",
    "{{ x | attr('__class__') }}",
    "{{ [x] | map(attribute='__class__') | list }}",
    "{{ x['__class__'] }}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ range(1).__class__ }}",
    "{% set f = lipsum.__globals__ %}{{ f }}",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_a_playbook_escape_is_refused_by_the_sandbox(env: CorralEnvironment, text: str) -> None:
    with pytest.raises(TemplateError, match="unsafe|undefined|no attribute"):
        Templar(env, {"x": "text"}).render(text)


@pytest.mark.parametrize("text", ["{{ x.__class__ }}", "{{ ''.__class__.__mro__ }}",
                                  "{{ cycler.__init__.__globals__ }}"])
def test_an_escape_names_the_refused_attribute(env: CorralEnvironment, text: str) -> None:
    with pytest.raises(TemplateError, match=r"access to attribute '__\w+__' of '\w+' object is unsafe"):
        Templar(env, {"x": "text"}).render(text)


def test_a_playbook_may_still_mutate_its_own_lists(env: CorralEnvironment) -> None:
    """ansible-core accepts this (a mutable sandbox, not the immutable one)."""
    text = "{% set l = [] %}{% set _ = l.append(3) %}{{ l }}"
    assert Templar(env, {}).render(text) == "[3]"
