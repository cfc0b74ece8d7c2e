"""service, systemd and systemd_service on real hosts of the local fleet, through `corral apply`.

systemd hosts: start/stop/enable, restart and reload on a notified config change, daemon-reload
after a unit file change, masked, a unit that fails to start. A light host (no systemd): a SysV
init script with start/stop/status and a pidfile. Each: the change is made, a re-run reports
changed=0, and check mode reports without touching the host.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.corral_cli import CorralRun, apply_on, corral, host_play, write_playbook

pytestmark = pytest.mark.fleet

DEMO = "corral-demo"


@pytest.fixture
def systemd_host(fleet) -> Iterator[str]:
    """A systemd host with corral-demo-svc installed (neither enabled nor started); reset after."""
    host = fleet.systemd_hosts[0]
    done = fleet.exec(host, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q corral-demo-svc")
    assert done.returncode == 0, done.stdout + done.stderr
    yield host
    fleet.reset(host)


@pytest.fixture
def light_host(fleet) -> Iterator[str]:
    host = fleet.light_hosts[-1]
    yield host
    fleet.reset(host)


def _tasks(run: CorralRun, host: str) -> list[dict]:
    return [t for t in run.host(host)["tasks"] if t["module"] != "gather_facts"]


def _unit_state(fleet, host: str, unit: str = DEMO) -> str:
    done = fleet.exec(host, f"systemctl is-active {unit}; systemctl is-enabled {unit}; true")
    return done.stdout


def _triple(fleet, host: str, playbook: Path, observe, *extra: str) -> tuple[CorralRun, CorralRun]:
    """Check mode changes nothing on the host, apply changes, a re-run is changed=0."""
    before = observe()
    check = apply_on(fleet, host, playbook, "--check", *extra)
    assert check.code in (0, 2) and check.changed(host) >= 1, check.stdout + check.stderr
    assert observe() == before, "check mode changed the host"
    first = apply_on(fleet, host, playbook, *extra)
    assert first.code == 0 and first.changed(host) >= 1, first.stdout + first.stderr
    again = apply_on(fleet, host, playbook, *extra)
    assert again.code == 0 and again.changed(host) == 0, again.stdout + again.stderr
    return first, again


def test_systemd_start_enable_then_stop_disable(fleet, systemd_host, tmp_path):
    host = systemd_host
    start = host_play(tmp_path, host, f"""\
        - name: demo running at boot
          ansible.builtin.systemd: {{name: {DEMO}, state: started, enabled: true}}
        """)
    first, again = _triple(fleet, host, start, lambda: _unit_state(fleet, host))
    assert _unit_state(fleet, host) == "active\nenabled\n"
    [task] = _tasks(first, host)
    assert task["status"] == "changed"
    assert task["diff"]["attributes"] == [
        {"what": "enabled", "before": "disabled", "after": "enabled"},
        {"what": "state", "before": "inactive (dead)", "after": "started"}]
    assert task["msg"] == "corral-demo.service: enabled, started"
    assert _tasks(again, host)[0]["msg"] == "corral-demo.service is already enabled and active (running)"

    stop = host_play(tmp_path, host, f"""\
        - systemd_service: {{unit: {DEMO}, state: stopped, enabled: false}}
        """, name="stop.yml")
    _triple(fleet, host, stop, lambda: _unit_state(fleet, host))
    assert _unit_state(fleet, host) == "inactive\ndisabled\n"


def _config_play(folder: Path, host: str, handler: str) -> Path:
    """Start corral-demo; write its config from -e message=..., notifying ``handler``."""
    return host_play(folder, host, f"""\
        - systemd: {{name: {DEMO}, state: started}}
        - name: demo config
          copy: {{dest: /etc/corral-demo.conf, content: "message={{{{ message }}}}\\n"}}
          notify: {handler}
        """, handlers=f"""\
        - name: restart-demo
          systemd: {{name: {DEMO}, state: restarted}}
        - name: reload-demo
          service: {{name: {DEMO}, state: reloaded}}
        """, name=f"{handler}.yml")


def test_restart_and_reload_on_a_notified_config_change(fleet, systemd_host, tmp_path):
    host = systemd_host
    restart = _config_play(tmp_path, host, "restart-demo")
    reload = _config_play(tmp_path, host, "reload-demo")

    def active() -> str:
        return fleet.exec(host, "cat /run/corral-demo/active.conf; cat /run/corral-demo/pid").stdout

    def pid() -> str:
        return fleet.exec(host, "cat /run/corral-demo/pid").stdout

    def run(playbook: Path, message: str, *extra: str) -> CorralRun:
        return apply_on(fleet, host, playbook, "-e", f"message={message}", *extra)

    assert run(restart, "one").code == 0
    old_pid = pid()
    restarted = run(restart, "two")
    assert restarted.code == 0, restarted.stdout
    assert [t["status"] for t in _tasks(restarted, host)] == ["ok", "changed", "changed"]
    assert _tasks(restarted, host)[2]["msg"] == "corral-demo.service: restarted"
    assert active() == "message=two\n" + pid() and pid() != old_pid

    before = active()
    check = run(reload, "three", "--check")
    assert check.changed(host) == 2 and active() == before
    assert fleet.exec(host, "cat /etc/corral-demo.conf").stdout == "message=two\n"

    old_pid = pid()
    reloaded = run(reload, "three")
    assert [t["status"] for t in _tasks(reloaded, host)] == ["ok", "changed", "changed"]
    assert _tasks(reloaded, host)[2]["msg"] == "corral-demo.service: reloaded"
    assert active() == "message=three\n" + old_pid  # SIGHUP: same process, new configuration
    again = run(reload, "three")
    assert again.changed(host) == 0 and [t["status"] for t in _tasks(again, host)] == ["ok", "ok"]


def test_daemon_reload_after_a_unit_file_change(fleet, systemd_host, tmp_path):
    host = systemd_host
    playbook = host_play(tmp_path, host, """\
        - name: unit file
          copy:
            dest: /etc/systemd/system/corral-unit.service
            content: |
              [Service]
              ExecStart=/bin/sh -c 'echo {{ version }} > /run/corral-unit.version; exec sleep 100000'
          notify: restart unit
        - systemd: {name: corral-unit, state: started, daemon_reload: true}
        """, handlers="""\
        - name: restart unit
          systemd: {name: corral-unit, state: restarted, daemon_reload: true}
        """)

    def version() -> str:
        return fleet.exec(host, "cat /run/corral-unit.version").stdout

    v1 = apply_on(fleet, host, playbook, "-e", "version=v1")
    assert v1.code == 0 and version() == "v1\n", v1.stdout

    before = (version(), _unit_state(fleet, host, "corral-unit"))
    check = apply_on(fleet, host, playbook, "-e", "version=v2", "--check")
    assert check.changed(host) >= 2 and (version(), _unit_state(fleet, host, "corral-unit")) == before

    v2 = apply_on(fleet, host, playbook, "-e", "version=v2")
    assert v2.code == 0 and version() == "v2\n", v2.stdout
    reload_task = _tasks(v2, host)[1]
    assert reload_task["status"] == "changed"
    assert reload_task["diff"]["attributes"] == [{
        "what": "daemon-reload", "before": "unit files changed on disk: corral-unit.service",
        "after": "reloaded"}]
    assert "NeedDaemonReload=yes" not in fleet.exec(
        host, "systemctl show corral-unit -p NeedDaemonReload").stdout.replace("=no", "")

    again = apply_on(fleet, host, playbook, "-e", "version=v2")
    assert again.changed(host) == 0, again.stdout
    assert _tasks(again, host)[1]["msg"] == (
        "corral-unit.service is already loaded from the current unit files (no daemon-reload "
        "needed) and active (running)")


def test_masked(fleet, systemd_host, tmp_path):
    host = systemd_host
    mask = host_play(tmp_path, host, f"""\
        - systemd: {{name: {DEMO}, masked: true, state: stopped}}
        """)
    _triple(fleet, host, mask, lambda: _unit_state(fleet, host))
    assert _unit_state(fleet, host) == "inactive\nmasked\n"
    unmask = host_play(tmp_path, host, f"""\
        - systemd: {{name: {DEMO}, masked: false}}
        """, name="unmask.yml")
    _triple(fleet, host, unmask, lambda: _unit_state(fleet, host))
    assert _unit_state(fleet, host) == "inactive\ndisabled\n"


def test_a_unit_that_fails_to_start_shows_its_journal(fleet, systemd_host, tmp_path):
    host = systemd_host
    playbook = host_play(tmp_path, host, """\
        - copy:
            dest: /etc/systemd/system/corral-bad.service
            content: |
              [Service]
              ExecStartPre=/bin/sh -c 'echo corral-boom-marker >&2; exit 3'
              ExecStart=/bin/sleep 100000
        - systemd: {name: corral-bad, state: started}
        """)
    run = apply_on(fleet, host, playbook)
    assert run.code == 1
    failed = _tasks(run, host)[1]
    assert failed["status"] == "failed"
    assert failed["msg"].startswith("start corral-bad.service failed: `systemctl start "
                                    "corral-bad.service` exited 1")
    assert "last 20 lines of its journal (journalctl -u corral-bad.service):" in failed["msg"]
    assert "corral-boom-marker" in failed["msg"]


def test_an_unknown_unit_fails_clearly(fleet, tmp_path):
    host = fleet.systemd_hosts[0]
    playbook = host_play(tmp_path, host, """\
        - systemd: {name: corral-no-such-unit, state: started}
        """)
    run = apply_on(fleet, host, playbook)
    assert run.code == 1
    assert _tasks(run, host)[0]["msg"] == "unit corral-no-such-unit.service not found"


INIT_SCRIPT = """\
#!/bin/sh
### BEGIN INIT INFO
# Provides:          corral-sleeper
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: corral test daemon
### END INIT INFO
PIDFILE=/run/corral-sleeper.pid
LOG=/var/log/corral-sleeper.log
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
  start) running && exit 0; echo "start $2" >> "$LOG"; sleep 100001 & echo $! > "$PIDFILE" ;;
  stop) if running; then kill "$(cat "$PIDFILE")"; fi; rm -f "$PIDFILE"; echo stop >> "$LOG" ;;
  restart) "$0" stop; "$0" start "$2" ;;
  status) if running; then echo running; exit 0; fi; echo stopped; exit ${NO_STATUS_RC:-3} ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
