"""find: list files by name, age, size, type and content; changes nothing."""

import fnmatch
import grp
import os
import pwd
import re
import stat
import time

from corral.modules._api import Arg, ArgumentError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Find files by name pattern, age, size, type or content (like find(1)); changes nothing."
MAX_RESULTS = 100000
MAX_CONTAINS_BYTES = 64 * 1024 * 1024

ARGS = {
    "paths": Arg(list, required=True, elements="path", aliases=("name", "path"),
                 doc="Directories to search."),
    "patterns": Arg(list, default=[], elements=str, aliases=("pattern",),
                    doc="Basename globs (or regexes with use_regex); any may match."),
    "excludes": Arg(list, default=[], elements=str, aliases=("exclude",),
                    doc="Basenames to leave out (globs, or regexes with use_regex)."),
    "use_regex": Arg(bool, default=False, doc="patterns and excludes are Python regexes."),
    "contains": Arg(str, doc="A regex a file's content must match (regular files only)."),
    "read_whole_file": Arg(bool, default=False, doc="contains matches the whole file, not lines."),
    "file_type": Arg(str, default="file", choices=("file", "directory", "link", "any"),
                     doc="What to list."),
    "age": Arg(str, doc="Older than this ('2d', '3h', '1w'); '-2d': newer than it."),
    "age_stamp": Arg(str, default="mtime", choices=("atime", "ctime", "mtime"),
                     doc="Which time age compares."),
    "size": Arg(str, doc="At least this size ('10k', '1m', '2g'); '-1m': smaller."),
    "recurse": Arg(bool, default=False, doc="Descend into subdirectories."),
    "depth": Arg(int, doc="With recurse: at most this many levels down."),
    "hidden": Arg(bool, default=False, doc="Include names starting with a dot."),
    "follow": Arg(bool, default=False, doc="Follow symlinks to directories."),
    "get_checksum": Arg(bool, default=False, doc="Add each file's sha1 as checksum."),
    "checksum_algorithm": Arg(str, default="sha1", choices=("md5", "sha1", "sha224", "sha256",
                                                            "sha384", "sha512"),
                                 doc="The algorithm of checksum."),
}
RETURNS = {"files": "A stat dict per match (path, mode, size, uid, gid, pw_name, gr_name, "
                    "mtime, atime, ctime, isdir, isreg, islnk, …).",
           "matched": "How many matched.", "examined": "How many were looked at.",
           "msg": "What happened.", "skipped_paths": "Paths that could not be searched, and why."}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZES = {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}


def _signed_amount(text, units, what):
    # type: (str, Dict[str, int], str) -> Tuple[int, int]
    match = re.match(r"^(-?)(\d+)([a-zA-Z]?)$", text.strip())
    if not match or (match.group(3) and match.group(3).lower() not in units):
        raise ArgumentError("%s %r: write a number with one of %s (e.g. '2%s', '-2%s')"
                            % (what, text, "/".join(units), list(units)[1], list(units)[1]))
    unit = units[match.group(3).lower()] if match.group(3) else 1
    return (-1 if match.group(1) else 1), int(match.group(2)) * unit


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    age = _signed_amount(args["age"], _UNITS, "age") if args["age"] else None
    size = _signed_amount(args["size"], _SIZES, "size") if args["size"] else None
    try:
        patterns = [re.compile(p) for p in args["patterns"]] if args["use_regex"] else None
        excludes = [re.compile(p) for p in args["excludes"]] if args["use_regex"] else None
        contains = re.compile(args["contains"], re.MULTILINE) if args["contains"] else None
    except re.error as exc:
        raise ArgumentError("invalid regular expression: %s" % exc) from exc
    found, examined, skipped = [], 0, {}  # type: List[Dict[str, Any]], int, Dict[str, str]
    now = time.time()
    for top in args["paths"]:
        if not os.path.isdir(top):
            skipped[top] = "%s was skipped as it does not seem to be a valid directory or it " \
                           "cannot be accessed" % top
            continue
        for path, st, within in _walk(top, args, skipped):
            examined += 1
            name = os.path.basename(path)
            if not within or (name.startswith(".") and not args["hidden"]):
                continue
            if not _name_matches(name, args, patterns, excludes):
                continue
            if not _type_matches(st, args["file_type"]):
                continue
            if age is not None and not _age_matches(st, args["age_stamp"], age, now):
                continue
            if size is not None and stat.S_ISREG(st.st_mode) and not _size_matches(st, size):
                continue
            if contains is not None and not _contains(path, st, contains, args["read_whole_file"]):
                continue
            found.append(_describe(path, st, args))
            if len(found) >= MAX_RESULTS:
                break
    msg = "All paths examined" if not skipped else "Not all paths examined, check warnings for details"
    return {"files": found, "matched": len(found), "examined": examined, "msg": msg,
            "skipped_paths": skipped}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    return Plan(reason="%d file(s) found" % current["matched"], data=current)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    return {}


