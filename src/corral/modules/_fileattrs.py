"""File attributes shared by the file-writing modules: mode, owner, group, checksum.

Stdlib only, Python 3.8 syntax: shipped to the host with every module that
declares ``REQUIRES = ("_fileattrs",)``.

The flow follows the module shape: ``wanted_attrs(args)`` (in ``inspect``:
it reads the user and group databases) and ``read_attrs(path)`` give the
wanted and current values, ``attr_changes()`` (pure, in ``plan``) lists what
differs, ``apply_attrs()`` (in ``apply``) makes it so.
"""

import grp
import os
import pwd
import re
import stat
import subprocess

from corral.modules._api import Arg, Change, ModuleError, missing

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple, Union  # noqa: F401 (type comments)

_CLAUSE = re.compile(r"^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$")
_ACTION = re.compile(r"([-+=])([rwxXstugo]*)")
_SHIFT = {"u": 6, "g": 3, "o": 0}
_SPECIAL = {"u": stat.S_ISUID, "g": stat.S_ISGID, "o": stat.S_ISVTX}


# --- modes -----------------------------------------------------------------

def format_mode(mode):
    # type: (Optional[int]) -> Optional[str]
    """0o644 -> '0644', as Ansible shows modes."""
    return None if mode is None else "%04o" % (mode & 0o7777)


def resolve_mode(mode, current, is_dir):
    # type: (Union[int, str, None], int, bool) -> Optional[int]
    """The numeric mode wanted: ``mode`` is an int or a symbolic string
    (``u+rwx,g-w,o=r``, ``a+X``) applied to ``current``."""
    if mode is None or isinstance(mode, int):
        return mode
    result = current & 0o7777
    for clause in mode.split(","):
        match = _CLAUSE.match(clause)
        if match is None:
            raise ModuleError("mode %r: clause %r is not symbolic mode syntax "
                              "(like u+rwx, g-w, o=r, a+X)" % (mode, clause))
        who = match.group(1) or "a"
        classes = "ugo" if "a" in who else who
        for op, perms in _ACTION.findall(match.group(2)):
            result = _apply_action(result, classes, op, perms, is_dir)
    return result


def _apply_action(mode, classes, op, perms, is_dir):
    # type: (int, str, str, str, bool) -> int
    for who in classes:
        bits = _perm_bits(mode, who, perms, is_dir)
        if op == "+":
            mode |= bits
        elif op == "-":
            mode &= ~bits
        else:
            mode = (mode & ~((0o7 << _SHIFT[who]) | _SPECIAL[who])) | bits
    return mode


def _perm_bits(mode, who, perms, is_dir):
    # type: (int, str, str, bool) -> int
    """The bits that ``perms`` stands for in class ``who``, given ``mode``."""
    rwx = 0
    bits = 0
    for perm in perms:
        if perm in "ugo":
            rwx |= (mode >> _SHIFT[perm]) & 0o7
        elif perm == "r":
            rwx |= 4
        elif perm == "w":
            rwx |= 2
        elif perm == "x" or (perm == "X" and (is_dir or mode & 0o111)):
            rwx |= 1
        elif perm == "s" and who in "ug":
            bits |= _SPECIAL[who]
        elif perm == "t" and who == "o":
            bits |= stat.S_ISVTX
    return bits | (rwx << _SHIFT[who])


