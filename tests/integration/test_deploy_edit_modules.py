"""blockinfile, replace, ini_file, sysctl, cron, authorized_key and hostname through the real
`corral` command on fleet hosts: the change is made, a second run changes nothing, and check
mode on a drifted host reports exactly the drift and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import (
    assert_unchanged,
    explain,
    host_root,
    on_hosts,
    read_file,
    remove_on_hosts,
    snapshots,
    stat_line,
    task,
    tasks_with,
)

pytestmark = pytest.mark.fleet

ROOT = host_root("deploy_edit")
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKeyDeployKeyDeployKeyDeployKeyDeploy ci@corral"

PLAYBOOK = f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: block
      blockinfile: {{path: {ROOT}/app.conf, insertafter: '^\\[server\\]', block: "workers = 4\\ntimeout = 30"}}
    - name: replace
      replace: {{path: {ROOT}/app.conf, regexp: '^listen = .*$', replace: 'listen = 0.0.0.0:8080'}}
    - name: ini
      ini_file: {{path: {ROOT}/app.ini, section: db, option: host, value: db.internal, mode: "0640"}}
      register: ini
    - name: ini new section
      community.general.ini_file: {{path: {ROOT}/app.ini, section: cache, option: size, value: "64"}}
    - name: sysctl
      ansible.posix.sysctl: {{name: vm.swappiness, value: "10", sysctl_file: {ROOT}/sysctl.conf, reload: false}}
    - name: cron
      cron: {{name: backup, job: /usr/local/bin/backup, hour: "3", minute: "0", user: root, cron_file: {ROOT}/cron.d/app}}
      register: cron
    - name: cron env
      cron: {{name: MAILTO, job: ops@example.com, env: true, user: root, cron_file: {ROOT}/cron.d/app}}
    - name: key
      ansible.posix.authorized_key: {{user: alice, key: "{KEY}", path: {ROOT}/ak/authorized_keys, key_options: no-pty}}
      register: key
    - name: results
      debug: {{msg: "ini={{{{ ini.msg }}}} jobs={{{{ cron.jobs }}}} keyfile={{{{ key.keyfile }}}}"}}
"""

SEED = f"""\
set -e
rm -rf {ROOT}
mkdir -p {ROOT}/cron.d
printf '# app\\nlisten = 127.0.0.1:80\\n[server]\\nname = app\\n' > {ROOT}/app.conf
printf '[db]\\nhost = localhost\\nport = 5432\\n' > {ROOT}/app.ini
printf 'vm.swappiness = 60\\nfs.file-max=1000\\n' > {ROOT}/sysctl.conf
"""
WRITING = ["block", "replace", "ini", "ini new section", "sysctl", "cron", "cron env", "key"]
DRIFT = f"""\
set -e
sed -i 's/^workers = 4/workers = 9/' {ROOT}/app.conf
sed -i 's/^host = .*/host = other/' {ROOT}/app.ini
chmod 0644 {ROOT}/ak/authorized_keys
"""
DRIFTED = ["block", "ini", "key"]


@pytest.fixture(scope="module")
def first(fleet: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, CorralRun]]:
    play = write_playbook(tmp_path_factory.mktemp("deploy_edit"), PLAYBOOK)
    on_hosts(fleet, SEED)
    yield play, corral("apply", play, "-i", fleet.inventory_path, "--diff")
    remove_on_hosts(fleet, ROOT)


def test_first_apply_makes_every_change(fleet: Any, first: tuple[Path, CorralRun]) -> None:
    play, run = first
    assert run.code == 0, explain(run)
    for host in fleet.hosts:
        assert tasks_with(run, host, "changed") == WRITING, host
        assert read_file(fleet, host, f"{ROOT}/app.conf") == (
            "# app\nlisten = 0.0.0.0:8080\n[server]\n# BEGIN ANSIBLE MANAGED BLOCK\nworkers = 4\n"
            "timeout = 30\n# END ANSIBLE MANAGED BLOCK\nname = app\n")
        assert read_file(fleet, host, f"{ROOT}/app.ini") == (
            "[db]\nhost = db.internal\nport = 5432\n[cache]\nsize = 64\n")
        assert stat_line(fleet, host, f"{ROOT}/app.ini") == "f 640 root root"
        assert read_file(fleet, host, f"{ROOT}/sysctl.conf") == "vm.swappiness=10\nfs.file-max=1000\n"
        assert read_file(fleet, host, f"{ROOT}/cron.d/app") == (
            'MAILTO="ops@example.com"\n#Ansible: backup\n0 3 * * * root /usr/local/bin/backup\n')
        assert read_file(fleet, host, f"{ROOT}/ak/authorized_keys") == f"no-pty {KEY}\n"
        assert stat_line(fleet, host, f"{ROOT}/ak/authorized_keys") == "f 600 alice alice"
        assert stat_line(fleet, host, f"{ROOT}/ak") == "d 700 alice alice"
    msg = task(run, fleet.hosts[0], "results")["msg"]
    assert msg == f"ini=option changed jobs=['backup'] keyfile={ROOT}/ak/authorized_keys"


