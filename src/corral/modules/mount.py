"""mount: a filesystem entry in fstab, and whether it is mounted, as Ansible manages them."""

import os
import subprocess

from corral.modules._api import (
    Arg,
    ArgumentError,
    Change,
    ModuleError,
    Plan,
    atomic_write,
    text_diff,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Manage fstab entries and mounts: present, absent, mounted, unmounted, remounted, ephemeral."
REQUIRES = ("_fileattrs", "_filecontent")
_STATES = ("present", "absent", "absent_from_fstab", "mounted", "unmounted", "remounted", "ephemeral")

ARGS = {
    "path": Arg("path", required=True, aliases=("name",), doc="The mount point."),
    "src": Arg(str, doc="The device, label (LABEL=…), UUID=… or remote (server:/export)."),
    "fstype": Arg(str, doc="The filesystem type (ext4, xfs, nfs, tmpfs, …)."),
    "opts": Arg(str, default="defaults", doc="Mount options."),
    "dump": Arg(str, default="0", doc="fstab's dump field."),
    "passno": Arg(str, default="0", doc="fstab's fsck order field."),
    "state": Arg(str, required=True, choices=_STATES, doc="What to make true."),
    "fstab": Arg("path", default="/etc/fstab", doc="The fstab file."),
    "boot": Arg(bool, default=True, doc="Mount at boot (false adds noauto)."),
    "backup": Arg(bool, default=False, doc="Keep the old fstab as fstab.PID.DATE@TIME~."),
}
RETURNS = {"name": "The mount point.", "src": "Its source.", "fstype": "Its type.",
           "opts": "Its options.", "dump": "dump.", "passno": "passno.", "fstab": "The fstab."}


def _unescape(text):
    # type: (str) -> str
    return text.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def _escape(text):
    # type: (str) -> str
    return text.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011")


def mounted_at(path):
    # type: (str) -> Optional[Tuple[str, str, str]]
    """(source, fstype, options) of what is mounted at ``path`` now, or None."""
    with open("/proc/mounts") as handle:
        found = None
        for line in handle:
            fields = line.split()
            if len(fields) >= 4 and _unescape(fields[1]) == path:
                found = (_unescape(fields[0]), fields[2], fields[3])
        return found


def _options(args):
    # type: (Mapping[str, Any]) -> str
    opts = [o for o in args["opts"].split(",") if o]
    if not args["boot"] and "noauto" not in opts:
        opts.append("noauto")
    return ",".join(opts)


def fstab_edit(text, args):
    # type: (str, Mapping[str, Any]) -> str
    """The fstab with the entry for ``path`` set (or removed: state absent)."""
    wanted = "%s %s %s %s %s %s\n" % (_escape(args["src"] or ""), _escape(args["path"]),
                                      args["fstype"], _options(args), args["dump"], args["passno"])
    out, done = [], False
    for line in text.splitlines(True):
        fields = line.split()
        if line.strip().startswith("#") or len(fields) < 2 or _unescape(fields[1]) != args["path"]:
            out.append(line if line.endswith("\n") else line + "\n")
            continue
        if args["state"] in ("absent", "absent_from_fstab") or done:
            continue
        same = (fields[:4] == wanted.split()[:4] and fields[4:6] == wanted.split()[4:6])
        out.append(line if same else wanted)
        done = True
    if not done and args["state"] not in ("absent", "absent_from_fstab"):
        out.append(wanted)
    result = "".join(out)
    return text if result in (text, text + "\n") else result


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    needs_entry = args["state"] in ("present", "mounted", "ephemeral")
    if needs_entry and (not args["src"] or not args["fstype"]):
        raise ArgumentError("state=%s needs src and fstype" % args["state"])
    text = None
    if os.path.exists(args["fstab"]):
        with open(args["fstab"]) as handle:
            text = handle.read()
    return {"fstab": text, "mounted": mounted_at(args["path"]),
            "dir": os.path.isdir(args["path"])}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    state, before = args["state"], current["fstab"] or ""
    data = {"name": args["path"], "src": args["src"], "fstype": args["fstype"],
            "opts": _options(args), "dump": args["dump"], "passno": args["passno"],
            "fstab": args["fstab"]}
    changes = []  # type: List[Change]
    after = before
    if state in ("present", "absent", "absent_from_fstab", "mounted"):
        after = fstab_edit(before, args)
        if after != before:
            changes.append(Change("fstab", args["fstab"], "entry " + (
                "removed" if state.startswith("absent") else "written")))
    mounted = current["mounted"]
    if state in ("mounted", "ephemeral"):
        if mounted is None:
            changes.append(Change("mounted", None, args["path"]))
        elif state == "mounted" and after != before:
            changes.append(Change("remount", None, args["path"]))
    if state in ("unmounted", "absent") and mounted is not None:
        changes.append(Change("mounted", args["path"], None))
    if state == "remounted":
        if mounted is None:
            raise ModuleError("%s is not mounted; it cannot be remounted" % args["path"])
        changes.append(Change("remount", None, args["path"]))
    if not changes:
        return Plan(reason="%s is already %s" % (args["path"], state), data=data)
    diff = text_diff(before, after, args["fstab"], args["fstab"]) if after != before else None
    return Plan(changes, diff=diff, data=data, state={"fstab": after if after != before else None},
                msg=", ".join("%s %s" % (c.what, c.after or "removed") for c in changes))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    from corral.modules._filecontent import backup_file

    result = {}  # type: Dict[str, Any]
    if plan.state["fstab"] is not None:
        if args["backup"] and os.path.exists(args["fstab"]):
            result["backup_file"] = backup_file(args["fstab"])
        atomic_write(args["fstab"], plan.state["fstab"].encode("utf-8"),
                     mode=None if os.path.exists(args["fstab"]) else 0o644)
    whats = [c.what for c in plan.changes]
    if "mounted" in whats and args["state"] in ("mounted", "ephemeral"):
        if not os.path.isdir(args["path"]):
            os.makedirs(args["path"], 0o755, exist_ok=True)
        _run(["mount", "-t", args["fstype"], "-o", _options(args), args["src"], args["path"]])
    elif "remount" in whats:
        if args["state"] == "mounted":
            _run(["umount", args["path"]])
            _run(["mount", "-t", args["fstype"], "-o", _options(args), args["src"], args["path"]])
        else:
            _run(["mount", "-o", "remount", args["path"]])
    elif "mounted" in whats:
        _run(["umount", args["path"]])
        if args["state"] == "absent" and os.path.isdir(args["path"]):
            try:
                os.rmdir(args["path"])
            except OSError:
                pass  # not empty: left in place
    return result


def _run(argv):
    # type: (List[str]) -> None
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("%s could not run: %s" % (argv[0], exc)) from exc
    if proc.returncode != 0:
        raise ModuleError("Error %s: %s" % (" ".join(argv[:2]),
                                            proc.stderr.decode("utf-8", "replace").strip()),
                          rc=proc.returncode)
