"""group: local groups (groupadd, groupmod, groupdel)."""

from corral.modules._api import Arg, Change, Plan
from corral.modules._svc_run import run_ok
from corral.modules._users import (
    GROUP,
    groupadd_argv,
    groupdel_argv,
    groupmod_argv,
    parse_group,
    read_text,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401 (type comments)

DOC = "Manage local groups: create with a gid, change the gid, or remove."
REQUIRES = ("_svc_run", "_users")

ARGS = {
    "name": Arg(str, required=True, doc="Group name."),
    "gid": Arg(int, doc="Group id."),
    "system": Arg(bool, default=False, doc="Create a system group (only when creating)."),
    "non_unique": Arg(bool, default=False, doc="Allow a gid another group already has "
                                               "(groupadd/groupmod -o)."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: create the group (or set its gid); absent: remove it."),
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    return {"group": parse_group(read_text(GROUP)).get(str(args["name"]))}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    name, entry, gid = str(args["name"]), current["group"], args.get("gid")
    data = {"name": name, "state": args["state"]}  # type: Dict[str, Any]
    if args["state"] == "absent":
        if entry is None:
            return Plan(reason="group %s is already absent" % name, data=data)
        return Plan([Change("state", "present", "absent")], msg="removed group %s" % name,
                    data=data, state={"argv": groupdel_argv(name)})
    data["system"] = args["system"]
    if entry is None:
        changes = [Change("state", "absent", "present")]
        if gid is not None:
            changes.append(Change("gid", None, gid))
        return Plan(changes, msg="created group %s" % name, data=dict(data, gid=gid),
                    state={"argv": _unique(groupadd_argv(name, gid, args["system"]), args)})
    data["gid"] = entry["gid"]
    if gid is None or gid == entry["gid"]:
        return Plan(reason="group %s already exists (gid %d)" % (name, entry["gid"]), data=data)
    return Plan([Change("gid", entry["gid"], gid)], msg="changed the gid of group %s" % name,
                data=dict(data, gid=gid), state={"argv": _unique(groupmod_argv(name, gid), args)})


def _unique(argv, args):
    # type: (List[str], Mapping[str, Any]) -> List[str]
    """With non_unique and a gid: -o, so the gid may be another group's."""
    if args["non_unique"] and args.get("gid") is not None:
        return argv[:1] + ["-o"] + argv[1:]
    return argv


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    argv = plan.state["argv"]
    run_ok(argv, argv[0])
    entry = parse_group(read_text(GROUP)).get(str(args["name"]))
    return {"gid": entry["gid"]} if entry is not None else {}