def test_second_apply_changes_nothing(fleet: Any, first: tuple[Path, CorralRun]) -> None:
    play, run = first
    assert run.code == 0, explain(run)
    before = snapshots(fleet, ROOT)
    again = corral("apply", play, "-i", fleet.inventory_path)
    assert again.code == 0, explain(again)
    assert all(again.changed(h) == 0 for h in fleet.hosts)
    assert_unchanged(before, snapshots(fleet, ROOT), "a converged apply rewrote something")


def test_check_reports_the_drift_and_writes_nothing(fleet: Any, first: tuple[Path, CorralRun]) -> None:
    play, run = first
    assert run.code == 0, explain(run)
    drifted = fleet.light_hosts[0]
    on_hosts(fleet, DRIFT, [drifted])
    before = snapshots(fleet, ROOT)
    check = corral("check", play, "-i", fleet.inventory_path)
    assert check.code == 2, explain(check)
    assert_unchanged(before, snapshots(fleet, ROOT), "check mode wrote to a host")
    assert tasks_with(check, drifted, "changed") == DRIFTED
    assert "-workers = 9" in task(check, drifted, "block")["diff"]["unified"]
    assert all(check.changed(h) == 0 for h in fleet.hosts if h != drifted)
    repair = corral("apply", play, "-i", fleet.inventory_path)
    assert tasks_with(repair, drifted, "changed") == DRIFTED


def test_duplicate_cron_names_fail(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    on_hosts(fleet, f"mkdir -p {ROOT}/dup && printf '#Ansible: x\\n* * * * * root a\\n"
                    f"#Ansible: x\\n* * * * * root b\\n' > {ROOT}/dup/cron", [host])
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - cron: {{name: x, job: c, user: root, cron_file: {ROOT}/dup/cron}}
      ignore_errors: true
""")
    run = corral("apply", play, "-i", fleet.inventory_path)
    tasks = run.host(host)["tasks"]
    assert "is in the crontab 2 times (lines 1, 3)" in tasks[0]["msg"]
    assert read_file(fleet, host, f"{ROOT}/dup/cron").count("#Ansible: x") == 2


def test_hostname_three_ways(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[-1]
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - hostname: {{name: "{{{{ new_name }}}}"}}
    - debug: {{msg: "{{{{ ansible_hostname }}}} {{{{ ansible_facts.hostname }}}}"}}
""")
    try:
        check = corral("check", play, "-i", fleet.inventory_path, "-e", "new_name=web-renamed")
        assert check.code == 2 and fleet.exec(host, ["hostname"]).stdout.strip() == host
        run = corral("apply", play, "-i", fleet.inventory_path, "-e", "new_name=web-renamed")
        assert run.code == 0 and run.changed(host) == 1, explain(run)
        assert run.host(host)["tasks"][1]["msg"] == "web-renamed web-renamed"  # facts updated
        assert fleet.exec(host, ["hostname"]).stdout.strip() == "web-renamed"
        assert read_file(fleet, host, "/etc/hostname") == "web-renamed\n"
        again = corral("apply", play, "-i", fleet.inventory_path, "-e", "new_name=web-renamed")
        assert again.code == 0 and again.changed(host) == 0
    finally:
        restore = corral("apply", play, "-i", fleet.inventory_path, "-e", f"new_name={host}")
        assert restore.code == 0, explain(restore)
    assert fleet.exec(host, ["hostname"]).stdout.strip() == host