"""


def _install_init_script(fleet, host: str, broken_status: bool = False) -> None:
    script = INIT_SCRIPT.replace("${NO_STATUS_RC:-3}", "4" if broken_status else "3")
    fleet.exec(host, "cat > /etc/init.d/corral-sleeper && chmod 0755 /etc/init.d/corral-sleeper",
               input=script, check=True)


def _sysv_state(fleet, host: str) -> str:
    return fleet.exec(host, "/etc/init.d/corral-sleeper status; ls /etc/rc2.d | grep sleeper; "
                            "pgrep -fc '[s]leep 100001'; true").stdout


def test_sysv_init_script_on_a_light_host(fleet, light_host, tmp_path):
    host = light_host
    _install_init_script(fleet, host)
    start = host_play(tmp_path, host, """\
        - service: {name: corral-sleeper, state: started, enabled: true, args: --fast}
        """)
    first, again = _triple(fleet, host, start, lambda: _sysv_state(fleet, host))
    assert _sysv_state(fleet, host) == "running\nS01corral-sleeper\n1\n"
    assert fleet.exec(host, "cat /var/log/corral-sleeper.log").stdout == "start --fast\n"
    assert _tasks(first, host)[0]["msg"] == "corral-sleeper: enabled, started"
    assert _tasks(again, host)[0]["msg"] == "corral-sleeper is already enabled and running"

    restart = host_play(tmp_path, host, """\
        - service: {name: corral-sleeper, state: restarted}
        """, name="restart.yml")
    for _ in range(2):  # restarted always acts
        assert apply_on(fleet, host, restart).changed(host) == 1
    assert fleet.exec(host, "cat /var/log/corral-sleeper.log").stdout.count("start") == 3

    stop = host_play(tmp_path, host, """\
        - service: {name: corral-sleeper, state: stopped, enabled: false}
        """, name="stop.yml")
    _triple(fleet, host, stop, lambda: _sysv_state(fleet, host))
    assert _sysv_state(fleet, host) == "stopped\nK01corral-sleeper\n0\n"


def test_sysv_pattern_when_the_script_has_no_status(fleet, light_host, tmp_path):
    host = light_host
    _install_init_script(fleet, host, broken_status=True)
    no_pattern = host_play(tmp_path, host, """\
        - service: {name: corral-sleeper, state: started}
        """)
    run = apply_on(fleet, host, no_pattern)
    assert run.code == 1 and _tasks(run, host)[0]["msg"].startswith(
        "cannot tell whether corral-sleeper is running: `/etc/init.d/corral-sleeper status` "
        "exited 4")
    with_pattern = host_play(tmp_path, host, """\
        - service: {name: corral-sleeper, state: started, pattern: sleep 100001}
        """, name="pattern.yml")
    _triple(fleet, host, with_pattern, lambda: _sysv_state(fleet, host))
    assert fleet.exec(host, "pgrep -fc '[s]leep 100001'").stdout == "1\n"


def test_service_mgr_fact_matches_the_backend(fleet, tmp_path):
    hosts = [fleet.systemd_hosts[0], fleet.light_hosts[0]]
    playbook = write_playbook(tmp_path, f"""\
