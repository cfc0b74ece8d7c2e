"""assemble: build a file from the fragments in a directory (sorted by name), as Ansible does."""

import os
import re

from corral.modules._api import Arg, ArgumentError, ModuleError
from corral.modules._textedit import apply_text, inspect_text, plan_text

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401

DOC = "Concatenate the files of a directory (in name order) into one file, with an optional delimiter."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")
MAX_BYTES = 64 * 1024 * 1024

ARGS = {
    "src": Arg("path", required=True, doc="The directory of fragments (on the host)."),
    "dest": Arg("path", required=True, aliases=("path",), doc="The file to write."),
    "remote_src": Arg(bool, default=True, doc="src is on the host (fragments on the controller: "
                                              "not supported; copy them first)."),
    "delimiter": Arg(str, doc="Written between fragments (a newline is added if it has none)."),
    "regexp": Arg(str, doc="Only fragments whose name matches this regex."),
    "ignore_hidden": Arg(bool, default=False, doc="Leave out fragments whose name starts with a dot."),
    "backup": Arg(bool, default=False, doc="Keep the old file as dest.PID.DATE@TIME~."),
    "validate": Arg(str, doc="Command that checks the new file first; %s is the temporary file."),
    "mode": Arg("mode", doc="Mode of dest."),
    "owner": Arg(str, doc="User owning dest."),
    "group": Arg(str, doc="Group owning dest."),
}
RETURNS = {"dest": "The file.", "backup_file": "The backup, when one was made."}


def _file_args(args):
    # type: (Mapping[str, Any]) -> Dict[str, Any]
    out = dict(args)
    out["path"] = args["dest"]
    return out


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if not args["remote_src"]:
        raise ArgumentError("remote_src: false (fragments on the controller) is not supported yet; "
                            "copy the fragments to the host first")
    if not os.path.isdir(args["src"]):
        raise ModuleError("Source (%s) is not a directory" % args["src"])
    try:
        pattern = re.compile(args["regexp"]) if args["regexp"] else None
    except re.error as exc:
        raise ArgumentError("Invalid Regexp (%s) in \"%s\"" % (exc, args["regexp"])) from exc
    current = inspect_text(_file_args(args))
    current["assembled"] = assemble(args["src"], args["delimiter"], pattern, args["ignore_hidden"])
    return current


def assemble(src, delimiter, pattern, ignore_hidden):
    # type: (str, Any, Any, bool) -> str
    """The fragments of ``src`` joined: a missing final newline is added between fragments."""
    pieces = []  # type: List[str]
    total = 0
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if not os.path.isfile(path):
            continue
        if pattern is not None and not pattern.search(name):
            continue
        if ignore_hidden and name.startswith("."):
            continue
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "surrogateescape")
        total += len(text)
        if total > MAX_BYTES:
            raise ModuleError("the fragments add up to more than %d bytes" % MAX_BYTES)
        if pieces:
            if not pieces[-1].endswith("\n"):
                pieces.append("\n")
            if delimiter:
                pieces.append(delimiter if delimiter.endswith("\n") else delimiter + "\n")
        pieces.append(text)
    return "".join(pieces)


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    return plan_text(_file_args(args), current, current["assembled"], "", data={"dest": args["dest"]})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    return apply_text(_file_args(args), plan)
