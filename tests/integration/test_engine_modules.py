"""Every file module through the real `corral` command on every fleet host, over SSH:
the triple — the first apply makes the change, a second changes nothing, and check
mode on a drifted host reports exactly the drift and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral
from engine_support import (
    assert_unchanged,
    exists,
    explain,
    host_root,
    on_hosts,
    read_file,
    recap_line,
    remove_on_hosts,
    snapshots,
    stat_line,
    task,
    tasks_with,
)

pytestmark = pytest.mark.fleet

ROOT = host_root("engine_modules")
D = f"{ROOT}/d"

PLAYBOOK = """\
- name: Every file module
  hosts: fleet
  gather_facts: true
  vars:
    d: ROOT_D
  tasks:
    - name: dir
      file: {path: "{{ d }}", state: directory, mode: "0750"}
    - name: file attrs
      file: {path: "{{ d }}/seeded.txt", state: file, mode: "0604", owner: deploy, group: alice}
    - name: touch with attrs
      file: {path: "{{ d }}/attrs", state: touch, mode: "0600", owner: deploy,
             modification_time: preserve, access_time: preserve}
    - name: touched
      file: {path: "{{ d }}/touched", state: touch,
             modification_time: preserve, access_time: preserve}
    - name: link
      file: {path: "{{ d }}/link", src: "{{ d }}/attrs", state: link}
    - name: gone
      file: {path: "{{ d }}/gone", state: absent}
    - name: copy content
      copy: {content: "hello {{ inventory_hostname }}\\n", dest: "{{ d }}/content.txt",
             mode: "0640", owner: alice}
    - name: copy src
      copy: {src: payload.txt, dest: "{{ d }}/payload.txt", mode: "0644", owner: deploy}
    - name: copy backup
      copy: {content: "new\\n", dest: "{{ d }}/backed.txt", backup: true}
    - name: template
      template: {src: app.conf.j2, dest: "{{ d }}/app.conf", mode: "0644"}
    - name: lineinfile regexp
      lineinfile: {path: "{{ d }}/settings.ini", regexp: '^level\\s*=', line: "level = info"}
    - name: lineinfile insertafter
      lineinfile: {path: "{{ d }}/settings.ini", insertafter: '^\\[main\\]', line: "added = yes"}
    - name: lineinfile absent
      lineinfile: {path: "{{ d }}/settings.ini", regexp: '^obsolete', state: absent}
    - name: lineinfile create
      lineinfile: {path: "{{ d }}/new/created.ini", line: "x = 1", create: true}
    - name: command creates
      command: touch made-by-command
      args: {chdir: "{{ d }}", creates: "{{ d }}/made-by-command"}
    - name: shell removes
      shell: rm doomed && pwd > shell-ran
      args: {chdir: "{{ d }}", removes: "{{ d }}/doomed"}
    - name: stat
      stat: {path: "{{ d }}/stat-me.txt"}
      register: st
    - name: show stat
      debug: {msg: "stat-me is {{ st.stat.mode }} {{ st.stat.pw_name }} {{ st.stat.size }}"}
    - name: assert stat
      assert:
        that:
          - st.stat.exists
          - st.stat.isreg
          - st.stat.mode == '0640'
          - st.stat.pw_name == 'alice'
          - st.stat.size == 10
