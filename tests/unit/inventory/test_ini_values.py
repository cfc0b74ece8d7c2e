from __future__ import annotations

from typing import Any

import pytest

from corral.inventory.ini_values import parse_ini_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22", 22),
        ("-3", -3),
        ("1.5", 1.5),
        ("True", True),
        ("False", False),
        ("None", None),
        ("true", "true"),  # not a Python literal: stays text, as in Ansible
        ("yes", "yes"),
        ("0644", "0644"),  # invalid Python literal (leading zero): text
        ("'0644'", "0644"),
        ('"hello world"', "hello world"),
        ("web1.example.com", "web1.example.com"),
        ("[1, 'a']", [1, "a"]),
        ("(1, 2)", [1, 2]),
        ("{'a': 1}", {"a": 1}),
        ("1j", "1j"),
        ("...", "..."),
        ("8080 # a comment", 8080),
        ("", ""),
    ],
)
def test_parse_ini_value(text: str, expected: Any) -> None:
    value = parse_ini_value(text)
    assert value == expected
    assert type(value) is type(expected)
