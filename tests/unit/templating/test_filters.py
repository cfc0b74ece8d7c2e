"""Every filter corral provides: one row per case, template → expected native value."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from typing import Any

import pytest

from corral.errors import TemplateError
from corral.templating import Templar

VARS: dict[str, Any] = {
    "s": "Hello World",
    "n": 7,
    "nums": [3, 1, 2, 3],
    "words": ["b", "a", "c"],
    "d": {"a": 1, "b": {"x": 1, "y": 2}},
    "e": {"b": {"y": 20, "z": 30}, "c": 3},
    "users": [{"name": "ann", "admin": True}, {"name": "bob", "admin": False}],
    "empty": "",
    "nested": [1, [2, [3, [4]]], None],
    "path": "/etc/app/app.conf",
}

CASES: list[tuple[str, Any]] = [
    ("{{ missing | default('x') }}", "x"),
    ("{{ missing | d('x') }}", "x"),
    ("{{ empty | default('x') }}", ""),
    ("{{ empty | default('x', true) }}", "x"),
    ("{{ n | default(1) }}", 7),
    ("{{ 'yes' | bool }}", True),
    ("{{ 'off' | bool }}", False),
    ("{{ 1 | bool }}", True),
    ("{{ '42' | int }}", 42),
    ("{{ '1.5' | float }}", 1.5),
    ("{{ n | string }}", "7"),
    ("{{ s | lower }}", "hello world"),
    ("{{ s | upper }}", "HELLO WORLD"),
    ("{{ '  pad  ' | trim }}", "pad"),
    ("{{ s | replace('World', 'corral') }}", "Hello corral"),
    ("{{ 'abc123' | regex_replace('[0-9]+', '#') }}", "abc#"),
    ("{{ 'a-b' | regex_replace('(\\\\w)-(\\\\w)', '\\\\2-\\\\1') }}", "b-a"),
    ("{{ 'ABC' | regex_replace('b', 'x', ignorecase=true) }}", "AxC"),
    ("{{ 'v1.22.3' | regex_search('[0-9.]+') }}", "1.22.3"),
    ("{{ 'key=val' | regex_search('(\\\\w+)=(\\\\w+)', '\\\\2', '\\\\1') }}", ["val", "key"]),
    ("{{ 'abc' | regex_search('z') }}", None),
    ("{{ 'a1b22c333' | regex_findall('[0-9]+') }}", ["1", "22", "333"]),
    ("{{ words | join(',') }}", "b,a,c"),
    ("{{ 'a,b,c' | split(',') }}", ["a", "b", "c"]),
    ("{{ 'a b  c' | split }}", ["a", "b", "c"]),
    ("{{ nums | length }}", 4),
    ("{{ nums | count }}", 4),
    ("{{ nums | first }}", 3),
    ("{{ nums | last }}", 3),
    ("{{ nums | unique }}", [3, 1, 2]),
    ("{{ ['A', 'a'] | unique }}", ["A", "a"]),
    ("{{ [1, 2] | union([2, 3]) }}", [1, 2, 3]),
    ("{{ [1, 2, 3] | intersect([2, 3, 4]) }}", [2, 3]),
    ("{{ [1, 2, 3] | difference([2]) }}", [1, 3]),
    ("{{ [1, 2] | symmetric_difference([2, 3]) }}", [1, 3]),
    ("{{ words | sort }}", ["a", "b", "c"]),
    ("{{ users | sort(attribute='name', reverse=true) | map(attribute='name') }}", ["bob", "ann"]),
    ("{{ nums | min }}", 1),
    ("{{ nums | max }}", 3),
    ("{{ nums | sum }}", 9),
    ("{{ {'a': 1} | dict2items }}", [{"key": "a", "value": 1}]),
    ("{{ {'a': 1} | dict2items(key_name='k', value_name='v') }}", [{"k": "a", "v": 1}]),
    ("{{ [{'key': 'a', 'value': 1}] | items2dict }}", {"a": 1}),
    ("{{ d | combine(e) }}", {"a": 1, "b": {"y": 20, "z": 30}, "c": 3}),
    ("{{ d | combine(e, recursive=true) }}", {"a": 1, "b": {"x": 1, "y": 20, "z": 30}, "c": 3}),
    ("{{ {'l': [1]} | combine({'l': [2]}, list_merge='append') }}", {"l": [1, 2]}),
    ("{{ {'a': 1} | combine([{'b': 2}, {'a': 3}]) }}", {"a": 3, "b": 2}),
    ("{{ {'a': [1, 'x']} | to_json }}", '{"a": [1, "x"]}'),
    ("{{ '{\"a\": [1, 2]}' | from_json }}", {"a": [1, 2]}),
    ("{{ {'a': 1} | to_nice_json }}", '{\n    "a": 1\n}'),
    ("{{ {'a': [1, 2]} | to_yaml }}", "a:\n- 1\n- 2\n"),
    ("{{ {'a': {'b': 1}} | to_yaml }}", "a:\n  b: 1\n"),
    ("{{ {'a': {'b': 1}} | to_nice_yaml }}", "a:\n    b: 1\n"),
    ("{{ 'a: [1, 2]' | from_yaml }}", {"a": [1, 2]}),
    ("{{ 'hi there' | b64encode }}", base64.b64encode(b"hi there").decode()),
    ("{{ 'aGkgdGhlcmU=' | b64decode }}", "hi there"),
    ("{{ path | basename }}", "app.conf"),
    ("{{ path | dirname }}", "/etc/app"),
    ("{{ '~/x' | expanduser }}", os.path.expanduser("~/x")),
    ("{{ '/etc/../etc' | realpath }}", os.path.realpath("/etc")),
    ("{{ 'abc' | hash('sha1') }}", hashlib.sha1(b"abc").hexdigest()),
    ("{{ 'abc' | hash('md5') }}", hashlib.md5(b"abc").hexdigest()),
    ("{{ 'abc' | hash('sha256') }}", hashlib.sha256(b"abc").hexdigest()),
    ("{{ 'abc' | hash }}", hashlib.sha1(b"abc").hexdigest()),
    ('{{ "it\'s a $x" | quote }}', "'it'\"'\"'s a $x'"),
    ("{{ n | mandatory }}", 7),
    ("{{ true | ternary('on', 'off') }}", "on"),
    ("{{ 0 | ternary('on', 'off') }}", "off"),
    ("{{ none | ternary('on', 'off', 'unset') }}", "unset"),
    ("{{ nested | flatten }}", [1, 2, 3, 4]),
    ("{{ nested | flatten(levels=1) }}", [1, 2, [3, [4]]]),
    ("{{ [1, 2] | zip(['a', 'b']) | list }}", [(1, "a"), (2, "b")]),
    ("{{ [1, 2] | zip_longest(['a'], fillvalue='-') | list }}", [(1, "a"), (2, "-")]),
    ("{{ users | map(attribute='name') | list }}", ["ann", "bob"]),
    ("{{ words | map('upper') }}", ["B", "A", "C"]),
    ("{{ users | selectattr('admin') | map(attribute='name') | list }}", ["ann"]),
    ("{{ users | rejectattr('admin') | map(attribute='name') | list }}", ["bob"]),
    ("{{ users | selectattr('name', 'match', 'b') | map(attribute='name') }}", ["bob"]),
    ("{{ ['web1', 'db1', 'web2'] | select('match', 'web') | list }}", ["web1", "web2"]),
    ("{{ ['web1', 'db1'] | reject('search', 'db') | list }}", ["web1"]),
    ("{{ [{'rc': 1, 'failed': true}, {'failed': false}] | select('failed') | list | length }}", 1),
    ("{{ 'a.b' | regex_escape }}", "a\\.b"),
    ("{{ [1] | type_debug }}", "list"),
    ("{{ ['/etc', 'app'] | path_join }}", "/etc/app"),
]


@pytest.mark.parametrize(("template", "expected"), CASES, ids=[c[0] for c in CASES])
def test_filter(templar: Callable[..., Templar], template: str, expected: Any) -> None:
    assert templar(VARS).render(template) == expected


ERRORS: list[tuple[str, str]] = [
    ("{{ missing | mandatory }}", "mandatory variable 'missing' is not defined"),
    ("{{ missing | mandatory('set app_port in group_vars') }}", "set app_port in group_vars"),
    ("{{ 'not json' | from_json }}", "filter 'from_json' failed"),
    ("{{ 'a: [' | from_yaml }}", "filter 'from_yaml' failed"),
    ("{{ 'x' | regex_replace('(', '') }}", "filter 'regex_replace' failed"),
    ("{{ 'x' | regex_search('[') }}", "filter 'regex_search' failed"),
    ("{{ 'x' | regex_findall('(?P<') }}", "filter 'regex_findall' failed"),
    ("{{ 'x' | hash('nope') }}", "unknown hash type 'nope'"),
    ("{{ [1] | dict2items }}", "dict2items expects a dictionary"),
    ("{{ [{'k': 1}] | items2dict }}", "filter 'items2dict' failed"),
    ("{{ {} | combine(1) }}", "combine expects dictionaries"),
    ("{{ 'x' | nosuchfilter }}", "No filter named 'nosuchfilter'"),
    ("{{ missing | upper }}", "'missing' is undefined"),
]


@pytest.mark.parametrize(("template", "message"), ERRORS, ids=[c[0] for c in ERRORS])
def test_filter_error(templar: Callable[..., Templar], template: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        templar(VARS).render(template)
    assert message in str(caught.value)
