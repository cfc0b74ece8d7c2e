"""copy of a directory (from the controller's manifest, or on the host with remote_src),
and of a single file with remote_src.

The controller sends ``_tree = {"dirs": [rel, …], "files": [[rel, base64], …]}``
(paths relative to dest); with ``remote_src`` the same list is read from the host's
``src``. Each folder and file is compared with dest: missing folders are created
(``directory_mode``, owner, group), files whose content differs are written
atomically, and owner/group/mode are applied to every file. Nothing is ever deleted.
Stdlib only, Python 3.8 syntax.
"""

import base64
import os

from corral.modules._api import Change, ModuleError, Plan, missing
from corral.modules._fileattrs import (
    Wanted,
    apply_attrs,
    attr_changes,
    checksum_bytes,
    checksum_file,
    read_attrs,
    wanted_attrs,
)
from corral.modules._filecontent import install

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

REQUIRES = ("_fileattrs", "_filecontent")


def is_tree(args):
    # type: (Mapping[str, Any]) -> bool
    """Whether this copy is handled here: a directory from the controller, or a
    remote_src that is not a file (a remote_src file is a plain file copy, in _filecontent)."""
    return args.get("_tree") is not None or (
        bool(args.get("remote_src")) and not os.path.isfile(str(args.get("src") or "")))


def _remote_manifest(args):
    # type: (Mapping[str, Any]) -> Tuple[str, List[str], List[Tuple[str, str]]]
    """(root, dirs, files as (rel, host path)) for a remote_src copy."""
    src, dest = str(args.get("src") or ""), args["dest"]
    if not src:
        raise ModuleError("remote_src needs src (a path on the host)")
    if not os.path.exists(src):
        raise ModuleError("remote_src: %s does not exist on the host" % src, missing("path", src))
    if not os.path.isdir(src):
        if dest.endswith("/") or os.path.isdir(dest):
            return dest, [], [(os.path.basename(src), src)]
        return os.path.dirname(os.path.abspath(dest)), [], [(os.path.basename(dest), src)]
    prefix = "" if src.endswith("/") else os.path.basename(os.path.normpath(src))
    dirs = [prefix] if prefix else []  # type: List[str]
    files = []  # type: List[Tuple[str, str]]
    for folder, subdirs, names in os.walk(src):
        subdirs.sort()
        rel = os.path.relpath(folder, src)
        base = os.path.normpath(os.path.join(prefix, rel)) if rel != "." else prefix
        dirs += [os.path.join(base, d) if base else d for d in subdirs]
        files += [(os.path.join(base, n) if base else n, os.path.join(folder, n))
                  for n in sorted(names)]
    return dest, dirs, files


def _safe(root, rel):
    # type: (str, str) -> str
    path = os.path.normpath(os.path.join(root, rel))
    if rel.startswith("/") or ".." in rel.split("/"):
        raise ModuleError("copy: %r would leave %s" % (rel, root))
    return path


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args.get("content") is not None:
        raise ModuleError("content cannot be used with a directory src or remote_src")
    for name in ("validate", "backup"):
        if args.get(name):
            raise ModuleError("%s is not supported for a directory src or remote_src copy "
                              "(yet); copy the file from the controller" % name)
    if args.get("_tree") is not None:
        tree = args["_tree"]
        root = args["dest"]
        dirs = list(tree.get("dirs") or [])
        files = [(rel, ("b64", data)) for rel, data in tree.get("files") or []]
    else:
        root, dirs, host_files = _remote_manifest(args)
        files = [(rel, ("path", path)) for rel, path in host_files]
    wanted = wanted_attrs(args)
    current = {"root": root, "wanted": wanted, "dirs": [], "files": []}  # type: Dict[str, Any]
    for rel in [""] + dirs:
        path = _safe(root, rel) if rel else root
        attrs = read_attrs(path)
        if attrs is not None and not attrs.is_dir:
            raise ModuleError("%s exists and is not a directory" % path)
        current["dirs"].append((rel, path, attrs))
    for rel, source in files:
        path = _safe(root, rel)
        attrs = read_attrs(path)
        if attrs is not None and attrs.is_dir:
            raise ModuleError("%s is a directory; cannot replace it with a file" % path)
        if source[0] == "b64":
            want = checksum_bytes(base64.b64decode(source[1]))
        else:
            want = checksum_file(source[1])
        have = checksum_file(path) if attrs is not None else None
        current["files"].append((rel, path, attrs, source, want, have))
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    wanted = current["wanted"]
    dir_wanted = Wanted(None, wanted.uid, wanted.gid)
    new_dir_wanted = Wanted(args.get("directory_mode"), wanted.uid, wanted.gid)
    changes = []  # type: List[Change]
    made, written = [], []  # type: List[str], List[str]
    for rel, path, attrs in current["dirs"]:
        if attrs is None:
            made.append(path)
            changes.append(Change(path, "absent", "directory"))
            changes += attr_changes(new_dir_wanted, None, True, path + ": ")
        elif rel:  # dest itself keeps its attributes; the folders copied get owner/group
            changes += attr_changes(dir_wanted, attrs, True, path + ": ")
    for _rel, path, attrs, _source, want, have in current["files"]:
        if have != want and (have is None or args.get("force", True)):
            written.append(path)
            changes.append(Change(path, "absent" if have is None else "sha1:" + have,
                                  "sha1:" + want))
        changes += attr_changes(wanted, attrs, False, path + ": ")
    data = {"dest": args["dest"], "src": args.get("src")}  # type: Dict[str, Any]
    if args.get("_tree") is not None or os.path.isdir(str(args.get("src"))):
        data["dest"] = args["dest"].rstrip("/") + "/"  # as Ansible shows a directory copy
    else:
        data["dest"] = current["files"][0][1]
        data["checksum"] = current["files"][0][4]
    count = len(current["files"])
    if not changes:
        return Plan(reason="%s: all %d files already have this content and these attributes"
                    % (current["root"], count), data=data)
    msg = "%s: %d of %d files written, %d directories created" % (
        current["root"], len(written), count, len(made))
    if ctx.check and made and not os.path.isdir(os.path.dirname(os.path.abspath(current["root"]))):
        msg += " (the parent folder does not exist yet: an earlier task would have to create it)"
    return Plan(changes, data=data, msg=msg, state={"written": written})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    current = inspect(ctx, args)  # the state now, with the sources in hand
    wanted = current["wanted"]
    dir_wanted = Wanted(None, wanted.uid, wanted.gid)
    new_dir_wanted = Wanted(args.get("directory_mode"), wanted.uid, wanted.gid)
    for rel, path, attrs in current["dirs"]:
        if attrs is None:
            os.makedirs(path, exist_ok=True)
            apply_attrs(path, new_dir_wanted)
        elif rel:
            apply_attrs(path, dir_wanted)
    written = set(plan.state["written"])
    for _rel, path, _attrs, source, _want, _have in current["files"]:
        if path not in written:
            apply_attrs(path, wanted)
        elif source[0] == "b64":
            install(path, base64.b64decode(source[1]), wanted)
        else:
            with open(source[1], "rb") as handle:
                install(path, handle, wanted)
    return {}
