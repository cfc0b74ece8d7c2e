"""The libyaml-backed loader gives the same data, positions and duplicates as the pure one."""

from __future__ import annotations

import pytest

from corral.inventory import yaml_positions
from corral.inventory.yaml_positions import YamlDocument, load_yaml

DOCS = [
    "all:\n  hosts:\n    web1:\n      ansible_port: 22\n    db[1:3]:\n  vars: {ntp: x}\n",
    "a:\n  b: 1\n  b: 2\nc: [1, {d: 3}]\n",
    "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
    "---\n# comment\nweb:\n  hosts:\n    'h1': null\n",
]


def _positions(doc: YamlDocument) -> list[object]:
    return sorted(map(sorted, (p.items() for p in doc.key_positions.values())))


@pytest.mark.skipif(yaml_positions._FastLoader is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("text", DOCS)
def test_fast_and_pure_loaders_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_yaml(text, "f.yml")
    monkeypatch.setattr(yaml_positions, "_FastLoader", None)
    pure = load_yaml(text, "f.yml")
    assert isinstance(fast, YamlDocument) and isinstance(pure, YamlDocument)
    assert fast.data == pure.data
    assert _positions(fast) == _positions(pure)
    assert fast.duplicates == pure.duplicates


def test_syntax_errors_keep_the_pure_loader_message() -> None:
    problem = load_yaml("a: [\n", "f.yml")
    assert str(problem) == ("f.yml:2:1: YAML syntax error: expected the node content, but found "
                            "'<stream end>' (while parsing a flow node)")
