"""Ctrl-C on 50 real hosts: the real `corral apply` exits 130 within 2 s with the recap
and the JSON report (every host `interrupted`), and 2 s later no agent and no command
is left on any host, also under sudo where only the agent can stop them.

The 50 light hosts are a fleet of this module's own (CORRAL_FLEET_SCALE_STATE,
CORRAL_FLEET_SCALE_PORT; relays at +1000), brought up once for these tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from corral_cli import write_playbook
from engine_support import write_inventory
from pytest_fleet import FleetHandle, _env_int, _run_session, _Session

pytestmark = pytest.mark.fleet

HOSTS = 50
STOPPED_WITHIN = 2.0  # seconds from the signal to corral's exit, at any host count
SLEEP = "sleep 60"


@pytest.fixture(scope="module")
def scale_fleet() -> Iterator[FleetHandle]:
    session = _Session(os.environ.get("CORRAL_FLEET_SCALE_STATE", "/run/corral-fleet-pytest-scale"),
                       _env_int("CORRAL_FLEET_SCALE_PORT", 26201))
    yield from _run_session(session, HOSTS, 0)


def _processes(fleet: FleetHandle, hosts: list[str]) -> dict[str, list[str]]:
    """Each host's process list (command lines), read inside the host through nsenter."""
    def one(host: str) -> list[str]:
        return fleet.exec(host, ["ps", "-eo", "args"], check=True).stdout.splitlines()[1:]

    with ThreadPoolExecutor(16) as pool:
        return dict(zip(hosts, pool.map(one, hosts)))


def _leftovers(fleet: FleetHandle, hosts: list[str]) -> dict[str, list[str]]:
    """What corral left running: agents (the loader execs zlib data), sudo, the command."""
    left = {}
    for host, lines in _processes(fleet, hosts).items():
        found = [line for line in lines
                 if "zlib.decompress" in line or line.startswith(("sudo", SLEEP))]
        if found:
            left[host] = found
    return left


def _wait_until_all_run_the_command(fleet: FleetHandle, hosts: list[str],
                                    proc: subprocess.Popen[str], timeout: float = 60) -> None:
    waiting = list(hosts)
    deadline = time.monotonic() + timeout
    while waiting:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"never started the command: {waiting}"
        listed = _processes(fleet, waiting)
        waiting = [h for h in waiting if not any(line.startswith(SLEEP) for line in listed[h])]


class Run:
    """`corral apply` in a subprocess, as a user runs it, with its report."""

    def __init__(self, tmp_path: Path, fleet: FleetHandle, hosts: list[str], play_keys: str = "",
                 ports: dict[str, int] | None = None) -> None:
        playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
{play_keys}  tasks:
    - debug: msg=before
    - name: the long command
      command: {SLEEP}
    - debug: msg=never
""")
        inventory = write_inventory(tmp_path / "inv.json", fleet, hosts, ports=ports)
        self.report_path = tmp_path / "report.json"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "corral", "apply", str(playbook), "-i", str(inventory),
             "--report", str(self.report_path), "--forks", str(HOSTS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def interrupt(self, again_after: float | None = None) -> tuple[float, str]:
        """SIGINT (twice if asked); seconds from the first signal to the exit, and stdout."""
        began = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        if again_after is not None:
            time.sleep(again_after)
            self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=60)
        elapsed = time.monotonic() - began
        assert self.proc.returncode == 130, (out, err)
        return elapsed, out

    def report(self) -> dict[str, Any]:
        return dict(json.loads(self.report_path.read_text()))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def _check_interrupted(run: Run, out: str, hosts: list[str]) -> None:
    report = run.report()
    assert report["interrupted"] is True
    assert sorted(report["hosts"]) == sorted(hosts)
    for name, host in report["hosts"].items():
        assert host["interrupted"] is True, (name, host)
        assert host["interrupted_task"] == "the long command"
        assert [t["msg"] for t in host["tasks"]] == ["before"]  # what ran, nothing after
    assert f"{len(hosts)} hosts: 0 ok, 0 changed, 0 failed, 0 unreachable, {len(hosts)} " \
           "interrupted" in out
    assert "PLAY RECAP" in out and out.count("interrupted=1 (during 'the long command')") == len(hosts)


def _ctrl_c_on_every_host(tmp_path: Path, fleet: FleetHandle, play_keys: str = "") -> None:
    hosts = fleet.hosts
    run = Run(tmp_path, fleet, hosts, play_keys)
    try:
        _wait_until_all_run_the_command(fleet, hosts, run.proc)
        elapsed, out = run.interrupt()
        ended = time.monotonic()
        assert elapsed < STOPPED_WITHIN, f"exit {elapsed:.2f}s after Ctrl-C on {len(hosts)} hosts"
        _check_interrupted(run, out, hosts)
        time.sleep(max(0.0, 2.0 - (time.monotonic() - ended)))
        assert _leftovers(fleet, hosts) == {}
    finally:
        run.kill()


def test_ctrl_c_stops_every_host_at_once(tmp_path: Path, scale_fleet: FleetHandle) -> None:
    _ctrl_c_on_every_host(tmp_path, scale_fleet)


def test_ctrl_c_stops_commands_run_as_root_through_sudo(tmp_path: Path,
                                                        scale_fleet: FleetHandle) -> None:
    """deploy's sudo needs no password; the controller could not signal root's processes."""
    _ctrl_c_on_every_host(tmp_path, scale_fleet, "  remote_user: deploy\n  become: true\n")


def test_ctrl_c_stops_commands_run_through_sudo_with_a_password(
        tmp_path: Path, scale_fleet: FleetHandle) -> None:
    _ctrl_c_on_every_host(tmp_path, scale_fleet, "  remote_user: alice\n  become: true\n"
                          "  vars: {ansible_become_password: alice-secret}\n")


def test_second_ctrl_c_stops_waiting_but_keeps_recap_and_report(
        tmp_path: Path, scale_fleet: FleetHandle) -> None:
    """Two hosts stop answering (stalled relays) when Ctrl-C comes: the first Ctrl-C
    would wait for them up to its deadline, the second stops waiting at once. Once their
    connections drop, their agents still stop the command themselves."""
    hosts = scale_fleet.hosts[:8]
    relays = {host: scale_fleet.relay(host) for host in hosts[:2]}
    run = Run(tmp_path, scale_fleet, hosts, ports={h: r.port for h, r in relays.items()})
    try:
        _wait_until_all_run_the_command(scale_fleet, hosts, run.proc)
        for relay in relays.values():
            relay.stall(60)
        elapsed, out = run.interrupt(again_after=0.2)
        assert elapsed < 0.2 + 0.6, f"exit {elapsed:.2f}s after the first Ctrl-C"
        _check_interrupted(run, out, hosts)
        for relay in relays.values():
            relay.stop()  # the stalled connections drop: their agents see end of input
        time.sleep(2)
        assert _leftovers(scale_fleet, hosts) == {}
    finally:
        run.kill()
        for relay in relays.values():
            relay.stop()