""".replace("ROOT_D", D)

TEMPLATE = """\
name = {{ inventory_hostname }}
port = {{ ansible_port }}
colour = {{ colour }}
hostname_fact = {{ ansible_facts['hostname'] }}
distribution = {{ ansible_distribution }}
"""

PAYLOAD = "static payload\nline two\n"

SEED = f"""\
set -e
rm -rf {ROOT}
mkdir -p {D}
printf 'old\\n' > {D}/backed.txt
printf '[main]\\nlevel = debug\\nobsolete = 1\\nend = 1\\n' > {D}/settings.ini
printf 'seed\\n' > {D}/seeded.txt
touch {D}/gone {D}/doomed
printf '0123456789' > {D}/stat-me.txt
chown alice {D}/stat-me.txt
chmod 0640 {D}/stat-me.txt
"""

READ_ONLY_TASKS = ("Gathering Facts", "stat", "show stat", "assert stat")
WRITING_TASKS = ("dir", "file attrs", "touch with attrs", "touched", "link", "gone",
                 "copy content", "copy src", "copy backup", "template", "lineinfile regexp",
                 "lineinfile insertafter", "lineinfile absent", "lineinfile create",
                 "command creates", "shell removes")

# Drift made on one host by hand; the tasks that must notice it, and only them.
DRIFT = f"""\
set -e
chmod 0755 {D}
chown root {D}/attrs
rm -f {D}/link
echo extra >> {D}/payload.txt
printf 'hand edit\\n' > {D}/backed.txt
sed -i 's/^colour = .*/colour = purple/' {D}/app.conf
echo 'obsolete = 2' >> {D}/settings.ini
rm -f {D}/made-by-command
"""
DRIFTED_TASKS = ["dir", "touch with attrs", "link", "copy src", "copy backup", "template",
                 "lineinfile absent", "command creates"]


@dataclass
class Converged:
    playbook: Path
    inventory: Path
    first: CorralRun


@pytest.fixture(scope="module")
def converged(fleet: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converged]:
    """The playbook folder (files/, templates/, group_vars/, host_vars/), seeded hosts,
    and the first apply."""
    folder = tmp_path_factory.mktemp("engine_modules")
    for sub in ("files", "templates", "group_vars", "host_vars"):
        (folder / sub).mkdir()
    (folder / "files/payload.txt").write_text(PAYLOAD)
    (folder / "templates/app.conf.j2").write_text(TEMPLATE)
    (folder / "group_vars/all.yml").write_text("colour: green\n")
    (folder / "host_vars" / f"{fleet.hosts[1]}.yml").write_text("colour: blue\n")
    playbook = folder / "play.yml"
    playbook.write_text(PLAYBOOK)
    on_hosts(fleet, SEED)
    first = corral("apply", playbook, "-i", fleet.inventory_path, "--diff")
    yield Converged(playbook, fleet.inventory_path, first)
    remove_on_hosts(fleet, ROOT)


def _apply(c: Converged, *extra: str) -> CorralRun:
    return corral("apply", c.playbook, "-i", c.inventory, *extra)


def test_first_apply_changes_every_writing_task_on_every_host(fleet, converged):
    run = converged.first
    assert run.code == 0, explain(run)
    assert sorted(run.report["hosts"]) == sorted(fleet.hosts)
    for host in fleet.hosts:
        assert tasks_with(run, host, "changed") == list(WRITING_TASKS), host
        assert tasks_with(run, host, "ok") == list(READ_ONLY_TASKS), host
        assert run.changed(host) == len(WRITING_TASKS)
    assert "stat-me is 0640 alice 10" in task(run, fleet.hosts[0], "show stat")["msg"]


def test_first_apply_left_the_hosts_as_the_playbook_says(fleet, converged):
    assert converged.first.code == 0, explain(converged.first)
    for host in fleet.hosts:
        assert stat_line(fleet, host, D) == "d 750 root root"
        assert stat_line(fleet, host, f"{D}/seeded.txt") == "f 604 deploy alice"
        assert read_file(fleet, host, f"{D}/seeded.txt") == "seed\n"
        assert stat_line(fleet, host, f"{D}/attrs") == "f 600 deploy root"
        assert stat_line(fleet, host, f"{D}/touched").startswith("f ")
        link = fleet.exec(host, ["readlink", f"{D}/link"]).stdout.strip()
        assert (stat_line(fleet, host, f"{D}/link")[0], link) == ("l", f"{D}/attrs")
        assert not exists(fleet, host, f"{D}/gone")
        assert read_file(fleet, host, f"{D}/content.txt") == f"hello {host}\n"
        assert stat_line(fleet, host, f"{D}/content.txt") == "f 640 alice root"
        assert read_file(fleet, host, f"{D}/payload.txt") == PAYLOAD
        assert stat_line(fleet, host, f"{D}/payload.txt") == "f 644 deploy root"
        _assert_one_backup(fleet, host, "old\n")
        assert read_file(fleet, host, f"{D}/backed.txt") == "new\n"
        colour = "blue" if host == fleet.hosts[1] else "green"
        assert read_file(fleet, host, f"{D}/app.conf") == (
            f"name = {host}\nport = {fleet.port(host)}\ncolour = {colour}\n"
            f"hostname_fact = {host}\ndistribution = Debian\n")
        assert read_file(fleet, host, f"{D}/settings.ini") == (
            "[main]\nadded = yes\nlevel = info\nend = 1\n")
        assert read_file(fleet, host, f"{D}/new/created.ini") == "x = 1\n"
        assert exists(fleet, host, f"{D}/made-by-command")
        assert not exists(fleet, host, f"{D}/doomed")
        assert read_file(fleet, host, f"{D}/shell-ran") == f"{D}\n"  # chdir honoured


def _assert_one_backup(fleet: Any, host: str, content: str) -> list[str]:
    found = fleet.exec(host, f"ls {D} | grep '^backed\\.txt\\..*~$'").stdout.split()
    assert found, f"{host}: no backup of backed.txt in {D}"
    contents = [read_file(fleet, host, f"{D}/{name}") for name in found]
    assert content in contents, (host, found, contents)
    return found


def test_second_apply_changes_nothing_and_rewrites_nothing(fleet, converged):
    assert converged.first.code == 0, explain(converged.first)
    before = snapshots(fleet, ROOT)
    run = _apply(converged)
    assert run.code == 0, explain(run)
    for host in fleet.hosts:
        assert run.changed(host) == 0, (host, tasks_with(run, host, "changed"))
        assert " changed=0 " in recap_line(run, host)
    assert_unchanged(before, snapshots(fleet, ROOT), "a converged apply rewrote something")


def test_check_with_no_drift_exits_0(fleet, converged):
    run = corral("check", converged.playbook, "-i", converged.inventory)
    assert run.code == 0, explain(run)
    assert all(run.changed(h) == 0 for h in fleet.hosts)


@pytest.mark.parametrize("command", [("apply", "--check", "--diff"), ("check",)],
                         ids=["apply--check", "check"])
def test_check_reports_exactly_the_drift_and_writes_nothing(fleet, converged, command):
    assert converged.first.code == 0, explain(converged.first)
    drifted = fleet.light_hosts[0]
    on_hosts(fleet, DRIFT, [drifted])
    before = snapshots(fleet, ROOT)

    run = corral(command[0], converged.playbook, "-i", converged.inventory, *command[1:])

    assert run.code == 2, explain(run)
    assert_unchanged(before, snapshots(fleet, ROOT), "check mode wrote to a host")
    assert tasks_with(run, drifted, "changed") == DRIFTED_TASKS
    assert tasks_with(run, drifted, "failed") == []
    for host in fleet.hosts:
        if host != drifted:
            assert run.changed(host) == 0, (host, tasks_with(run, host, "changed"))
    assert "-extra" in task(run, drifted, "copy src")["diff"]["unified"]
    assert "-colour = purple" in task(run, drifted, "template")["diff"]["unified"]
    assert "-obsolete = 2" in task(run, drifted, "lineinfile absent")["diff"]["unified"]
    assert _changes_section(run.stdout, drifted, DRIFTED_TASKS) == DRIFTED_TASKS

    _apply_repairs_exactly_the_drift(fleet, converged, drifted)


def _apply_repairs_exactly_the_drift(fleet: Any, converged: Converged, drifted: str) -> None:
    old_backups = set(_assert_one_backup(fleet, drifted, "old\n"))
    run = _apply(converged)
    assert run.code == 0, explain(run)
    assert tasks_with(run, drifted, "changed") == DRIFTED_TASKS
    assert all(run.changed(h) == 0 for h in fleet.hosts if h != drifted)
    assert stat_line(fleet, drifted, D) == "d 750 root root"
    assert read_file(fleet, drifted, f"{D}/payload.txt") == PAYLOAD
    new_backups = set(_assert_one_backup(fleet, drifted, "hand edit\n")) - old_backups
    assert [read_file(fleet, drifted, f"{D}/{n}") for n in new_backups] == ["hand edit\n"]


def _changes_section(stdout: str, host: str, names: list[str]) -> list[str]:
    """Which of ``names`` have an entry in the CHANGES block of the console naming ``host``.

    An entry is `  TASK: HOSTS (WHAT)`, or `  TASK:` then `    HOSTS (WHAT)` lines
    (a folded diff under it is indented further).
    """
    block = stdout.split("\nCHANGES", 1)[1].split("\n\n", 1)[0]
    entries = re.split(r"\n(?=  \S)", block)[1:]
    found = []
    for name in names:
        for entry in entries:
            heads = [line for line in entry.splitlines() if not line.startswith("      ")]
            text = "\n".join(heads)[len(f"  {name}:"):]
            if entry.startswith(f"  {name}:") and re.search(rf"(?<![\w-]){host}(?![\w-])", text):
                found.append(name)
    assert found, f"no CHANGES entry for {host} in:\n{block}"
    return found
