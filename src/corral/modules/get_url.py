"""get_url: download a file from HTTP(S) or FTP to the host, checked and written atomically.

With a ``checksum``, a destination that already matches is not downloaded again, and a
download that does not match fails naming both sums and leaves the old file in place.
Without one, an existing destination is only replaced when ``force`` is set or the server
says it changed (If-Modified-Since), as in Ansible.
"""

import email.utils
import hashlib
import os
import re
import tempfile

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan
from corral.modules._fileattrs import apply_attrs, attr_changes, read_attrs, wanted_attrs
from corral.modules._filecontent import install
from corral.modules._http import COMMON_ARGS, request

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Download a file over HTTP, HTTPS or FTP to the host; a matching checksum skips the download."
REQUIRES = ("_fileattrs", "_filecontent", "_http")
ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
MAX_DOWNLOAD = 16 * 1024 * 1024 * 1024  # 16 GiB: a server must not fill the disk forever

ARGS = dict(COMMON_ARGS)
ARGS.update({
    "dest": Arg("path", required=True, doc="Where to save it; a directory: the file goes inside, "
                                           "named after the URL (or Content-Disposition)."),
    "checksum": Arg(str, default="", doc="'sha256:HEX' (or md5/sha1/sha512…): verified after "
                                         "download; a matching dest is not downloaded again."),
    "force": Arg(bool, default=False, doc="Download even if dest exists (replaced when different)."),
    "backup": Arg(bool, default=False, doc="Keep the old file as dest.PID.DATE@TIME~."),
    "tmp_dest": Arg("path", doc="Folder for the partial download (default: dest's folder)."),
    "mode": Arg("mode", doc="Mode of dest: '0644' or symbolic."),
    "owner": Arg(str, doc="User owning dest."),
    "group": Arg(str, doc="Group owning dest."),
    "timeout": Arg(float, default=10, doc="Seconds the request may take."),
})
RETURNS = {
    "dest": "Where the file is.", "url": "The URL.", "status_code": "The HTTP status.",
    "msg": "'OK (N bytes)', or the HTTP error.", "checksum_src": "sha1 of what was downloaded.",
    "checksum_dest": "sha1 of dest before.", "md5sum": "md5 of the file.", "size": "Its size.",
    "elapsed": "Seconds the download took.", "state": "'file'.", "mode": "Its mode.",
    "owner": "Its owner.", "group": "Its group.", "uid": "Owner id.", "gid": "Group id.",
    "backup_file": "The backup, when one was made.",
}


def _parse_checksum(text):
    # type: (str) -> Optional[Tuple[str, str]]
    if not text:
        return None
    algorithm, sep, value = text.partition(":")
    if not sep or algorithm.lower() not in ALGORITHMS or not re.match(r"^[0-9a-fA-F]+$", value):
        raise ArgumentError("checksum %r: write ALGORITHM:HEX, e.g. sha256:9f86d08… (one of %s)"
                            % (text, ", ".join(ALGORITHMS)))
    return algorithm.lower(), value.lower()


