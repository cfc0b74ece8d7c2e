"""unarchive: unpack a tar or zip archive into a directory, only when its members differ.

The archive comes from the controller (``src`` in files/, streamed when large) or is already
on the host (``remote_src``; a URL is downloaded first). Each member is compared with what
is in ``dest`` (type, size, mtime; content when only the mtime differs), as Ansible does,
so a second run changes nothing. A member whose path would leave ``dest`` is refused
before anything is extracted.
"""

import base64
import hashlib
import io
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile

from corral.modules._api import (
    Arg,
    ArgumentError,
    Change,
    ModuleError,
    NeedsUpload,
    Plan,
    missing,
)
from corral.modules._fileattrs import apply_attrs, wanted_attrs

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Unpack a .tar, .tar.gz/.tgz, .tar.xz, .tar.bz2 or .zip archive into a directory."
REQUIRES = ("_fileattrs", "_http")
PREPARE = "copy"  # a local src is read (or streamed) by the controller, like copy's
MAX_MEMBERS = 1000000
MAX_TOTAL = 64 * 1024 * 1024 * 1024

ARGS = {
    "src": Arg(str, required=True, doc="The archive: a file in files/ on the controller, or with "
                                       "remote_src a path (or URL) on the host."),
    "dest": Arg("path", required=True, doc="An existing directory to unpack into."),
    "remote_src": Arg(bool, default=False, aliases=("copy",),
                      doc="src is on the host already (or a URL to download there)."),
    "creates": Arg("path", doc="Skip when this path exists."),
    "exclude": Arg(list, default=[], elements=str, doc="Member paths (globs) not to extract."),
    "include": Arg(list, default=[], elements=str, doc="Only these member paths (globs)."),
    "extra_opts": Arg(list, default=[], elements=str,
                      doc="tar-style options: --strip-components=N, --exclude=GLOB are understood."),
    "keep_newer": Arg(bool, default=False, doc="Do not replace files newer than the archive's."),
    "list_files": Arg(bool, default=False, doc="Return the member list as files."),
    "mode": Arg("mode", doc="Mode of every extracted path."),
    "owner": Arg(str, doc="Owner of every extracted path."),
    "group": Arg(str, doc="Group of every extracted path."),
    "validate_certs": Arg(bool, default=True, doc="For a URL src: check TLS certificates."),
    "decrypt": Arg(bool, default=True, doc="A vaulted local src is decrypted on the controller."),
}
RETURNS = {"dest": "The directory.", "src": "The archive.", "handler": "TarArchive or ZipArchive.",
           "files": "Member names (with list_files).", "extract_results": "What was extracted."}


class Member(object):
    """One archive member, normalised for tar and zip."""

    def __init__(self, name, kind, size, mtime, mode, link=None):
        # type: (str, str, int, int, int, Optional[str]) -> None
        self.name = name
        self.kind = kind  # "file", "dir", "symlink", "hardlink"
        self.size = size
        self.mtime = mtime
        self.mode = mode
        self.link = link


def _strip(args):
    # type: (Mapping[str, Any]) -> Tuple[int, List[str]]
    strip, excludes = 0, list(args["exclude"])
    for opt in args["extra_opts"]:
        match = re.match(r"^--strip-components=(\d+)$", opt)
        if match:
            strip = int(match.group(1))
        elif opt.startswith("--exclude="):
            excludes.append(opt.split("=", 1)[1])
        else:
            raise ArgumentError("extra_opts %r is not understood (supported: --strip-components=N, "
                                "--exclude=GLOB)" % opt)
    return strip, excludes


