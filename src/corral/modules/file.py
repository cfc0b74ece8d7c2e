"""file: files, directories, symlinks and hard links, and their attributes."""

import os
import stat
import time

from corral.modules._api import Arg, Change, ModuleError, Plan, missing
from corral.modules._fileattrs import (
    COMMON_ARGS,
    Wanted,
    apply_attrs,
    apply_flags,
    attr_changes,
    check_selinux,
    flag_changes,
    path_facts,
    read_attrs,
    require_flags,
    wanted_attrs,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

DOC = "Manage files, directories, symlinks and hard links, and their mode and owner."
REQUIRES = ("_fileattrs",)

ARGS = {
    "path": Arg("path", required=True, aliases=("dest", "name"), doc="Path to manage."),
    "state": Arg(str, choices=("file", "directory", "absent", "touch", "link", "hard"),
                 doc="file: must exist (attributes only); directory: created with parents; "
                     "absent: removed recursively; touch: created or times updated; "
                     "link/hard: a symlink or hard link to src. Default: the current kind of "
                     "path, or file."),
    "src": Arg("path", doc="Target of the link (state=link or hard); relative to the "
                           "link's directory."),
    "mode": Arg("mode", doc="Mode: '0644' or symbolic like 'u+rwx,g-w,o=r' (X: execute "
                            "for directories)."),
    "owner": Arg(str, doc="User owning path (name or id)."),
    "group": Arg(str, doc="Group owning path (name or id)."),
    "recurse": Arg(bool, default=False, doc="state=directory: set mode, owner and group on "
                                            "everything inside too."),
    "force": Arg(bool, default=False, doc="state=link/hard: replace an existing file (or empty "
                                          "directory); allow a link to a missing src."),
    "follow": Arg(bool, default=True, doc="If path is a symlink, set attributes on its target."),
    "access_time": Arg(str, doc="now, preserve or YYYYMMDDHHMM.SS; state=touch defaults to now."),
    "modification_time": Arg(str, doc="now, preserve or YYYYMMDDHHMM.SS; state=touch defaults "
                                      "to now."),
    "access_time_format": Arg(str, default="%Y%m%d%H%M.%S",
                              doc="strftime format of access_time."),
    "modification_time_format": Arg(str, default="%Y%m%d%H%M.%S",
                                    doc="strftime format of modification_time."),
}
ARGS.update(COMMON_ARGS)


# --- inspect -----------------------------------------------------------------

def _kind(path):
    # type: (str) -> str
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "absent"
    if stat.S_ISLNK(st.st_mode):
        return "link"
    if stat.S_ISDIR(st.st_mode):
        return "directory"
    return "hard" if st.st_nlink > 1 else "file"


def _link_src(args):
    # type: (Mapping[str, Any]) -> str
    """src as the filesystem sees it from the link's directory (src must be given)."""
    return os.path.join(os.path.dirname(os.path.abspath(args["path"])), str(args["src"]))


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    path = str(args["path"])
    check_selinux(args)
    kind = _kind(path)
    current = {
        "flags": require_flags(path, args.get("attributes")),
        "path": path, "kind": kind, "wanted": wanted_attrs(args),
        "attrs": read_attrs(path, follow=args["follow"]),
        "link_target": os.readlink(path) if kind == "link" else None,
        "src_exists": args.get("src") is not None and os.path.exists(_link_src(args)),
        "parent_exists": os.path.isdir(os.path.dirname(os.path.abspath(path))),
        "times": _times(path) if kind != "absent" else None,
        "children": [],
        "facts": path_facts(path),
        "check": bool(getattr(ctx, "check", False)),
    }  # type: Dict[str, Any]
    if kind == "link" and args["follow"]:
        current["followed_facts"] = path_facts(path, follow=True)
    if kind in ("file", "hard") and current["src_exists"]:
        current["same_inode"] = os.path.samefile(path, _link_src(args))
    if args["recurse"] and kind == "directory":
        current["children"] = _walk(path)
    return current


def _times(path):
    # type: (str) -> Tuple[float, float]
    st = os.lstat(path)
    return (st.st_atime, st.st_mtime)


def _walk(top):
    # type: (str) -> List[Tuple[str, Any, bool]]
    """Every path under ``top`` with its attributes (symlinks not followed)."""
    found = []
    for folder, dirs, files in os.walk(top):
        for name in sorted(dirs) + sorted(files):
            full = os.path.join(folder, name)
            found.append((full, read_attrs(full, follow=False), os.path.islink(full)))
    return found


# --- plan ----------------------------------------------------------------------

def _state(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> str
    if args.get("state"):
        return str(args["state"])
    if args["recurse"]:
        return "directory"
    kind = current["kind"]
    if kind == "link" and args.get("src") is None:
        attrs = current["attrs"]
        return "directory" if attrs is not None and attrs.is_dir else "file"
    return str({"absent": "file", "hard": "file"}.get(kind, kind))


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    state = _state(args, current)
    if args["recurse"] and state != "directory":
        raise ModuleError("recurse=yes works only with state=directory")
    if state in ("link", "hard") and args.get("src") is None:
        raise ModuleError("state=%s needs src (the link target)" % state)
    result = _PLANNERS[state](args, current)
    if state not in ("absent", "link"):
        flags = flag_changes(args.get("attributes"), current["flags"])
        if flags and not result.changed:
            result = Plan(flags, data=result.data, state=result.state)
        else:
            result.changes += flags
    result.data.update({"path": current["path"], "state": state})
    if state in ("touch", "link", "hard"):
        result.data["dest"] = current["path"]
    if state in ("link", "hard"):
        result.data["src"] = args["src"]
    if not result.changed:  # what register stores: the path as it is (Ansible's keys)
        followed = current.get("followed_facts") if state not in ("link", "absent") else None
        result.data.update(followed or current["facts"])
    result.state = dict(result.state or {}, state=state)
    return result


def _result_facts(args, state):
    # type: (Mapping[str, Any], str) -> Dict[str, Any]
    """The path after apply, as register stores it."""
    follow = bool(args["follow"]) and state not in ("link", "absent")
    return path_facts(args["path"], follow=follow)


def _plan_absent(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> Plan
    if current["kind"] == "absent":
        return Plan(reason="%s is already absent" % current["path"])
    return Plan([Change("state", current["kind"], "absent")],
                msg="removed %s (%s)" % (current["path"], current["kind"]))


def _plan_file(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> Plan
    path, kind = current["path"], current["kind"]
    if kind == "absent":
        raise ModuleError("file %s does not exist; use state=touch to create it, or copy to "
                          "give it content" % path, missing("path", path), path=path,
                          state="absent")
    if current["attrs"] is not None and current["attrs"].is_dir:
        raise ModuleError("%s is a directory, not a file; use state=directory" % path)
    changes = attr_changes(current["wanted"], current["attrs"]) + _time_changes(args, current)
    return _attrs_plan(changes, "file %s" % path)


def _plan_directory(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> Plan
    path, attrs = current["path"], current["attrs"]
    if current["kind"] == "absent":
        changes = [Change("state", "absent", "directory")]
        changes += attr_changes(current["wanted"], None, is_dir=True)
        return Plan(changes, msg="created directory %s" % path, state={"create": True})
    if attrs is None or not attrs.is_dir:
        raise ModuleError("%s exists and is a %s, not a directory" % (path, current["kind"]))
    changes = attr_changes(current["wanted"], attrs) + _time_changes(args, current)
    changes += _children_changes(current)
    return _attrs_plan(changes, "directory %s" % path)


def _children_changes(current):
    # type: (Dict[str, Any]) -> List[Change]
    wanted = current["wanted"]
    changes = []  # type: List[Change]
    for full, attrs, is_link in current["children"]:
        want = Wanted(None, wanted.uid, wanted.gid) if is_link else wanted
        rel = os.path.relpath(full, current["path"])
        changes += attr_changes(want, attrs, prefix=rel + ": ")
    return changes


def _plan_touch(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> Plan
    path = current["path"]
    if current["kind"] == "absent":
        _require_parent(current, "touch")
        changes = [Change("state", "absent", "file")] + attr_changes(current["wanted"], None)
        return Plan(changes, msg="created %s" % path + _parent_note(current),
                    state={"create": True}, missing=_missing_parent(current))
    changes = attr_changes(current["wanted"], current["attrs"])
    changes += _time_changes(args, current, default="now")
    return _attrs_plan(changes, "%s %s" % (current["kind"], path))


def _time_changes(args, current, default="preserve"):
    # type: (Mapping[str, Any], Dict[str, Any], str) -> List[Change]
    changes = []  # type: List[Change]
    for index, name in ((0, "access_time"), (1, "modification_time")):
        value = args.get(name) or default
        if value == "preserve":
            continue
        before = current["times"][index]
        after = time.time() if value == "now" else _parse_time(name, value, args[name + "_format"])
        if value == "now" or int(after) != int(before):
            changes.append(Change(name, _show_time(before), value if value == "now" else _show_time(after)))
    return changes


def _parse_time(name, value, form="%Y%m%d%H%M.%S"):
    # type: (str, str, str) -> float
    try:
        return time.mktime(time.strptime(value, form))
    except ValueError:
        raise ModuleError("%s: %r is not now, preserve or a time in the format %s"
                          % (name, value, form)) from None


def _show_time(value):
    # type: (float) -> str
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))


def _plan_link(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> Plan
    path, kind, src = current["path"], current["kind"], args["src"]
    _require_parent(current, "link")
    if not current["src_exists"] and not args["force"]:
        raise ModuleError("src %s does not exist; use force=yes if you really want a dangling "
                          "link" % src, missing("path", src), path=path, src=src)
    if kind == "link" and current["link_target"] == src:
        changes = _link_attr_changes(args, current)
        return _attrs_plan(changes, "link %s -> %s" % (path, src))
    if kind != "absent" and kind != "link":
        _check_replace(args, current, "symlink")
    before = "link to %s" % current["link_target"] if kind == "link" else kind
    changes = [Change("state", before, "link to %s" % src)]
    return Plan(changes, msg="linked %s -> %s" % (path, src) + _parent_note(current),
                state={"create": True}, missing=_missing_parent(current))


def _require_parent(current, verb):
    # type: (Dict[str, Any], str) -> None
    """The folder must exist, except in check mode: an earlier task (not run) may make it."""
    if not current["parent_exists"] and not current["check"]:
        raise ModuleError("cannot %s %s: its directory does not exist" % (verb, current["path"]),
                          _missing_parent(current))


def _missing_parent(current):
    # type: (Dict[str, Any]) -> Optional[Dict[str, str]]
    if current["parent_exists"]:
        return None
    return missing("path", os.path.dirname(os.path.abspath(current["path"])))


def _parent_note(current):
    # type: (Dict[str, Any]) -> str
    if current["parent_exists"]:
        return ""
    return " (its folder does not exist yet: an earlier task would have to create it)"


def _link_attr_changes(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> List[Change]
    wanted = current["wanted"]
    if args["follow"] and current["src_exists"]:
        return attr_changes(wanted, read_attrs(current["path"], follow=True))
    return attr_changes(Wanted(None, wanted.uid, wanted.gid), read_attrs(current["path"], False))


def _check_replace(args, current, what):
    # type: (Mapping[str, Any], Dict[str, Any], str) -> None
    path, kind = current["path"], current["kind"]
    if not args["force"]:
        raise ModuleError("%s exists and is a %s; refusing to replace it with a %s "
                          "(use force=yes)" % (path, kind, what))
    if kind == "directory" and os.listdir(path):
        raise ModuleError("the directory %s is not empty; refusing to replace it with a %s"
                          % (path, what))


def _plan_hard(args, current):
    # type: (Mapping[str, Any], Dict[str, Any]) -> Plan
    path, kind, src = current["path"], current["kind"], args["src"]
    if not current["src_exists"]:
        raise ModuleError("src %s does not exist; a hard link needs an existing file" % src,
                          missing("path", src))
    if current.get("same_inode"):
        changes = attr_changes(current["wanted"], current["attrs"])
        return _attrs_plan(changes, "hard link %s -> %s" % (path, src))
    if kind != "absent":
        _check_replace(args, current, "hard link")
    changes = [Change("state", kind, "hard link to %s" % src)]
    changes += attr_changes(current["wanted"], read_attrs(_link_src(args)))
    return Plan(changes, msg="hard linked %s -> %s" % (path, src), state={"create": True})


def _attrs_plan(changes, what):
    # type: (List[Change], str) -> Plan
    if not changes:
        return Plan(reason="%s already exists as wanted" % what)
    return Plan(changes)


_PLANNERS = {"absent": _plan_absent, "file": _plan_file, "directory": _plan_directory,
             "touch": _plan_touch, "link": _plan_link, "hard": _plan_hard}


# --- apply -----------------------------------------------------------------------

def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    state = plan.state["state"]
    _apply_state(args, state, plan)
    if state not in ("absent", "link"):
        apply_flags(args["path"], args.get("attributes"))
    return _result_facts(args, state)


def _apply_state(args, state, plan):
    # type: (Mapping[str, Any], str, Plan) -> None
    path = args["path"]
    wanted = wanted_attrs(args)
    if state == "absent":
        _remove(path)
        return
    if plan.state.get("create"):
        _create(args, state)
    if state == "link":
        _apply_link_attrs(args, wanted)
        return
    apply_attrs(path, wanted, follow=args["follow"])
    if args["recurse"]:
        for full, _attrs, _is_link in _walk(path):
            apply_attrs(full, wanted, follow=False)
    _apply_times(args, state)


def _remove(path):
    # type: (str) -> None
    if os.path.isdir(path) and not os.path.islink(path):
        import shutil  # only here: the agent pays for each module-level import on every run
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _create(args, state):
    # type: (Mapping[str, Any], str) -> None
    path = args["path"]
    if state == "directory":
        _make_directories(path, wanted_attrs(args))
    elif state == "touch":
        with open(path, "ab"):
            pass
    elif state == "link":
        _replace_with(path, lambda tmp: os.symlink(args["src"], tmp))
    else:
        _replace_with(path, lambda tmp: os.link(_link_src(args), tmp))


def _make_directories(path, wanted):
    # type: (str, Wanted) -> None
    """``path`` and its missing parents, each given the wanted mode and owner (as Ansible
    does: ``mode: '0750'`` on a/b/c makes a, a/b and a/b/c 0750)."""
    missing = []  # type: List[str]
    folder = os.path.abspath(path)
    while not os.path.isdir(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    for made in reversed(missing):
        try:
            os.mkdir(made)
        except FileExistsError:
            # Made a moment ago by another task of the same host (many inventory names on
            # one machine, or two runs at once): it is there, which is what was asked.
            if not os.path.isdir(made):
                raise
        apply_attrs(made, wanted)


def _replace_with(path, make):
    # type: (str, Any) -> None
    """Create a link next to ``path`` and rename it over (an empty directory is removed)."""
    if os.path.isdir(path) and not os.path.islink(path):
        os.rmdir(path)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)),
                       ".corral-%d-%s" % (os.getpid(), os.path.basename(path)))
    make(tmp)
    try:
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _apply_link_attrs(args, wanted):
    # type: (Mapping[str, Any], Wanted) -> None
    path = args["path"]
    if args["follow"] and os.path.exists(path):
        apply_attrs(path, wanted, follow=True)
    elif wanted.uid is not None or wanted.gid is not None:
        apply_attrs(path, Wanted(None, wanted.uid, wanted.gid), follow=False)


def _apply_times(args, state):
    # type: (Mapping[str, Any], str) -> None
    default = "now" if state == "touch" else "preserve"
    values = [args.get("access_time") or default, args.get("modification_time") or default]
    if values == ["preserve", "preserve"]:
        return
    old = _times(args["path"])
    now = time.time()
    forms = [args["access_time_format"], args["modification_time_format"]]
    new = [old[i] if v == "preserve" else now if v == "now" else _parse_time("time", v, forms[i])
           for i, v in enumerate(values)]
    os.utime(args["path"], (new[0], new[1]))
