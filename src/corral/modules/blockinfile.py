"""blockinfile: a block of lines between marker lines, kept in a text file (or removed)."""

import re

from corral.modules._api import Arg, ArgumentError, ModuleError, Plan, missing
from corral.modules._textedit import (
    apply_text,
    end_with_newline,
    inspect_text,
    plan_text,
    split_lines,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Insert, update or remove a block of lines surrounded by marker lines in a text file."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

ARGS = {
    "path": Arg("path", required=True, aliases=("dest", "destfile", "name"), doc="The file to edit."),
    "block": Arg(str, default="", aliases=("content",),
                 doc="The lines to put between the markers; empty means remove the block."),
    "marker": Arg(str, default="# {mark} ANSIBLE MANAGED BLOCK",
                  doc="The marker line template; {mark} becomes marker_begin or marker_end."),
    "marker_begin": Arg(str, default="BEGIN", doc="What {mark} is in the first marker."),
    "marker_end": Arg(str, default="END", doc="What {mark} is in the last marker."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: the block is there; absent: block and markers are removed."),
    "insertafter": Arg(str, doc="For a new block: after the last line matching this regex, or EOF "
                                "(the default)."),
    "insertbefore": Arg(str, doc="For a new block: before the last line matching this regex, or BOF."),
    "create": Arg(bool, default=False, doc="Create the file if it is missing."),
    "backup": Arg(bool, default=False, doc="Keep the old file as path.PID.DATE@TIME~; returns backup_file."),
    "validate": Arg(str, doc="Command that checks the new file first; %s is the temporary file."),
    "append_newline": Arg(bool, default=False, doc="Add a blank line after a block that is inserted."),
    "prepend_newline": Arg(bool, default=False, doc="Add a blank line before a block that is inserted."),
    "mode": Arg("mode", doc="Mode of the file: '0644' or symbolic."),
    "owner": Arg(str, doc="User owning the file (name or id)."),
    "group": Arg(str, doc="Group owning the file (name or id)."),
}
RETURNS = {
    "msg": "What happened: 'Block inserted', 'Block removed', 'File created', or '' (no change).",
    "backup_file": "The backup's path, when backup made one.",
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["insertafter"] is not None and args["insertbefore"] is not None:
        raise ArgumentError("insertafter and insertbefore are mutually exclusive")
    if "{mark}" not in args["marker"]:
        raise ArgumentError("marker must contain {mark}, or the two markers would be the same")
    return inspect_text(args)


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    before = current["text"]
    if before is None:
        if args["state"] == "absent" or not args["block"]:
            return Plan(reason="%s does not exist; no block to remove" % current["path"])
        if not args["create"]:
            raise ModuleError("Path %s does not exist !" % args["path"], missing("path", args["path"]),
                              rc=257)
    after, msg = edit_block(before or "", args)
    if before is None:
        msg = "File created"
    return plan_text(args, current, after, msg)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    return apply_text(args, plan)


def edit_block(text, args):
    # type: (str, Mapping[str, Any]) -> Tuple[str, str]
    """Ansible's blockinfile on ``text``: returns (new text, message)."""
    lines = split_lines(text)
    begin = args["marker"].replace("{mark}", args["marker_begin"])
    end = args["marker"].replace("{mark}", args["marker_end"])
    n_begin = n_end = None
    for number, line in enumerate(lines):
        if line.rstrip("\r\n") == begin:
            n_begin = number
        if line.rstrip("\r\n") == end:
            n_end = number
    present = args["state"] == "present" and args["block"] != ""
    block_lines = []  # type: List[str]
    if present:
        body = args["block"]
        block_lines = [begin + "\n"] + [line + "\n" for line in body.splitlines()] + [end + "\n"]
    if n_begin is not None and n_end is not None and n_begin <= n_end:
        new = lines[:n_begin] + block_lines + lines[n_end + 1:]
        msg = "Block inserted" if present else "Block removed"
        if new == lines:
            return text, ""
        return "".join(new), msg
    if not present:
        return text, ""
    at = _insert_at(lines, args)
    if args["prepend_newline"] and at > 0:
        block_lines = ["\n"] + block_lines
    if args["append_newline"] and at < len(lines):
        block_lines = block_lines + ["\n"]
    lines = end_with_newline(lines) if at >= len(lines) else lines
    return "".join(lines[:at] + block_lines + lines[at:]), "Block inserted"


def _insert_at(lines, args):
    # type: (List[str], Mapping[str, Any]) -> int
    after, before = args["insertafter"], args["insertbefore"]
    if before == "BOF":
        return 0
    anchor = before if before is not None else (after if after not in (None, "EOF") else None)
    if anchor is None:
        return len(lines)
    pattern = re.compile(anchor)
    found = None
    for number, line in enumerate(lines):
        if pattern.search(line.rstrip("\r\n")):
            found = number
    if found is None:
        return len(lines)
    return found if before is not None else found + 1
