"""Resource bounds: a template that would hang or exhaust memory fails fast with a clear message."""

from __future__ import annotations

import time

import pytest

from corral.errors import TemplateError
from corral.templating import CorralEnvironment, Templar, check_syntax
from corral.templating.limits import Limits

DEEP = "{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}"

# (template, part of the message); every one must fail in well under a second
REFUSED: list[tuple[str, str]] = [
    ("{{ 'a' * 10**9 }}", "repetition"),
    ("{{ 10**9 * 'a' }}", "repetition"),
    ("{{ [1] * 10**9 }}", "repetition"),
    ("{{ [1] * (10**7 + 1) }}", "limit of 10,000,000 items"),
    ("{{ 2 ** (10 ** 10) }}", "power"),
    ("{{ 7 ** (10 ** 7) }}", "power"),
    ("{% set ns = namespace(n=2) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}"
     "{% endfor %}", "integer product"),
    ("{{ range(10**9) | length }}", "range(1000000000)"),
    ("{{ range(0, 10**12, 2) | list }}", "range"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}", "result of '~'"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}"
     "{% endfor %}", "string or list"),
    ("{{ '%-999999999s' % 1 }}", "format width"),
    ("{{ '%*s' % (999999999, 'a') }}", "width"),
    ("{{ '{:>999999999}'.format(1) }}", "format width"),
    ("{{ 'a'.center(10**9) }}", "width"),
    ("{{ 'a'.zfill(10**9) }}", "width"),
    ("{{ 'a\tb'.expandtabs(10**9) }}", "width"),
    ("{{ ('a' * 10**6).replace('', 'b' * 10**6) }}", "replace() result"),
    ("{{ ('a' * 10**6).encode().replace(''.encode(), ('b' * 100).encode()) }}",
     "replace() result"),
    ("{{ ('a' * 10**6).encode().center(10**9) }}", "width"),
    ("{{ ('x' * 100).join(range(10**6)) }}", "join() result"),
    ("{{ ('a' * 10**6).translate({97: 'b' * 100}) }}", "translate() result"),
    ("{{ ('a' * 10**6) | replace('a', 'b' * 100) }}", "replace() result"),
    ("{{ range(10**6) | join('x' * 100) }}", "join result"),
    ("{{ ('a' * 10**6) | regex_replace('a', 'b' * 100) }}", "regex_replace result"),
    ("{{ [1] | to_nice_json(indent=10**9) }}", "width"),
    ("{{ [1] | to_json(indent=10**9) }}", "width"),
    ("{{ '%*s' | format(10**9, 'a') }}", "width"),
    ("{{ '%.999999999f' % 1.5 }}", "format width"),
    ("{{ '%5.999999999f' % 1.5 }}", "format width"),
    ("{{ '{:.999999999f}'.format(1.5) }}", "format width"),
    ("{{ '{:{}}'.format('a', 10**9) }}", "width"),
    ("{{ '{a:>{w}}'.format_map({'a': 1, 'w': 10**9}) }}", "width"),
    ("{{ lipsum(10**6) }}", "lipsum() text"),
    ("{{ [1] | batch(10**9, 'x') | list }}", "batch size"),
    ("{{ [1] | slice(10**9) | list }}", "number of slices"),
    ("{{ ('a ' * 10**6) | wordwrap(1, wrapstring='x' * 100) }}", "wordwrap result"),
    ("{{ 'a' | center(10**9) }}", "width"),
    ("{{ 'x' | indent(10**9) }}", "width"),
    ("{{ '%-999999999s' | format(1) }}", "format width"),
    ("{% for i in range(10**7) %}{% for j in range(10**7) %}{% endfor %}{% endfor %}",
     "loop iterations and calls"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "a macro calling itself"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[r[0][:50] for r in REFUSED])
def test_a_runaway_template_fails_fast(text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError, match="exceed|more than|too deep") as caught:
        Templar(CorralEnvironment(), {}).render(text)
    assert message in str(caught.value)
    assert time.monotonic() - started < 20  # a loaded machine; a hang would be minutes


def test_a_list_doubled_in_a_loop_is_refused_before_it_grows() -> None:
    env = CorralEnvironment(limits=Limits(max_range=1000))
    text = "{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}"
    with pytest.raises(TemplateError, match=r"list.extend\(\) result would exceed the limit of 1,000"):
        Templar(env, {}).render(text)


