"""systemd: command building, `systemctl show` parsing and planning, one row per case."""

import pytest

from corral.modules import _svc_systemd as sd
from corral.modules._api import Context, ModuleError, validate_args


def _args(**given):
    return validate_args(sd.ARGS, given, "systemd")


def _unit(active="inactive", sub="dead", file_state="disabled", load="loaded", can_reload="yes",
          need_reload="no", uid="demo.service"):
    return {"Id": uid, "LoadState": load, "ActiveState": active, "SubState": sub,
            "UnitFileState": file_state, "CanReload": can_reload, "NeedDaemonReload": need_reload}


RUNNING = _unit("active", "running", "enabled")
STOPPED = _unit()


@pytest.mark.parametrize("name,all_loaded,expected", [
    ("demo", False, ["systemctl", "show", "demo"]),
    (None, True, ["systemctl", "show", "*", "-p", "Id,NeedDaemonReload"]),
])
def test_show_argv(name, all_loaded, expected):
    assert sd.show_argv(name, all_loaded) == expected


@pytest.mark.parametrize("text,expected", [
    ("Id=a.service\nLoadState=loaded\nUnitFileState=\n",
     [{"Id": "a.service", "LoadState": "loaded", "UnitFileState": ""}]),
    ("Id=a.service\nNeedDaemonReload=no\n\nId=b.service\nNeedDaemonReload=yes\n\n",
     [{"Id": "a.service", "NeedDaemonReload": "no"}, {"Id": "b.service", "NeedDaemonReload": "yes"}]),
    ("Description=x=y\n", [{"Description": "x=y"}]),
    ("", []),
])
def test_parse_show(text, expected):
    assert sd.parse_show(text) == expected


def _changes(plan):
    return [(c.what, c.before, c.after) for c in plan.changes]


def _steps(plan):
    return [argv for _action, argv in (plan.state or {}).get("steps", [])]


# (id, args, unit, stale, expected changes, expected argvs, reason or message)
PLANS = [
    ("start", dict(name="demo", state="started"), STOPPED, [],
     [("state", "inactive (dead)", "started")], [["systemctl", "start", "demo.service"]],
     "demo.service: started"),
    ("already-started", dict(name="demo", state="started"), RUNNING, [], [], [],
     "demo.service is already active (running)"),
    ("stop", dict(name="demo", state="stopped"), RUNNING, [],
     [("state", "active (running)", "stopped")], [["systemctl", "stop", "demo.service"]],
     "demo.service: stopped"),
    ("stop-failed-unit-is-ok", dict(name="demo", state="stopped"), _unit("failed", "failed"), [],
     [], [], "demo.service is already failed (failed)"),
    ("restart-always", dict(name="demo", state="restarted"), RUNNING, [],
     [("state", "active (running)", "restarted")], [["systemctl", "restart", "demo.service"]],
     "demo.service: restarted"),
    ("reload-running", dict(name="demo", state="reloaded"), RUNNING, [],
     [("state", "active (running)", "reloaded")], [["systemctl", "reload", "demo.service"]],
     "demo.service: reloaded"),
    ("reload-stopped-starts", dict(name="demo", state="reloaded"), STOPPED, [],
     [("state", "inactive (dead)", "started")], [["systemctl", "start", "demo.service"]],
     "demo.service: started"),
    ("enable-and-start", dict(name="demo", state="started", enabled=True), STOPPED, [],
     [("enabled", "disabled", "enabled"), ("state", "inactive (dead)", "started")],
     [["systemctl", "enable", "demo.service"], ["systemctl", "start", "demo.service"]],
     "demo.service: enabled, started"),
    ("already-enabled", dict(name="demo", enabled=True), RUNNING, [], [], [],
     "demo.service is already enabled"),
    ("disable", dict(name="demo", enabled=False), RUNNING, [],
     [("enabled", "enabled", "disabled")], [["systemctl", "disable", "demo.service"]],
     "demo.service: disabled"),
    ("static-counts-as-enabled", dict(name="demo", enabled=True), _unit(file_state="static"), [],
     [], [], "demo.service is already static"),
    ("mask-and-stop", dict(name="demo", masked=True, state="stopped"), RUNNING, [],
     [("masked", False, True), ("state", "active (running)", "stopped")],
     [["systemctl", "mask", "demo.service"], ["systemctl", "stop", "demo.service"]],
     "demo.service: masked, stopped"),
    ("unmask-then-enable", dict(name="demo", masked=False, enabled=True),
     _unit(file_state="masked", load="masked"), [],
     [("masked", True, False), ("enabled", "masked", "enabled")],
     [["systemctl", "unmask", "demo.service"], ["systemctl", "enable", "demo.service"]],
     "demo.service: unmasked, enabled"),
    ("already-masked", dict(name="demo", masked=True), _unit(file_state="masked", load="masked"),
     [], [], [], "demo.service is already masked"),
    ("mask-a-missing-unit", dict(name="nope", masked=True), _unit(load="not-found", file_state="",
                                                                  uid="nope.service"), [],
     [("masked", False, True)], [["systemctl", "mask", "nope.service"]], "nope.service: masked"),
    ("daemon-reload-when-stale", dict(name="demo", daemon_reload=True, state="restarted"),
     RUNNING, ["demo.service"],
     [("daemon-reload", "unit files changed on disk: demo.service", "reloaded"),
      ("state", "active (running)", "restarted")],
     [["systemctl", "daemon-reload"], ["systemctl", "restart", "demo.service"]],
     "demo.service: reloaded the systemd configuration, restarted"),
    ("daemon-reload-not-needed", dict(name="demo", daemon_reload=True, state="started"),
     RUNNING, [], [], [],
     "demo.service is already loaded from the current unit files (no daemon-reload needed) "
     "and active (running)"),
    ("daemon-reload-alone", dict(daemon_reload=True), None, ["a.service", "b.service", "c.service",
                                                             "d.service"],
     [("daemon-reload", "unit files changed on disk: a.service, b.service, c.service and 1 more",
       "reloaded")], [["systemctl", "daemon-reload"]],
     "systemd: reloaded the systemd configuration"),
    ("no-block", dict(name="demo", state="started", no_block=True), STOPPED, [],
     [("state", "inactive (dead)", "started")],
     [["systemctl", "--no-block", "start", "demo.service"]], "demo.service: started"),
]


