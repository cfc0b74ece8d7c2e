"""dnf, zypper, pacman and OpenRC for real, on hosts of the fleet's `multi` image flavour.

The flavour (tests/fleet/fleetlib/flavour.py) has Debian's dnf, zypper and pacman beside
local rpm and pacman repositories of the demo packages (corral-demo 1.0-1 in `main`, 2.0-1
in `next`, enabled by corral-fleet-enable-next), and its light hosts boot OpenRC. Each
change: check mode reports it and leaves the package database (rpm -qa, pacman -Q) or the
service untouched, apply makes it, a re-run is changed=0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.integration.corral_cli import CorralRun, apply_on, host_play, task_msgs, write_playbook

pytestmark = pytest.mark.fleet


@dataclass(frozen=True)
class Backend:
    module: str
    database: str  # lists the installed packages
    install: str  # installs packages by hand (the test's own setup)


BACKENDS = {
    "dnf": Backend("dnf", "rpm -qa | sort", "dnf -y -q install"),
    "zypper": Backend("zypper", "rpm -qa | sort", "zypper -n -q install"),
    "pacman": Backend("pacman", "pacman -Q; true", "pacman -S --noconfirm"),  # 1: none
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture
def host(multi_fleet) -> Iterator[str]:
    """A multi host, back to a clean image afterwards."""
    name = multi_fleet.hosts[-1]
    yield name
    multi_fleet.reset(name)


def _triple(fleet, host: str, playbook: Path, state: str,
            changes: int = 1) -> tuple[CorralRun, CorralRun, CorralRun]:
    """Check mode leaves `state` (a command's output) alone, apply changes, re-run changed=0."""
    before = fleet.exec(host, state, check=True).stdout
    check = apply_on(fleet, host, playbook, "--check")
    assert check.code == 2 and check.changed(host) == changes, check.stdout + check.stderr
    assert fleet.exec(host, state, check=True).stdout == before, "check mode changed the host"
    first = apply_on(fleet, host, playbook)
    assert first.code == 0 and first.changed(host) == changes, first.stdout + first.stderr
    assert fleet.exec(host, state, check=True).stdout != before, "apply changed nothing"
    again = apply_on(fleet, host, playbook)
    assert again.code == 0 and again.changed(host) == 0, again.stdout + again.stderr
    return check, first, again


def _installed(fleet, host: str, backend: Backend) -> str:
    return fleet.exec(host, backend.database, check=True).stdout


def _demo_version(fleet, host: str) -> str:
    return fleet.exec(host, "cat /usr/share/corral-demo/VERSION").stdout.strip()


# --- packages ---------------------------------------------------------------------------

def test_install(multi_fleet, host, backend, tmp_path):
    play = host_play(tmp_path, host, f"- {backend.module}: name=corral-demo\n")
    check, first, again = _triple(multi_fleet, host, play, backend.database)
    assert task_msgs(check, host) == ["would install corral-demo 1.0-1"]
    assert task_msgs(first, host) == ["installed corral-demo 1.0-1"]
    assert task_msgs(again, host) == ["corral-demo 1.0-1 already installed"]
    assert "corral-demo" in _installed(multi_fleet, host, backend)
    assert _demo_version(multi_fleet, host) == "1.0"


def test_upgrade_to_latest_once_next_is_enabled(multi_fleet, host, backend, tmp_path):
    multi_fleet.exec(host, f"{backend.install} corral-demo", check=True)
    latest = host_play(tmp_path, host, f"- {backend.module}: name=corral-demo state=latest\n")
    run = apply_on(multi_fleet, host, latest)
    assert task_msgs(run, host) == ["corral-demo 1.0-1 is already the latest version"]
    multi_fleet.exec(host, "corral-fleet-enable-next", check=True)
    check, first, again = _triple(multi_fleet, host, latest, backend.database)
    assert task_msgs(check, host) == ["would upgrade corral-demo 1.0-1 -> 2.0-1"]
    assert task_msgs(first, host) == ["upgraded corral-demo 1.0-1 -> 2.0-1"]
    assert task_msgs(again, host) == ["corral-demo 2.0-1 is already the latest version"]
    assert _demo_version(multi_fleet, host) == "2.0"


def test_remove(multi_fleet, host, backend, tmp_path):
    multi_fleet.exec(host, f"{backend.install} corral-demo corral-demo-svc", check=True)
    remove = host_play(tmp_path, host, f"- {backend.module}: name=corral-demo-svc state=absent\n")
    check, first, again = _triple(multi_fleet, host, remove, backend.database)
    assert task_msgs(check, host) == ["would remove corral-demo-svc 1.0-1"]
    assert task_msgs(first, host) == ["removed corral-demo-svc 1.0-1"]
    assert task_msgs(again, host) == ["corral-demo-svc is not installed"]
    left = _installed(multi_fleet, host, backend)
    assert "corral-demo-svc" not in left and "corral-demo" in left  # the other one untouched


def test_a_list_is_one_call(multi_fleet, host, backend, tmp_path):
    play = host_play(tmp_path, host, f"""\
        - {backend.module}:
            name: [corral-demo, corral-demo-svc]
          register: result
        - assert:  # one manager call when it acts; none in check mode or once converged
            that: (result.commands | length) == (1 if result.changed and not ansible_check_mode else 0)
        """)
    check, first, _ = _triple(multi_fleet, host, play, backend.database)
    assert task_msgs(check, host)[0] == "would install corral-demo 1.0-1, corral-demo-svc 1.0-1"
    assert task_msgs(first, host)[0] == "installed corral-demo 1.0-1, corral-demo-svc 1.0-1"


def test_package_module_with_use(multi_fleet, host, backend, tmp_path):
    play = host_play(tmp_path, host, f"""\
        - package:
            name: corral-demo
            use: {backend.module}
        """)
    check, first, again = _triple(multi_fleet, host, play, backend.database)
    assert task_msgs(first, host) == ["installed corral-demo 1.0-1"]
    assert task_msgs(again, host) == ["corral-demo 1.0-1 already installed"]


def test_dnf_version_pin_and_downgrade(multi_fleet, host, tmp_path):
    multi_fleet.exec(host, "corral-fleet-enable-next", check=True)
    pinned = host_play(tmp_path, host, "- dnf: name=corral-demo-1.0\n")
    check, first, again = _triple(multi_fleet, host, pinned, "rpm -qa | sort")
    assert task_msgs(check, host) == ["would install corral-demo 1.0-1"]  # not 2.0-1, the latest
    assert task_msgs(again, host) == ["corral-demo 1.0-1 already installed"]
    assert _demo_version(multi_fleet, host) == "1.0"
    # below the installed version: a downgrade, refused unless allowed
    multi_fleet.exec(host, "dnf -y -q upgrade corral-demo", check=True)
    refused = apply_on(multi_fleet, host, pinned)
    assert refused.code == 1
    assert "set allow_downgrade: true" in task_msgs(refused, host)[0]
    allowed = host_play(tmp_path, host, "- dnf: name=corral-demo-1.0 allow_downgrade=true\n",
                    name="downgrade.yml")
    check, first, again = _triple(multi_fleet, host, allowed, "rpm -qa | sort")
    assert task_msgs(check, host) == ["would downgrade corral-demo 2.0-1 -> 1.0-1"]
    assert task_msgs(first, host) == ["downgraded corral-demo 2.0-1 -> 1.0-1"]


def test_zypper_version_pin_downgrades(multi_fleet, host, tmp_path):
    multi_fleet.exec(host, "corral-fleet-enable-next", check=True)
    multi_fleet.exec(host, "zypper -n -q install corral-demo", check=True)
    assert _demo_version(multi_fleet, host) == "2.0"
    pinned = host_play(tmp_path, host, "- zypper: name=corral-demo=1.0\n")
    check, first, again = _triple(multi_fleet, host, pinned, "rpm -qa | sort")
    assert task_msgs(check, host) == ["would downgrade corral-demo 2.0-1 -> 1.0-1"]
    assert task_msgs(again, host) == ["corral-demo 1.0-1 already installed"]
    assert _demo_version(multi_fleet, host) == "1.0"


def test_pacman_refuses_a_pin(multi_fleet, host, tmp_path):
    run = apply_on(multi_fleet, host, host_play(tmp_path, host, "- pacman: name=corral-demo=1.0\n"))
    assert run.code == 1
    assert task_msgs(run, host) == [
        "pacman installs the repository's version; it cannot pin corral-demo=1.0"]


def test_unknown_package_fails_with_the_managers_words(multi_fleet, host, backend, tmp_path):
    play = host_play(tmp_path, host, f"- {backend.module}: name=corral-no-such-package\n")
    before = _installed(multi_fleet, host, backend)
    for extra in (("--check",), ()):
        run = apply_on(multi_fleet, host, play, *extra)
        assert run.code == 1, run.stdout + run.stderr
        assert "corral-no-such-package" in task_msgs(run, host)[0]
    assert _installed(multi_fleet, host, backend) == before


# --- OpenRC -----------------------------------------------------------------------------

RC_DAEMON = """\
#!/bin/sh
# counts SIGHUPs in /run/corral-rc.reloads
n=0
echo 0 > /run/corral-rc.reloads
trap 'n=$((n+1)); echo $n > /run/corral-rc.reloads' HUP
trap 'exit 0' TERM INT
while :; do sleep 1 & wait $!; done
"""

RC_SCRIPT = """\
#!/sbin/openrc-run
description="corral test service"
command=/bin/sh
command_args=/usr/local/bin/corral-rc-daemon
command_background=true
pidfile=/run/corral-rc.pid
extra_started_commands="reload"

reload() {
    ebegin "Reloading ${RC_SVCNAME}"
    kill -HUP "$(cat "${pidfile}")"
    eend $?
}
"""

RC_STATE = "rc-service corral-rc status; ls /etc/runlevels/default; cat /run/corral-rc.pid; true"


@pytest.fixture
def rc_host(multi_fleet) -> Iterator[str]:
    """An OpenRC host with the init script /etc/init.d/corral-rc (stopped, not enabled)."""
    name = multi_fleet.hosts[0]
    multi_fleet.exec(name, "cat > /usr/local/bin/corral-rc-daemon", input=RC_DAEMON, check=True)
    multi_fleet.exec(name, "cat > /etc/init.d/corral-rc", input=RC_SCRIPT, check=True)
    multi_fleet.exec(name, "chmod 755 /usr/local/bin/corral-rc-daemon /etc/init.d/corral-rc",
                     check=True)
    yield name
    multi_fleet.reset(name)


def _rc_running(fleet, host: str) -> bool:
    return fleet.exec(host, "rc-service corral-rc status").returncode == 0


def _rc_enabled(fleet, host: str) -> bool:
    return fleet.exec(host, "test -L /etc/runlevels/default/corral-rc").returncode == 0


def test_openrc_is_the_service_manager(multi_fleet, rc_host, tmp_path):
    play = write_playbook(tmp_path, f"""\
- hosts: {rc_host}
  gather_facts: true
  tasks:
    - debug: {{msg: "{{{{ ansible_service_mgr }}}} {{{{ ansible_pkg_mgr }}}}"}}
""")
    run = apply_on(multi_fleet, rc_host, play)
    assert run.code == 0, run.stdout + run.stderr
    assert task_msgs(run, rc_host)[-1] == "openrc apt"  # apt-get is found first, as in Ansible


def test_openrc_start_and_enable_then_stop_and_disable(multi_fleet, rc_host, tmp_path):
    start = host_play(tmp_path, rc_host, "- service: name=corral-rc state=started enabled=true\n")
    check, first, again = _triple(multi_fleet, rc_host, start, RC_STATE, changes=1)
    assert check.host(rc_host)["tasks"][0]["status"] == "changed"
    assert task_msgs(first, rc_host) == ["corral-rc: enabled, started"]
    assert task_msgs(again, rc_host) == ["corral-rc is already enabled and running"]
    assert _rc_running(multi_fleet, rc_host) and _rc_enabled(multi_fleet, rc_host)
    assert "corral-rc | default" in multi_fleet.exec(rc_host, "rc-update show default").stdout

    stop = host_play(tmp_path, rc_host, "- service: name=corral-rc state=stopped enabled=false\n",
                 name="stop.yml")
    check, first, again = _triple(multi_fleet, rc_host, stop, RC_STATE)
    assert task_msgs(first, rc_host) == ["corral-rc: disabled, stopped"]
    assert task_msgs(again, rc_host) == ["corral-rc is already disabled and stopped"]
    assert not _rc_running(multi_fleet, rc_host) and not _rc_enabled(multi_fleet, rc_host)
    assert multi_fleet.exec(rc_host, "pgrep -f '[c]orral-rc-daemon'").returncode == 1


def test_openrc_restart_and_reload_always_act(multi_fleet, rc_host, tmp_path):
    multi_fleet.exec(rc_host, "rc-service corral-rc start", check=True)
    pid = multi_fleet.exec(rc_host, "cat /run/corral-rc.pid", check=True).stdout
    restart = host_play(tmp_path, rc_host, "- service: name=corral-rc state=restarted\n")
    check = apply_on(multi_fleet, rc_host, restart, "--check")
    assert check.code == 2
    assert multi_fleet.exec(rc_host, "cat /run/corral-rc.pid").stdout == pid
    for _ in range(2):
        run = apply_on(multi_fleet, rc_host, restart)
        assert run.code == 0 and run.changed(rc_host) == 1
        assert task_msgs(run, rc_host) == ["corral-rc: restarted"]
    new_pid = multi_fleet.exec(rc_host, "cat /run/corral-rc.pid", check=True).stdout
    assert new_pid != pid and _rc_running(multi_fleet, rc_host)

    reload = host_play(tmp_path, rc_host, "- service: name=corral-rc state=reloaded\n", name="reload.yml")
    run = apply_on(multi_fleet, rc_host, reload)
    assert run.code == 0 and task_msgs(run, rc_host) == ["corral-rc: reloaded"]
    assert multi_fleet.exec(rc_host, "cat /run/corral-rc.pid").stdout == new_pid
    reloads = multi_fleet.exec(rc_host, "sleep 0.5; cat /run/corral-rc.reloads").stdout
    assert reloads.strip() == "1"


def test_openrc_unknown_service_fails(multi_fleet, rc_host, tmp_path):
    run = apply_on(multi_fleet, rc_host,
                 host_play(tmp_path, rc_host, "- service: name=corral-nope state=started\n"))
    assert run.code == 1
    assert task_msgs(run, rc_host) == [
        "service corral-nope not found: no OpenRC script /etc/init.d/corral-nope"]
