"""locale_gen: a locale generated (enabled in /etc/locale.gen, then locale-gen) or removed."""

import os
import re
import subprocess

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan, atomic_write

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401

DOC = "Generate a locale (like en_US.UTF-8) or remove it, on Debian and Ubuntu hosts."
LOCALE_GEN = "/etc/locale.gen"
SUPPORTED = "/usr/share/i18n/SUPPORTED"

ARGS = {
    "name": Arg(list, required=True, elements=str, doc="Locale name(s), like en_US.UTF-8."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
}
RETURNS = {"name": "As given."}


def _normal(name):
    # type: (str) -> str
    return name.replace("utf8", "UTF-8").replace("UTF8", "UTF-8")


def available():
    # type: () -> Dict[str, bool]
    """Each locale listed in /etc/locale.gen, and whether it is enabled (uncommented)."""
    found = {}  # type: Dict[str, bool]
    if not os.path.exists(LOCALE_GEN):
        return found
    with open(LOCALE_GEN) as handle:
        for line in handle:
            match = re.match(r"^\s*(#\s*)?([A-Za-z_@.0-9-]+)\s+\S+\s*$", line)
            if match:
                found[_normal(match.group(2))] = not match.group(1)
    return found


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if not os.path.exists(LOCALE_GEN) or not os.path.exists("/usr/sbin/locale-gen"):
        raise ModuleError("%s or locale-gen is missing: install the locales package first"
                          % LOCALE_GEN)
    listed = available()
    for name in args["name"]:
        if _normal(name) not in listed:
            raise ArgumentError("The locale you've entered is not available on your system: %s" % name)
    return {"listed": listed}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    want = args["state"] == "present"
    todo = [n for n in args["name"] if current["listed"][_normal(n)] != want]
    if not todo:
        return Plan(reason="%s already %s" % (", ".join(args["name"]), args["state"]),
                    data={"name": args["name"]})
    return Plan([Change("locale", n, args["state"]) for n in todo], data={"name": args["name"]},
                state={"todo": [_normal(n) for n in todo]},
                msg="%s %s" % (", ".join(todo), "generated" if want else "removed"))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    want = args["state"] == "present"
    todo = set(plan.state["todo"])
    with open(LOCALE_GEN) as handle:
        lines = handle.readlines()
    out = []
    for line in lines:
        match = re.match(r"^(\s*#\s*)?([A-Za-z_@.0-9-]+)(\s+\S+\s*)$", line)
        if match and _normal(match.group(2)) in todo:
            line = ("" if want else "# ") + match.group(2) + match.group(3)
        out.append(line)
    atomic_write(LOCALE_GEN, "".join(out).encode("utf-8"))
    proc = subprocess.run(["/usr/sbin/locale-gen"], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise ModuleError("locale-gen failed: %s" % proc.stderr.decode("utf-8", "replace").strip())
    return {}
