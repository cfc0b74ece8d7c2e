"""stat: facts about a path, with Ansible's keys; never changes anything."""

import os
import stat as _st

from corral.modules._api import Arg, Plan
from corral.modules._fileattrs import (
    checksum_file,
    format_mode,
    group_name,
    mime_facts,
    read_flags,
    user_name,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)

DOC = "Read facts about a file or directory (exists, mode, owner, size, checksum, ...)."
REQUIRES = ("_fileattrs",)

ARGS = {
    "path": Arg("path", required=True, aliases=("dest", "name"), doc="The path to look at."),
    "follow": Arg(bool, default=False, doc="If path is a symlink, describe its target."),
    "get_checksum": Arg(bool, default=True, doc="Compute the checksum of a regular file."),
    "checksum_algorithm": Arg(str, default="sha1", aliases=("checksum", "checksum_algo"),
                              choices=("md5", "sha1", "sha224", "sha256", "sha384", "sha512"),
                              doc="Algorithm of the checksum."),
    "get_mime": Arg(bool, default=True, aliases=("mime", "mime_type", "mime-type"),
                    doc="Add mimetype and charset (from the file command; 'unknown' without it)."),
    "get_attributes": Arg(bool, default=True, aliases=("attr", "attributes"),
                          doc="Add attributes, attr_flags and version (from lsattr, when the "
                              "filesystem has them)."),
}

_KINDS = (("isdir", _st.S_ISDIR), ("ischr", _st.S_ISCHR), ("isblk", _st.S_ISBLK),
          ("isreg", _st.S_ISREG), ("isfifo", _st.S_ISFIFO), ("islnk", _st.S_ISLNK),
          ("issock", _st.S_ISSOCK))
_PERMS = (("rusr", _st.S_IRUSR), ("wusr", _st.S_IWUSR), ("xusr", _st.S_IXUSR),
          ("rgrp", _st.S_IRGRP), ("wgrp", _st.S_IWGRP), ("xgrp", _st.S_IXGRP),
          ("roth", _st.S_IROTH), ("woth", _st.S_IWOTH), ("xoth", _st.S_IXOTH),
          ("isuid", _st.S_ISUID), ("isgid", _st.S_ISGID))


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    path = args["path"]
    try:
        st = os.stat(path) if args["follow"] else os.lstat(path)
    except FileNotFoundError:
        return {"exists": False}
    facts = {"exists": True, "path": path, "mode": format_mode(st.st_mode)}  # type: Dict[str, Any]
    facts.update((name, bool(test(st.st_mode))) for name, test in _KINDS)
    facts.update((name, bool(st.st_mode & bit)) for name, bit in _PERMS)
    facts.update(uid=st.st_uid, gid=st.st_gid, pw_name=user_name(st.st_uid),
                 gr_name=group_name(st.st_gid), size=st.st_size, inode=st.st_ino,
                 dev=st.st_dev, nlink=st.st_nlink, atime=st.st_atime, mtime=st.st_mtime,
                 ctime=st.st_ctime, blocks=st.st_blocks, block_size=st.st_blksize,
                 device_type=st.st_rdev,
                 readable=os.access(path, os.R_OK), writeable=os.access(path, os.W_OK),
                 executable=os.access(path, os.X_OK))
    if facts["islnk"]:
        facts["lnk_source"] = os.path.realpath(path)
        facts["lnk_target"] = os.readlink(path)
    if facts["isreg"] and args["get_checksum"] and facts["readable"]:
        facts["checksum"] = checksum_file(path, args["checksum_algorithm"])
    if args["get_mime"]:
        facts.update(mime_facts(path))
    if args["get_attributes"]:  # Ansible's values when lsattr cannot tell
        facts.update(version=None, attributes=[], attr_flags="")
        facts.update(read_flags(path))
    return facts


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    what = "exists" if current["exists"] else "does not exist"
    return Plan(reason="%s %s" % (args["path"], what), data={"stat": current})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    """Never called: stat plans no change."""
