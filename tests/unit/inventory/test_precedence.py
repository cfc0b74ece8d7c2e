from __future__ import annotations

from pathlib import Path

import pytest

from corral.errors import Position
from corral.inventory import load_inventory

from .conftest import WriteFiles

GROUPS = """
all:
  vars: {v: inv_all}
  children:
    parent:
      vars: {v: inv_parent}
      children:
        child:
          vars: {v: inv_child}
          hosts:
            h1: {v: inv_host}
    alpha:
      vars: {v: inv_alpha}
      hosts: {h1: }
    beta:
      vars: {v: inv_beta}
      hosts: {h1: }
"""

FILES = {
    "inv/hosts.yml": GROUPS,
    "inv/group_vars/all.yml": "v: gv_all\n",
    "inv/group_vars/alpha.yml": "v: gv_alpha\n",
    "inv/group_vars/child/b.yml": "v: gv_child_b\n",
    "inv/group_vars/child/a.yml": "v: gv_child_a\n",
    "inv/host_vars/h1.yml": "v: hv\n",
    "play/group_vars/all.yaml": "v: play_gv_all\n",
    "play/group_vars/beta": "v: play_gv_beta\n",
    "play/host_vars/h1.json": '{"v": "play_hv"}\n',
}


def test_layer_order(write_files: WriteFiles) -> None:
    root = write_files(FILES)
    inventory = load_inventory([root / "inv/hosts.yml"], playbook_dir=root / "play")
    layers = [(layer.kind, layer.owner, layer.vars["v"]) for layer in inventory.var_layers("h1")]
    assert layers == [
        ("inventory_group", "all", "inv_all"),
        ("inventory_group", "alpha", "inv_alpha"),  # depth 1, alphabetical
        ("inventory_group", "beta", "inv_beta"),
        ("inventory_group", "parent", "inv_parent"),
        ("inventory_group", "child", "inv_child"),  # depth 2 after depth 1
        ("inventory_dir_group_vars", "all", "gv_all"),
        ("playbook_dir_group_vars", "all", "play_gv_all"),
        ("inventory_dir_group_vars", "alpha", "gv_alpha"),
        ("inventory_dir_group_vars", "child", "gv_child_a"),  # folder files in sorted order
        ("inventory_dir_group_vars", "child", "gv_child_b"),
        ("playbook_dir_group_vars", "beta", "play_gv_beta"),
        ("inventory_host", "h1", "inv_host"),
        ("inventory_dir_host_vars", "h1", "hv"),
        ("playbook_dir_host_vars", "h1", "play_hv"),
    ]
    assert inventory.host_vars("h1") == {"v": "play_hv"}


def test_layer_paths_and_lines(write_files: WriteFiles) -> None:
    root = write_files(FILES)
    inventory = load_inventory([root / "inv/hosts.yml"], playbook_dir=root / "play")
    found = [(layer.path, dict(layer.lines)) for layer in inventory.var_layers("h1")]
    assert found[0] == (str(root / "inv/hosts.yml"), {"v": 2})
    assert found[6] == (str(root / "play/group_vars/all.yaml"), {"v": 1})
    assert found[-1] == (str(root / "play/host_vars/h1.json"), {"v": 1})
    assert inventory.var_positions("h1") == {"v": Position(str(root / "play/host_vars/h1.json"), 1)}


