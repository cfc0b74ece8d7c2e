"""The libyaml fast path of inventory YAML: same values, positions and verdicts as the
bounded pure loader, one row per case; anything it refuses is worded by the pure loader."""

from __future__ import annotations

import gc

import pytest
import yaml

from corral.errors import Problem
from corral.gc_paused import gc_paused
from corral.input_bounds import InputBoundError
from corral.inventory import yaml_positions
from corral.inventory.yaml_positions import YamlDocument, load_yaml
from corral.yaml_bounds import BoundedLoader
from corral.yaml_libyaml import (
    libyaml_class,
    libyaml_is_bounded,
    tree_within_depth,
    within_bounds,
)

pytestmark = pytest.mark.skipif(not libyaml_is_bounded(), reason="no bounded libyaml")

BOMB = "{" + ", ".join(
    ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
) + "}"
MERGED = "d: &d {port: 22, user: deploy}\n" + "".join(
    f"h{i}: {{<<: *d, n: {i}}}\n" for i in range(50))

# documents the fast path must load exactly as the pure loader does
SAME = [
    "a: 1\nb:\n  c: [x, y]\n  'd': {e: 2}\n",
    "all:\n  hosts:\n    web1: {ansible_port: 0o22, on: yes, off: No, n: ~, f: 1.5e3, t: 2001-12-14}\n",
    "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "a: 1\na: 2\nb: {c: 1, c: 3}\n",  # duplicate keys: last wins, both noted
    "é: {ü: [ß, &x 日本]}\nk: *x\n",  # columns counted in characters by both parsers
    "a: !!str 123\nb: !!int '0x1f'\nc: !!float 1\nd: !!binary aGVsbG8=\ne: !!set {x, y}\n",
    "s: &s [1, 2]\nt: [*s, *s]\n",
    "x: |\n  block\n  text\ny: >\n  folded\n",
    # every implicit tag the resolver tells apart (the fast path has its own resolve)
    "v: [yes, No, on, OFF, y, n, ~, null, Null, '', 0o17, 017, 0x1F, 0b101, 1_000, -0, +1,\n"
    "    1:20, 190:20:30.15, .inf, -.Inf, 3.14, 1e3, 6.8523015e+5, 2001-12-14,\n"
    "    2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10, text, 'quoted yes', \"1\"]\n",
    MERGED,
    "",
    "just a scalar\n",
]

# documents whose verdict is a bound error (or a syntax error) from either loader
REFUSED = [
    "x: " + "[" * 201 + "]" * 201 + "\n",
    "x: " + "[" * 200 + "1" + "]" * 200 + "\n",  # a scalar one level too deep
    "".join("  " * i + "- \n" for i in range(250)),
    "a: &a [1, *a]\n",
    "a: &a {b: *a}\n",
    "x: " + BOMB + "\n",
    "d: &d " + "[" * 150 + "]" * 150 + "\nx: " + "[" * 60 + "*d" + "]" * 60 + "\n",
    "a: !!seq {b: 1}\n",
    "a: !!map [1]\n",
    "a: !!float {b: 1}\n",
    "a: !!int abc\n",
    "a: 2001-13-45\n",
    "a: [\n",
    "a: 1\n---\nb: 2\n",
    "a: *nowhere\n",
    "? [complex, key]\n: v\n",  # a key that cannot be a dict key
]


def _pure(text: str) -> YamlDocument | Problem:
    return yaml_positions._load_pure(text, "f.yml")


def _positions(doc: YamlDocument) -> list[object]:
    return [doc.key_positions[id(m)] for m in doc.keep_alive]


@pytest.mark.parametrize("text", SAME)
def test_fast_path_loads_as_the_pure_loader(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _pure(text)
    assert isinstance(expected, YamlDocument)
    if text.strip():  # an empty document is left to the pure loader
        monkeypatch.setattr(yaml_positions, "_load_pure", _no_pure_load)
    doc = load_yaml(text, "f.yml")
    assert isinstance(doc, YamlDocument)
    assert doc.data == expected.data
    assert repr(doc.data) == repr(expected.data)  # True is not 1, "1" is not 1
    assert _positions(doc) == _positions(expected)
    assert doc.duplicates == expected.duplicates


def _no_pure_load(text: str, file: str) -> YamlDocument | Problem:
    raise AssertionError("the pure loader was used for a document libyaml loads")


@pytest.mark.parametrize("text", REFUSED)
def test_refused_documents_get_the_pure_loaders_message(text: str) -> None:
    expected = _pure(text)
    assert isinstance(expected, Problem)
    assert load_yaml(text, "f.yml") == expected


def _bounded_verdict(text: str) -> bool:
    """Whether the pure BoundedLoader composes ``text`` without a bound or tag error."""
    loader = BoundedLoader(text)
    try:
        loader.get_single_node()
    except (yaml.YAMLError, InputBoundError):  # any refusal is the verdict compared
        return False
    finally:
        loader.dispose()
    return True


@pytest.mark.parametrize("text", [t for t in SAME + REFUSED if t.strip()])
def test_the_walk_agrees_with_the_bounded_composer(text: str) -> None:
    loader = libyaml_class(BoundedLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return  # libyaml refused it: the fast path steps aside
    assert within_bounds(node) == _bounded_verdict(text)
    if "&" not in text and "!" not in text:
        assert tree_within_depth(node) == _bounded_verdict(text)


def test_alias_counting_follows_document_order() -> None:
    """Many aliases are fine once enough nodes are written before them, as in BoundedLoader."""
    written = "w: [" + ", ".join(str(i) for i in range(150_000)) + "]\n"
    big = "d: &d [" + ", ".join(str(i) for i in range(1000)) + "]\n"
    aliases = "a: [" + ", ".join(["*d"] * 1200) + "]\n"
    for text, accepted in ((big + written + aliases, True), (big + aliases + written, False)):
        node = libyaml_class(BoundedLoader)(text).get_single_node()
        assert within_bounds(node) is accepted
        assert _bounded_verdict(text) is accepted


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
