"""Mutations of a seed: each turns bytes into bytes and says what it did.

Generic ones (byte flips, control characters, NUL, invalid UTF-8, truncation, line
shuffles) and structured ones that aim at a bound (deep nesting, tags on the wrong
node, self-referencing anchors and alias bombs, long names, huge ranges; for
templates: huge ranges, repetition, deep expressions).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

Mutation = Callable[[random.Random, bytes], bytes]


@dataclass(frozen=True)
class Mutated:
    data: bytes
    labels: tuple[str, ...]


def _spot(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def _value_spot(rng: random.Random, data: bytes) -> int:
    """Just after a random ': ' or '- ' (a YAML value) or '=' (an INI value), else anywhere."""
    spots = [i + 2 for i in range(len(data) - 1) if data[i : i + 2] in (b": ", b"- ")]
    spots += [i + 1 for i in range(len(data)) if data[i : i + 1] == b"="]
    return rng.choice(spots) if spots else _spot(rng, data)


def _insert(data: bytes, at: int, payload: bytes) -> bytes:
    return data[:at] + payload + data[at:]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def control_character(rng: random.Random, data: bytes) -> bytes:
    char = rng.choice([0, 1, 7, 8, 0x0B, 0x0C, 0x1B, 0x7F, rng.randrange(32)])
    return _insert(data, _spot(rng, data), bytes([char]) * rng.choice([1, 1, 3]))


def nul_byte(rng: random.Random, data: bytes) -> bytes:
    return _insert(data, _spot(rng, data), b"\x00")


def escaped_control(rng: random.Random, data: bytes) -> bytes:
    """A double-quoted YAML escape that makes a NUL or control character in a value."""
    esc = rng.choice([b"\\0", b"\\x01", b"\\e", b"\\x7f", b"\\u0000"])
    return _insert(data, _value_spot(rng, data), b'"a' + esc + b'b" ')


def invalid_utf8(rng: random.Random, data: bytes) -> bytes:
    bad = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80",
                      b"\xe2\x82"])
    return _insert(data, _spot(rng, data), bad)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: _spot(rng, data)]


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    action = rng.choice(["dup", "drop", "swap", "indent", "dedent"])
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if action == "dup":
        lines.insert(i, lines[j])
    elif action == "drop":
        del lines[i]
    elif action == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "indent":
        lines[i] = b"  " + lines[i]
    else:
        lines[i] = lines[i].lstrip()
    return b"\n".join(lines)


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([20, 50, 150, 198, 199, 200, 201, 1000, 5000])
    style = rng.choice(["flow_seq", "flow_map", "block"])
    if style == "flow_seq":
        payload = b"[" * depth + b"x" + b"]" * depth
    elif style == "flow_map":
        payload = b"{a: " * depth + b"x" + b"}" * depth
    else:
        payload = b"\n" + b"".join(b"  " * (i + 1) + b"- \n" for i in range(min(depth, 1000)))
    return _insert(data, _value_spot(rng, data), payload)


def wrong_tag(rng: random.Random, data: bytes) -> bytes:
    tag = rng.choice([b"!!float ", b"!!seq ", b"!!map ", b"!!int ", b"!!bool ", b"!!null ",
                      b"!!str ", b"!!set ", b"!!omap ", b"!!pairs ", b"!!binary ",
                      b"!!timestamp ", b"!!python/object:os.system ", b"!unsafe ",
                      b"!vault ", b"!!merge ", b"!!value ", b"!custom "])
    payload = rng.choice([b"", b"{a: 1} ", b"[1, 2] ", b"abc ", b"0b_ ", b"._ ", b"2001-13-45 "])
    return _insert(data, _value_spot(rng, data), tag + payload)


def bad_scalar(rng: random.Random, data: bytes) -> bytes:
    """Plain scalars that look like a type PyYAML then fails to build."""
    # (a 5,000-digit number is an expression_bomb: inside "{{ }}" it is the template's)
    value = rng.choice([b"0b_", b"._", b"2001-13-45", b"2001-02-30 25:61:61", b"0x_",
                        b"1e99999", b"-.inf", b"0o9", b"1:99:99"])
    return _insert(data, _value_spot(rng, data), value + b" ")


def anchors(rng: random.Random, data: bytes) -> bytes:
    payload = rng.choice([
        b"&a [*a]",
        b"&a {x: *a}",
        b"&a [1, &b [*a, *b]]",
        b"*undefined",
        b"&a [1] , &a [2]",
        b"{<<: *nothing}",
        b"&a {<<: *a}",
    ])
    return _insert(data, _value_spot(rng, data), payload + b" ")


def alias_bomb(rng: random.Random, data: bytes) -> bytes:
    """Billion laughs: ``levels`` anchors, each a list of ``width`` aliases of the one before."""
    levels, width = rng.choice([(3, 5), (4, 9), (6, 9), (9, 9), (12, 10), (30, 2)])
    lines = [b"l0: &l0 [lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(b"l%d: &l%d [" % (i, i) + b", ".join([b"*l%d" % (i - 1)] * width) + b"]")
    bomb = b"{" + b", ".join(lines) + b"}"
    return _insert(data, _value_spot(rng, data), bomb + b" ")


def long_name(rng: random.Random, data: bytes) -> bytes:
    length = rng.choice([255, 256, 300, 4097, 100_000])
    name = rng.choice([b"a", b"x.", b"web", b"/"]) * (length // 2 + 1)
    name = name[:length]
    text = data
    for word in (b"debug", b"file", b"command", b"web1", b"web", b"tasks.yml", b"vars.yml",
                 b"port", b"h1", b"app.conf.j2"):
        if word in text and rng.random() < 0.5:
            return text.replace(word, name, 1)
    return _insert(data, _value_spot(rng, data), name + b" ")


def huge_range(rng: random.Random, data: bytes) -> bytes:
    payload = rng.choice([b"web[0000000:9999999]", b"a[1:1000][1:1000]", b"x[0:" + b"9" * 40 + b"]",
                          b"h[1:5000]", b"h[1:100001]", b"z[a:z][a:z][a:z][a:z]",
                          b"n[\xc2\xb2:3]", b"s[1:10:0]", b"w[1:9:" + b"9" * 5000 + b"]"])
    for word in (b"web[01:03]", b"db-[a:c]", b"web1", b"h1"):
        if word in data and rng.random() < 0.7:
            return data.replace(word, payload, 1)
    return _insert(data, 0, payload + b"\n")


def deep_groups(rng: random.Random, data: bytes) -> bytes:
    """An INI chain of thousands of child groups."""
    count = rng.choice([50, 1000, 3000])
    lines = [b"[g%d:children]\ng%d" % (i, i + 1) for i in range(count)]
    return data + b"\n" + b"\n".join(lines) + b"\n[g%d]\nweb1\n" % count


def diamond_groups(rng: random.Random, data: bytes) -> bytes:
    """INI groups that each have both groups of the next level as children."""
    levels = rng.choice([5, 20, 40])
    lines = [b"[top:children]\na0\nb0"]
    for i in range(levels):
        for side in (b"a", b"b"):
            lines.append(b"[%s%d:children]\na%d\nb%d" % (side, i, i + 1, i + 1))
    return data + b"\n" + b"\n".join(lines) + b"\n[a%d]\nweb1\n[b%d]\n" % (levels, levels)


def template_bomb(rng: random.Random, data: bytes) -> bytes:
    payload = rng.choice([
        b"{{ range(10**9) | list | length }}",
        b"{{ 'x' * 10**9 }}",
        b"{{ [0] * 10**9 }}",
        b"{% for i in range(10**5) %}{% for j in range(10**5) %}x{% endfor %}{% endfor %}",
        b"{{ " + b"(" * 1000 + b"1" + b")" * 1000 + b" }}",
        b"{{ " + b"[" * 1000 + b"]" * 1000 + b" }}",
        b"{{ 1" + b" + 1" * 10000 + b" }}",
        b"{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        b"{{ ''.__class__.__mro__ }}",
        b"{{ 10 ** 10 ** 10 }}",
        b"{{ '%s' % 'x' * 10 ** 9 }}",
        b"{{ lipsum(10**6) }}",
        b"{% raw %}",
        b"{{ x | default(",
    ])
    return _insert(data, _spot(rng, data), payload)


def expression_bomb(rng: random.Random, data: bytes) -> bytes:
    """A Jinja expression in a playbook (a condition or a templated value) that is too much."""
    depth = rng.choice([50, 1000, 5000])
    expression = rng.choice([
        b"(" * depth + b"1" + b")" * depth,
        b"[" * depth + b"]" * depth,
        b"range(10**9) | list | length > 0",
        b"('x' * 10**9) | length > 0",
        b"1" + b" + 1" * depth * 2,
        b"not " * depth + b"true",
        b"1" * 5000 + b" > 0",
    ])
    if rng.random() < 0.5:
        return data.replace(b"  tasks:\n", b"  tasks:\n    - debug: msg=x\n      when: "
                            + expression + b"\n", 1)
    return data.replace(b"  tasks:\n", b"  tasks:\n    - debug:\n        msg: \"{{ "
                        + expression + b" }}\"\n", 1)


_COMMON: list[tuple[str, Mutation, int]] = [
    ("flip", flip_bytes, 4),
    ("control", control_character, 3),
    ("nul", nul_byte, 2),
    ("utf8", invalid_utf8, 2),
    ("truncate", truncate, 2),
    ("lines", shuffle_lines, 3),
]
_YAML: list[tuple[str, Mutation, int]] = [
    ("escape", escaped_control, 2),
    ("nesting", deep_nesting, 3),
    ("tag", wrong_tag, 3),
    ("scalar", bad_scalar, 2),
    ("anchor", anchors, 2),
    ("bomb", alias_bomb, 2),
    ("long_name", long_name, 2),
]
_BY_KIND: dict[str, list[tuple[str, Mutation, int]]] = {
    "playbook": _COMMON + _YAML,
    "tasks": _COMMON + _YAML,
    "inventory_yaml": [*_COMMON, *_YAML, ("range", huge_range, 3)],
    "inventory_ini": [*_COMMON, ("range", huge_range, 4), ("long_name", long_name, 2),
                      ("groups", deep_groups, 1), ("diamond", diamond_groups, 1),
                      ("nesting", deep_nesting, 2)],
    "vars_file": _COMMON + _YAML,
    "extra_vars": [*_COMMON, ("nesting", deep_nesting, 2), ("tag", wrong_tag, 2),
                   ("anchor", anchors, 1), ("bomb", alias_bomb, 1)],
    "template": [*_COMMON, ("template_bomb", template_bomb, 6), ("nesting", deep_nesting, 1)],
    "playbook_expressions": [("expression", expression_bomb, 1)],
}


def mutate(rng: random.Random, kind: str, seed: bytes) -> Mutated:
    """``seed`` after one to three mutations suited to ``kind``."""
    table = _BY_KIND[kind]
    names = [name for name, _, _ in table]
    weights = [weight for _, _, weight in table]
    functions = {name: fn for name, fn, _ in table}
    data, labels = seed, []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        name = rng.choices(names, weights)[0]
        data = functions[name](rng, data)
        labels.append(name)
    return Mutated(data, tuple(labels))