# Each row: the files, then the value of `v` that must win for host h1.
PRECEDENCE = [
    pytest.param(
        {
            "inv/h.yml": "all:\n  vars: {v: all}\n  children:\n    g:\n      vars: {v: g}\n      hosts: {h1: }\n"
        },
        "g",
        id="group-beats-all",
    ),
    pytest.param(
        {"inv/h.ini": "[a]\nh1\n[b]\nh1\n[a:vars]\nv=a\n[b:vars]\nv=b\n"},
        "b",
        id="siblings-alphabetical-last-wins",
    ),
    pytest.param(
        {"inv/h.ini": "[z:children]\na\n[a]\nh1\n[z:vars]\nv=z\n[a:vars]\nv=a\n"},
        "a",
        id="child-beats-parent-whatever-the-names",
    ),
    pytest.param(
        {
            "inv/h.ini": "[a]\nh1\n[b]\nh1\n[a:vars]\nv=a\nansible_group_priority=10\n[b:vars]\nv=b\n",
        },
        "a",
        id="group-priority-beats-name",
    ),
    pytest.param(
        {
            "inv/h.ini": "[p:children]\nc\n[c]\nh1\n[p:vars]\nv=p\nansible_group_priority=99\n[c:vars]\nv=c\n",
        },
        "c",
        id="depth-beats-priority",
    ),
    pytest.param(
        {
            "inv/h.ini": "[g]\nh1\n[g:vars]\nv=inventory_file\n",
            "inv/group_vars/all.yml": "v: gv_all\n",
        },
        "gv_all",
        id="group_vars-all-beats-inventory-file-group-vars",
    ),
    pytest.param(
        {
            "inv/h.ini": "h1\n",
            "inv/group_vars/all.yml": "v: inv\n",
            "play/group_vars/all.yml": "v: play\n",
        },
        "play",
        id="playbook-group_vars-all-beats-inventory-group_vars-all",
    ),
    pytest.param(
        {
            "inv/h.ini": "[g]\nh1\n",
            "inv/group_vars/g.yml": "v: g\n",
            "play/group_vars/all.yml": "v: all\n",
        },
        "g",
        id="inventory-group_vars-group-beats-playbook-group_vars-all",
    ),
    pytest.param(
        {
            "inv/h.ini": "[g]\nh1\n",
            "inv/group_vars/g.yml": "v: inv\n",
            "play/group_vars/g.yml": "v: play\n",
        },
        "play",
        id="playbook-group_vars-group-beats-inventory-group_vars-group",
    ),
    pytest.param(
        {"inv/h.ini": "[g]\nh1 v=host\n", "play/group_vars/g.yml": "v: play\n"},
        "host",
        id="inventory-host-var-beats-any-group-var",
    ),
    pytest.param(
        {"inv/h.ini": "h1 v=host\n", "inv/host_vars/h1": "v: host_vars\n"},
        "host_vars",
        id="host_vars-beats-inventory-host-var",
    ),
    pytest.param(
        {
            "inv/h.ini": "h1\n",
            "inv/host_vars/h1.yml": "v: inv\n",
            "play/host_vars/h1.yml": "v: play\n",
        },
        "play",
        id="playbook-host_vars-beats-inventory-host_vars",
    ),
    pytest.param(
        {
            "inv/h.ini": "[g]\nh1\n",
            "inv/group_vars/g/10.yml": "v: ten\n",
            "inv/group_vars/g/20.yml": "v: twenty\n",
        },
        "twenty",
        id="group_vars-folder-last-file-wins",
    ),
    pytest.param(
        {
            "inv/h.ini": "[g]\nh1\n",
            "inv/group_vars/g.yml": "v: {a: 1, b: 2}\n",
            "inv/host_vars/h1.yml": "v: {a: 9}\n",
        },
        {"a": 9},
        id="dicts-are-replaced-not-merged",
    ),
    pytest.param(
        {"inv/h.ini": "[g]\nh1\n[g]\nh1 v=2\n[g:vars]\nv=1\n[g:vars]\nv=3\n"},
        2,
        id="repeated-sections-add-up",
    ),
]


@pytest.mark.parametrize(("files", "winner"), PRECEDENCE)
def test_winning_value(write_files: WriteFiles, files: dict[str, str], winner: object) -> None:
    root = write_files(files)
    source = next(root / name for name in files if name.startswith("inv/h."))
    inventory = load_inventory([source], playbook_dir=root / "play")
    assert inventory.host_vars("h1")["v"] == winner


def test_several_inventories_group_vars_source_major(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "one/h.ini": "[a]\nh1\n[b]\nh1\n",
            "one/group_vars/b.yml": "v: one_b\n",
            "two/h.yml": "all:\n  hosts: {h2: }\n",
            "two/group_vars/a.yml": "v: two_a\n",
        }
    )
    inventory = load_inventory([root / "one/h.ini", root / "two/h.yml"])
    assert [layer.vars["v"] for layer in inventory.var_layers("h1")] == ["one_b", "two_a"]


def test_playbook_dir_same_as_inventory_dir_loads_once(write_files: WriteFiles) -> None:
    root = write_files({"h.ini": "h1\n", "group_vars/all.yml": "v: 1\n"})
    inventory = load_inventory([root / "h.ini"], playbook_dir=Path(root))
    assert [layer.kind for layer in inventory.var_layers("h1")] == ["inventory_dir_group_vars"]
