"""The local fleet itself: hosts, image contents, host controls, relay, clean teardown."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FLEET_DIR = Path(__file__).resolve().parents[1] / "fleet"
FLEET_CLI = FLEET_DIR / "fleet"
sys.path.insert(0, str(FLEET_DIR))

from fleetlib import FleetError  # noqa: E402
from relay import Relay  # noqa: E402

pytestmark = pytest.mark.fleet


@pytest.fixture
def light_host(fleet) -> Iterator[str]:
    """The last light host, reset to clean after the test."""
    host = fleet.light_hosts[-1]
    yield host
    fleet.reset(host)


@pytest.fixture
def systemd_host(fleet) -> Iterator[str]:
    host = fleet.systemd_hosts[0]
    yield host
    fleet.reset(host)


def test_every_host_accepts_ssh_with_its_own_hostname(fleet):
    for host in fleet.hosts:
        done = fleet.ssh(host, "hostname")
        assert (done.returncode, done.stdout.strip()) == (0, host), done.stderr


def test_inventory_lists_every_host_and_the_systemd_group(fleet):
    text = fleet.inventory_path.read_text()
    for host in fleet.hosts:
        assert f"{host}: {{ansible_host: 127.0.0.1, ansible_port: {fleet.port(host)}}}" in text
    systemd_part = text.split("    systemd:")[1]
    assert all(f"{host}: {{}}" in systemd_part for host in fleet.systemd_hosts)
    assert f"ansible_ssh_private_key_file: {fleet.key_path}" in text
    assert f"corral_known_hosts: {fleet.known_hosts}" in text


def test_users_deploy_has_passwordless_sudo_and_alice_needs_her_password(fleet):
    host = fleet.light_hosts[0]
    assert fleet.ssh(host, "sudo -n id -u", user="deploy").stdout.strip() == "0"
    assert fleet.ssh(host, "sudo -n true", user="alice").returncode != 0
    with_password = fleet.ssh(host, "echo alice-secret | sudo -S -p '' id -u", user="alice")
    assert with_password.stdout.strip() == "0", with_password.stderr


def test_apt_installs_offline_and_2_0_appears_only_after_enabling_next(fleet, light_host):
    install = fleet.exec(light_host, "apt-get install -y -qq corral-demo")
    assert install.returncode == 0, install.stderr
    assert fleet.exec(light_host, "cat /usr/share/corral-demo/VERSION").stdout == "1.0\n"
    assert "Candidate: 1.0" in fleet.exec(light_host, "apt-cache policy corral-demo").stdout
    assert fleet.exec(light_host, "corral-fleet-enable-next").returncode == 0
    assert "Candidate: 2.0" in fleet.exec(light_host, "apt-cache policy corral-demo").stdout
    assert fleet.exec(light_host, "apt-get install -y -qq corral-demo").returncode == 0
    assert fleet.exec(light_host, "cat /usr/share/corral-demo/VERSION").stdout == "2.0\n"


def test_systemd_host_is_booted_and_runs_the_demo_service(fleet, systemd_host):
    state = fleet.exec(systemd_host, "systemctl is-system-running").stdout.strip()
    assert state in ("running", "degraded")
    assert fleet.exec(systemd_host, "ps -p 1 -o comm=").stdout.strip() == "systemd"
    assert fleet.exec(systemd_host, "apt-get install -y -qq corral-demo-svc").returncode == 0
    assert fleet.exec(systemd_host, "systemctl start corral-demo").returncode == 0
    assert fleet.exec(systemd_host, "systemctl is-active corral-demo").stdout.strip() == "active"
    assert "message=hello" in fleet.exec(systemd_host, "cat /run/corral-demo/active.conf").stdout
    fleet.exec(
        systemd_host, "echo message=changed > /etc/corral-demo.conf && systemctl reload corral-demo"
    )
    assert _eventually(
        lambda: (
            "message=changed" in fleet.exec(systemd_host, "cat /run/corral-demo/active.conf").stdout
        )
    )


def test_ssh_sessions_on_systemd_host_work_for_every_user(fleet):
    host = fleet.systemd_hosts[0]
    for user in ("root", "deploy", "alice"):
        done = fleet.ssh(host, "id -un", user=user)
        assert done.stdout.strip() == user, done.stderr


def test_exec_passes_exit_status_and_output_through(fleet):
    host = fleet.light_hosts[0]
    done = fleet.exec(host, "echo out; echo err >&2; exit 3")
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    cli = subprocess.run(
        [
            str(FLEET_CLI),
            "exec",
            "--state-dir",
            str(fleet.state_dir),
            host,
            "--",
            "sh",
            "-c",
            "hostname; exit 5",
        ],
        capture_output=True,
        text=True,
    )
    assert (cli.returncode, cli.stdout) == (5, f"{host}\n"), cli.stderr


def test_stop_and_start_keep_the_host_changes(fleet, light_host):
    fleet.exec(light_host, "echo kept > /root/marker", check=True)
    fleet.stop(light_host)
    assert fleet.ssh(light_host, "true").returncode == 255
    with pytest.raises(FleetError, match="stopped"):
        fleet.exec(light_host, "true")
    fleet.start(light_host)
    assert fleet.ssh(light_host, "cat /root/marker").stdout == "kept\n"


def test_reset_returns_a_host_to_clean(fleet, light_host):
    fleet.exec(
        light_host,
        "echo dirty > /root/marker && apt-get install -y -qq corral-demo && rm /etc/issue",
        check=True,
    )
    fleet.reset(light_host)
    after = fleet.ssh(light_host, "ls /root/marker; dpkg -s corral-demo; cat /etc/issue")
    assert "No such file" in after.stderr and "not installed" in after.stderr
    assert "Debian" in after.stdout


def test_relay_adds_measurable_delay(fleet):
    host = fleet.light_hosts[0]
    direct = _timed(lambda: fleet.ssh(host, "true"))
    relay = fleet.relay(host, delay_up_ms=50, delay_down_ms=50)
    try:
        relayed = _timed(lambda: fleet.ssh(host, "true", port=relay.port))
    finally:
        relay.stop()
    # an ssh login takes several round trips, each 100 ms longer through the relay
    assert relayed - direct > 0.3, (direct, relayed)


def test_relay_stall_pauses_and_drop_kills_a_connection(fleet):
    host = fleet.light_hosts[0]
    relay = fleet.relay(host)
    try:
        assert fleet.ssh(host, "true", port=relay.port).returncode == 0
        relay.stall(1.0)
        assert _timed(lambda: fleet.ssh(host, "true", port=relay.port)) >= 1.0
        session = subprocess.Popen(
            [*fleet.ssh_argv(host, port=relay.port), "echo started; sleep 60"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert session.stdout is not None and session.stdout.readline() == "started\n"
        relay.drop_all()
        assert session.wait(timeout=10) == 255
        relay.set_faults(drop_after_bytes=3000)
        assert fleet.ssh(host, "true", port=relay.port).returncode == 255
    finally:
        relay.stop()


def test_relay_delay_is_pipelined_not_per_chunk():
    """20 chunks 10 ms apart through a 200 ms relay arrive in ~0.4 s, not 4 s."""

    async def scenario() -> float:
        received: list[float] = []
        done = asyncio.Event()

        async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while await reader.read(100):
                received.append(time.monotonic())
            done.set()
            writer.close()

        server = await asyncio.start_server(sink, "127.0.0.1", 0)
        relay = Relay(0, server.sockets[0].getsockname()[1], delay_up_ms=200)
        await relay.start()
        _, writer = await asyncio.open_connection("127.0.0.1", relay.port)
        started = time.monotonic()
        for _ in range(20):
            writer.write(b"x" * 10)
            await writer.drain()
            await asyncio.sleep(0.01)
        writer.close()
        await asyncio.wait_for(done.wait(), 10)
        await relay.stop()
        server.close()
        assert received[0] - started >= 0.2
        return received[-1] - started

    assert asyncio.run(scenario()) < 1.0


def test_up_20_hosts_then_down_leaves_nothing_behind(tmp_path):
    state_dir = Path("/run/corral-fleet-test-teardown")
    env = {**os.environ, "CORRAL_FLEET_STATE": str(state_dir), "CORRAL_FLEET_BASE_PORT": "26201"}
    inventory = tmp_path / "inventory.yml"
    before = _machine_snapshot()
    started = time.monotonic()
    up = subprocess.run(
        [
            str(FLEET_CLI),
            "up",
            "--hosts",
            "20",
            "--systemd",
            "2",
            "--inventory",
            str(inventory),
            "--relay",
            "host03:delay=10",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    try:
        assert up.returncode == 0, up.stderr
        print(f"\nfleet: 20 hosts (2 systemd) up in {elapsed:.1f}s -- {up.stdout.strip()}")
        assert "host20: {ansible_host: 127.0.0.1, ansible_port: 26220}" in inventory.read_text()
        assert (
            "host03: {ansible_host: 127.0.0.1, ansible_port: 27203}" in inventory.read_text()
        )  # via relay
        during = _machine_snapshot()
        assert len(during["namespaces"] - before["namespaces"]) >= 20 * 4
    finally:
        down = subprocess.run([str(FLEET_CLI), "down"], env=env, capture_output=True, text=True)
    assert down.returncode == 0, down.stderr
    assert _eventually(lambda: _leftovers(before, state_dir) == {}, timeout=15), _leftovers(
        before, state_dir
    )
    again = subprocess.run([str(FLEET_CLI), "down"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "nothing was up" in again.stdout
    shutil.rmtree(state_dir, ignore_errors=True)


def test_two_fleets_come_up_concurrently_in_separate_state_dirs():
    state_dirs = [f"/run/corral-fleet-test-concurrent-{index}" for index in range(2)]
    runs = [
        subprocess.Popen(
            [str(FLEET_CLI), "up", "--hosts", "3", "--systemd", "1"]
            + ["--state-dir", state_dir, "--base-port", str(28201 + 100 * index)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index, state_dir in enumerate(state_dirs)
    ]
    try:
        results = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
        assert [code for _, _, code in results] == [0, 0], results
    finally:
        for state_dir in state_dirs:
            subprocess.run([str(FLEET_CLI), "down", "--state-dir", state_dir], capture_output=True)
            shutil.rmtree(state_dir, ignore_errors=True)


# -- helpers ------------------------------------------------------------------------------------


def _timed(func) -> float:
    started = time.monotonic()
    func()
    return time.monotonic() - started


def _eventually(check, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _machine_snapshot() -> dict[str, set[str]]:
    """Live (non-zombie) processes, their namespaces, and every mount line seen by any of them."""
    processes: set[str] = set()
    namespaces: set[str] = set()
    mounts: set[str] = set()
    seen_mnt: set[str] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if stat[stat.rindex(")") + 2] == "Z":
                continue
            processes.add(f"{entry.name}:{stat.split()[21]}")
            for kind in ("pid", "mnt", "uts", "ipc", "cgroup"):
                namespaces.add(os.readlink(entry / "ns" / kind))
            mnt = os.readlink(entry / "ns" / "mnt")
            if mnt not in seen_mnt:
                seen_mnt.add(mnt)
                mounts.update((entry / "mounts").read_text().splitlines())
        except (OSError, ValueError):
            continue
    return {"processes": processes, "namespaces": namespaces, "mounts": mounts}


def _leftovers(before: dict[str, set[str]], state_dir: Path) -> dict[str, object]:
    after = _machine_snapshot()
    found: dict[str, object] = {}
    new_ns = after["namespaces"] - before["namespaces"]
    if new_ns:
        found["namespaces"] = sorted(new_ns)
    fleet_mounts = [
        m for m in after["mounts"] - before["mounts"] if str(state_dir) in m or "corral-fleet" in m
    ]
    if fleet_mounts:
        found["mounts"] = fleet_mounts
    fleet_procs = [
        p for p in after["processes"] - before["processes"] if _is_fleet_process(p.split(":")[0])
    ]
    if fleet_procs:
        found["processes"] = fleet_procs
    if (state_dir / "hosts").exists():
        found["host dirs"] = str(state_dir / "hosts")
    cgroups = [
        str(p)
        for root in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))
        if root.exists()
        for p in root.glob("corral-fleet-*")
        if _cgroup_of(p, state_dir)
    ]
    if cgroups:
        found["cgroups"] = cgroups
    return found


def _is_fleet_process(pid: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return bool(re.search(r"unshare|sshd|systemd|corral-fleet|relay\.py|dbus-daemon", cmdline))


def _cgroup_of(path: Path, state_dir: Path) -> bool:
    sys.path.insert(0, str(FLEET_DIR))
    from fleetlib.config import FleetConfig

    return path.name == f"corral-fleet-{FleetConfig(state_dir=state_dir).fleet_id}"
