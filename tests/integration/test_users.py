"""user and group on a light host of the local fleet, through `corral apply`.

Each step: check mode reports and leaves /etc/passwd, /etc/group and /etc/shadow as they
were, apply makes the change, a re-run is changed=0. The password hash is never shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.corral_cli import CorralRun, apply_on, host_play

pytestmark = pytest.mark.fleet

HASH_1 = "$6$corralsalt1$8W4bIzmvJ0S1H1w8k8ohU4Ck9Y8rAaTq7Q7.sp2C6g0Pq6m3Yd7jq2X6l4o3ZlJx0u1Cz5F3yJ1g9H0bqRk1/"
HASH_2 = "$6$corralsalt2$1Fv7v4V9Kj0lqZp2mYgWc3b6nQ8s2tXa0eR5uHd7kL9oPq3w6Ez1yBi4Mn8Jc2Gf5Td0Sx7Ua9Vh3Nr6Ol1Qk0"


@pytest.fixture
def light_host(fleet) -> Iterator[str]:
    host = fleet.light_hosts[-1]
    yield host
    fleet.reset(host)


def _accounts(fleet, host: str) -> str:
    return fleet.exec(host, "cat /etc/passwd /etc/group /etc/shadow; ls /home").stdout


def _apply(fleet, host: str, playbook: Path, *extra: str) -> CorralRun:
    run = apply_on(fleet, host, playbook, "--diff", *extra)
    for secret in (HASH_1, HASH_2):
        assert secret not in run.stdout + run.stderr + json.dumps(run.report)
    return run


def _triple(fleet, host: str, playbook: Path) -> CorralRun:
    before = _accounts(fleet, host)
    check = _apply(fleet, host, playbook, "--check")
    assert check.code in (0, 2) and check.changed(host) >= 1, check.stdout + check.stderr
    assert _accounts(fleet, host) == before, "check mode changed the host"
    first = _apply(fleet, host, playbook)
    assert first.code == 0 and first.changed(host) >= 1, first.stdout + first.stderr
    again = _apply(fleet, host, playbook)
    assert again.code == 0 and again.changed(host) == 0, again.stdout + again.stderr
    return first


def _line(fleet, host: str, path: str, name: str) -> str:
    done = fleet.exec(host, f"grep '^{name}:' {path}")
    return done.stdout.strip()


def test_groups_and_a_user_created_changed_and_removed(fleet, light_host, tmp_path):
    host = light_host
    create = host_play(tmp_path, host, f"""\
        - group: {{name: corral-devs, gid: 2345}}
        - group: {{name: corral-ops, system: true}}
        - name: bob
          user:
            name: corral-bob
            uid: 2001
            groups: corral-devs,corral-ops
            shell: /bin/bash
            comment: Bob B
            password: "{HASH_1}"
        """, name="create.yml")
    first = _triple(fleet, host, create)
    assert _line(fleet, host, "/etc/passwd", "corral-bob") == (
        "corral-bob:x:2001:2001:Bob B:/home/corral-bob:/bin/bash")
    assert _line(fleet, host, "/etc/group", "corral-devs") == "corral-devs:x:2345:corral-bob"
    assert int(_line(fleet, host, "/etc/group", "corral-ops").split(":")[2]) < 1000  # system
    assert _line(fleet, host, "/etc/shadow", "corral-bob").split(":")[1] == HASH_1
    assert fleet.exec(host, "stat -c %U /home/corral-bob").stdout == "corral-bob\n"
    bob = first.host(host)["tasks"][2]
    assert bob["msg"] == "created user corral-bob"
    assert {"what": "password", "before": None, "after": "(hash set)"} in bob["diff"]["attributes"]

    change = host_play(tmp_path, host, f"""\
        - user:
            name: corral-bob
            group: corral-devs
            groups: [corral-ops]
            shell: /bin/sh
            password: "{HASH_2}"
        """, name="change.yml")
    changed = _triple(fleet, host, change)
    assert _line(fleet, host, "/etc/passwd", "corral-bob") == (
        "corral-bob:x:2001:2345:Bob B:/home/corral-bob:/bin/sh")
    assert _line(fleet, host, "/etc/shadow", "corral-bob").split(":")[1] == HASH_2
    [task] = changed.host(host)["tasks"]
    assert task["msg"] == "changed user corral-bob: group, shell, password"
    assert task["diff"]["attributes"] == [
        {"what": "group", "before": "corral-bob", "after": "corral-devs"},
        {"what": "shell", "before": "/bin/bash", "after": "/bin/sh"},
        {"what": "password", "before": "(hash)", "after": "(hash changed)"}]
    assert "password (hash) -> (hash changed)" in changed.stdout  # the CHANGES section

    append = host_play(tmp_path, host, """\
        - group: {name: corral-web}
        - user: {name: corral-bob, groups: corral-web, append: true}
        """, name="append.yml")
    _triple(fleet, host, append)
    groups = fleet.exec(host, "id -nG corral-bob").stdout.split()
    assert sorted(groups) == ["corral-devs", "corral-ops", "corral-web"]

    remove = host_play(tmp_path, host, """\
        - user: {name: corral-bob, state: absent, remove: true}
        - group: {name: corral-devs, state: absent}
        """, name="remove.yml")
    removed = _triple(fleet, host, remove)
    assert _line(fleet, host, "/etc/passwd", "corral-bob") == ""
    assert _line(fleet, host, "/etc/group", "corral-devs") == ""
    assert fleet.exec(host, "test -e /home/corral-bob").returncode == 1
    assert removed.host(host)["tasks"][0]["msg"] == (
        "removed user corral-bob and its home /home/corral-bob")


def test_missing_group_and_plain_password_fail_before_any_change(fleet, light_host, tmp_path):
    host = light_host
    before = _accounts(fleet, host)
    playbook = host_play(tmp_path, host, """\
        - user: {name: corral-eve, groups: [corral-nope]}
          ignore_errors: true
        - user: {name: corral-eve, password: hunter2}
          ignore_errors: true
        """, name="bad.yml")
    run = _apply(fleet, host, playbook)
    assert [t["msg"] for t in run.host(host)["tasks"]] == [
        "group corral-nope does not exist; create it first (group module)",
        "password for user corral-eve is not a crypt hash; give a hash (openssl passwd -6, or "
        "the password_hash filter), never the plain text"]
    assert "hunter2" not in run.stdout
    assert _accounts(fleet, host) == before


def test_user_options_ssh_key_and_registered_values(fleet, light_host, tmp_path):
    host = light_host
    fleet.exec(host, "mkdir -p /etc/corral-skel && echo hi > /etc/corral-skel/.profile-corral",
               check=True)
    play = host_play(tmp_path, host, """\
        - group: {name: corral-ops, gid: 2400, non_unique: yes}
        - user:
            name: carol
            uid: 2400
            group: corral-ops
            groups: [users]
            shell: /bin/sh
            comment: Carol C
            skeleton: /etc/corral-skel
            umask: "0077"
            expires: 4102444800
            password_expire_max: 90
            password_expire_warn: 14
            password_lock: yes
            generate_ssh_key: yes
            ssh_key_type: ed25519
            ssh_key_comment: carol@corral
            local: yes
        """)
    _triple(fleet, host, play)
    shadow = _line(fleet, host, "/etc/shadow", "carol").split(":")
    assert shadow[1].startswith("!") and (shadow[4], shadow[5], shadow[7]) == ("90", "14", "47482")
    assert fleet.exec(host, "cat /home/carol/.profile-corral").stdout == "hi\n"
    assert fleet.exec(host, "stat -c '%a %U' /home/carol /home/carol/.ssh/id_ed25519").stdout == (
        "700 carol\n600 carol\n")
    assert "carol@corral" in fleet.exec(host, "cat /home/carol/.ssh/id_ed25519.pub").stdout
    registered = host_play(tmp_path, host, """\
        - user: {name: carol, generate_ssh_key: yes, ssh_key_type: ed25519, groups: users}
          register: u
        - group: {name: corral-ops}
          register: g
        - copy: {dest: /tmp/u.json, content: "{{ u | to_json }}"}
        - copy: {dest: /tmp/g.json, content: "{{ g | to_json }}"}
        """, name="registered.yml")
    assert apply_on(fleet, host, registered).code == 0
    u = json.loads(fleet.exec(host, "cat /tmp/u.json", check=True).stdout)
    assert {k: u[k] for k in ("name", "uid", "group", "groups", "home", "shell", "comment",
                              "state", "append", "move_home", "changed", "ssh_key_file")} == {
        "name": "carol", "uid": 2400, "group": 2400, "groups": "users", "home": "/home/carol",
        "shell": "/bin/sh", "comment": "Carol C", "state": "present", "append": False,
        "move_home": False, "changed": False, "ssh_key_file": "/home/carol/.ssh/id_ed25519"}
    assert u["ssh_public_key"].startswith("ssh-ed25519 ") and "SHA256:" in u["ssh_fingerprint"]
    g = json.loads(fleet.exec(host, "cat /tmp/g.json", check=True).stdout)
    assert {k: g[k] for k in ("name", "gid", "state", "system", "changed")} == {
        "name": "corral-ops", "gid": 2400, "state": "present", "system": False, "changed": False}
