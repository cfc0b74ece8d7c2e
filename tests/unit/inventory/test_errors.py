from __future__ import annotations

import pytest

from corral.errors import InventoryError
from corral.inventory import load_inventory

from .conftest import WriteFiles

# Each row: files, the source to load, every problem expected ({root} = the folder).
CASES = [
    pytest.param(
        {"h.yml": "all:\n  hosts:\n    web1:\n   bad: [\n"},
        "h.yml",
        [
            "{root}/h.yml:4:4: YAML syntax error: expected <block end>, but found "
            "'<block mapping start>' (while parsing a block mapping)"
        ],
        id="yaml-syntax",
    ),
    pytest.param(
        {"h.yml": "all:\n\thosts:\n"},
        "h.yml",
        [
            "{root}/h.yml:2:1: YAML syntax error: found character '\\t' that cannot start any "
            "token (while scanning for the next token)"
        ],
        id="yaml-tab",
    ),
    pytest.param(
        {"h.yml": "all:\n  children:\n    web:\n      hosts:\n        - web1\n"},
        "h.yml",
        [
            "{root}/h.yml:4:7: 'hosts' of group 'web' is a list; it must be a mapping: write each "
            "host as 'HOST:' (with a colon, no '- ') on its own line, e.g. 'hosts:' then '  web1:'"
        ],
        id="hosts-as-list",
    ),
    pytest.param(
        {"h.yml": "all:\n  children:\n    - web\n"},
        "h.yml",
        [
            "{root}/h.yml:2:3: 'children' of group 'all' is a list; it must be a mapping: write "
            "each child group as 'GROUP:' (with a colon, no '- ') on its own line"
        ],
        id="children-as-list",
    ),
    pytest.param(
        {
            "h.yml": "all:\n  host:\n    web1:\n  vars: [a]\n  children:\n    web:\n      hosts:\n"
            "        web[3:1]:\n        w2: 5\n    db: [x]\n"
        },
        "h.yml",
        [
            "{root}/h.yml:2:3: unknown key 'host' in group 'all': only hosts, vars and children "
            "are allowed (a host goes under 'hosts:', a child group under 'children:')",
            "{root}/h.yml:4:3: 'vars' of group 'all' must be a mapping, not a list",
            "{root}/h.yml:8:9: invalid range '[3:1]' in 'web[3:1]': begin must not be greater than end",
            "{root}/h.yml:9:9: vars of host 'w2' in group 'web' must be a mapping of variable: "
            "value, not a number",
            "{root}/h.yml:10:5: group 'db' must be a mapping with 'hosts', 'vars' or 'children', "
            "not a list; to list hosts write 'db:' then 'hosts:' then one 'HOST:' per line",
        ],
        id="yaml-all-problems-at-once",
    ),
    pytest.param(
        {
            "h.yml": "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n"
        },
        "h.yml",
        [
            "{root}/h.yml:7:13: group 'a' cannot be a child of 'b': 'b' is already inside 'a', which would make a loop"
        ],
        id="group-loop",
    ),
    pytest.param(
        {"h.yml": "plugin: aws_ec2\n"},
        "h.yml",
        [
            "{root}/h.yml:1:1: inventory plugins ('plugin: aws_ec2') are not supported; list hosts and groups in a static inventory"
        ],
        id="inventory-plugin",
    ),
    pytest.param(
        {"h.yml": "- web1\n"},
        "h.yml",
        [
            "{root}/h.yml: a YAML inventory must be a mapping of group names, usually starting with 'all:'"
        ],
        id="yaml-top-level-list",
    ),
    pytest.param(
        {
            "h.ini": '[web\nweb1 port\n[web:vras]\nx\n[db]\nweb[1:x]\nq a="x\n[g:vars]\nx=1\n'
            "[p:children]\nmissing\n[db:vars]\nansible_group_priority=high\n"
        },
        "h.ini",
        [
            "{root}/h.ini:1:1: invalid section header '[web': write [group], [group:vars] or "
            "[group:children], without spaces",
            "{root}/h.ini:2:1: expected key=value after the host name, got 'port' in 'web1 port'",
            "{root}/h.ini:3:1: section [web:vras] has an unknown type 'vras': use [web], [web:vars] or [web:children]",
            "{root}/h.ini:6:1: invalid host line 'web[1:x]': invalid range '[1:x]' in 'web[1:x]': "
            "begin and end must both be numbers or both single letters",
            "{root}/h.ini:7:1: invalid host line 'q a=\"x': No closing quotation",
            "{root}/h.ini:8:1: section [g:vars] is for group 'g', which is not defined: add a [g] section (it may be empty)",
            "{root}/h.ini:11:1: section [p:children] names group 'missing', which is not defined: "
            "add a [missing] section (it may be empty)",
            "{root}/h.ini:13: ansible_group_priority of group 'db' must be an integer, not 'high'",
        ],
        id="ini-all-problems-at-once",
    ),
    pytest.param(
        {"h.ini": "[g]\n  web1:22x\n[g:vars]\nnovalue\n"},
        "h.ini",
        [
            "{root}/h.ini:2:3: invalid host line 'web1:22x': invalid port '22x' in host 'web1:22x': write NAME or NAME:PORT",
            "{root}/h.ini:4:1: expected key=value in [g:vars], got 'novalue'",
        ],
        id="ini-port-and-vars-line",
    ),
    pytest.param(
        {"hosts": "all:\n  hosts:\n   web1:\n  x: [\n"},
        "hosts",
        [
            "{root}/hosts:5:1: YAML syntax error: expected the node content, but found '<stream end>' (while parsing a flow node)"
        ],
        id="no-extension-yaml-with-syntax-error",
    ),
    pytest.param(
        {"h.ini": "h1\n", "group_vars/all.yml": "- a\n", "host_vars/h1.yml": "a: [\n"},
        "h.ini",
        [
            "{root}/group_vars/all.yml:1:1: a vars file must be a mapping of variable: value, not a list",
            "{root}/host_vars/h1.yml:2:1: YAML syntax error: expected the node content, but found "
            "'<stream end>' (while parsing a flow node)",
        ],
        id="vars-files",
    ),
    pytest.param(
        {"h.yml": "all:\n  hosts: {a: }\n"},
        "missing.yml",
        [
            "{root}/missing.yml: inventory source not found (give a file, a folder or 'host1,host2,')"
        ],
        id="missing-source",
    ),
]


@pytest.mark.parametrize(("files", "source", "expected"), CASES)
def test_problems(
    write_files: WriteFiles, files: dict[str, str], source: str, expected: list[str]
) -> None:
    root = write_files(files)
    with pytest.raises(InventoryError) as info:
        load_inventory([root / source])
    assert [str(p) for p in info.value.problems] == [e.format(root=root) for e in expected]


def test_problems_of_several_files_are_all_reported(write_files: WriteFiles) -> None:
    root = write_files({"a.yml": "all:\n  bad: 1\n", "b.ini": "[x:vars]\ny=1\n"})
    with pytest.raises(InventoryError) as info:
        load_inventory([root / "a.yml", root / "b.ini"])
    assert [(p.position.file, p.position.line) for p in info.value.problems if p.position] == [
        (str(root / "a.yml"), 2),
        (str(root / "b.ini"), 1),
    ]
