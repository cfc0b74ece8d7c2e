"""no_log on a loop hides the items too: the console (also with -v) says
`(item=(censored due to no_log))`, as ansible-core 2.19 does, and neither it nor the
JSON report ever shows an item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.corral_cli import corral, write_playbook

CENSORED = "(item=(censored due to no_log))"
PLAYBOOK = """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: msg="{{ item }}"
      loop: [s3cret-debug-1, s3cret-debug-2]
      no_log: true
    - name: changed per item
      command: "echo {{ item }}"
      loop: [s3cret-command]
      no_log: true
    - name: labelled
      command: "echo {{ item }}"
      loop: [s3cret-label]
      loop_control: {label: "label-{{ item }}"}
      no_log: true
    - name: failing, ignored
      command: "false {{ item }}"
      loop: [s3cret-failing]
      no_log: true
      ignore_errors: true
    - name: skipped
      command: "echo {{ item }}"
      loop: [s3cret-skipped]
      when: false
      no_log: true
    - name: shown
      debug: msg="{{ item }}"
      loop: [visible-item]
"""


@pytest.mark.parametrize("verbose", [[], ["-v"], ["-vvv", "--diff"]], ids=["plain", "v", "vvv"])
def test_no_log_loop_never_shows_the_items(tmp_path: Path, verbose: list[str]) -> None:
    (tmp_path / "inventory.yml").write_text("all:\n  hosts:\n    w1: {ansible_connection: local}\n")
    playbook = write_playbook(tmp_path, PLAYBOOK)
    result = corral("apply", playbook, "-i", tmp_path / "inventory.yml", *verbose)
    assert result.code == 0, result.stdout + result.stderr
    report = json.dumps(result.report)
    for text in (result.stdout, result.stderr, report):
        assert "s3cret" not in text
    assert result.stdout.count(CENSORED) == 6
    for word in ("ok", "changed", "failed (ignored)", "skipping"):
        assert f"{word}: [w1] => {CENSORED}" in result.stdout
    assert "(item=visible-item)" in result.stdout  # without no_log the item shows
