"""tempfile: create a new temporary file or directory on the host and return its path."""

import os
import tempfile as stdlib_tempfile

from corral.modules._api import Arg, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401

DOC = "Create a temporary file or directory (mode 0600/0700) and return its path."

ARGS = {
    "state": Arg(str, default="file", choices=("file", "directory"), doc="file or directory."),
    "path": Arg("path", doc="The folder to create it in (default: the system's temp folder)."),
    "prefix": Arg(str, default="ansible.", doc="Start of the name."),
    "suffix": Arg(str, default="", doc="End of the name."),
}
RETURNS = {"path": "The path created (in check mode: none is created)."}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    folder = args["path"] or stdlib_tempfile.gettempdir()
    if not os.path.isdir(folder):
        raise ModuleError("%s does not exist or is not a directory" % folder)
    return {"folder": folder}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    return Plan([Change(args["state"], None, "a new one in %s" % current["folder"])],
                msg="new temporary %s in %s" % (args["state"], current["folder"]), state=current)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    folder = plan.state["folder"]
    try:
        if args["state"] == "directory":
            path = stdlib_tempfile.mkdtemp(prefix=args["prefix"], suffix=args["suffix"], dir=folder)
        else:
            fd, path = stdlib_tempfile.mkstemp(prefix=args["prefix"], suffix=args["suffix"],
                                               dir=folder)
            os.close(fd)
    except OSError as exc:
        raise ModuleError("could not create a temporary %s in %s: %s"
                          % (args["state"], folder, exc)) from exc
    return {"path": path, "msg": "created %s" % path}
