from __future__ import annotations

import pytest

from corral.errors import Position, Problem
from corral.inventory.yaml_positions import YamlDocument, load_yaml


def test_values_stay_plain_and_lines_are_kept() -> None:
    doc = load_yaml("a: 1\nb:\n  c: [x, y]\n  'd': {e: 2}\n", "f.yml")
    assert isinstance(doc, YamlDocument)
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": {"e": 2}}}
    assert type(doc.data) is dict and type(doc.data["b"]) is dict
    assert doc.key_lines(doc.data) == {"a": 1, "b": 2}
    assert doc.key_lines(doc.data["b"]) == {"c": 3, "d": 4}
    assert doc.where(doc.data["b"], "d") == Position("f.yml", 4, 3)
    assert doc.where(doc.data["b"], "zz") == Position("f.yml")


def test_merge_keys_have_lines() -> None:
    doc = load_yaml("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n", "f.yml")
    assert isinstance(doc, YamlDocument)
    assert doc.data["use"] == {"x": 1, "y": 2}
    assert doc.key_lines(doc.data["use"]) == {"x": 1, "y": 4}
    assert doc.duplicates == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: [\n",
            "f.yml:2:1: YAML syntax error: expected the node content, but found '<stream end>' (while parsing a flow node)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "f.yml:2:1: YAML syntax error: expected a single document in the stream but found another document",
        ),
    ],
)
def test_syntax_errors(text: str, expected: str) -> None:
    problem = load_yaml(text, "f.yml")
    assert isinstance(problem, Problem)
    assert str(problem) == expected


def test_a_vault_value_without_a_password_names_its_position() -> None:
    from corral.errors import VaultError

    with pytest.raises(VaultError, match=r"^f.yml:1:4: this is vault-encrypted data but no vault password"):
        load_yaml("a: !vault x\n", "f.yml")
