"""service: init-system detection, SysV and OpenRC command building and planning, ps matching."""

import os
import subprocess
import sys
import time

import pytest

from corral.modules import _svc_openrc as openrc
from corral.modules import _svc_sysv as sysv
from corral.modules import service
from corral.modules._api import Context, ModuleError, validate_args
from corral.modules._svc_mgr import service_mgr
from corral.modules._svc_pattern import matching_pids
from corral.modules._svc_plan import state_action
from corral.modules._svc_run import run, run_ok


def _args(**given):
    return validate_args(service.ARGS, given, "service")


# (paths that exist / are directories, programs on PATH, PID 1 name) -> service manager
@pytest.mark.parametrize("dirs,files,programs,pid1,expected", [
    ({"/run/systemd/system", "/etc/init.d"}, set(), set(), "systemd", "systemd"),
    ({"/etc/init.d"}, set(), set(), "systemd", "systemd"),
    ({"/run/systemd/system"}, set(), set(), "sh", "systemd"),
    ({"/etc/init.d"}, {"/sbin/openrc"}, set(), "init", "openrc"),
    ({"/etc/init.d", "/run/openrc"}, set(), set(), "init", "openrc"),
    ({"/etc/init.d"}, set(), {"rc-service"}, "init", "openrc"),
    ({"/etc/init.d"}, set(), {"systemctl"}, "corral-fleet-in", "sysvinit"),
    (set(), set(), set(), "init", "service"),
])
def test_service_mgr(dirs, files, programs, pid1, expected):
    found = service_mgr(exists=lambda p: p in files or p in dirs, isdir=lambda p: p in dirs,
                        which=lambda p: "/usr/bin/" + p if p in programs else None,
                        pid1=lambda: pid1)
    assert found == expected


@pytest.mark.parametrize("state,running,action", [
    ("started", False, "start"), ("started", True, None),
    ("stopped", True, "stop"), ("stopped", False, None),
    ("restarted", True, "restart"), ("restarted", False, "restart"),
    ("reloaded", True, "reload"), ("reloaded", False, "start"),
    (None, True, None),
])
def test_state_action(state, running, action):
    assert state_action(state, running) == action


@pytest.mark.parametrize("script,action,arguments,expected", [
    ("/etc/init.d/app", "start", "", ["/etc/init.d/app", "start"]),
    ("/etc/init.d/app", "start", "--fast -v 'a b'", ["/etc/init.d/app", "start", "--fast", "-v", "a b"]),
    ("/etc/rc.d/init.d/app", "status", "", ["/etc/rc.d/init.d/app", "status"]),
])
def test_sysv_control_argv(script, action, arguments, expected):
    assert sysv.control_argv(script, action, arguments) == expected


@pytest.mark.parametrize("tool,enable,expected", [
    ("update-rc.d", True, [["update-rc.d", "app", "defaults"], ["update-rc.d", "app", "enable"]]),
    ("update-rc.d", False, [["update-rc.d", "app", "disable"]]),
    ("chkconfig", True, [["chkconfig", "app", "on"]]),
    ("chkconfig", False, [["chkconfig", "app", "off"]]),
])
def test_sysv_enable_argvs(tool, enable, expected):
    assert sysv.enable_argvs("app", tool, enable) == expected


@pytest.mark.parametrize("action,arguments,expected", [
    ("start", "", ["rc-service", "app", "start"]),
    ("restart", "--nodeps", ["rc-service", "app", "restart", "--nodeps"]),
    ("status", "", ["rc-service", "app", "status"]),
])
def test_openrc_control_argv(action, arguments, expected):
    assert openrc.control_argv("app", action, arguments) == expected


@pytest.mark.parametrize("runlevel,enable,expected", [
    ("default", True, [["rc-update", "add", "app", "default"]]),
    ("boot", False, [["rc-update", "del", "app", "boot"]]),
])
def test_openrc_enable_argvs(runlevel, enable, expected):
    assert openrc.enable_argvs("app", runlevel, enable) == expected


