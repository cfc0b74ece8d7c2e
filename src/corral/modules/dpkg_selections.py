"""dpkg_selections: hold a Debian package at its version (or release it)."""

import subprocess

from corral.modules._api import Arg, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401

DOC = "Set a package's dpkg selection: hold (never upgraded), install, deinstall or purge."

ARGS = {
    "name": Arg(str, required=True, doc="The package."),
    "selection": Arg(str, required=True, choices=("install", "hold", "deinstall", "purge"),
                     doc="The selection state."),
}
RETURNS = {"before": "The selection before.", "after": "The selection after."}


def _dpkg(argv, data=None):
    # type: (Any, Any) -> Any
    try:
        return subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("dpkg could not run: %s" % exc) from exc


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    proc = _dpkg(["dpkg", "--get-selections", args["name"]])
    fields = proc.stdout.decode("utf-8", "replace").split()
    current = fields[1] if len(fields) >= 2 and fields[0].split(":")[0] == args["name"] else "not present"
    return {"selection": current}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    data = {"before": current["selection"], "after": args["selection"]}
    if current["selection"] == args["selection"]:
        return Plan(reason="%s is already %s" % (args["name"], args["selection"]), data=data)
    return Plan([Change("selection", current["selection"], args["selection"])], data=data,
                msg="%s: %s -> %s" % (args["name"], current["selection"], args["selection"]))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    line = ("%s %s\n" % (args["name"], args["selection"])).encode("utf-8")
    proc = _dpkg(["dpkg", "--set-selections"], line)
    if proc.returncode != 0:
        raise ModuleError("dpkg --set-selections failed: %s"
                          % proc.stderr.decode("utf-8", "replace").strip())
    return {}
