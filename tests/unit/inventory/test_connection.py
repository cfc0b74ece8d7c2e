from __future__ import annotations

import os
from typing import Any

import pytest

from corral.errors import InventoryError, Position
from corral.inventory import ConnectionSpec, connection_spec, load_inventory

from .conftest import WriteFiles


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ConnectionSpec(name="web1", host="web1")),
        (
            {"ansible_host": "10.0.0.1", "ansible_port": "2222", "ansible_user": "deploy"},
            ConnectionSpec(name="web1", host="10.0.0.1", port=2222, user="deploy"),
        ),
        (
            {"ansible_ssh_host": "10.0.0.2", "ansible_ssh_port": 2200, "ansible_ssh_user": "old"},
            ConnectionSpec(name="web1", host="10.0.0.2", port=2200, user="old"),
        ),
        (
            # both spellings: the ansible_ssh_* alias wins, as in Ansible
            {"ansible_host": "new", "ansible_ssh_host": "old"},
            ConnectionSpec(name="web1", host="old"),
        ),
        (
            {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3"},
            ConnectionSpec(
                name="web1", host="web1", connection="local", python_interpreter="/usr/bin/python3"
            ),
        ),
        (
            {"ansible_connection": "smart"},
            ConnectionSpec(name="web1", host="web1", connection="ssh"),
        ),
        (
            {
                "ansible_become": "yes",
                "ansible_become_user": "postgres",
                "ansible_become_password": "s3",
            },
            ConnectionSpec(
                name="web1", host="web1", become=True, become_user="postgres", become_password="s3"
            ),
        ),
        ({"ansible_become": 0}, ConnectionSpec(name="web1", host="web1", become=False)),
        (
            {"ansible_become_pass": "p"},
            ConnectionSpec(name="web1", host="web1", become_password="p"),
        ),
        (
            {"ansible_ssh_private_key_file": "~/.ssh/id", "corral_known_hosts": "/tmp/kh"},
            ConnectionSpec(
                name="web1",
                host="web1",
                key_file=os.path.expanduser("~/.ssh/id"),
                known_hosts="/tmp/kh",
            ),
        ),
        (
            {"corral_host_key_policy": "accept-new"},
            ConnectionSpec(name="web1", host="web1", host_key_policy="accept-new"),
        ),
        (
            {"ansible_host_key_checking": False},
            ConnectionSpec(name="web1", host="web1", host_key_policy="off"),
        ),
    ],
)
def test_connection_spec(values: dict[str, Any], expected: ConnectionSpec) -> None:
    assert connection_spec("web1", values) == expected


def test_effective_port_and_secret_not_in_repr() -> None:
    spec = connection_spec("w", {"ansible_become_password": "hunter2"})
    assert spec.effective_port == 22
    assert "hunter2" not in repr(spec)


@pytest.mark.parametrize(
    ("values", "messages"),
    [
        (
            {"ansible_port": "ssh"},
            ["host 'web1': ansible_port must be a port number from 1 to 65535, not 'ssh'"],
        ),
        (
            {"ansible_port": 70000},
            ["host 'web1': ansible_port must be a port number from 1 to 65535, not 70000"],
        ),
        (
            {"ansible_ssh_port": True},
            ["host 'web1': ansible_ssh_port must be a port number from 1 to 65535, not True"],
        ),
        (
            {"ansible_connection": "winrm"},
            ["host 'web1': ansible_connection must be 'ssh' or 'local', not 'winrm'"],
        ),
        (
            {"ansible_become": "maybe", "corral_host_key_policy": "yolo", "ansible_user": ["a"]},
            [
                "host 'web1': ansible_user must be a string, not ['a']",
                "host 'web1': ansible_become must be a boolean (true/false, yes/no), not 'maybe'",
                "host 'web1': corral_host_key_policy must be one of strict, accept-new, off, not 'yolo'",
            ],
        ),
    ],
)
def test_connection_spec_errors(values: dict[str, Any], messages: list[str]) -> None:
    with pytest.raises(InventoryError) as info:
        connection_spec("web1", values)
    assert [str(p) for p in info.value.problems] == messages


def test_connection_error_names_the_file_and_line(write_files: WriteFiles) -> None:
    root = write_files(
        {"h.ini": "[web]\nweb1\n", "group_vars/web.yml": "a: 1\nansible_port: twenty\n"}
    )
    inventory = load_inventory([root / "h.ini"])
    with pytest.raises(InventoryError) as info:
        inventory.connection("web1", inventory.host_vars("web1"))
    (problem,) = info.value.problems
    assert problem.position == Position(str(root / "group_vars/web.yml"), 2)
    assert str(problem).endswith("ansible_port must be a port number from 1 to 65535, not 'twenty'")
