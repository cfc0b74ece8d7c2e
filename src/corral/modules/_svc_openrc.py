"""The OpenRC backend of ``service``: rc-service and rc-update.

Stdlib only, Python 3.8 syntax. Running or not: ``rc-service NAME status``
(0 started, 3 stopped, 32 crashed), or ``pattern`` in ``ps``. Enabled: the
service is in the runlevel folder ``/etc/runlevels/RUNLEVEL``.
"""

import os
import shlex

from corral.modules._api import ModuleError, Plan, missing  # noqa: F401 (Plan: type comments)
from corral.modules._svc_pattern import pattern_running
from corral.modules._svc_plan import plan_service, restart_with_sleep
from corral.modules._svc_run import run
from corral.modules._svc_sysv import run_steps

REQUIRES = ("_svc_run", "_svc_plan", "_svc_pattern", "_svc_sysv")

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401 (type comments)

INIT_DIR = "/etc/init.d"
RUNLEVELS_DIR = "/etc/runlevels"
STATUS_RUNNING = {0: True, 3: False, 32: False}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    name, runlevel = str(args["name"]), str(args.get("runlevel") or "default")
    current = {
        "exists": os.path.isfile(os.path.join(INIT_DIR, name)),
        "enabled": os.path.lexists(os.path.join(RUNLEVELS_DIR, runlevel, name)),
        "status": None,
    }  # type: Dict[str, Any]
    if not current["exists"]:
        return current
    if args.get("pattern"):
        current["running"] = pattern_running(str(args["pattern"]))
        return current
    ran = run(control_argv(name, "status", ""))
    current["status"] = {"rc": ran.rc, "cmd": ran.shown, "output": ran.output()}
    current["running"] = STATUS_RUNNING.get(ran.rc)
    return current


def control_argv(name, action, arguments):
    # type: (str, str, str) -> List[str]
    return ["rc-service", name, action] + shlex.split(arguments or "")


def enable_argvs(name, runlevel, enable):
    # type: (str, str, bool) -> List[List[str]]
    return [["rc-update", "add" if enable else "del", name, runlevel]]


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    name, runlevel = str(args["name"]), str(args.get("runlevel") or "default")
    if not current["exists"]:
        raise ModuleError("service %s not found: no OpenRC script %s/%s" % (name, INIT_DIR, name),
                          missing("unit", name))
    if args.get("state") is not None and current.get("running") is None:
        status = current["status"]
        raise ModuleError("cannot tell whether %s is running: `%s` exited %d%s" % (
            name, status["cmd"], status["rc"], ":\n" + status["output"] if status["output"] else ""))

    def argv_for(action):
        # type: (str) -> List[List[str]]
        if action in ("enable", "disable"):
            return enable_argvs(name, runlevel, action == "enable")
        return restart_with_sleep(action, args.get("sleep"), lambda verb: control_argv(
            name, verb, args.get("arguments") or ""))

    return plan_service(name, args, {"running": bool(current.get("running")),
                                     "enabled": current["enabled"]}, argv_for)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    run_steps(str(args["name"]), plan.state["steps"])