def test_deeply_nested_parentheses_are_a_clean_syntax_error() -> None:
    assert "nested too deeply" in (check_syntax(DEEP) or "")
    with pytest.raises(TemplateError, match="nested too deeply"):
        Templar(CorralEnvironment(), {}).render(DEEP)


def test_deeply_nested_blocks_are_a_clean_syntax_error() -> None:
    text = "{% if true %}" * 2000 + "x" + "{% endif %}" * 2000
    with pytest.raises(TemplateError, match="nested too deeply"):
        Templar(CorralEnvironment(), {}).render(text)


def test_the_text_output_is_bounded() -> None:
    env = CorralEnvironment(limits=Limits(max_size=1000))
    with pytest.raises(TemplateError, match="output would exceed the limit of 1,000 characters"):
        Templar(env, {}).render_text("{% for i in range(200) %}{{ 'abcdef' }}{% endfor %}")


def test_exponential_macros_hit_the_step_budget() -> None:
    env = CorralEnvironment(limits=Limits(max_steps=10_000))
    text = ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
            "{{ f(40) }}")
    with pytest.raises(TemplateError, match="more than 10,000 loop iterations and calls"):
        Templar(env, {}).render(text)


def test_an_endless_generator_hits_the_step_budget() -> None:
    env = CorralEnvironment(limits=Limits(max_steps=10_000))
    text = "{% for x in (range(10**6) | map('int')) %}{% endfor %}"
    with pytest.raises(TemplateError, match="more than 10,000"):
        Templar(env, {}).render(text)


def test_slow_work_hits_the_time_budget() -> None:
    env = CorralEnvironment(limits=Limits(max_seconds=0.2))
    text = "{% for i in range(10**6) %}{{ i | string }}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(TemplateError, match=r"ran for more than 0\.2 seconds"):
        Templar(env, {}).render(text)
    assert time.monotonic() - started < 20  # a loaded machine; a hang would be minutes


ACCEPTED: list[tuple[str, object]] = [
    ("{{ range(200000) | length }}", 200000),  # ansible-core accepts this
    ("{{ 'ab' * 3 }}", "ababab"),
    ("{{ 2 ** 100 }}", 2**100),
    ("{{ (2 ** 100) * (2 ** 100) }}", 2**200),
    ("{{ '%5s|' % 'a' }}", "    a|"),
    ("{{ '{:>4}'.format(7) }} {{ '{:{}}|'.format('a', 3) }}", "   7 a  |"),
    ("{{ 'a'.center(5) }}", "  a  "),
    ("{{ [1, 2] + [3] }}", [1, 2, 3]),
    ("{{ '%d' | format(5000000000) }}", "5000000000"),  # a big value is no width
    ("{{ '%.2f' % 1.5 }} {{ [1, 2, 3] | batch(2, 0) | list }}", "1.50 [[1, 2], [3, 0]]"),
    ("{{ lipsum(1, false, 5, 6) | wordcount > 4 }}", True),
    ("{{ [1, 2, 3] | slice(2) | list }} {{ [1, 2, 3] | slice(2, 0) | list }}",
     "[[1, 2], [3]] [[1, 2], [3, 0]]"),
    ("{{ 'a b c' | wordwrap(1, wrapstring='|') }}", "a|b|c"),
    ("{{ true | ternary(4294967296, 0) }}", 4294967296),
    ("{{ 'a-b' | replace('-', '--') }} {{ 'aXb' | regex_replace('X', '::') }}", "a--b a::b"),
    ("{{ [1, 2] | join(', ') }} {{ ', '.join(['a', 'b']) }}", "1, 2 a, b"),
    ("{{ {'a': 1} | to_nice_json(indent=2) }}", '{\n  "a": 1\n}'),
    ("{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ 2 - 5 }}", "3 3.5 1 -3"),
    ("{% for i in range(3) %}{% for j in range(2) %}{{ i }}{{ j }} {% endfor %}{% endfor %}",
     "00 01 10 11 20 21 "),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_ordinary_templates_are_within_bounds(text: str, expected: object) -> None:
    assert Templar(CorralEnvironment(), {}).render(text) == expected
