"""An undefined variable on three local hosts: one message, the same on each host,
with file:line:col of the name and the variable meant."""

from __future__ import annotations

from pathlib import Path

from tests.integration.corral_cli import corral, write_playbook

INVENTORY = """
all:
  vars:
    ansible_connection: local
    app_port: 8080
  hosts:
    h1: {}
    h2: {app_port: 9090}
    h3: {}
"""


def test_undefined_variable_message_is_located_and_identical_on_every_host(tmp_path: Path):
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    playbook = write_playbook(tmp_path, """\
- hosts: all
  gather_facts: false
  tasks:
    - name: show the port
      debug:
        msg: "listening on {{ app_prot }}"
    - name: never reached
      debug: msg=no
""")
    run = corral("apply", playbook, "-i", tmp_path / "inventory.yml", "--no-history")
    assert run.code == 1, run.stdout + run.stderr
    messages = {run.host(h)["tasks"][0]["msg"] for h in ("h1", "h2", "h3")}
    assert messages == {f"{playbook}:6:31: 'app_prot' is undefined; did you mean 'app_port'? "
                        "(in msg: 'listening on {{ app_prot }}')"}