def default_mode(is_dir):
    # type: (bool) -> int
    """The mode a new file or directory gets from the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if is_dir else 0o666) & ~umask


# --- owners and groups -------------------------------------------------------

def lookup_uid(owner):
    # type: (Optional[str]) -> Optional[int]
    if owner is None or owner == "":
        return None
    try:
        return pwd.getpwnam(owner).pw_uid
    except KeyError:
        if owner.isdigit():
            return int(owner)
    raise ModuleError("owner %r: no such user on this host" % owner, missing("user", owner))


def lookup_gid(group):
    # type: (Optional[str]) -> Optional[int]
    if group is None or group == "":
        return None
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        if group.isdigit():
            return int(group)
    raise ModuleError("group %r: no such group on this host" % group, missing("group", group))


def user_name(uid):
    # type: (int) -> str
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid):
    # type: (int) -> str
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


# --- wanted and current attributes -------------------------------------------

class Wanted(object):
    """The attributes a task asks for; None means "leave as it is"."""

    def __init__(self, mode=None, uid=None, gid=None):
        # type: (Union[int, str, None], Optional[int], Optional[int]) -> None
        self.mode = mode
        self.uid = uid
        self.gid = gid

    @property
    def any(self):
        # type: () -> bool
        return self.mode is not None or self.uid is not None or self.gid is not None


class Attrs(object):
    """The attributes a path has now."""

    def __init__(self, mode, uid, gid, is_dir):
        # type: (int, int, int, bool) -> None
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.is_dir = is_dir


def wanted_attrs(args):
    # type: (Mapping[str, Any]) -> Wanted
    """Resolve the mode/owner/group arguments (call it from ``inspect``)."""
    return Wanted(args.get("mode"), lookup_uid(args.get("owner")), lookup_gid(args.get("group")))


def read_attrs(path, follow=True):
    # type: (str, bool) -> Optional[Attrs]
    """The current attributes of ``path``, or None if it does not exist."""
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    return Attrs(stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, stat.S_ISDIR(st.st_mode))


def attr_changes(wanted, current, is_dir=False, prefix=""):
    # type: (Wanted, Optional[Attrs], bool, str) -> List[Change]
    """What differs between ``wanted`` and ``current`` (None: about to be created)."""
    if current is None:
        return _new_path_changes(wanted, is_dir, prefix)
    changes = []  # type: List[Change]
    if wanted.uid is not None and wanted.uid != current.uid:
        changes.append(Change(prefix + "owner", user_name(current.uid), user_name(wanted.uid)))
    if wanted.gid is not None and wanted.gid != current.gid:
        changes.append(Change(prefix + "group", group_name(current.gid), group_name(wanted.gid)))
    mode = resolve_mode(wanted.mode, current.mode, current.is_dir)
    if mode is not None and mode != current.mode:
        changes.append(Change(prefix + "mode", format_mode(current.mode), format_mode(mode)))
    return changes


def _new_path_changes(wanted, is_dir, prefix):
    # type: (Wanted, bool, str) -> List[Change]
    changes = []  # type: List[Change]
    if wanted.uid is not None:
        changes.append(Change(prefix + "owner", None, user_name(wanted.uid)))
    if wanted.gid is not None:
        changes.append(Change(prefix + "group", None, group_name(wanted.gid)))
    if wanted.mode is not None:
        mode = resolve_mode(wanted.mode, default_mode(is_dir), is_dir)
        changes.append(Change(prefix + "mode", None, format_mode(mode)))
    return changes


def written_mode(path, wanted):
    # type: (str, Wanted) -> Optional[int]
    """The numeric mode a file written over ``path`` gets for ``wanted.mode``:
    a symbolic mode applies to the current file's mode, or to a new file's;
    None when no mode is wanted (the current one is kept)."""
    if wanted.mode is None:
        return None
    current = read_attrs(path)
    return resolve_mode(wanted.mode, current.mode if current is not None else default_mode(False),
                        False)


def apply_attrs(path, wanted, follow=True):
    # type: (str, Wanted, bool) -> None
    """Set owner, group, then mode (chown clears set-id bits, so mode goes last)."""
    st = os.stat(path) if follow else os.lstat(path)
    is_link = stat.S_ISLNK(st.st_mode)
    uid = st.st_uid if wanted.uid is None else wanted.uid
    gid = st.st_gid if wanted.gid is None else wanted.gid
    if (uid, gid) != (st.st_uid, st.st_gid):
        if is_link:
            os.lchown(path, uid, gid)
        else:
            os.chown(path, uid, gid)
        st = os.stat(path) if follow else os.lstat(path)
    if is_link:
        return  # Linux has no mode on a symlink itself
    mode = resolve_mode(wanted.mode, stat.S_IMODE(st.st_mode), stat.S_ISDIR(st.st_mode))
    if mode is not None and mode != stat.S_IMODE(st.st_mode):
        os.chmod(path, mode)


# --- what register stores ---------------------------------------------------

def path_facts(path, follow=False):
    # type: (str, bool) -> Dict[str, Any]
    """Ansible's file result keys for ``path``: state, mode, uid, gid, owner, group, size.

    ``state`` is what the path is (file, directory, link, hard, absent); a
    symlink is described itself (mode 0777, size of its target's name) unless
    ``follow``.
    """
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return {"state": "absent"}
    if stat.S_ISLNK(st.st_mode):
        state = "link"
    elif stat.S_ISDIR(st.st_mode):
        state = "directory"
    else:
        state = "hard" if st.st_nlink > 1 else "file"
    return {"state": state, "mode": format_mode(st.st_mode), "uid": st.st_uid,
            "gid": st.st_gid, "owner": user_name(st.st_uid), "group": group_name(st.st_gid),
            "size": st.st_size}


# --- ext2-style attributes (lsattr/chattr) and the mime type ------------------

FLAG_NAMES = {"a": "append", "A": "noatime", "c": "compressed", "C": "nocow", "d": "nodump",
              "D": "dirsync", "e": "extents", "E": "encrypted", "F": "casefold",
              "h": "blocksize", "i": "immutable", "I": "indexed", "j": "journalled",
              "m": "dontcompress", "N": "inline", "P": "projinherit", "s": "zero",
              "S": "synchronous", "t": "notail", "T": "blockroot", "u": "undelete",
              "V": "verity", "x": "dax", "X": "compressedraw", "Z": "compresseddirty"}


def _output(argv):
    # type: (List[str]) -> Optional[str]
    """stdout of a read-only helper program, or None if it is missing or fails."""
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None


# flags lsattr shows that chattr cannot set or clear: left out of comparisons
READ_ONLY_FLAGS = "eEhINVXZ"
_FLAG_SPEC = re.compile(r"^([-+=]?)([a-zA-Z]*)$")

COMMON_ARGS = {
    "attributes": Arg(str, aliases=("attr",),
                      doc="Filesystem flags as chattr takes them: 'i' or '=i' (exactly "
                          "these), '+a', '-i'."),
    "selevel": Arg(str, doc="SELinux level: accepted; hosts without SELinux ignore it, as "
                            "Ansible does (corral does not set SELinux contexts)."),
    "serole": Arg(str, doc="SELinux role; see selevel."),
    "setype": Arg(str, doc="SELinux type; see selevel."),
    "seuser": Arg(str, doc="SELinux user; see selevel."),
    "unsafe_writes": Arg(bool, default=False, doc="Accepted for compatibility; corral always "
                                                  "writes atomically."),
}


def check_selinux(args):
    # type: (Mapping[str, Any]) -> None
    """The se* arguments are no-ops without SELinux; with it, say we cannot set them."""
    given = [k for k in ("selevel", "serole", "setype", "seuser") if args.get(k) is not None]
    if given and os.path.exists("/sys/fs/selinux/enforce"):
        raise ModuleError("%s: this host runs SELinux and corral does not set SELinux contexts "
                          "yet; use the command module (chcon)" % ", ".join(given))


def wanted_flags(spec, current):
    # type: (Optional[str], Optional[str]) -> Optional[str]
    """The flags ``spec`` ('i', '=i', '+a', '-i') asks for, given ``current`` ones."""
    if spec is None or spec.strip() == "":
        return None
    match = _FLAG_SPEC.match(spec.strip())
    if match is None:
        raise ModuleError("attributes %r: write flags as chattr takes them, like 'i', '+a' "
                          "or '-i'" % spec)
    op, letters = match.groups()
    have = set(current or "")
    if op == "+":
        want = have | set(letters)
    elif op == "-":
        want = have - set(letters)
    else:
        want = set(letters) | (have & set(READ_ONLY_FLAGS))
    return "".join(sorted(want))


def flag_changes(spec, current):
    # type: (Optional[str], Optional[Dict[str, Any]]) -> List[Change]
    """[Change("attributes", ..)] when the flags differ (``current``: read_flags())."""
    if spec is None or not str(spec).strip():
        return []
    have = "".join(sorted((current or {}).get("attr_flags", "")))
    want = wanted_flags(spec, have)
    return [] if want == have else [Change("attributes", have or "(none)", want or "(none)")]


def apply_flags(path, spec):
    # type: (str, Optional[str]) -> None
    """chattr ``path`` to the flags ``spec`` asks for."""
    if spec is None or not str(spec).strip():
        return
    have = "".join(sorted(read_flags(path).get("attr_flags", "")))
    want = wanted_flags(spec, have) or ""
    settable = "".join(f for f in want if f not in READ_ONLY_FLAGS)
    try:
        proc = subprocess.run(["chattr", "=" + settable, "--", path], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    except OSError as exc:
        raise ModuleError("chattr: %s (e2fsprogs is needed for attributes)" % exc) from exc
    if proc.returncode != 0:
        raise ModuleError("cannot set the attributes of %s: %s" % (
            path, proc.stderr.decode("utf-8", "replace").strip()))


def require_flags(path, spec):
    # type: (str, Optional[str]) -> Dict[str, Any]
    """read_flags(path), failing clearly when attributes are asked for but unreadable."""
    if spec is None or not str(spec).strip() or not os.path.lexists(path):
        return {}
    flags = read_flags(path)
    if not flags:
        raise ModuleError("cannot read the attributes of %s (lsattr failed: no e2fsprogs, or a "
                          "filesystem without them)" % path)
    return flags


def read_flags(path):
    # type: (str) -> Dict[str, Any]
    """``{"attr_flags": "e", "attributes": ["extents"], "version": ".."}`` from
    ``lsattr -vd``; empty when lsattr or the filesystem does not have them."""
    text = _output(["lsattr", "-vd", "--", path])
    words = text.split() if text else []
    if len(words) < 3:
        return {}
    flags = words[1].replace("-", "")
    return {"version": words[0], "attr_flags": flags,
            "attributes": [FLAG_NAMES.get(f, f) for f in flags]}


def mime_facts(path):
    # type: (str) -> Dict[str, str]
    """mimetype and charset from ``file``, 'unknown' without it (as Ansible)."""
    text = _output(["file", "-b", "-L", "--mime", "--", path]) or ""
    kind, _, rest = text.strip().partition(";")
    charset = rest.strip().partition("charset=")[2]
    return {"mimetype": kind.strip() or "unknown", "charset": charset or "unknown"}


# --- checksums ---------------------------------------------------------------

# Below this size a file is hashed by Python's own sha1/md5/sha256, which load in
# microseconds; hashlib loads OpenSSL (about 3 ms of the host's CPU per run), worth
# it only for big files, where OpenSSL is several times faster.
_SMALL = 1024 * 1024
_BUILTIN_HASHES = {"sha1": ("_sha1",), "md5": ("_md5",), "sha256": ("_sha256", "_sha2")}


def _new_digest(algorithm, size):
    # type: (str, int) -> Any
    """A hash object for ``algorithm``, the same digest either way."""
    if size <= _SMALL:
        for name in _BUILTIN_HASHES.get(algorithm, ()):
            try:
                module = __import__(name)
            except ImportError:
                continue
            return getattr(module, algorithm)()
    import hashlib
    return hashlib.new(algorithm)


def checksum_file(path, algorithm="sha1"):
    # type: (str, str) -> str
    with open(path, "rb") as handle:
        digest = _new_digest(algorithm, os.fstat(handle.fileno()).st_size)
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_bytes(data, algorithm="sha1"):
    # type: (bytes, str) -> str
    digest = _new_digest(algorithm, len(data))
    digest.update(data)
    return digest.hexdigest()