- hosts: {",".join(hosts)}
  gather_facts: true
  tasks:
    - debug: {{msg: "mgr={{{{ ansible_service_mgr }}}}"}}
""")
    run = corral("apply", playbook, "-i", fleet.inventory_path)
    assert run.code == 0, run.stdout + run.stderr
    found = [_tasks(run, h)[-1]["msg"] for h in hosts]
    assert found == ["mgr=systemd", "mgr=sysvinit"]


def test_sysv_restart_sleeps_between_stop_and_start(fleet, light_host, tmp_path):
    host = light_host
    _install_init_script(fleet, host)
    fleet.exec(host, "/etc/init.d/corral-sleeper start >/dev/null 2>&1", check=True)
    restart = host_play(tmp_path, host, """\
        - service: {name: corral-sleeper, state: restarted, sleep: 2}
        """)
    started = time.monotonic()
    run = apply_on(fleet, host, restart)
    assert (run.code, run.changed(host)) == (0, 1), run.stdout
    assert time.monotonic() - started >= 2
    assert fleet.exec(host, "cat /var/log/corral-sleeper.log").stdout == "start \nstop\nstart \n"


def test_systemd_registered_values_are_ansibles(fleet, systemd_host, tmp_path):
    host = systemd_host
    play = host_play(tmp_path, host, f"""\
        - service: {{name: {DEMO}, state: started, enabled: true}}
          register: s
        - copy: {{dest: /tmp/s.json, content: "{{{{ s | to_json }}}}"}}
        """)
    assert apply_on(fleet, host, play).code == 0
    s = json.loads(fleet.exec(host, "cat /tmp/s.json", check=True).stdout)
    assert (s["name"], s["state"], s["enabled"], s["changed"]) == (DEMO, "started", True, True)
    assert s["status"]["Id"] == f"{DEMO}.service" and s["status"]["ActiveState"] == "inactive"
    assert len(s["status"]) > 100  # every property, as `systemctl show` gives them
