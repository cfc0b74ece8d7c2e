"""The shared shape of modules that edit a text file in place (blockinfile, replace, ini_file).

Each such module supplies only a pure edit ``old text -> (new text, message)``;
this file reads the file and its attributes, plans the change with a diff, and
installs the new text atomically (validate and backup included). Stdlib only,
Python 3.8 syntax.
"""

import os

from corral.modules._api import Change, ModuleError, Plan, text_diff
from corral.modules._fileattrs import apply_attrs, attr_changes, read_attrs, wanted_attrs
from corral.modules._filecontent import install

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple  # noqa: F401

REQUIRES = ("_fileattrs", "_filecontent")
MAX_EDIT_BYTES = 64 * 1024 * 1024


def inspect_text(args):
    # type: (Mapping[str, Any]) -> Dict[str, Any]
    """The file's text (None when missing) and attributes; only reads."""
    path = args["path"]
    if os.path.isdir(path):
        raise ModuleError("%s is a directory, not a file" % path)
    current = {"path": path, "wanted": wanted_attrs(args), "attrs": read_attrs(path), "text": None}
    if current["attrs"] is not None:
        if os.path.getsize(path) > MAX_EDIT_BYTES:
            raise ModuleError("%s is larger than %d bytes; not edited" % (path, MAX_EDIT_BYTES))
        with open(path, "rb") as handle:
            current["text"] = handle.read().decode("utf-8", "surrogateescape")
    return current


def plan_text(args, current, after, msg, data=None):
    # type: (Mapping[str, Any], Dict[str, Any], str, str, Optional[Dict[str, Any]]) -> Plan
    """The plan from ``current`` to ``after``: content, creation and attribute changes."""
    path, before = current["path"], current["text"]
    changes = []  # type: List[Change]
    if before is None:
        changes.append(Change("state", "absent", "file"))
    elif after != before:
        changes.append(Change("content", None, msg))
    changes += attr_changes(current["wanted"], current["attrs"])
    data = dict(data or {})
    if not changes:
        return Plan(reason="%s: %s" % (path, msg or "nothing to change"), data=data, msg=msg)
    diff = text_diff(before or "", after, path, path) if after != (before or "") else None
    return Plan(changes, diff=diff, msg=msg or "%s: attributes changed" % path, data=data,
                state={"content": after if after != before else None})


def apply_text(args, plan):
    # type: (Mapping[str, Any], Plan) -> Dict[str, Any]
    """Write the planned text (or only the attributes) to the file."""
    path = args["path"]
    wanted = wanted_attrs(args)
    after = plan.state["content"]
    if after is None:
        apply_attrs(path, wanted)
        return {}
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, exist_ok=True)
    data = after.encode("utf-8", "surrogateescape")
    return install(path, data, wanted, args.get("validate"), args.get("backup", False))


def split_lines(text):
    # type: (str) -> List[str]
    """Lines with their endings, split on "\\n" only."""
    lines = [piece + "\n" for piece in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def end_with_newline(lines):
    # type: (List[str]) -> List[str]
    if lines and not lines[-1].endswith("\n"):
        return lines[:-1] + [lines[-1] + "\n"]
    return list(lines)
