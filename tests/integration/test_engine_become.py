"""become through the real `corral` command: deploy's passwordless sudo, alice's sudo
with her password (-K on stdin, or ansible_become_password), and the password never
appears in anything corral prints or writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import (
    exists,
    explain,
    host_root,
    on_hosts,
    read_file,
    remove_on_hosts,
    stat_line,
    task,
    write_inventory,
)

pytestmark = pytest.mark.fleet

PASSWORD = "alice-secret"
ROOT = host_root("become")

PLAYBOOK = f"""\
- hosts: fleet
  gather_facts: false
  become: true
  tasks:
    - name: root-owned file
      copy: {{content: "written for {{{{ ansible_user }}}}\\n", dest: "{ROOT}/{{{{ ansible_user }}}}.txt",
             mode: "0600"}}
    - name: who am I
      command: id -un
      register: who
    - name: say who
      debug: {{msg: "I am {{{{ who.stdout }}}}"}}
    - name: login user
      command: id -un
      become: false
      register: login
    - name: say login
      debug: {{msg: "logged in as {{{{ login.stdout }}}}"}}
"""


@pytest.fixture
def setup(fleet, tmp_path):
    on_hosts(fleet, f"rm -rf {ROOT}; mkdir -p {ROOT}")
    yield write_playbook(tmp_path, PLAYBOOK)
    remove_on_hosts(fleet, ROOT)


def _inventory(tmp_path: Path, fleet: Any, user: str) -> Path:
    return write_inventory(tmp_path / f"{user}.yml", fleet, group_vars={"ansible_user": user})


def _assert_no_password(run: CorralRun) -> None:
    for where, text in (("stdout", run.stdout), ("stderr", run.stderr),
                        ("report", str(run.report))):
        assert PASSWORD not in text, f"the become password appears in {where}"


def _assert_became_root(fleet: Any, run: CorralRun, host: str, user: str) -> None:
    assert run.code == 0, explain(run)
    assert task(run, host, "say who")["msg"] == "I am root"
    assert task(run, host, "say login")["msg"] == f"logged in as {user}"
    assert stat_line(fleet, host, f"{ROOT}/{user}.txt") == "f 600 root root"
    assert read_file(fleet, host, f"{ROOT}/{user}.txt") == f"written for {user}\n"


def test_deploy_becomes_root_with_passwordless_sudo(fleet, tmp_path, setup):
    run = corral("apply", setup, "-i", _inventory(tmp_path, fleet, "deploy"))
    for host in fleet.hosts:
        _assert_became_root(fleet, run, host, "deploy")


def test_alice_becomes_root_with_her_password_on_stdin(fleet, tmp_path, setup):
    """-K reads the password with getpass; without a terminal it falls back to stdin."""
    host = fleet.light_hosts[0]
    run = corral("apply", setup, "-i", _inventory(tmp_path, fleet, "alice"), "--limit", host,
                 "-K", "-vvv", input=PASSWORD + "\n")
    _assert_became_root(fleet, run, host, "alice")
    _assert_no_password(run)


def test_alice_becomes_root_with_ansible_become_password(fleet, tmp_path, setup):
    host = fleet.light_hosts[1]
    run = corral("apply", setup, "-i", _inventory(tmp_path, fleet, "alice"), "--limit", host,
                 "-e", f"ansible_become_password={PASSWORD}", "-vvv")
    _assert_became_root(fleet, run, host, "alice")
    _assert_no_password(run)


def test_alice_with_a_wrong_password_fails_and_writes_nothing(fleet, tmp_path, setup):
    host = fleet.light_hosts[0]
    wrong = "not-" + PASSWORD
    run = corral("apply", setup, "-i", _inventory(tmp_path, fleet, "alice"), "--limit", host,
                 "-K", input=wrong + "\n")
    assert run.code == 1, explain(run)
    assert "password" in run.host(host)["tasks"][0]["msg"]
    assert wrong not in run.stdout + run.stderr + str(run.report)
    assert not exists(fleet, host, f"{ROOT}/alice.txt")


def test_alice_without_a_password_is_told_to_pass_k(fleet, tmp_path, setup):
    host = fleet.light_hosts[0]
    run = corral("apply", setup, "-i", _inventory(tmp_path, fleet, "alice"), "--limit", host)
    assert run.code == 1, explain(run)
    assert "-K" in run.host(host)["tasks"][0]["msg"]
    assert not exists(fleet, host, f"{ROOT}/alice.txt")
