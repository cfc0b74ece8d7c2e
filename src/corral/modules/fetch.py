"""fetch: copy a file from the host to the controller (backups, logs, generated keys).

The controller's step (``corral.prepare.fetch``) works out the local path
(``dest/HOST/src``, or ``dest`` itself with ``flat``) and sends the sha1 of the
file already there; this module compares it with the host's file and returns the
content only when they differ. The controller then writes it atomically, after
checking its sha1 (``validate_checksum``). A file bigger than ``CHUNK`` comes in
several responses: the controller asks again with ``_offset`` for the next piece. Check mode returns no content, so
nothing is written.
"""

import base64
import hashlib
import os

from corral.modules._api import Arg, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401

DOC = "Copy a file from the host to the controller, into dest/HOST/src (or dest with flat)."
CONTROLLER = "fetch"
PREPARE = "fetch"
CHUNK = 8 * 1024 * 1024  # per response: its base64 stays under the 16 MiB frame limit

ARGS = {
    "src": Arg("path", required=True, doc="The file on the host (not a directory)."),
    "dest": Arg(str, required=True, doc="Folder on the controller; the file goes to "
                                        "dest/HOST/src unless flat."),
    "flat": Arg(bool, default=False, doc="Write to dest itself (dest/ + basename of src when "
                                         "dest ends with /)."),
    "fail_on_missing": Arg(bool, default=True, doc="Fail when src does not exist on the host."),
    "validate_checksum": Arg(bool, default=True, doc="Check the sha1 of what arrived."),
}

RETURNS = {
    "checksum": "sha1 of the file on the controller after the task.",
    "remote_checksum": "sha1 of the file on the host.",
    "dest": "The path written on the controller.",
    "file": "The path on the host (src).",
    "md5sum": "md5 of the file (as Ansible returns it).",
}


def _sums(path):
    # type: (str) -> Dict[str, Any]
    sha1, md5, size = hashlib.sha1(), hashlib.md5(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            sha1.update(block)
            md5.update(block)
            size += len(block)
    return {"sha1": sha1.hexdigest(), "md5": md5.hexdigest(), "size": size}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    src = args["src"]
    if args.get("_offset") is not None:  # the next piece of a file already compared
        return {"sha1": args.get("_remote_checksum"), "next_piece": True}
    if os.path.isdir(src):
        raise ModuleError("remote file is a directory, fetch cannot work on directories: %s" % src)
    try:
        return _sums(src)
    except FileNotFoundError:
        if args["fail_on_missing"]:
            raise ModuleError("the remote file does not exist: %s" % src, file=src) from None
        return {"sha1": None}
    except PermissionError:
        raise ModuleError("the remote file is not readable: %s (become a user who may read "
                          "it)" % src, file=src) from None


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    src, dest = args["src"], args.get("_local_dest") or args["dest"]
    if current["sha1"] is None:
        return Plan(reason="the remote file does not exist, not transferring, ignored",
                    data={"file": src, "dest": dest})
    if current.get("next_piece"):
        return Plan([Change("piece", None, args["_offset"])],
                    data={"file": src, "dest": dest, "remote_checksum": current["sha1"]})
    data = {"file": src, "dest": dest, "remote_checksum": current["sha1"],
            "checksum": current["sha1"], "md5sum": current["md5"], "remote_md5sum": None}
    local = args.get("_local_checksum")
    if local == current["sha1"]:
        return Plan(reason="%s on the controller is already the same as %s (sha1 %s)"
                    % (dest, src, local[:12]), data=data)
    return Plan([Change("controller file", "sha1:%s" % local if local else "absent",
                        "sha1:" + current["sha1"])], data=data,
                msg="fetched %s to %s" % (src, dest))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    """One piece of the file, from ``_offset``; ``_more`` says whether another follows."""
    offset = int(args.get("_offset") or 0)
    with open(args["src"], "rb") as handle:
        handle.seek(offset)
        data = handle.read(CHUNK + 1)
    return {"_content_b64": base64.b64encode(data[:CHUNK]).decode("ascii"),
            "_offset": offset, "_more": len(data) > CHUNK}
