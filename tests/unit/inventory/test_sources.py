from __future__ import annotations

import pytest

from corral.inventory import load_inventory

from .conftest import WriteFiles


def test_directory_inventory(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "inv/b.ini": "[db]\ndb1\n",
            "inv/a.yml": "all:\n  children:\n    web:\n      hosts: {web1: }\n",
            "inv/sub/c.yaml": "all:\n  hosts: {c1: }\n",
            "inv/old.retry": "garbage [\n",
            "inv/backup~": "garbage [\n",
            "inv/x.orig": "garbage [\n",
            "inv/notes.md": "garbage [\n",
            "inv/.hidden": "garbage [\n",
            "inv/group_vars/web.yml": "v: web\n",
            "inv/host_vars/db1.yml": "v: db1\n",
        }
    )
    inventory = load_inventory([root / "inv"])
    assert inventory.sources == [root / "inv/a.yml", root / "inv/b.ini", root / "inv/sub/c.yaml"]
    assert list(inventory.hosts) == ["web1", "db1", "c1"]
    assert inventory.host_vars("web1") == {"v": "web"}
    assert inventory.host_vars("db1") == {"v": "db1"}


def test_several_sources_merge(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "a.yml": "all:\n  children:\n    web:\n      vars: {a: 1}\n      hosts: {web1: {x: 1}}\n",
            "b.ini": "[web]\nweb2\nweb1 x=2\n[web:vars]\nb=2\n",
        }
    )
    inventory = load_inventory([root / "a.yml", root / "b.ini"])
    assert inventory.groups_map()["web"] == ["web1", "web2"]
    assert inventory.host_vars("web1") == {"a": 1, "b": 2, "x": 2}
    assert [layer.path for layer in inventory.var_layers("web1")] == [
        str(root / "a.yml"),
        str(root / "b.ini"),
        str(root / "a.yml"),
        str(root / "b.ini"),
    ]


@pytest.mark.parametrize(
    ("name", "text", "hosts"),
    [
        ("hosts", "all:\n  hosts: {y1: }\n", ["y1"]),  # no extension, YAML content
        ("hosts", "i1\n[g]\ni2\n", ["i1", "i2"]),  # no extension, INI content
        ("hosts", "i1\ni2\n", ["i1", "i2"]),  # parses as a YAML string: INI
        ("hosts.ini", "i1 a=1\n", ["i1"]),
        ("hosts.json", '{"all": {"hosts": {"j1": null}}}', ["j1"]),
        ("hosts.cfg", "[g]\nc1\n", ["c1"]),  # ignored only inside folders
        ("hosts.yml", "", []),
        ("hosts", "", []),
    ],
)
def test_format_detection(write_files: WriteFiles, name: str, text: str, hosts: list[str]) -> None:
    root = write_files({name: text})
    assert list(load_inventory([root / name]).hosts) == hosts


def test_host_list_source() -> None:
    inventory = load_inventory(["web1,web2:2222,"])
    assert list(inventory.hosts) == ["web1", "web2"]
    assert inventory.groups_map()["ungrouped"] == ["web1", "web2"]
    assert inventory.host_vars("web2") == {"ansible_port": 2222}
    assert inventory.hosts["web1"].source is None


@pytest.mark.parametrize(
    ("files", "warning"),
    [
        (
            {"h.yml": "all:\n  hosts:\n    a:\n    a:\n"},
            "{root}/h.yml:4:5: key 'a' is repeated in the same mapping; the last one wins",
        ),
        (
            {"h.ini": "a\n", "host_vars/a": "v: 1\n", "host_vars/a.yml": "v: 2\n"},
            "{root}/host_vars/a is used for 'a'; ignoring {root}/host_vars/a.yml (merge them into one)",
        ),
        (
            {"h.ini": "[a]\nx\n[b]\nx\n", "h2.ini": "a\n"},
            "'a' is both a host and a group; in patterns the name selects the host",
        ),
    ],
)
def test_warnings(write_files: WriteFiles, files: dict[str, str], warning: str) -> None:
    root = write_files(files)
    sources = [root / name for name in files if "/" not in name]
    assert load_inventory(sources).warnings == [warning.format(root=root)]
