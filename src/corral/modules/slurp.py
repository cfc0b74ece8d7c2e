"""slurp: read a file on the host and return its content, base64-encoded.

Reading is never a change. The content travels in one response frame, so the file
is bounded (``MAX_BYTES``); for bigger files use ``fetch``.
"""

import base64
import os

from corral.modules._api import Arg, ModuleError, Plan, missing

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401

DOC = "Return a file of the host, base64-encoded (register it, then b64decode)."
MAX_BYTES = 8 * 1024 * 1024

ARGS = {
    "src": Arg("path", required=True, aliases=("path",), doc="The file to read."),
}

RETURNS = {
    "content": "The file's content, base64-encoded.",
    "encoding": "Always 'base64'.",
    "source": "The path read.",
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    src = args["src"]
    try:
        size = os.path.getsize(src)
        if os.path.isdir(src):
            raise ModuleError("source is a directory and must be a file: %s" % src)
        if size > MAX_BYTES:
            raise ModuleError("%s is %d bytes; slurp returns at most %d (use fetch for big "
                              "files)" % (src, size, MAX_BYTES))
        with open(src, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ModuleError("file not found: %s" % src, missing("path", src)) from None
    except PermissionError:
        raise ModuleError("file is not readable: %s (become a user who may read it)" % src) from None
    if len(data) > MAX_BYTES:
        raise ModuleError("%s grew past %d bytes while being read" % (src, MAX_BYTES))
    return {"content": base64.b64encode(data).decode("ascii"), "size": len(data)}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    return Plan(reason="read %s (%d bytes)" % (args["src"], current["size"]),
                data={"content": current["content"], "encoding": "base64", "source": args["src"]})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    raise ModuleError("slurp never writes")  # plan() never asks for a change
