"""package_facts, service_facts, getent, find and dpkg_selections on fleet hosts: facts land in
ansible_facts for later tasks; dpkg_selections three ways (hold, again, check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import corral, write_playbook
from engine_support import explain

pytestmark = pytest.mark.fleet


def test_gathered_facts_are_usable(fleet: Any, tmp_path: Path) -> None:
    systemd, light = fleet.systemd_hosts[0], fleet.light_hosts[0]
    play = write_playbook(tmp_path, f"""\
- hosts: {systemd},{light}
  gather_facts: false
  tasks:
    - package_facts:
    - service_facts:
    - getent: {{database: passwd, key: alice}}
    - find: {{paths: /etc/ssh, patterns: "sshd_config*"}}
      register: ssh_files
    - debug:
        msg: >-
          python={{{{ ansible_facts.packages['python3'][0].version is defined }}}}
          ssh={{{{ ansible_facts.services.get('ssh.service', {{}}).get('state', 'none') }}}}
          alice={{{{ getent_passwd.alice[4] }}}}
          found={{{{ ssh_files.files | map(attribute='path') | list }}}}
""")
    run = corral("apply", play, "-i", fleet.inventory_path)
    assert run.code == 0, explain(run)
    msgs = {h: run.host(h)["tasks"][-1]["msg"] for h in (systemd, light)}
    assert msgs[systemd] == ("python=True ssh=running alice=/home/alice "
                             "found=['/etc/ssh/sshd_config']")
    assert msgs[light].startswith("python=True ssh=")  # sysv/none on a light host
    assert all(t["status"] == "ok" for h in (systemd, light) for t in run.host(h)["tasks"])


def test_dpkg_selections_three_ways(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - dpkg_selections: {{name: sudo, selection: "{{{{ sel }}}}"}}
""")

    def selection() -> str:
        return str(fleet.exec(host, ["dpkg", "--get-selections", "sudo"]).stdout.split()[1])

    try:
        check = corral("check", play, "-i", fleet.inventory_path, "-e", "sel=hold")
        assert check.code == 2 and selection() == "install", explain(check)
        held = corral("apply", play, "-i", fleet.inventory_path, "-e", "sel=hold")
        assert held.code == 0 and held.changed(host) == 1 and selection() == "hold"
        again = corral("apply", play, "-i", fleet.inventory_path, "-e", "sel=hold")
        assert again.code == 0 and again.changed(host) == 0
    finally:
        corral("apply", play, "-i", fleet.inventory_path, "-e", "sel=install")
    assert selection() == "install"
