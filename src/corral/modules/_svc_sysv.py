"""The SysV init backend of ``service``: /etc/init.d scripts, update-rc.d or chkconfig.

Stdlib only, Python 3.8 syntax. Running or not: the script's ``status``
exit code (LSB: 0 running, 1-3 not running), or ``pattern`` in ``ps``.
Enabled: a start link ``S??NAME`` in one of the runlevel 2-5 folders.
"""

import glob
import os
import shlex
import shutil

from corral.modules._api import ModuleError, Plan, missing  # noqa: F401 (Plan: type comments)
from corral.modules._svc_pattern import pattern_running
from corral.modules._svc_plan import plan_service, restart_with_sleep
from corral.modules._svc_run import failure_message, run

REQUIRES = ("_svc_run", "_svc_plan", "_svc_pattern")

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401 (type comments)

INIT_DIR = "/etc/init.d"
INIT_DIRS = (INIT_DIR, "/etc/rc.d/init.d")
RC_GLOBS = ("/etc/rc[2345].d/S??%s", "/etc/rc.d/rc[2345].d/S??%s")
# LSB status exit codes: 0 running; 1, 2 dead (pid or lock file left); 3 not running
STATUS_RUNNING = {0: True, 1: False, 2: False, 3: False}


# --- inspect ---------------------------------------------------------------------

def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    name = str(args["name"])
    scripts = [os.path.join(folder, name) for folder in INIT_DIRS]
    current = {
        "script": next((s for s in scripts if os.path.isfile(s)), None),
        "tool": "update-rc.d" if shutil.which("update-rc.d") else
                "chkconfig" if shutil.which("chkconfig") else None,
        "enabled": any(glob.glob(pattern % name) for pattern in RC_GLOBS),
        "status": None,
    }  # type: Dict[str, Any]
    if current["script"] is None:
        return current
    if args.get("pattern"):
        current["running"] = pattern_running(str(args["pattern"]))
        return current
    ran = run(control_argv(current["script"], "status", ""))
    current["status"] = {"rc": ran.rc, "cmd": ran.shown, "output": ran.output()}
    current["running"] = STATUS_RUNNING.get(ran.rc)
    return current


# --- plan ------------------------------------------------------------------------

def control_argv(script, action, arguments):
    # type: (str, str, str) -> List[str]
    """``/etc/init.d/NAME ACTION ARGS``."""
    return [script] + [action] + shlex.split(arguments or "")


def enable_argvs(name, tool, enable):
    # type: (str, str, bool) -> List[List[str]]
    if tool == "chkconfig":
        return [["chkconfig", name, "on" if enable else "off"]]
    if enable:  # defaults makes the links from the script's LSB header; enable turns K into S
        return [["update-rc.d", name, "defaults"], ["update-rc.d", name, "enable"]]
    return [["update-rc.d", name, "disable"]]


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    name = str(args["name"])
    if current["script"] is None:
        absent = "service %s not found: no init script %s/%s" % (name, INIT_DIR, name)
        if not getattr(ctx, "check", False):
            raise ModuleError(absent, missing("unit", name))
        current = dict(current, script=os.path.join(INIT_DIR, name), running=False)
        result = _plan(name, args, current)
        if result.changed:  # check mode: an earlier task may install it
            result.msg += " (check mode: %s; an earlier task may install it)" % absent
            result.missing = missing("unit", name)
        return result
    return _plan(name, args, current)


def _plan(name, args, current):
    # type: (str, Mapping[str, Any], Dict[str, Any]) -> Plan
    if args.get("state") is not None and current.get("running") is None:
        status = current["status"]
        raise ModuleError("cannot tell whether %s is running: `%s` exited %d (expected 0 running "
                          "or 3 stopped)%s; give pattern: to look for its process instead" % (
                              name, status["cmd"], status["rc"],
                              ":\n" + status["output"] if status["output"] else ""))
    if args.get("enabled") is not None and current["tool"] is None:
        raise ModuleError("cannot enable or disable %s: neither update-rc.d nor chkconfig is "
                          "installed" % name)

    def argv_for(action):
        # type: (str) -> List[List[str]]
        if action in ("enable", "disable"):
            return enable_argvs(name, current["tool"], action == "enable")
        return restart_with_sleep(action, args.get("sleep"), lambda verb: control_argv(
            current["script"], verb, args.get("arguments") or ""))

    return plan_service(name, args, {"running": bool(current.get("running")),
                                     "enabled": current["enabled"]}, argv_for)


# --- apply -----------------------------------------------------------------------

def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    run_steps(str(args["name"]), plan.state["steps"])


def run_steps(name, steps):
    # type: (str, List[Any]) -> None
    """Run each (action, argv) of a plan; the first failure fails the task with its output."""
    for action, argv in steps:
        ran = run(argv)
        if ran.rc != 0:
            raise ModuleError(failure_message(ran, "%s %s" % (action, name)), rc=ran.rc,
                              stdout=ran.out, stderr=ran.err)