def _archive_path(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Tuple[str, bool]
    """The archive's path on the host, and whether it is a temporary copy to delete."""
    if args["remote_src"]:
        if re.match(r"^(https?|ftp)://", args["src"]):
            return _download(args), True
        if not os.path.isfile(args["src"]):
            raise ModuleError("Source '%s' does not exist" % args["src"], missing("path", args["src"]))
        return args["src"], False
    if args.get("_content_b64") is not None:
        fd, tmp = tempfile.mkstemp(prefix=".corral-unarchive-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(base64.b64decode(args["_content_b64"]))
        return tmp, True
    staged = args.get("_staged_src") or ctx.staged.get("src")
    if staged:
        return staged, False
    if args.get("_checksum"):
        raise NeedsUpload()
    raise ModuleError("src %r was not read on the controller" % args["src"])


def _download(args):
    # type: (Mapping[str, Any]) -> str
    from corral.modules._http import fetch

    reply = fetch(args["src"], args["validate_certs"])
    if reply.status >= 400:
        raise ModuleError("Failure downloading %s, HTTP Error %d: %s" % (args["src"], reply.status,
                                                                           reply.reason))
    fd, tmp = tempfile.mkstemp(prefix=".corral-unarchive-")
    with os.fdopen(fd, "wb") as handle:
        shutil.copyfileobj(reply.body, handle, 1024 * 1024)
    return tmp


def _members(path):
    # type: (str) -> Tuple[str, List[Member]]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found = []
            for info in archive.infolist()[:MAX_MEMBERS + 1]:
                unix = (info.external_attr >> 16) & 0o177777
                kind = "dir" if info.is_dir() else ("symlink" if stat.S_ISLNK(unix) else "file")
                mtime = int(_zip_time(info.date_time))
                found.append(Member(info.filename.rstrip("/"), kind, info.file_size, mtime,
                                    (unix & 0o7777) or (0o755 if kind == "dir" else 0o644)))
            return "ZipArchive", found
    try:
        with tarfile.open(path, "r:*") as archive:
            found = []
            for entry in archive:
                if len(found) > MAX_MEMBERS:
                    break
                kind = ("dir" if entry.isdir() else "symlink" if entry.issym() else
                        "hardlink" if entry.islnk() else "file" if entry.isfile() else "other")
                if kind == "other":
                    continue  # devices and fifos are never extracted
                found.append(Member(entry.name.rstrip("/"), kind, entry.size, int(entry.mtime),
                                    entry.mode & 0o7777, entry.linkname or None))
            return "TarArchive", found
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ModuleError("Failed to find handler for \"%s\": not a readable tar or zip archive "
                          "(%s)" % (path, exc)) from exc


def _zip_time(date_time):
    # type: (Tuple[int, ...]) -> float
    import time

    return time.mktime(tuple(date_time) + (0, 0, -1))  # type: ignore[arg-type]


def _target(dest, name, strip):
    # type: (str, str, int) -> Optional[str]
    """Where a member goes under dest (None: stripped away); refuses escapes."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if name.startswith("/") or ".." in parts:
        raise ModuleError("archive member %r would be written outside %s; refusing to extract "
                          "anything" % (name, dest))
    parts = parts[strip:]
    if not parts:
        return None
    return os.path.join(dest, *parts)


def _selected(member, include, exclude):
    # type: (Member, List[str], List[str]) -> bool
    import fnmatch

    if include and not any(fnmatch.fnmatch(member.name, g) for g in include):
        return False
    return not any(fnmatch.fnmatch(member.name, g) or fnmatch.fnmatch(member.name + "/", g)
                   for g in exclude)


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["creates"] and os.path.exists(args["creates"]):
        return {"skip": "skipped, since %s exists" % args["creates"]}
    if not os.path.isdir(args["dest"]):
        raise ModuleError("dest '%s' must be an existing dir" % args["dest"])
    strip, excludes = _strip(args)
    path, temporary = _archive_path(ctx, args)
    try:
        handler, members = _members(path)
    except ModuleError:
        if temporary:
            os.unlink(path)
        raise
    if len(members) > MAX_MEMBERS:
        raise ModuleError("the archive has more than %d members" % MAX_MEMBERS)
    if sum(m.size for m in members) > MAX_TOTAL:
        raise ModuleError("the archive unpacks to more than %d bytes" % MAX_TOTAL)
    wanted = wanted_attrs(args)
    todo = []  # type: List[str]
    names = []  # type: List[str]
    for member in members:
        target = _target(args["dest"], member.name, strip)
        if target is None or not _selected(member, args["include"], excludes):
            continue
        names.append(member.name)
        if _differs(member, target, wanted, path, handler, args["keep_newer"]):
            todo.append(member.name)
    return {"path": path, "temporary": temporary, "handler": handler, "todo": todo,
            "names": names, "strip": strip, "excludes": excludes}


def _differs(member, target, wanted, archive, handler, keep_newer):
    # type: (Member, str, Any, str, str, bool) -> bool
    try:
        st = os.lstat(target)
    except OSError:
        return True
    if member.kind == "dir":
        return not stat.S_ISDIR(st.st_mode) or _mode_differs(member, st, wanted)
    if member.kind == "symlink":
        return not stat.S_ISLNK(st.st_mode) or os.readlink(target) != member.link
    if not stat.S_ISREG(st.st_mode) or st.st_size != member.size:
        return True
    if keep_newer and st.st_mtime > member.mtime:
        return False
    if int(st.st_mtime) != member.mtime and _member_digest(archive, handler, member) != \
            _file_digest(target):
        return True
    return _mode_differs(member, st, wanted) or _owner_differs(st, wanted)


def _mode_differs(member, st, wanted):
    # type: (Member, Any, Any) -> bool
    if wanted.mode is not None:
        from corral.modules._fileattrs import resolve_mode

        want = resolve_mode(wanted.mode, stat.S_IMODE(st.st_mode), stat.S_ISDIR(st.st_mode))
        return want is not None and want != stat.S_IMODE(st.st_mode)
    return bool(member.kind == "file" and member.mode and stat.S_IMODE(st.st_mode) != member.mode)


def _owner_differs(st, wanted):
    # type: (Any, Any) -> bool
    return ((wanted.uid is not None and wanted.uid != st.st_uid)
            or (wanted.gid is not None and wanted.gid != st.st_gid))


def _file_digest(path):
    # type: (str) -> str
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _member_digest(archive, handler, member):
    # type: (str, str, Member) -> str
    digest = hashlib.sha1()
    if handler == "ZipArchive":
        with zipfile.ZipFile(archive) as z, z.open(member.name) as zipped:
            _feed(digest, zipped)
        return digest.hexdigest()
    with tarfile.open(archive, "r:*") as tar:
        tarred = tar.extractfile(tar.getmember(member.name))
        if tarred is None:
            return ""
        _feed(digest, tarred)
    return digest.hexdigest()


def _feed(digest, handle):
    # type: (Any, Any) -> None
    for block in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(block)


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    data = {"dest": args["dest"], "src": args["src"], "handler": current.get("handler")}
    if current.get("skip"):
        return Plan(reason=current["skip"], data=data)
    if args["list_files"]:
        data["files"] = current["names"]
    if not current["todo"]:
        _cleanup(current)
        return Plan(reason="every member of %s is already in %s" % (args["src"], args["dest"]),
                    data=data)
    if ctx.check:
        _cleanup(current)
    shown = current["todo"][:10] + (["…"] if len(current["todo"]) > 10 else [])
    return Plan([Change("extract", None, ", ".join(shown))], data=data,
                msg="%d member(s) of %s extracted to %s" % (len(current["todo"]), args["src"],
                                                            args["dest"]),
                state=current)


def _cleanup(current):
    # type: (Dict[str, Any]) -> None
    if current.get("temporary") and os.path.exists(current["path"]):
        os.unlink(current["path"])


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    current = plan.state
    wanted = wanted_attrs(args)
    todo = set(current["todo"])
    try:
        if current["handler"] == "ZipArchive":
            _extract_zip(current["path"], args["dest"], todo, current["strip"])
        else:
            _extract_tar(current["path"], args["dest"], todo, current["strip"])
        for name in current["names"]:
            target = _target(args["dest"], name, current["strip"])
            if target is not None and os.path.lexists(target) and not os.path.islink(target):
                apply_attrs(target, wanted)
    finally:
        _cleanup(current)
    return {"extract_results": {"extracted": sorted(todo)}}


def _extract_tar(archive, dest, todo, strip):
    # type: (str, str, Any, int) -> None
    with tarfile.open(archive, "r:*") as tar:
        for info in tar:
            name = info.name.rstrip("/")
            if name not in todo:
                continue
            target = _target(dest, name, strip)
            if target is None:
                continue
            _prepare_parent(target, dest)
            if info.isdir():
                if not os.path.isdir(target):
                    os.makedirs(target)
                os.chmod(target, info.mode & 0o7777)
            elif info.issym():
                _replace_link(target, info.linkname)
            elif info.islnk():
                source = _target(dest, info.linkname, strip)
                if source is None:
                    continue
                if os.path.lexists(target):
                    os.unlink(target)
                os.link(source, target)
            elif info.isfile():
                handle = tar.extractfile(info)
                _write_member(target, handle, info.mode & 0o7777, info.mtime)


def _extract_zip(archive, dest, todo, strip):
    # type: (str, str, Any, int) -> None
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = info.filename.rstrip("/")
            if name not in todo:
                continue
            target = _target(dest, name, strip)
            if target is None:
                continue
            _prepare_parent(target, dest)
            unix = (info.external_attr >> 16) & 0o177777
            if info.is_dir():
                if not os.path.isdir(target):
                    os.makedirs(target)
            elif stat.S_ISLNK(unix):
                _replace_link(target, z.read(info).decode("utf-8"))
            else:
                with z.open(info) as handle:
                    _write_member(target, handle, (unix & 0o7777) or 0o644,
                                  _zip_time(info.date_time))


def _prepare_parent(target, dest):
    # type: (str, str) -> None
    parent = os.path.dirname(target)
    real_dest = os.path.realpath(dest)
    if not os.path.isdir(parent):
        os.makedirs(parent)
    real = os.path.realpath(parent)
    if real != real_dest and not real.startswith(real_dest + os.sep):
        raise ModuleError("%s leads outside %s through a symlink; refusing" % (target, dest))


def _replace_link(target, link):
    # type: (str, str) -> None
    if os.path.lexists(target):
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            os.unlink(target)
    os.symlink(link, target)


def _write_member(target, handle, mode, mtime):
    # type: (str, Any, int, float) -> None
    folder = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(prefix=".corral-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(handle or io.BytesIO(), out, 1024 * 1024)
        os.chmod(tmp, mode)
        os.utime(tmp, (mtime, mtime))
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        os.rename(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
