from __future__ import annotations

from typing import Any

import pytest

from corral.inventory import load_inventory

from .conftest import WriteFiles

INI = """
# comment
solo
loose ansible_host=10.0.0.9   # trailing comment

[web]
web[01:03]
web04:2222 http_port=8080 name="two words" flag=True text=yes mode='0644' n=010

[db]
db-[a:b]

[prod:children]
web
db

[prod:vars]
env = production
level=3
quoted="3"
; semicolon comment
[all:vars]
ntp=pool.ntp.org
"""


def test_ini_groups(write_files: WriteFiles) -> None:
    root = write_files({"hosts.ini": INI})
    assert load_inventory([root / "hosts.ini"]).groups_map() == {
        "all": ["solo", "loose", "web01", "web02", "web03", "web04", "db-a", "db-b"],
        "ungrouped": ["solo", "loose"],
        "web": ["web01", "web02", "web03", "web04"],
        "db": ["db-a", "db-b"],
        "prod": ["web01", "web02", "web03", "web04", "db-a", "db-b"],
    }


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("solo", {"ntp": "pool.ntp.org"}),
        ("loose", {"ntp": "pool.ntp.org", "ansible_host": "10.0.0.9"}),
        ("db-a", {"ntp": "pool.ntp.org", "env": "production", "level": 3, "quoted": "3"}),
        (
            "web04",
            {
                "ntp": "pool.ntp.org",
                "env": "production",
                "level": 3,
                "quoted": "3",
                "http_port": 8080,
                "name": "two words",
                "flag": True,
                "text": "yes",
                "mode": "0644",
                "n": "010",
                "ansible_port": 2222,
            },
        ),
    ],
)
def test_ini_vars_and_typing(write_files: WriteFiles, host: str, expected: dict[str, Any]) -> None:
    root = write_files({"hosts.ini": INI})
    values = load_inventory([root / "hosts.ini"]).host_vars(host)
    assert values == expected
    assert {k: type(v) for k, v in values.items()} == {k: type(v) for k, v in expected.items()}


def test_ini_var_lines(write_files: WriteFiles) -> None:
    root = write_files({"hosts.ini": INI})
    layers = load_inventory([root / "hosts.ini"]).var_layers("web04")
    assert [(layer.owner, dict(layer.lines)) for layer in layers] == [
        ("all", {"ntp": 22}),
        ("prod", {"env": 17, "level": 18, "quoted": 19}),
        (
            "web04",
            {k: 7 for k in ("http_port", "name", "flag", "text", "mode", "n", "ansible_port")},
        ),
    ]


def test_ini_children_declared_later(write_files: WriteFiles) -> None:
    root = write_files({"h": "[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nx\n"})
    inventory = load_inventory([root / "h"])
    assert inventory.groups_map()["top"] == ["x"]
    assert inventory.groups["leaf"].depth == 3


def test_ini_group_priority(write_files: WriteFiles) -> None:
    root = write_files({"h.ini": "[a]\nx\n[a:vars]\nansible_group_priority=5\nv=1\n"})
    inventory = load_inventory([root / "h.ini"])
    assert inventory.groups["a"].priority == 5
    assert inventory.host_vars("x") == {"v": 1}
