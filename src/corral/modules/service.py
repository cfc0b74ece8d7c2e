"""service: start, stop, restart, reload and enable services with the host's own init system."""

from corral.modules import _svc_openrc, _svc_systemd, _svc_sysv
from corral.modules._api import Arg, ModuleError, Plan  # noqa: F401 (Plan: type comments)
from corral.modules._svc_mgr import service_mgr
from corral.modules._svc_plan import STATES

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)

DOC = ("Manage services with the host's init system: systemd (when it runs), OpenRC, or SysV "
       "init scripts (update-rc.d or chkconfig for enabled).")
REQUIRES = ("_svc_mgr", "_svc_systemd", "_svc_sysv", "_svc_openrc")

ARGS = {
    "name": Arg(str, required=True, doc="Service name (systemd unit, or script in /etc/init.d)."),
    "state": Arg(str, choices=STATES,
                 doc="started/stopped change only when needed; restarted and reloaded always "
                     "act (reloaded starts a stopped service)."),
    "enabled": Arg(bool, doc="Whether the service starts at boot."),
    "arguments": Arg(str, default="", aliases=("args",),
                     doc="Extra arguments for the init script (SysV, OpenRC; ignored by systemd)."),
    "pattern": Arg(str, doc="SysV/OpenRC: a substring of the service's command line in ps, used "
                            "instead of the script's status action to tell if it runs."),
    "runlevel": Arg(str, default="default", doc="OpenRC: the runlevel for enabled."),
    "sleep": Arg(int, doc="SysV/OpenRC: seconds between the stop and the start of a restart "
                          "(ignored by systemd, as in Ansible)."),
    "use": Arg(str, default="auto", choices=("auto", "systemd", "openrc", "sysvinit"),
               doc="The init system to drive; auto picks the one the host runs (the "
                   "service_mgr fact)."),
}

BACKENDS = {"systemd": _svc_systemd, "openrc": _svc_openrc, "sysvinit": _svc_sysv,
            "service": _svc_sysv}


def backend_args(use, args):
    # type: (str, Mapping[str, Any]) -> Dict[str, Any]
    """The arguments the chosen backend takes, from service's."""
    if use == "systemd":
        return {"name": args["name"], "state": args.get("state"), "enabled": args.get("enabled"),
                "masked": None, "daemon_reload": False, "scope": "system", "no_block": False}
    return dict(args)


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    use = service_mgr() if args["use"] == "auto" else str(args["use"])
    given = backend_args(use, args)
    return {"use": use, "args": given, "current": BACKENDS[use].inspect(ctx, given)}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    if args.get("state") is None and args.get("enabled") is None:
        raise ModuleError("nothing to do for %s: give state, enabled or both" % args["name"])
    use = current["use"]
    result = BACKENDS[use].plan(ctx, current["args"], current["current"])  # type: Plan
    result.data["service_mgr"] = use
    result.state = dict(result.state or {}, use=use, args=current["args"])
    return result


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Any
    return BACKENDS[plan.state["use"]].apply(ctx, plan.state["args"], plan)