@pytest.mark.parametrize("args,unit,stale,changes,argvs,text",
                         [p[1:] for p in PLANS], ids=[p[0] for p in PLANS])
def test_plan(args, unit, stale, changes, argvs, text):
    plan = sd.plan(Context(), _args(**args), {"unit": unit, "stale": stale})
    assert _changes(plan) == changes
    assert _steps(plan) == argvs
    assert (plan.msg if plan.changed else plan.reason) == text


ERRORS = [
    ("unknown-unit", dict(name="foo", state="started"), _unit(load="not-found", file_state="",
                                                              uid="foo.service"),
     "unit foo.service not found"),
    ("nothing-to-do", dict(name="demo"), STOPPED,
     "nothing to do for demo: give at least one of state, enabled, masked, daemon_reload"),
    ("name-needed", dict(state="started"), None, "name is required with state"),
    ("masked-and-started", dict(name="demo", masked=True, state="started"), STOPPED,
     "masked: true stops demo from starting at all; it cannot also be enabled or started"),
    ("cannot-reload", dict(name="demo", state="reloaded"), _unit("active", "running",
                                                                 can_reload="no"),
     "unit demo.service cannot reload (it has no ExecReload=); use state: restarted"),
    ("static-cannot-be-disabled", dict(name="demo", enabled=False), _unit(file_state="static"),
     "unit demo.service is static (no [Install] section to undo): it cannot be disabled; "
     "use masked: true to keep it from starting"),
    ("no-unit-file", dict(name="demo", enabled=True), _unit(file_state=""),
     "unit demo.service has no usable unit file (UnitFileState=none); it cannot be enabled or "
     "disabled"),
    ("bad-unit", dict(name="demo", state="started"), _unit(load="bad-setting"),
     "unit demo.service cannot be loaded (LoadState=bad-setting); see systemctl status "
     "demo.service"),
]


@pytest.mark.parametrize("args,unit,message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_plan_errors(args, unit, message):
    with pytest.raises(ModuleError) as err:
        sd.plan(Context(), _args(**args), {"unit": unit, "stale": []})
    assert err.value.msg == message


@pytest.mark.parametrize("given,problem", [
    ({"name": "x", "scope": "user"}, "scope: 'user' is not one of 'system'"),
    ({"name": "x", "state": "running"}, "state: 'running' is not one of"),
])
def test_arguments_rejected_before_anything_runs(given, problem):
    with pytest.raises(ModuleError) as err:
        _args(**given)
    assert problem in err.value.msg


def test_check_mode_plans_a_unit_an_earlier_task_would_install():
    missing = _unit(load="not-found", file_state="", uid="foo.service")
    plan = sd.plan(Context(check=True), _args(name="foo", state="started", enabled=True),
                   {"unit": missing, "stale": []})
    assert _changes(plan) == [("enabled", "disabled", "enabled"),
                              ("state", "inactive (dead)", "started")]
    assert plan.msg == ("foo.service: enabled, started (check mode: unit foo.service not found; "
                        "an earlier task may install it)")


def test_aliases():
    assert _args(unit="a", **{"daemon-reload": True})["daemon_reload"] is True
    assert _args(service="b")["name"] == "b"


def test_unit_data_says_what_the_unit_will_be():
    data = sd.unit_data("demo.service", RUNNING, _args(name="demo", state="stopped"), "stop")
    assert (data["name"], data["state"], data["enabled"]) == ("demo", "stopped", True)  # as given


@pytest.mark.parametrize("build,expected", [
    (sd.journal_argv, ["journalctl", "-u", "x.service", "-n", "20", "--no-pager"]),
    (sd.status_argv, ["systemctl", "status", "x.service", "--no-pager", "-l", "-n", "20"]),
])
def test_failure_diagnostics_argv(build, expected):
    assert build("x.service") == expected


def test_systemd_service_is_the_same_module():
    from corral.modules import systemd, systemd_service
    for name in ("ARGS", "inspect", "plan", "apply"):
        assert getattr(systemd_service, name) is getattr(systemd, name) is getattr(sd, name)