def _sysv(running=False, enabled=False, script="/etc/init.d/app", tool="update-rc.d", rc=None):
    status = None if rc is None else {"rc": rc, "cmd": "/etc/init.d/app status", "output": "usage"}
    return {"script": script, "tool": tool, "enabled": enabled,
            "running": running if rc is None else sysv.STATUS_RUNNING.get(rc), "status": status}


def _summary(plan):
    steps = [argv for _action, argv in (plan.state or {}).get("steps", [])]
    changes = [(c.what, c.before, c.after) for c in plan.changes]
    return changes, steps, plan.msg if plan.changed else plan.reason


# (id, args, current, (changes, argvs, message))
SYSV_PLANS = [
    ("start-and-enable", dict(name="app", state="started", enabled=True), _sysv(),
     ([("enabled", "disabled", "enabled"), ("state", "stopped", "started")],
      [["update-rc.d", "app", "defaults"], ["update-rc.d", "app", "enable"],
       ["/etc/init.d/app", "start"]], "app: enabled, started")),
    ("already", dict(name="app", state="started", enabled=True), _sysv(True, True),
     ([], [], "app is already enabled and running")),
    ("stop-with-args", dict(name="app", state="stopped", args="--now"), _sysv(True),
     ([("state", "running", "stopped")], [["/etc/init.d/app", "stop", "--now"]], "app: stopped")),
    ("restart", dict(name="app", state="restarted"), _sysv(True),
     ([("state", "running", "restarted")], [["/etc/init.d/app", "restart"]], "app: restarted")),
    ("restart-with-sleep", dict(name="app", state="restarted", sleep=2), _sysv(True),
     ([("state", "running", "restarted")],
      [["/etc/init.d/app", "stop"], ["sleep", "2"], ["/etc/init.d/app", "start"]],
      "app: restarted")),
    ("chkconfig-disable", dict(name="app", enabled=False), _sysv(enabled=True, tool="chkconfig"),
     ([("enabled", "enabled", "disabled")], [["chkconfig", "app", "off"]], "app: disabled")),
    ("lsb-1-is-stopped", dict(name="app", state="started"), _sysv(rc=1),
     ([("state", "stopped", "started")], [["/etc/init.d/app", "start"]], "app: started")),
]


@pytest.mark.parametrize("args,current,expected", [p[1:] for p in SYSV_PLANS],
                         ids=[p[0] for p in SYSV_PLANS])
def test_sysv_plan(args, current, expected):
    assert _summary(sysv.plan(Context(), _args(**args), current)) == expected


SYSV_ERRORS = [
    ("no-script", dict(name="app", state="started"), _sysv(script=None),
     "service app not found: no init script /etc/init.d/app"),
    ("unknown-status", dict(name="app", state="started"), _sysv(rc=4),
     "cannot tell whether app is running: `/etc/init.d/app status` exited 4 (expected 0 running "
     "or 3 stopped):\nusage; give pattern: to look for its process instead"),
    ("no-enable-tool", dict(name="app", enabled=True), _sysv(tool=None),
     "cannot enable or disable app: neither update-rc.d nor chkconfig is installed"),
    ("nothing-to-do", dict(name="app"), _sysv(),
     "nothing to do: give at least one of state, enabled"),
]


@pytest.mark.parametrize("args,current,message", [e[1:] for e in SYSV_ERRORS],
                         ids=[e[0] for e in SYSV_ERRORS])
def test_sysv_plan_errors(args, current, message):
    with pytest.raises(ModuleError) as err:
        sysv.plan(Context(), _args(**args), current)
    assert err.value.msg == message


def test_check_mode_plans_a_service_an_earlier_task_would_install():
    plan = sysv.plan(Context(check=True), _args(name="app", state="started"), _sysv(script=None))
    assert _summary(plan) == (
        [("state", "stopped", "started")], [["/etc/init.d/app", "start"]],
        "app: started (check mode: service app not found: no init script /etc/init.d/app; an "
        "earlier task may install it)")


