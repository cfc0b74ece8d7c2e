"""sysctl: a kernel parameter kept in a sysctl file, and (by default) set live, as Ansible does."""

import os
import re
import subprocess

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan
from corral.modules._textedit import apply_text, inspect_text, plan_text, split_lines

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Set a kernel parameter in a sysctl file (and live, with sysctl), or remove it from the file."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

ARGS = {
    "name": Arg(str, required=True, aliases=("key",), doc="The parameter, like net.ipv4.ip_forward."),
    "value": Arg(str, aliases=("val",), doc="Its value (required with state=present)."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: in the file with value; absent: removed from the file."),
    "sysctl_file": Arg("path", default="/etc/sysctl.conf", doc="The file the setting is kept in."),
    "reload": Arg(bool, default=True, doc="After a change, load the file with sysctl -p."),
    "ignoreerrors": Arg(bool, default=False, doc="Ignore unknown keys when reloading (sysctl -e)."),
    "sysctl_set": Arg(bool, default=False, doc="Also compare and set the live value (sysctl -w), "
                                               "even when the file is right."),
}
RETURNS = {"msg": "What changed."}


def _path_args(args):
    # type: (Mapping[str, Any]) -> Dict[str, Any]
    return {"path": args["sysctl_file"], "mode": None, "owner": None, "group": None}


def _normal(value):
    # type: (Any) -> str
    """A live value as /proc/sys shows it (tabs between numbers) compared to ours."""
    return " ".join(str(value).split())


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["state"] == "present" and args["value"] is None:
        raise ArgumentError("value is required with state=present")
    if not re.match(r"^[\w.*/-]+$", args["name"]):
        raise ArgumentError("name %r is not a sysctl key" % args["name"])
    current = inspect_text(_path_args(args))
    current["live"] = _live_value(args["name"]) if args["sysctl_set"] else None
    return current


def _live_value(name):
    # type: (str) -> Optional[str]
    path = os.path.join("/proc/sys", name.replace(".", "/"))
    try:
        with open(path) as handle:
            return _normal(handle.read())
    except OSError:
        return None


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    text = current["text"] or ""
    after = edit_sysctl(text, args["name"], args["value"], args["state"])
    file_plan = plan_text(_path_args(args), current, after, "")
    changes = list(file_plan.changes)
    if current["text"] is None and after == "":
        changes = []
    live_wrong = (args["sysctl_set"] and args["state"] == "present"
                  and current["live"] != _normal(args["value"]))
    if live_wrong:
        changes.append(Change("live value", current["live"], _normal(args["value"])))
    if not changes:
        return Plan(reason="%s is already %s in %s" % (
            args["name"], "absent" if args["state"] == "absent" else args["value"],
            args["sysctl_file"]))
    return Plan(changes, diff=file_plan.diff, state={"content": file_plan.state["content"]
                                                     if file_plan.state else None,
                                                     "live": live_wrong},
                msg="%s=%s" % (args["name"], args["value"]) if args["state"] == "present"
                else "%s removed" % args["name"])


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    result = {}  # type: Dict[str, Any]
    if plan.state["content"] is not None:
        result = apply_text(_path_args(args), plan)
    if plan.state["live"]:
        _sysctl(["-w", "%s=%s" % (args["name"], _normal(args["value"]))], args)
    if args["reload"] and plan.state["content"] is not None:
        _sysctl(["-p", args["sysctl_file"]], args)
    return result


def _sysctl(words, args):
    # type: (List[str], Mapping[str, Any]) -> None
    argv = ["sysctl"] + (["-e"] if args["ignoreerrors"] else []) + words
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("sysctl could not run: %s" % exc) from exc
    if proc.returncode != 0:
        raise ModuleError("%s failed (rc=%d): %s" % (" ".join(argv), proc.returncode,
                          proc.stderr.decode("utf-8", "replace").strip()), rc=proc.returncode)


def _key_value(line):
    # type: (str) -> Optional[Tuple[str, str]]
    stripped = line.strip()
    if not stripped or stripped[0] in "#;" or "=" not in stripped:
        return None
    key, _, value = stripped.partition("=")
    return key.strip(), value.strip()


def file_values(text):
    # type: (str) -> Dict[str, str]
    """Every key's value in a sysctl file (the last line of a key wins, as in sysctl -p)."""
    found = {}  # type: Dict[str, str]
    for line in split_lines(text):
        pair = _key_value(line)
        if pair is not None:
            found[pair[0]] = pair[1]
    return found


def edit_sysctl(text, name, value, state):
    # type: (str, str, Any, str) -> str
    """The file with ``name`` set to ``value``, or removed; unchanged when already so.

    Like Ansible, a changed file is written back normalised: ``key=value`` lines,
    each key once (its first line kept), comments and other lines as they were.
    """
    current = file_values(text)
    if state == "present" and current.get(name) == str(value).strip():
        return text
    if state == "absent" and name not in current:
        return text
    out, seen = [], set()  # type: List[str], set
    for line in split_lines(text):
        pair = _key_value(line)
        if pair is None:
            out.append(line if line.endswith("\n") else line + "\n")
            continue
        key, old = pair
        if key in seen:
            continue
        seen.add(key)
        if key == name:
            if state == "present":
                out.append("%s=%s\n" % (name, value))
            continue
        out.append("%s=%s\n" % (key, old))
    if state == "present" and name not in seen:
        out.append("%s=%s\n" % (name, value))
    return "".join(out)
