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

from corral.executor.engine import INTERRUPT_CLOSE_SECONDS

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
        return dict(zip(hosts, pool.map(one, hosts), strict=True))


def _leftovers(fleet: FleetHandle, hosts: list[str]) -> dict[str, list[str]]:
    """What corral left running: agents (the loader execs zlib data), sudo, the command."""
    left = {}
    for host, lines in _processes(fleet, hosts).items():
        found = [line for line in lines
                 if "zlib.decompress" in line or line.startswith(("sudo", SLEEP))]
        if found:
            left[host] = found
    return left


def _runs_the_command(cgroup: str) -> bool:
    """Whether a host (its processes: the cgroup the fleet keeps it in) runs SLEEP."""
    try:
        pids = Path(cgroup, "cgroup.procs").read_text().split()
    except OSError:
        return False
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(SLEEP.replace(" ", "\0").encode()):
                return True
        except OSError:
            continue
    return False


def _wait_until_all_run_the_command(fleet: FleetHandle, hosts: list[str],
                                    proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Polled from outside the hosts (no process started per poll: the machine is busy
    enough bringing 50 agents up); the checks after the Ctrl-C look inside each host."""
    state = json.loads((fleet.state_dir / "state.json").read_text())
    waiting = {h: state["hosts"][h]["running"]["cgroup"] for h in hosts}
    deadline = time.monotonic() + timeout
    while waiting:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"never started the command: {sorted(waiting)}"
        waiting = {h: cgroup for h, cgroup in waiting.items() if not _runs_the_command(cgroup)}
        time.sleep(0.05)


class Run:
    """`corral apply` in a subprocess, as a user runs it, with its report."""

    def __init__(self, tmp_path: Path, fleet: FleetHandle, hosts: list[str],
                 ports: dict[str, int] | None = None,
                 host_vars: dict[str, dict[str, Any]] | None = None) -> None:
        playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - debug: msg=before
    - name: the long command
      command: {SLEEP}
    - debug: msg=never
""")
        inventory = write_inventory(tmp_path / "inv.json", fleet, hosts, ports=ports,
                                    host_vars=host_vars)
        self.report_path = tmp_path / "report.json"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "corral", "apply", str(playbook), "-i", str(inventory),
             "--report", str(self.report_path), "--forks", str(HOSTS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def interrupt(self, again_after: float | None = None,
                  signum: int = signal.SIGINT) -> tuple[float, str]:
        """SIGINT (twice if asked); seconds from the first signal to the exit, and stdout."""
        began = time.monotonic()
        self.proc.send_signal(signum)
        if again_after is not None:
            time.sleep(again_after)
            self.proc.send_signal(signum)
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


def _ctrl_c_on_every_host(tmp_path: Path, fleet: FleetHandle,
                          host_vars: dict[str, dict[str, Any]] | None = None) -> None:
    hosts = fleet.hosts
    run = Run(tmp_path, fleet, hosts, host_vars=host_vars)
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
    """The command runs as root, which the controller could not signal: half the hosts
    log in as deploy (sudo without a password), half as alice (sudo with hers). One
    run of 50 hosts for both, to keep the suite short."""
    deploy = {"ansible_user": "deploy", "ansible_become": True}
    alice = {"ansible_user": "alice", "ansible_become": True,
             "ansible_become_password": "alice-secret"}
    hosts = scale_fleet.hosts
    _ctrl_c_on_every_host(tmp_path, scale_fleet,
                          {h: deploy if i % 2 else alice for i, h in enumerate(hosts)})


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
        elapsed, out = run.interrupt(again_after=0.1)
        # the first Ctrl-C alone waits INTERRUPT_CLOSE_SECONDS for the stalled hosts
        assert elapsed < INTERRUPT_CLOSE_SECONDS - 0.15, f"exit {elapsed:.2f}s after Ctrl-C"
        _check_interrupted(run, out, hosts)
        for relay in relays.values():
            relay.stop()  # the stalled connections drop: their agents see end of input
        time.sleep(2)
        assert _leftovers(scale_fleet, hosts) == {}
    finally:
        run.kill()
        for relay in relays.values():
            relay.stop()


def test_sigterm_stops_like_ctrl_c(tmp_path: Path, scale_fleet: FleetHandle) -> None:
    hosts = scale_fleet.hosts[:8]
    run = Run(tmp_path, scale_fleet, hosts)
    try:
        _wait_until_all_run_the_command(scale_fleet, hosts, run.proc)
        elapsed, out = run.interrupt(signum=signal.SIGTERM)
        assert elapsed < STOPPED_WITHIN
        _check_interrupted(run, out, hosts)
        time.sleep(2)
        assert _leftovers(scale_fleet, hosts) == {}
    finally:
        run.kill()
