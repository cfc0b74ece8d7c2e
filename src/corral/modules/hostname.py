"""hostname: the host's name, now (the kernel's) and at boot (/etc/hostname)."""

import os
import re
import shutil
import socket
import subprocess

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan, atomic_write

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401

DOC = "Set the host name: the running kernel's and the permanent one in /etc/hostname."
HOSTNAME_FILE = "/etc/hostname"
_STRATEGIES = ("systemd", "debian", "generic", "alpine", "redhat", "sles", "openrc", "freebsd",
               "macos", "darwin", "openbsd", "solaris", "alpine")
_VALID = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$")

ARGS = {
    "name": Arg(str, required=True, doc="The host name (a short name or a FQDN)."),
    "use": Arg(str, choices=_STRATEGIES, doc="How to set it; systemd uses hostnamectl when it "
                                             "answers, the others write /etc/hostname."),
}
RETURNS = {"ansible_facts": "ansible_hostname, ansible_nodename, ansible_fqdn and ansible_domain "
                            "after the change."}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if not _VALID.match(args["name"]) or len(args["name"]) > 253:
        raise ArgumentError("%r is not a valid host name" % args["name"])
    permanent = None
    if os.path.exists(HOSTNAME_FILE):
        with open(HOSTNAME_FILE) as handle:
            permanent = handle.read().strip() or None
    return {"current": socket.gethostname(), "permanent": permanent}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    name = args["name"]
    changes = []  # type: List[Change]
    if current["current"] != name:
        changes.append(Change("hostname", current["current"], name))
    if current["permanent"] != name:
        changes.append(Change("permanent hostname", current["permanent"], name))
    data = {"ansible_facts": _facts(name)}
    if not changes:
        return Plan(reason="hostname is already %s" % name, data=data)
    return Plan(changes, data=data, msg="hostname: %s -> %s" % (current["current"], name),
                state=current)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    name = args["name"]
    if args["use"] == "systemd" and _hostnamectl(name):
        return {}
    if plan.state["permanent"] != name:
        atomic_write(HOSTNAME_FILE, (name + "\n").encode("ascii"), mode=0o644)
    if plan.state["current"] != name:
        try:
            socket.sethostname(name)
        except OSError as exc:
            raise ModuleError("could not set the running host name: %s" % exc) from exc
    return {}


def _hostnamectl(name):
    # type: (str) -> bool
    """Set it through systemd-hostnamed; False when hostnamectl is missing or cannot."""
    tool = shutil.which("hostnamectl")
    if tool is None:
        return False
    proc = subprocess.run([tool, "set-hostname", name], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc.returncode == 0


def _facts(name):
    # type: (str) -> Dict[str, str]
    short, _, domain = name.partition(".")
    return {"ansible_hostname": short, "ansible_nodename": name, "ansible_fqdn": name,
            "ansible_domain": domain}
