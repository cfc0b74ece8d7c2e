"""The stop reason and the aborted hosts of a rollout, on local hosts (no fleet needed)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.corral_cli import corral, write_playbook

PLAYBOOK = """
- name: Fatal rollout
  hosts: all
  serial: 3
  any_errors_fatal: true
  gather_facts: false
  tasks:
    - name: First
      command: "true"
      changed_when: false
    - name: Check
      command: "test {{ inventory_hostname }} != l2"
      changed_when: false
    - name: Never reached
      command: "true"
"""


def test_any_errors_fatal_says_why_it_stopped_and_who_it_cut_short(tmp_path: Path) -> None:
    hosts = "\n".join(f"        l{i}: {{}}" for i in range(1, 7))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  vars: {ansible_connection: local}\n  children:\n    local:\n"
                         f"      hosts:\n{hosts}\n")
    run = corral("apply", write_playbook(tmp_path, PLAYBOOK), "-i", inventory)
    assert run.code == 1, run.stdout + run.stderr
    tail = run.stdout.rstrip("\n").splitlines()[-4:]
    assert tail == ["stopped: any_errors_fatal in batch 1 (1 of 3 failed)",
                    "  aborted mid-batch: l1, l3",
                    "  never touched: l[4:6]",
                    tail[-1]]
    assert tail[-1].startswith("6 hosts: 0 ok, 0 changed, 1 failed, 0 unreachable, 2 aborted, "
                               "3 never touched in ")
    assert run.report["outcomes"]["aborted"] == 2
    assert run.report["stop_reason"] == "any_errors_fatal in batch 1 (1 of 3 failed)"
