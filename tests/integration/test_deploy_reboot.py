"""reboot on a fleet systemd host: the play reboots it, waits, reconnects, and goes on.

A fleet host is a PID namespace whose PID 1 is systemd: `shutdown -r` there runs the
whole systemd shutdown and ends the namespace, as a reboot ends a machine's run. What
a real machine's firmware does next (start it again) is done here by a watcher thread
with the fleet library's `start` (same disk, fresh /run and /tmp, new PID 1), as
soon as it sees the host's PID 1 gone. corral notices the new boot by the boot marker
(boot id and PID 1's start time), runs test_command, and the next task gets a new agent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import explain, task

pytestmark = pytest.mark.fleet

MARK = "/run/corral-before-reboot"


def _pid1_start(fleet: Any, host: str) -> str:
    return fleet.exec(host, "cut -d' ' -f22 /proc/1/stat").stdout.strip()


@pytest.fixture
def power(fleet: Any) -> Iterator[dict[str, int]]:
    """Starts the systemd host again whenever its PID 1 has gone (a machine's firmware)."""
    host = fleet.systemd_hosts[0]
    seen = {"restarts": 0}
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not fleet.alive(host):
                fleet.start(host)
                seen["restarts"] += 1
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(30)
        if not fleet.alive(host):
            fleet.start(host)


def _apply(fleet: Any, play: Path, host: str, *extra: str) -> CorralRun:
    return corral("apply", play, "-i", fleet.inventory_path, "--limit", host, *extra, timeout=400)


def test_reboot_and_continue(fleet: Any, power: dict[str, int], tmp_path: Path) -> None:
    host = fleet.systemd_hosts[0]
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: mark this boot
      file: {{path: {MARK}, state: touch}}
    - name: reboot
      reboot: {{msg: "kernel update", reboot_timeout: 180, post_reboot_delay: 1,
               test_command: "systemctl is-active ssh"}}
      register: rebooted
    - name: after
      stat: {{path: {MARK}}}
      register: mark
    - name: show
      debug: {{msg: "rebooted={{{{ rebooted.rebooted }}}} mark={{{{ mark.stat.exists }}}}"}}
""")
    before = _pid1_start(fleet, host)
    check = _apply(fleet, play, host, "--check")
    assert check.code == 2 and task(check, host, "reboot")["status"] == "changed", explain(check)
    assert _pid1_start(fleet, host) == before and power["restarts"] == 0, "check mode rebooted"

    run = _apply(fleet, play, host)
    assert run.code == 0, explain(run)
    assert power["restarts"] == 1
    assert _pid1_start(fleet, host) != before
    assert task(run, host, "reboot")["status"] == "changed"
    assert "rebooted=True mark=False" in task(run, host, "show")["msg"], explain(run)


def test_reboot_timeout_names_host(fleet: Any, tmp_path: Path) -> None:
    host = fleet.systemd_hosts[0]
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: reboot that never happens
      reboot: {{reboot_command: "true", reboot_timeout: 3}}
""")
    run = _apply(fleet, play, host)
    assert run.code == 1, explain(run)
    msg = task(run, host, "reboot that never happens")["msg"]
    assert "did not come back within 3 s: it has not rebooted yet" in msg, msg
    assert host in run.stdout
