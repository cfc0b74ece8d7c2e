from __future__ import annotations

from typing import Any

import pytest

from corral.inventory import load_inventory

from .conftest import WriteFiles

NESTED = """
all:
  hosts:
    solo:
  children:
    web:
      hosts:
        web[1:2]:
      children:
        canary:
          hosts:
            web3:
    prod:
      children:
        web:
        db:
          hosts:
            db1:
"""


@pytest.mark.parametrize(
    ("text", "expected_groups"),
    [
        pytest.param(
            "all:\n  hosts:\n    a:\n    b:\n",
            {"all": ["a", "b"], "ungrouped": ["a", "b"]},
            id="hosts-under-all-are-ungrouped",
        ),
        pytest.param(
            NESTED,
            {
                "all": ["solo", "web1", "web2", "web3", "db1"],
                "ungrouped": ["solo"],
                "web": ["web1", "web2", "web3"],
                "canary": ["web3"],
                "prod": ["web1", "web2", "web3", "db1"],
                "db": ["db1"],
            },
            id="nested-children-and-several-parents",
        ),
        pytest.param(
            "web:\n  hosts:\n    w1:\ndb:\n  hosts: d1\n",
            {"all": ["w1", "d1"], "ungrouped": [], "web": ["w1"], "db": ["d1"]},
            id="top-level-groups-and-string-hosts",
        ),
        pytest.param(
            "all:\n  children:\n    empty:\n    web:\n      hosts:\n        w[01:02]:2222:\n",
            {"all": ["w01", "w02"], "ungrouped": [], "empty": [], "web": ["w01", "w02"]},
            id="empty-group-range-with-port",
        ),
        pytest.param(
            "all:\n  children:\n    a:\n      hosts: {h1: }\n    b:\n      hosts: {h1: }\n",
            {"all": ["h1"], "ungrouped": [], "a": ["h1"], "b": ["h1"]},
            id="host-in-two-groups-is-one-host",
        ),
    ],
)
def test_yaml_groups(
    write_files: WriteFiles, text: str, expected_groups: dict[str, list[str]]
) -> None:
    root = write_files({"hosts.yml": text})
    assert load_inventory([root / "hosts.yml"]).groups_map() == expected_groups


@pytest.mark.parametrize(
    ("host", "expected_vars"),
    [
        ("solo", {"colour": "blue"}),
        ("web1", {"colour": "red", "port": 8080, "tags": ["a", "b"]}),
        ("web2", {"colour": "red", "ansible_port": 2222}),
    ],
)
def test_yaml_vars(write_files: WriteFiles, host: str, expected_vars: dict[str, Any]) -> None:
    root = write_files(
        {
            "hosts.yaml": """
            all:
              vars:
                colour: blue
              hosts:
                solo:
              children:
                web:
                  vars: {colour: red}
                  hosts:
                    web1:
                      port: 8080
                      tags: [a, b]
                    web2:2222:
            """
        }
    )
    assert load_inventory([root / "hosts.yaml"]).host_vars(host) == expected_vars


def test_yaml_var_lines_are_kept(write_files: WriteFiles) -> None:
    root = write_files(
        {"hosts.yml": "all:\n  hosts:\n    web1:\n      a: 1\n      b: 2\n  vars:\n    c: 3\n"}
    )
    layers = load_inventory([root / "hosts.yml"]).var_layers("web1")
    assert [(layer.kind, dict(layer.lines)) for layer in layers] == [
        ("inventory_group", {"c": 7}),
        ("inventory_host", {"a": 4, "b": 5}),
    ]


def test_host_source_and_inventory_order(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "a.yml": "all:\n  children:\n    g:\n      hosts: {z: , y: }\n  hosts: {x: }\n",
            "b.ini": "w\n[g]\nz\n",
        }
    )
    inventory = load_inventory([root / "a.yml", root / "b.ini"])
    assert list(inventory.hosts) == ["z", "y", "x", "w"]
    assert inventory.hosts["z"].source == root / "a.yml"
    assert inventory.hosts["w"].source == root / "b.ini"
    assert inventory.sources == [root / "a.yml", root / "b.ini"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("solo", ["ungrouped"]),
        ("web3", ["canary", "prod", "web"]),
        ("db1", ["db", "prod"]),
    ],
)
def test_group_names_include_ancestors_not_all(
    write_files: WriteFiles, host: str, expected: list[str]
) -> None:
    root = write_files({"hosts.yml": NESTED})
    assert load_inventory([root / "hosts.yml"]).group_names(host) == expected


def test_group_depth_and_parents(write_files: WriteFiles) -> None:
    root = write_files({"hosts.yml": NESTED})
    groups = load_inventory([root / "hosts.yml"]).groups
    summary = {name: (g.depth, sorted(g.parents)) for name, g in groups.items()}
    assert summary == {
        "all": (0, []),
        "ungrouped": (1, ["all"]),
        "web": (2, ["all", "prod"]),
        "canary": (3, ["web"]),
        "prod": (1, ["all"]),
        "db": (2, ["prod"]),
    }
