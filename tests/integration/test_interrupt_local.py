"""Ctrl-C in the middle of a rollout, on hosts reached through the local connection:
every host selected ends in exactly one state (what it finished, interrupted, or never
touched), the counts add up, and the command is stopped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.corral_cli import write_playbook

INVENTORY = """
all:
  vars: {ansible_connection: local}
  children:
    web: {hosts: {w1: {}, w2: {}}}
    db: {hosts: {d1: {}}}
"""
SLEEP = "sleep 61.25"  # a duration of its own, to find it among this machine's processes


def _running(pattern: str) -> str:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.strip()


def test_ctrl_c_mid_rollout_gives_every_host_one_state(tmp_path: Path) -> None:
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    playbook = write_playbook(tmp_path, f"""
- hosts: web
  gather_facts: false
  serial: 1
  tasks:
    - debug: msg=before
    - name: long
      command: {SLEEP}
- hosts: db
  gather_facts: false
  tasks:
    - debug: msg=later
""")
    report = tmp_path / "report.json"
    proc = subprocess.Popen([sys.executable, "-m", "corral", "apply", str(playbook), "-i",
                             str(tmp_path / "inventory.yml"), "--report", str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not _running(SLEEP):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        began = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, (out, err)
        assert time.monotonic() - began < 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    hosts = json.loads(report.read_text())["hosts"]
    assert (hosts["w1"]["interrupted"], hosts["w1"]["interrupted_task"]) == (True, "long")
    assert [t["msg"] for t in hosts["w1"]["tasks"]] == ["before"]
    for name in ("w2", "d1"):  # w2's batch never started; d1's play never came
        assert (hosts[name]["never_touched"], hosts[name]["interrupted"]) == (True, False)
        assert hosts[name]["tasks"] == []
    assert "3 hosts: 0 ok, 0 changed, 0 failed, 0 unreachable, 1 interrupted, 2 never touched" \
        in out
    assert "\nstopped: interrupted (Ctrl-C or SIGTERM)\n  interrupted: w1\n  never touched: w2, d1\n3 hosts: " \
        in out
    assert _running(SLEEP) == ""
