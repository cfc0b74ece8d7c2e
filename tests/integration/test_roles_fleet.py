"""A role written the way public roles are, over SSH on the fleet, unchanged.

The role (tests/differential/corpus/role_public_style) has defaults, vars,
include_vars per OS, an OS-branch include_tasks whose RedHat and FreeBSD files
use modules and arguments corral lacks, a meta dependency with params,
templates with ansible_managed, handlers by name and role-qualified name, and
include_role with tasks_from in a loop. On Debian hosts it must run as
ansible-core runs it: check mode first (reports, writes nothing), then the
change, then a second run that changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corral_cli import corral
from engine_support import read_file, remove_on_hosts

pytestmark = pytest.mark.fleet

CASE = Path(__file__).resolve().parents[1] / "differential" / "corpus" / "role_public_style"


def _tree(fleet, host: str) -> str:
    done = fleet.exec(host, "find /srv/diff -printf '%p %m\\n' 2>/dev/null | sort")
    return done.stdout


def test_public_style_role_runs_unchanged_idempotent_and_honest_in_check(fleet) -> None:
    remove_on_hosts(fleet, "/srv/diff")
    hosts = fleet.light_hosts[:2]
    args = ("-i", fleet.inventory_path, "--limit", ",".join(hosts))
    try:
        check = corral("check", CASE / "play.yml", *args)
        assert check.code == 2, check.stdout + check.stderr
        assert all(_tree(fleet, h) == "" for h in hosts)  # check mode wrote nothing
        first = corral("apply", CASE / "play.yml", *args)
        assert first.code == 0, first.stdout + first.stderr
        for host in hosts:
            assert first.changed(host) == 9
            conf = read_file(fleet, host, "/srv/diff/kv/kv.conf")
            assert conf.startswith("# Ansible managed\nbind 127.0.0.1\nport 6390\n")
            assert read_file(fleet, host, "/srv/diff/kv/handlers.log") == \
                "restart kvstore-server 0.0.0.0\n"
            assert json.loads(read_file(fleet, host, "/srv/diff/kv/role-vars.json")) == {
                "bind": "127.0.0.1", "mode": "0750", "port": 6390, "role_name": "kvstore",
                "service": "kvstore-server"}
            assert "/srv/diff/kv 750" in _tree(fleet, host)
        second = corral("apply", CASE / "play.yml", *args)
        assert second.code == 0 and all(second.changed(h) == 0 for h in hosts), second.stdout
        again = corral("check", CASE / "play.yml", *args)
        assert again.code == 0, again.stdout
    finally:
        remove_on_hosts(fleet, "/srv/diff")
