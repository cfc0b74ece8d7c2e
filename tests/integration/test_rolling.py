"""A rolling deploy on real fleet hosts: serial batches, restart on change, a failing batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.corral_cli import corral, write_playbook

pytestmark = pytest.mark.fleet

PLAYBOOK = """
- name: Rolling deploy
  hosts: fleet
  serial: 2
  max_fail_percentage: 0
  gather_facts: false
  vars:
    release: "{{ release_tag }}"
  tasks:
    - name: App folder
      file: path=/srv/rolling state=directory mode=0755
    - name: App config
      template: src=app.conf.j2 dest=/srv/rolling/app.conf mode=0644
      notify: restart app
    - name: Health check
      command: test ! -e /srv/rolling/broken
      changed_when: false
  handlers:
    - name: restart app
      shell: date +%s%N >> /srv/rolling/restarts
"""


def _write_project(tmp_path: Path) -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "app.conf.j2").write_text(
        "release = {{ release }}\nhost = {{ inventory_hostname }}\n")
    return write_playbook(tmp_path, PLAYBOOK)


def _restarts(fleet, host: str) -> int:
    out = fleet.exec(host, "cat /srv/rolling/restarts 2>/dev/null | wc -l").stdout
    return int(out.strip() or 0)


def test_rolling_deploy_batches_restart_and_stop_on_failure(fleet, tmp_path: Path) -> None:
    playbook = _write_project(tmp_path)
    hosts = list(fleet.hosts)
    assert len(hosts) >= 5, "the session fleet has at least 5 hosts"
    inventory = fleet.inventory_path
    try:
        first = corral("apply", playbook, "-i", inventory, "-e", "release_tag=v1")
        assert first.code == 0, first.stdout + first.stderr
        assert first.stdout.count("batch ") == 3  # 5 hosts, serial 2: 2 + 2 + 1
        for host in hosts:
            assert "release = v1" in fleet.exec(host, "cat /srv/rolling/app.conf").stdout
            assert _restarts(fleet, host) == 1

        again = corral("apply", playbook, "-i", inventory, "-e", "release_tag=v1")
        assert again.code == 0
        assert all(again.changed(h) == 0 for h in hosts)
        assert all(_restarts(fleet, h) == 1 for h in hosts)  # no change, no restart

        # The third host's health check fails: its batch (hosts 3 and 4) stops the rollout.
        fleet.exec(hosts[2], "touch /srv/rolling/broken", check=True)
        third = corral("apply", playbook, "-i", inventory, "-e", "release_tag=v2")
        assert third.code == 1, third.stdout
        for host in hosts[:4]:
            assert "release = v2" in fleet.exec(host, "cat /srv/rolling/app.conf").stdout
        assert "release = v1" in fleet.exec(hosts[4], "cat /srv/rolling/app.conf").stdout
        assert third.host(hosts[4])["never_touched"] is True
        assert third.host(hosts[4])["tasks"] == []
        assert "never touched" in third.stdout
        assert [_restarts(fleet, h) for h in hosts[:2]] == [2, 2]  # first batch restarted
        assert _restarts(fleet, hosts[2]) == 1  # failed before its handlers ran
        assert third.host(hosts[2])["failed"] == 1
    finally:
        for host in hosts:
            fleet.exec(host, "rm -rf /srv/rolling")
