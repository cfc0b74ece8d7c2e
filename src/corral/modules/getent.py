"""getent: look entries up in the host's name service databases (passwd, group, hosts, …)."""

import subprocess

from corral.modules._api import Arg, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401

DOC = "Look up entries of passwd, group, hosts, services… with getent(1); sets getent_DATABASE."
_COLON = ("passwd", "group", "shadow", "gshadow")

ARGS = {
    "database": Arg(str, required=True, doc="passwd, group, hosts, services, shadow, …"),
    "key": Arg(str, doc="The entry to look up; none: the whole database."),
    "split": Arg(str, doc="Field separator (default ':' for passwd/group/shadow, else whitespace)."),
    "fail_key": Arg(bool, default=True, doc="Fail when the key is not found."),
    "service": Arg(str, doc="Override the NSS service (getent -s)."),
}
RETURNS = {"ansible_facts": "getent_DATABASE: {key: [fields after the key]} (a fact)."}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    argv = ["getent"]
    if args["service"]:
        argv += ["-s", args["service"]]
    argv.append(args["database"])
    if args["key"] is not None:
        argv.append(args["key"])
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("getent could not run: %s" % exc) from exc
    if proc.returncode == 1:
        raise ModuleError("Missing arguments, or database unknown.", rc=1)
    if proc.returncode == 2:
        if args["fail_key"]:
            raise ModuleError("One or more supplied key could not be found in the database.",
                              rc=2)
        return {"entries": {args["key"]: None}}
    if proc.returncode == 3:
        raise ModuleError("Enumeration not supported on this database.", rc=3)
    if proc.returncode != 0:
        raise ModuleError("getent failed (rc=%d): %s" % (
            proc.returncode, proc.stderr.decode("utf-8", "replace").strip()), rc=proc.returncode)
    return {"entries": parse(proc.stdout.decode("utf-8", "replace"), args)}


def parse(text, args):
    # type: (str, Mapping[str, Any]) -> Dict[str, Any]
    sep = args["split"] if args["split"] is not None else (
        ":" if args["database"] in _COLON else None)
    entries = {}  # type: Dict[str, Any]
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split(sep) if sep is not None else line.split()
        key, rest = fields[0], fields[1:]
        if key in entries and args["database"] != "hosts":
            continue  # the first entry wins, as getent(1) lists them
        entries[key] = rest
    return entries


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    facts = {"getent_" + args["database"]: current["entries"]}
    return Plan(reason="%d entr%s of %s" % (len(current["entries"]),
                                            "y" if len(current["entries"]) == 1 else "ies",
                                            args["database"]),
                data={"ansible_facts": facts})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    return {}