def _walk(top, args, skipped):
    # type: (str, Mapping[str, Any], Dict[str, str]) -> Iterator[Tuple[str, Any, bool]]
    """Every entry under ``top``: (path, stat, within depth). Like Ansible, the folders one
    level past ``depth`` are still examined, but nothing in them matches."""
    base_depth = top.rstrip("/").count("/")
    for folder, dirs, files in os.walk(top, followlinks=args["follow"],
                                       onerror=lambda e: skipped.__setitem__(e.filename, str(e))):
        depth = folder.rstrip("/").count("/") - base_depth
        for name in sorted(dirs) + sorted(files):  # hidden folders are still searched, as in Ansible
            path = os.path.join(folder, name)
            try:
                st = os.stat(path) if args["follow"] else os.lstat(path)
            except OSError:
                continue
            yield path, st, args["depth"] is None or depth + 1 <= args["depth"]
        if not args["recurse"] or (args["depth"] is not None and depth >= args["depth"]):
            dirs[:] = []


def _name_matches(name, args, patterns, excludes):
    # type: (str, Mapping[str, Any], Any, Any) -> bool
    if patterns is not None:
        matched = not patterns or any(p.match(name) for p in patterns)
        excluded = any(p.match(name) for p in excludes or [])
    else:
        matched = not args["patterns"] or any(fnmatch.fnmatch(name, p) for p in args["patterns"])
        excluded = any(fnmatch.fnmatch(name, p) for p in args["excludes"])
    return matched and not excluded


def _type_matches(st, wanted):
    # type: (Any, str) -> bool
    if wanted == "any":
        return True
    check = {"file": stat.S_ISREG, "directory": stat.S_ISDIR, "link": stat.S_ISLNK}[wanted]
    return bool(check(st.st_mode))


def _age_matches(st, stamp, age, now):
    # type: (Any, str, Tuple[int, int], float) -> bool
    sign, seconds = age
    elapsed = now - getattr(st, "st_" + stamp)
    return elapsed >= seconds if sign > 0 else elapsed <= seconds


def _size_matches(st, size):
    # type: (Any, Tuple[int, int]) -> bool
    sign, limit = size
    return st.st_size >= limit if sign > 0 else st.st_size <= limit


def _contains(path, st, pattern, whole):
    # type: (str, Any, Any, bool) -> bool
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CONTAINS_BYTES:
        return False
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "surrogateescape")
    except OSError:
        return False
    if whole:
        return bool(pattern.search(text))
    return any(pattern.match(line) for line in text.splitlines())


def _describe(path, st, args):
    # type: (str, Any, Mapping[str, Any]) -> Dict[str, Any]
    mode = st.st_mode
    info = {
        "path": path, "mode": "%04o" % stat.S_IMODE(mode), "isdir": stat.S_ISDIR(mode),
        "ischr": stat.S_ISCHR(mode), "isblk": stat.S_ISBLK(mode), "isreg": stat.S_ISREG(mode),
        "isfifo": stat.S_ISFIFO(mode), "islnk": stat.S_ISLNK(mode), "issock": stat.S_ISSOCK(mode),
        "uid": st.st_uid, "gid": st.st_gid, "size": st.st_size, "inode": st.st_ino,
        "dev": st.st_dev, "nlink": st.st_nlink, "atime": st.st_atime, "mtime": st.st_mtime,
        "ctime": st.st_ctime, "wusr": bool(mode & stat.S_IWUSR), "rusr": bool(mode & stat.S_IRUSR),
        "xusr": bool(mode & stat.S_IXUSR), "wgrp": bool(mode & stat.S_IWGRP),
        "rgrp": bool(mode & stat.S_IRGRP), "xgrp": bool(mode & stat.S_IXGRP),
        "woth": bool(mode & stat.S_IWOTH), "roth": bool(mode & stat.S_IROTH),
        "xoth": bool(mode & stat.S_IXOTH), "isuid": bool(mode & stat.S_ISUID),
        "isgid": bool(mode & stat.S_ISGID),
    }
    try:
        info["pw_name"] = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        info["pw_name"] = ""
    try:
        info["gr_name"] = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        info["gr_name"] = ""
    if stat.S_ISLNK(mode):
        info["lnk_source"] = os.path.realpath(path)
    if args["get_checksum"] and stat.S_ISREG(mode):
        import hashlib

        digest = hashlib.new(args["checksum_algorithm"])
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
        info["checksum"] = digest.hexdigest()
    return info
