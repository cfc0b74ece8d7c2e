"""Put given content into a file: compare, diff, back up, validate, install atomically.

Shared by ``copy`` and ``template`` (their ``inspect``/``plan``/``apply`` are
the ones here) and by ``lineinfile`` (``install``, ``backup_file``).
Stdlib only, Python 3.8 syntax.

Where the content comes from (internal arguments set by the controller):
``content`` (copy, inline text), ``_content`` (template, rendered text),
``_content_b64`` (small local file), ``_staged_src`` or ``ctx.staged["src"]``
(a big file the controller already streamed to the host), or only
``_checksum`` (sha1 of a big local file: if the destination differs, ``apply``
raises ``NeedsUpload`` and the controller streams the file and asks again).
"""

import base64
import os
import shlex
import stat
import subprocess
import time

from corral.modules._api import (
    Change,
    ModuleError,
    NeedsUpload,
    Plan,
    atomic_write,
    line_counts,
    missing,
    text_diff,
)
from corral.modules._fileattrs import (
    apply_attrs,
    apply_flags,
    attr_changes,
    check_selinux,
    checksum_bytes,
    checksum_file,
    default_mode,
    flag_changes,
    path_facts,
    read_attrs,
    require_flags,
    resolve_mode,
    wanted_attrs,
    written_mode,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

MAX_DIFF_BYTES = 1024 * 1024

REQUIRES = ("_fileattrs",)


# --- the content to write ----------------------------------------------------

class Payload(object):
    """The wanted content: bytes in hand, a staged file, or only its checksum."""

    def __init__(self, data=None, staged=None, checksum=None, label="content"):
        # type: (Optional[bytes], Optional[str], Optional[str], str) -> None
        self.data = data
        self.staged = staged
        self.checksum = checksum if checksum is not None else checksum_bytes(data or b"")
        self.label = label


def payload_from_args(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Payload
    src = args.get("src")
    label = src or "dynamically generated"
    if args.get("content") is not None:
        return Payload(args["content"].encode("utf-8", "surrogateescape"), label=label)
    if args.get("_content") is not None:
        return Payload(args["_content"].encode("utf-8", "surrogateescape"), label=label)
    if args.get("_content_b64") is not None:
        return Payload(base64.b64decode(args["_content_b64"]), label=label)
    if args.get("remote_src") and src is not None:
        if not os.path.isfile(src):
            raise ModuleError("src %s: no such file on the host (remote_src: yes reads src on "
                              "the host; copying a directory is not supported yet)" % src,
                              missing("path", src))
        return Payload(staged=src, checksum=checksum_file(src), label=src)
    staged = args.get("_staged_src") or ctx.staged.get("src")
    if staged:
        return Payload(staged=staged, checksum=args.get("_checksum") or checksum_file(staged), label=label)
    if args.get("_checksum"):
        return Payload(checksum=args["_checksum"], label=label)
    if src is not None:
        raise ModuleError("src %r was not read on the controller (run the module through corral, "
                          "or give content)" % src)
    raise ModuleError("one of src or content is required")


def effective_args(args):
    # type: (Mapping[str, Any]) -> Mapping[str, Any]
    """``args`` with ``mode: preserve`` resolved on the host (remote_src: src's mode; the
    controller already resolved it for a local src)."""
    if args.get("mode") != "preserve":
        return args
    if not (args.get("remote_src") and args.get("src")):
        raise ModuleError("mode: preserve needs a src file to take the mode from")
    try:
        mode = os.stat(args["src"]).st_mode & 0o7777
    except OSError as exc:
        raise ModuleError("src %s: %s" % (args["src"], exc.strerror)) from exc
    return dict(args, mode=mode)


def final_dest(args):
    # type: (Mapping[str, Any]) -> str
    """``dest``, or the file inside it named after ``src`` if it is a directory."""
    dest = args["dest"]
    if dest.endswith("/") or os.path.isdir(dest):
        if not args.get("src"):
            raise ModuleError("can not use content with a directory as dest (%s); "
                              "name the file in dest" % dest)
        return os.path.join(dest, os.path.basename(str(args["src"]).rstrip("/")))
    return str(dest)


def _read_text(path, size):
    # type: (str, int) -> Optional[str]
    """The file as text for a diff, or None if it is binary or too big."""
    if size > MAX_DIFF_BYTES:
        return None
    with open(path, "rb") as handle:
        return _as_text(handle.read())


def _as_text(data):
    # type: (Optional[bytes]) -> Optional[str]
    if data is None or len(data) > MAX_DIFF_BYTES or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# --- inspect / plan / apply for copy and template -----------------------------

def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    check_selinux(args)
    args = effective_args(args)
    if args.get("content") is not None and args.get("src") is not None:
        raise ModuleError("src and content are mutually exclusive; give one")
    payload = payload_from_args(ctx, args)
    dest = final_dest(args)
    if args.get("follow") and os.path.islink(dest):
        dest = os.path.realpath(dest)
    folder = os.path.dirname(os.path.abspath(dest))
    current = {"dest": dest, "payload": payload, "wanted": wanted_attrs(args),
               "attrs": read_attrs(dest), "checksum": None, "text": None,
               "make_folder": args["dest"].endswith("/") and not os.path.isdir(folder),
               }  # type: Dict[str, Any]
    current["missing_folder"] = False
    if not current["make_folder"] and not os.path.isdir(folder):
        if not ctx.check:
            raise ModuleError("destination directory %s does not exist" % folder,
                              missing("path", folder))
        # Check mode: an earlier task (not run) may be what creates the folder.
        current["missing_folder"] = True
    attrs = current["attrs"]
    if attrs is not None and attrs.is_dir:
        raise ModuleError("%s is a directory; cannot replace it with a file" % dest)
    current["flags"] = require_flags(dest, args.get("attributes"))
    if attrs is not None:
        current["facts"] = path_facts(dest)
        current["checksum"] = checksum_file(dest)
        if ctx.diff or current["checksum"] != payload.checksum:  # a diff, or its line counts
            current["text"] = _read_text(dest, os.path.getsize(dest))
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    dest, payload = current["dest"], current["payload"]
    data = {"dest": dest, "checksum": payload.checksum}
    if args.get("src") is not None:
        data["src"] = args["src"]
    exists = current["attrs"] is not None
    unchanged = dict(data, path=dest, checksum=current["checksum"], **current.get("facts", {}))
    if exists and not args.get("force", True):
        return Plan(reason="%s exists and force=no; left as it is" % dest, data=unchanged)
    changes = []  # type: List[Change]
    if not exists:
        changes.append(Change("state", "absent", "file"))
    elif current["checksum"] != payload.checksum:
        changes.append(Change("content", "sha1:" + current["checksum"], "sha1:" + payload.checksum,
                              _line_counts(current["text"], payload.data)))
    content_changes = bool(changes)
    changes.extend(attr_changes(current["wanted"], current["attrs"]))
    changes.extend(flag_changes(args.get("attributes"), current.get("flags")))
    if not changes:
        return Plan(reason="%s already has this content (sha1 %s) and attributes"
                    % (dest, payload.checksum[:12]), data=unchanged)
    message = _message(dest, exists, content_changes, changes)
    lacking = None
    if current.get("missing_folder"):
        folder = os.path.dirname(os.path.abspath(dest))
        message += " (its folder %s does not exist yet: an earlier task would have to create it)" % (
            folder)
        lacking = missing("path", folder)
    return Plan(changes, diff=_diff(ctx, current, content_changes), data=data,
                msg=message, missing=lacking,
                state={"write": content_changes, "exists": exists})


def _line_counts(before, data):
    # type: (Optional[str], Optional[bytes]) -> Optional[Tuple[int, int]]
    """(added, removed) lines when both sides are text in hand; None for binary or streamed."""
    after = _as_text(data)
    if before is None or after is None:
        return None
    return line_counts(before, after)


def _diff(ctx, current, content_changes):
    # type: (Any, Dict[str, Any], bool) -> Optional[Dict[str, Any]]
    if not (ctx.diff and content_changes):
        return None
    after = _as_text(current["payload"].data)
    before = current["text"] if current["attrs"] is not None else ""
    if after is None or before is None:
        return None  # binary, too big, or streamed: the checksums tell the change
    return text_diff(before, after, current["dest"], current["payload"].label)


def _message(dest, exists, content_changes, changes):
    # type: (str, bool, bool, List[Change]) -> str
    attrs = ", ".join("%s %s -> %s" % (c.what, c.before, c.after)
                      for c in changes if c.what in ("mode", "owner", "group", "attributes"))
    if not exists:
        head = "created %s" % dest
    elif content_changes:
        head = "updated content of %s" % dest
    else:
        return "%s: %s" % (dest, attrs)
    return head + (" (%s)" % attrs if attrs else "")


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    dest = plan.data["dest"]
    args = effective_args(args)
    result = _write(ctx, args, plan, dest)
    apply_flags(dest, args.get("attributes"))
    result.update(path_facts(dest))
    try:
        result["md5sum"] = checksum_file(dest, "md5")
    except ValueError:  # no md5 in this Python (FIPS mode): Ansible leaves it out too
        pass
    return result


def _write(ctx, args, plan, dest):
    # type: (Any, Mapping[str, Any], Plan, str) -> Dict[str, Any]
    """Apply the content and attributes; ``{"backup_file": ..}`` when a backup was made."""
    wanted = wanted_attrs(args)
    if not plan.state["write"]:
        apply_attrs(dest, wanted)
        return {}
    payload = payload_from_args(ctx, args)
    if payload.data is None and payload.staged is None:
        raise NeedsUpload("_staged_src", "upload needed: %s differs from the local file" % dest)
    if payload.staged is not None and checksum_file(payload.staged) != payload.checksum:
        raise ModuleError("the uploaded copy of %s is corrupt (checksum mismatch)" % payload.label)
    if args["dest"].endswith("/"):
        _make_folder(os.path.dirname(dest), args.get("directory_mode"))
    if payload.data is not None:
        return install(dest, payload.data, wanted, args.get("validate"), args.get("backup"))
    with open(str(payload.staged), "rb") as handle:
        return install(dest, handle, wanted, args.get("validate"), args.get("backup"))


def _make_folder(folder, mode):
    # type: (str, Any) -> None
    """dest's folder and its missing parents, with ``directory_mode`` if given."""
    if os.path.isdir(folder):
        return
    _make_folder(os.path.dirname(folder), mode)
    try:
        os.mkdir(folder)
    except FileExistsError:  # made a moment ago by another task of the same host
        if not os.path.isdir(folder):
            raise
    if mode is not None:
        os.chmod(folder, resolve_mode(mode, default_mode(True), True) or 0o755)


# --- writing -----------------------------------------------------------------

def install(dest, data, wanted, validate=None, backup=False):
    # type: (str, Any, Any, Optional[str], Any) -> Dict[str, Any]
    """Atomically put ``data`` (bytes or a binary file) at ``dest`` with the
    ``wanted`` attributes, which the temp file has before any content goes in;
    ``validate`` runs on the temp file before the rename.
    Returns ``{"backup_file": path}`` when a backup was made."""
    def check(tmp):
        # type: (str) -> None
        if validate:
            run_validate(validate, tmp)

    result = {}  # type: Dict[str, Any]
    if backup and os.path.exists(dest):
        result["backup_file"] = backup_file(dest)
    atomic_write(dest, data, mode=written_mode(dest, wanted), before_rename=check,
                 uid=wanted.uid, gid=wanted.gid)
    return result


def run_validate(validate, path):
    # type: (str, str) -> None
    """Run the ``validate`` command (``%s`` = the file to check); fail if it fails."""
    if "%s" not in validate:
        raise ModuleError("validate must contain %%s (the path of the file to check): %r" % validate)
    argv = shlex.split(validate.replace("%s", shlex.quote(path)))
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise ModuleError("validate command %r could not run: %s" % (validate, exc)) from exc
    if proc.returncode != 0:
        raise ModuleError(
            "validation failed (rc=%d): %s; the destination was not changed"
            % (proc.returncode, (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()),
            rc=proc.returncode, stdout=proc.stdout.decode("utf-8", "replace"),
            stderr=proc.stderr.decode("utf-8", "replace"))


def backup_file(path):
    # type: (str) -> str
    """Copy ``path`` to ``path.PID.YYYY-MM-DD@HH:MM:SS~`` (as Ansible names it)."""
    target = "%s.%d.%s" % (path, os.getpid(), time.strftime("%Y-%m-%d@%H:%M:%S~"))
    st = os.stat(path)
    with open(path, "rb") as handle:  # a copy as private as the file, from its first byte
        atomic_write(target, handle, mode=stat.S_IMODE(st.st_mode), uid=st.st_uid, gid=st.st_gid)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    return target
