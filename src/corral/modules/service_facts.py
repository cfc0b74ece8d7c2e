"""service_facts: the services of the host and their state, as the fact ``services``."""

import os
import shutil
import subprocess

from corral.modules._api import Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401

DOC = "Gather the host's services (systemd, SysV or OpenRC) as ansible_facts.services."
ARGS = {}  # type: Dict[str, Any]
RETURNS = {"ansible_facts": "services: {unit name: {name, state, status, source}}."}


def _run(argv):
    # type: (List[str]) -> str
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""


def systemd_services():
    # type: () -> Dict[str, Dict[str, Any]]
    services = {}  # type: Dict[str, Dict[str, Any]]
    units = _run(["systemctl", "list-units", "--no-pager", "--type", "service", "--all",
                  "--plain", "--no-legend"])
    for line in units.splitlines():
        fields = line.split(None, 4)
        if len(fields) < 4 or not fields[0].endswith(".service"):
            continue
        name, load, active, sub = fields[:4]
        state = "running" if sub == "running" else (
            "stopped" if active in ("inactive", "failed") or sub in ("dead", "exited", "failed")
            else "unknown")
        services[name] = {"name": name, "state": state, "status": "unknown", "source": "systemd"}
        if load == "not-found":
            services[name]["status"] = "not-found"
    files = _run(["systemctl", "list-unit-files", "--no-pager", "--type", "service",
                  "--plain", "--no-legend"])
    for line in files.splitlines():
        fields = line.split()
        if len(fields) < 2 or not fields[0].endswith(".service"):
            continue
        entry = services.setdefault(fields[0], {"name": fields[0], "state": "stopped",
                                                "source": "systemd"})
        entry["status"] = fields[1]
    return services


def sysv_services():
    # type: () -> Dict[str, Dict[str, Any]]
    services = {}  # type: Dict[str, Dict[str, Any]]
    for line in _run(["service", "--status-all"]).splitlines():
        marker, _, name = line.strip().partition("]")
        name = name.strip()
        if not name:
            continue
        state = "running" if "+" in marker else "stopped" if "-" in marker else "unknown"
        services[name] = {"name": name, "state": state, "source": "sysv", "status": "unknown"}
    return services


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if os.path.isdir("/run/systemd/system") and shutil.which("systemctl"):
        return {"services": systemd_services()}
    if shutil.which("rc-status"):
        services = {}
        for line in _run(["rc-status", "--all", "--nocolor"]).splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "[":
                services[parts[0]] = {"name": parts[0], "source": "openrc", "status": "enabled",
                                      "state": "running" if parts[2] == "started" else "stopped"}
        return {"services": services}
    return {"services": sysv_services()}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    return Plan(reason="%d services" % len(current["services"]),
                data={"ansible_facts": {"services": current["services"]}})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    return {}