@pytest.mark.parametrize("args,current,expected", [
    (dict(name="sshd", state="started", enabled=True),
     {"exists": True, "enabled": False, "running": False, "status": None},
     ([("enabled", "disabled", "enabled"), ("state", "stopped", "started")],
      [["rc-update", "add", "sshd", "default"], ["rc-service", "sshd", "start"]],
      "sshd: enabled, started")),
    (dict(name="sshd", state="reloaded", runlevel="boot", enabled=False),
     {"exists": True, "enabled": True, "running": True, "status": None},
     ([("enabled", "enabled", "disabled"), ("state", "running", "reloaded")],
      [["rc-update", "del", "sshd", "boot"], ["rc-service", "sshd", "reload"]],
      "sshd: disabled, reloaded")),
    (dict(name="sshd", state="started"),
     {"exists": True, "enabled": True, "running": True, "status": None},
     ([], [], "sshd is already running")),
])
def test_openrc_plan(args, current, expected):
    assert _summary(openrc.plan(None, _args(**args), current)) == expected


def test_openrc_missing_service():
    with pytest.raises(ModuleError) as err:
        openrc.plan(None, _args(name="nope", state="started"), {"exists": False, "enabled": False})
    assert err.value.msg == "service nope not found: no OpenRC script /etc/init.d/nope"


def test_service_picks_the_backend_and_keeps_it_for_apply():
    current = {"use": "sysvinit", "args": _args(name="app", state="started"), "current": _sysv()}
    plan = service.plan(None, current["args"], current)
    assert plan.state["use"] == "sysvinit" and plan.data["service_mgr"] == "sysvinit"
    assert service.backend_args("systemd", _args(name="app", state="started", args="x")) == {
        "name": "app", "state": "started", "enabled": None, "masked": None,
        "daemon_reload": False, "scope": "system", "no_block": False}


PS = """\
    1 /sbin/init
  120 /usr/sbin/sshd -D
  345 sleep 100000 --corral-sleeper
  400 ps -eo pid=,args=
  401 python3 -c corral-sleeper-agent
"""


@pytest.mark.parametrize("pattern,ignore,expected", [
    ("sshd -D", (), [120]),
    ("corral-sleeper", (), [345, 401]),
    ("corral-sleeper", (401,), [345]),
    ("pid=", (), []),
    ("nothing", (), []),
])
def test_matching_pids(pattern, ignore, expected):
    assert matching_pids(PS, pattern, ignore) == expected


def test_run_returns_when_the_command_exits_even_if_its_child_keeps_stdout(tmp_path):
    """An init script leaves a daemon holding its output: reading pipes would hang."""
    pidfile = tmp_path / "pid"
    script = f"sleep 30 & echo $! > {pidfile}; echo started; echo warn >&2"
    began = time.monotonic()
    ran = run(["sh", "-c", script])
    try:
        assert time.monotonic() - began < 5
        assert (ran.rc, ran.out, ran.err) == (0, "started\n", "warn\n")
    finally:
        os.kill(int(pidfile.read_text()), 15)


def test_run_ok_failure_message_and_stdin():
    assert run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"],
               "abc").out == "ABC\n"
    with pytest.raises(ModuleError) as err:
        run_ok(["sh", "-c", "echo oops >&2; exit 3"], "doing it")
    assert err.value.msg == "doing it failed: `sh -c 'echo oops >&2; exit 3'` exited 3:\noops"
    with pytest.raises(ModuleError) as err:
        run(["/nonexistent/tool"])
    assert err.value.msg.startswith("/nonexistent/tool: ")


def test_run_never_reads_the_agents_stdin():
    done = subprocess.run([sys.executable, "-c", "from corral.modules._svc_run import run; "
                           "print(run(['cat']).out == '')"],
                          input="secret frame bytes", capture_output=True, text=True, timeout=20)
    assert done.stdout.strip() == "True", done.stderr
