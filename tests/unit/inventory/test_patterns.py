from __future__ import annotations

from pathlib import Path

import pytest

from corral.errors import InventoryError
from corral.inventory import Inventory, load_inventory

from .conftest import WriteFiles

HOSTS = """
all:
  hosts:
    lone:
  children:
    web:
      hosts: {web1: , web2: , web3: }
    db:
      hosts: {db1: , db2: }
    prod:
      hosts: {web1: , db1: }
    staging:
      hosts: {web3: }
"""


@pytest.fixture
def inventory(write_files: WriteFiles) -> Inventory:
    root = write_files({"hosts.yml": HOSTS})
    return load_inventory([root / "hosts.yml"])


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("all", ["lone", "web1", "web2", "web3", "db1", "db2"]),
        ("*", ["lone", "web1", "web2", "web3", "db1", "db2"]),
        ("web", ["web1", "web2", "web3"]),
        ("ungrouped", ["lone"]),
        ("web1", ["web1"]),
        ("db:web", ["db1", "db2", "web1", "web2", "web3"]),  # unions in the order written
        ("db,web", ["db1", "db2", "web1", "web2", "web3"]),
        ("db, web", ["db1", "db2", "web1", "web2", "web3"]),
        ("prod:web", ["web1", "db1", "web2", "web3"]),
        ("web1:lone", ["web1", "lone"]),
        ("web:&prod", ["web1"]),
        ("&prod:web", ["web1"]),  # intersections apply after every union
        ("web:!prod", ["web2", "web3"]),
        ("!prod", ["lone", "web2", "web3", "db2"]),  # no union term: start from all
        ("web:!web2:db:&prod", ["web1", "db1"]),
        ("web,db:&prod", ["web1", "db1"]),
        ("web:&prod:&staging", []),
        ("web:!staging:!prod", ["web2"]),
        ("web*", ["web1", "web2", "web3"]),
        ("*1", ["web1", "db1"]),
        ("d?1", ["db1"]),
        ("~web[12]", ["web1", "web2"]),
        ("~(db|lo)", ["lone", "db1", "db2"]),
        ("~eb", []),  # regexes match from the start, as in Ansible
        ("web[0]", ["web1"]),
        ("web[-1]", ["web3"]),
        ("web[0:1]", ["web1", "web2"]),
        ("web[1:]", ["web2", "web3"]),
        ("web[0:1]:db[1]", ["web1", "web2", "db2"]),
        ("nope", []),
        ("nope:db", ["db1", "db2"]),
    ],
)
def test_select(inventory: Inventory, pattern: str, expected: list[str]) -> None:
    assert [h.name for h in inventory.select(pattern)] == expected


@pytest.mark.parametrize(
    ("pattern", "warnings"),
    [
        ("web", []),
        ("nope:db", ["host pattern 'nope' matched no host or group; ignoring it"]),
        ("web:!gone", ["host pattern 'gone' matched no host or group; ignoring it"]),
        ("~zz.*", ["host pattern '~zz.*' matched no host or group; ignoring it"]),
        ("localhost", []),
    ],
)
def test_match_warnings(inventory: Inventory, pattern: str, warnings: list[str]) -> None:
    assert inventory.match(pattern).warnings == warnings


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty host pattern '': name a host or group, or 'all'"),
        ("  ", "empty host pattern '  ': name a host or group, or 'all'"),
        ("web:&", "host pattern term '&' has nothing after '&'"),
        ("web,!", "host pattern term '!' has nothing after '!'"),
        ("~web(", "invalid host pattern '~web(': missing ), unterminated subpattern at position 3"),
        ("web[7]", "host pattern 'web[7]': index 7 is out of range (3 hosts matched)"),
    ],
)
def test_bad_pattern(inventory: Inventory, pattern: str, message: str) -> None:
    with pytest.raises(InventoryError) as info:
        inventory.select(pattern)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("name", "connection"),
    [("localhost", "local"), ("127.0.0.1", "local")],
)
def test_implicit_localhost(inventory: Inventory, name: str, connection: str) -> None:
    (host,) = inventory.select(name)
    assert host.implicit and host.name == name
    assert inventory.host_vars(name)["ansible_connection"] == connection
    assert name not in inventory.groups_map()["all"]
    assert [h.name for h in inventory.select("all")] == [
        "lone",
        "web1",
        "web2",
        "web3",
        "db1",
        "db2",
    ]
    assert inventory.group_names(name) == []


def test_localhost_in_inventory_is_not_implicit(write_files: WriteFiles) -> None:
    root = write_files({"h.ini": "localhost\n"})
    inventory = load_inventory([root / "h.ini"])
    (host,) = inventory.select("localhost")
    assert not host.implicit
    assert inventory.host_vars("localhost") == {}


@pytest.mark.parametrize(
    ("play", "limit", "expected"),
    [
        ("all", None, ["lone", "web1", "web2", "web3", "db1", "db2"]),
        ("all", "web", ["web1", "web2", "web3"]),
        ("db:web", "prod", ["db1", "web1"]),  # the play's order is kept
        ("all", "!web", ["lone", "db1", "db2"]),
        ("web", "web1,web3", ["web1", "web3"]),
        ("web", "db", []),
        ("web", "web*:&staging", ["web3"]),
    ],
)
def test_limit(inventory: Inventory, play: str, limit: str | None, expected: list[str]) -> None:
    assert [h.name for h in inventory.limit(inventory.select(play), limit)] == expected


def test_limit_from_file(inventory: Inventory, tmp_path: Path) -> None:
    (tmp_path / "retry").write_text("db2\n\nweb1\n")
    hosts = inventory.limit(inventory.select("all"), f"@{tmp_path / 'retry'}")
    assert [h.name for h in hosts] == ["web1", "db2"]


def test_limit_file_missing(inventory: Inventory, tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as info:
        inventory.limit(inventory.select("all"), f"@{tmp_path / 'nope'}")
    assert (
        str(info.value)
        == f"{tmp_path / 'nope'}: limit file not found (--limit @FILE needs a file of host names)"
    )


def test_implicit_localhost_gets_all_vars_and_its_host_vars(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "h.ini": "web1\n[all:vars]\na=1\n",
            "group_vars/all.yml": "b: 2\n",
            "host_vars/localhost.yml": "ansible_connection: ssh\n",
        }
    )
    inventory = load_inventory([root / "h.ini"])
    values = inventory.host_vars("localhost")
    assert (values["a"], values["b"], values["ansible_connection"]) == (1, 2, "ssh")
    assert [layer.kind for layer in inventory.var_layers("localhost")] == [
        "inventory_group",
        "inventory_dir_group_vars",
        "implicit",
        "inventory_dir_host_vars",
    ]
