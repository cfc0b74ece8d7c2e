from __future__ import annotations

import json

import pytest

from corral.errors import InventoryError
from corral.inventory import Inventory, load_inventory
from corral.inventory.show import render_graph, render_host, render_hosts, render_list

from .conftest import WriteFiles

HOSTS = """
solo
[web]
web2 port=8080
web1
[canary]
web1
[prod:children]
web
[prod:vars]
env=prod
[empty]
"""


@pytest.fixture
def inventory(write_files: WriteFiles) -> Inventory:
    return load_inventory([write_files({"h.ini": HOSTS}) / "h.ini"])


def test_graph(inventory: Inventory) -> None:
    assert render_graph(inventory) == (
        "@all:\n"
        "  |--@canary:\n"
        "  |  |--web1\n"
        "  |--@empty:\n"
        "  |--@prod:\n"
        "  |  |--@web:\n"
        "  |  |  |--web1\n"
        "  |  |  |--web2\n"
        "  |--@ungrouped:\n"
        "  |  |--solo\n"
    )
    assert render_graph(inventory, "prod") == "@prod:\n  |--@web:\n  |  |--web1\n  |  |--web2\n"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("all", "solo\nweb2\nweb1\n"), ("prod:!canary", "web2\n"), ("nothing", "")],
)
def test_hosts(inventory: Inventory, pattern: str, expected: str) -> None:
    assert render_hosts(inventory, pattern) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [("web2", "env: prod\nport: 8080\n"), ("solo", "{}\n")],
)
def test_host(inventory: Inventory, host: str, expected: str) -> None:
    assert render_host(inventory, host) == expected


def test_host_unknown(inventory: Inventory) -> None:
    with pytest.raises(InventoryError, match="host 'nope' is not in the inventory"):
        render_host(inventory, "nope")


def test_list(inventory: Inventory) -> None:
    assert json.loads(render_list(inventory)) == {
        "_meta": {"hostvars": {"web1": {"env": "prod"}, "web2": {"env": "prod", "port": 8080}}},
        "all": {"children": ["ungrouped", "canary", "prod", "empty"]},
        "ungrouped": {"hosts": ["solo"]},
        "web": {"hosts": ["web2", "web1"]},
        "canary": {"hosts": ["web1"]},
        "prod": {"children": ["web"]},
    }
