"""The position-keeping loader: plain values, positions, duplicates, YAML 1.1 rules."""

from __future__ import annotations

import pytest

from corral.errors import Position
from corral.playbook.yaml_loader import PosDict, PosList, load_yaml_text

TEXT = """\
a: 1
b:
  - x
  - {y: 0644, z: 644, w: '644'}
c: yes
d: off
"""


def test_values_stay_plain_and_keep_positions() -> None:
    data, problems = load_yaml_text(TEXT, "f.yml")
    assert problems == []
    assert data == {"a": 1, "b": ["x", {"y": 0o644, "z": 644, "w": "644"}], "c": True, "d": False}
    assert isinstance(data, PosDict) and isinstance(data["b"], PosList)
    assert data.position == Position("f.yml", 1, 1)
    assert data.key_positions["b"] == Position("f.yml", 2, 1)
    assert data["b"].item_positions == [Position("f.yml", 3, 5), Position("f.yml", 4, 5)]
    inner = data["b"][1]
    assert inner.key_positions["z"] == Position("f.yml", 4, 15)
    assert inner.int_texts == {"y": "0644", "z": "644"}


def test_merge_keys_are_not_duplicates() -> None:
    data, problems = load_yaml_text("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  x: 3\n", "f")
    assert problems == []
    assert data["m"] == {"x": 3, "y": 2}


def test_duplicate_keys_are_all_reported() -> None:
    data, problems = load_yaml_text("a: 1\nb: 2\na: 3\nb: 4\n", "f")
    assert data == {"a": 3, "b": 4}
    assert [str(p) for p in problems] == [
        "f:3:1: duplicate key 'a' (first at line 1, again at line 3); "
        "YAML would silently keep only the last one",
        "f:4:1: duplicate key 'b' (first at line 2, again at line 4); "
        "YAML would silently keep only the last one",
    ]


@pytest.mark.parametrize(("text", "where", "words"), [
    ("a: [1, 2\n", "f:2:1", "expected ',' or ']'"),
    ("a: 'open\n", "f:2:1", "found unexpected end of stream"),
    ("a: b: c\n", "f:1:5", "mapping values are not allowed here"),
    ("a: {{ x }}\n", "f:1:5", "must be quoted"),
])
def test_yaml_errors_say_where_and_what(text: str, where: str, words: str) -> None:
    data, problems = load_yaml_text(text, "f")
    assert data is None and len(problems) == 1
    assert str(problems[0]).startswith(f"{where}: YAML syntax error: ")
    assert words in problems[0].message


_BOTH_PATHS = [
    TEXT,
    "- hosts: all\n  tasks:\n    - name: t\n      debug: {msg: hi}\n      name: again\n",
    "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "v: !unsafe '{{ x }}'\nl: [1, 2.5, null, ~, true]\n",
    "a: [1, 2\n",  # a syntax error: the pure parser words it
    "k: \u00e9t\u00e9 \U0001f600\nn: 0x1a4\n",
]


@pytest.mark.parametrize("text", _BOTH_PATHS)
def test_libyaml_and_the_pure_parser_load_the_same(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (libyaml composes) gives the pure parser's data, positions and problems."""
    from corral.playbook import yaml_loader
    from corral.yaml_libyaml import libyaml_is_bounded

    if not libyaml_is_bounded():
        pytest.skip("PyYAML without a bounded libyaml")
    fast = load_yaml_text(text, "f.yml")
    monkeypatch.setattr(yaml_loader, "libyaml_is_bounded", lambda: False)
    pure = load_yaml_text(text, "f.yml")
    assert _shape(fast[0]) == _shape(pure[0])
    assert fast[1] == pure[1]


def test_a_playbook_is_composed_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    from corral.playbook import yaml_loader
    from corral.yaml_libyaml import libyaml_is_bounded

    if not libyaml_is_bounded():
        pytest.skip("PyYAML without a bounded libyaml")

    def refuse(*args: object) -> None:
        raise AssertionError("the pure parser was used")

    monkeypatch.setattr(yaml_loader.PositionLoader, "compose_node", refuse)
    data, problems = load_yaml_text(TEXT, "f.yml")
    assert problems == [] and data["b"][1]["y"] == 0o644


def _shape(value: object) -> object:
    """``value`` with every position, int text and type made comparable."""
    if isinstance(value, PosDict):
        return ("dict", value.position, dict(value.key_positions), dict(value.value_positions),
                dict(value.int_texts), {k: _shape(v) for k, v in value.items()})
    if isinstance(value, PosList):
        return ("list", value.position, list(value.item_positions), [_shape(v) for v in value])
    return (type(value).__name__, value)
