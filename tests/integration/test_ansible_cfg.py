"""ansible.cfg on real hosts: its inventory, remote_user, private_key_file, become and gathering
are used, and the command line, play keywords and inventory variables beat them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook

pytestmark = pytest.mark.fleet

PLAY = """\
- hosts: fleet
  tasks:
    - name: who
      command: id -un
      register: who
    - debug: {msg: "user={{ who.stdout }} facts={{ ansible_hostname is defined }}"}
- hosts: fleet
  gather_facts: true
  become: false
  tasks:
    - command: id -un
      register: login
    - debug: {msg: "login={{ login.stdout }} facts={{ ansible_hostname is defined }}"}
"""


def _project(tmp_path: Path, fleet: Any, cfg_extra: str = "") -> Path:
    host = fleet.light_hosts[0]
    inventory = {"all": {"vars": {"corral_known_hosts": str(fleet.known_hosts)},
                         "children": {"fleet": {"hosts": {host: {
                             "ansible_host": "127.0.0.1", "ansible_port": fleet.port(host)}}}}}}
    (tmp_path / "hosts.yml").write_text(json.dumps(inventory))
    (tmp_path / "ansible.cfg").write_text(f"""\
[defaults]
inventory = hosts.yml
remote_user = deploy
private_key_file = {fleet.key_path}
gathering = explicit
stdout_callback = yaml
{cfg_extra}
[privilege_escalation]
become = true
""")
    return write_playbook(tmp_path, PLAY)


def _messages(run: CorralRun) -> list[str]:
    return [t["msg"] for host in run.report["hosts"].values() for t in host["tasks"]
            if t["module"] == "debug"]


def test_settings_come_from_ansible_cfg(fleet: Any, tmp_path: Path) -> None:
    play = _project(tmp_path, fleet)
    run = corral("apply", play, "-v", cwd=tmp_path)  # no -i: ansible.cfg's inventory
    assert run.code == 0, run.stdout + run.stderr
    # become from [privilege_escalation]; gathering=explicit: only the play that asks gathers;
    # the play keyword become: false beats the config
    assert _messages(run) == ["user=root facts=False", "login=deploy facts=True"]
    assert "ansible.cfg settings corral does not use: [defaults] stdout_callback" in run.stderr


def test_command_line_and_inventory_beat_ansible_cfg(fleet: Any, tmp_path: Path) -> None:
    play = _project(tmp_path, fleet)
    run = corral("apply", play, "-u", "root", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert _messages(run)[1] == "login=root facts=True"
    inventory = json.loads((tmp_path / "hosts.yml").read_text())
    inventory["all"]["vars"]["ansible_user"] = "alice"
    (tmp_path / "hosts.yml").write_text(json.dumps(inventory))
    run = corral("apply", play, "-u", "root", "--become-user", "deploy", cwd=tmp_path)
    assert run.code == 1  # alice's sudo needs her password: the inventory's user won
    run = corral("apply", play, "-u", "root", "--forks", "1", "-e", "ansible_user=deploy",
                 cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert _messages(run)[1] == "login=deploy facts=True"


def test_syntax_check_and_missing_inventory(fleet: Any, tmp_path: Path) -> None:
    play = _project(tmp_path, fleet)
    assert corral("apply", play, "--syntax-check", cwd=tmp_path).stdout == f"playbook: {play}\n"
    (tmp_path / "ansible.cfg").unlink()
    run = corral("apply", play, cwd=tmp_path)
    assert run.code == 5 and "give an inventory with -i" in run.stderr
    broken = corral("apply", write_playbook(tmp_path, "- hosts: all\n  tasks: [{bogus: 1}]\n", "b.yml"),
                    "-i", tmp_path / "hosts.yml", "--syntax-check", cwd=tmp_path)
    assert broken.code == 4