def _digest(path, algorithm):
    # type: (str, str) -> str
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    checksum = _parse_checksum(args["checksum"])
    dest = args["dest"]
    is_dir = os.path.isdir(dest)
    if is_dir:
        dest = os.path.join(dest, os.path.basename(args["url"].split("?")[0].rstrip("/")) or "index.html")
    attrs = read_attrs(dest)
    matches = None
    if attrs is not None and checksum is not None:
        matches = _digest(dest, checksum[0]) == checksum[1]
    return {"dest": dest, "attrs": attrs, "checksum": checksum, "matches": matches,
            "wanted": wanted_attrs(args), "facts": _facts(dest, {}) if attrs is not None else {}}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    dest, attrs = current["dest"], current["attrs"]
    data = dict(current["facts"])
    data.update(dest=dest, url=args["url"])
    if attrs is not None and current["matches"]:
        changes = attr_changes(current["wanted"], attrs)
        data.update(msg="file already exists with the wanted checksum")
        if not changes:
            return Plan(reason="%s already has checksum %s" % (dest, args["checksum"]), data=data)
        return Plan(changes, data=data, state={"download": False})
    changes = [Change("download", None, args["url"])] if attrs is None or args["force"] or \
        current["checksum"] is not None else []
    if attrs is not None and not changes:
        # force off, no checksum: only the server can tell; ask it in apply (not in check mode)
        if ctx.check:
            return Plan(reason="%s exists; force is off" % dest, data=data)
        return Plan([Change("maybe newer", None, args["url"])], data=data,
                    state={"download": True, "conditional": True})
    return Plan(changes + attr_changes(current["wanted"], attrs), data=data,
                msg="download %s to %s" % (args["url"], dest), state={"download": True})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    dest = plan.data["dest"]
    wanted = wanted_attrs(args)
    if not plan.state["download"]:
        apply_attrs(dest, wanted)
        return _facts(dest, {})
    headers = {}
    if plan.state.get("conditional") and os.path.exists(dest):
        headers["If-Modified-Since"] = email.utils.formatdate(os.stat(dest).st_mtime, usegmt=True)
    reply = request(args, extra_headers=headers, follow="all")
    result = {"status_code": reply.status, "elapsed": int(reply.elapsed)}  # type: Dict[str, Any]
    if reply.status == 304:
        result.update(msg="HTTP Error 304: Not Modified", _unchanged=True)
        return _facts(dest, result)
    if reply.status >= 400:
        raise ModuleError("Request failed: HTTP Error %d: %s (url: %s)"
                          % (reply.status, reply.reason, args["url"]), status_code=reply.status,
                          url=args["url"], dest=dest)
    folder = args["tmp_dest"] or os.path.dirname(os.path.abspath(dest))
    fd, tmp = tempfile.mkstemp(prefix=".corral-get_url-", dir=folder)
    try:
        size = _save(reply.body, fd)
        checksum = _parse_checksum(args["checksum"])
        if checksum is not None:
            got = _digest(tmp, checksum[0])
            if got != checksum[1]:
                raise ModuleError("The checksum for %s did not match %s; it was %s:%s. %s was "
                                  "left as it was" % (args["url"], args["checksum"], checksum[0],
                                                      got, dest), dest=dest, url=args["url"])
        src_sha1 = _digest(tmp, "sha1")
        old_sha1 = _digest(dest, "sha1") if os.path.exists(dest) else None
        result.update(checksum_src=src_sha1, checksum_dest=old_sha1,
                      msg="OK (%d bytes)" % size)
        if src_sha1 == old_sha1:
            apply_attrs(dest, wanted)
            result["_unchanged"] = not attr_changes(wanted, read_attrs(dest))
            return _facts(dest, result)
        with open(tmp, "rb") as source:
            result.update(install(dest, source, wanted, None, args["backup"]))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return _facts(dest, result)


def _save(body, fd):
    # type: (Any, int) -> int
    size = 0
    with os.fdopen(fd, "wb") as handle:
        for block in iter(lambda: body.read(1024 * 1024), b""):
            size += len(block)
            if size > MAX_DOWNLOAD:
                raise ModuleError("the download is larger than %d bytes; stopped" % MAX_DOWNLOAD)
            handle.write(block)
    return size


def _facts(dest, result):
    # type: (str, Dict[str, Any]) -> Dict[str, Any]
    import grp
    import pwd

    st = os.stat(dest)
    result.update(dest=dest, state="file", size=st.st_size, mode="%04o" % (st.st_mode & 0o7777),
                  uid=st.st_uid, gid=st.st_gid, md5sum=_digest(dest, "md5"))
    try:
        result["owner"] = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        result["owner"] = str(st.st_uid)
    try:
        result["group"] = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        result["group"] = str(st.st_gid)
    return result
