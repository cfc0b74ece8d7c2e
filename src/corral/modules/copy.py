"""copy: put content or a local file (read on the controller) on the host.

A directory ``src`` (``dir/``: its contents; ``dir``: the directory itself) and any
``remote_src`` copy take their own path, in ``_copytree``.
"""

from corral.modules import _copytree, _filecontent
from corral.modules._api import Arg
from corral.modules._fileattrs import COMMON_ARGS

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Mapping  # noqa: F401 (type comments)

__all__ = ["ARGS", "DOC", "apply", "inspect", "plan"]

DOC = "Copy a local file or directory, or given content, to the host."
REQUIRES = ("_fileattrs", "_filecontent", "_copytree")
PREPARE = "copy"

ARGS = {
    "dest": Arg("path", required=True,
                doc="Where to write. Ending in / or an existing directory: the file goes "
                    "inside it, named after src."),
    "src": Arg("path", doc="Local file to copy, found in files/ next to the playbook, then the "
                           "playbook directory. Exclusive with content."),
    "content": Arg(str, doc="Write this text instead of a file. Exclusive with src."),
    "mode": Arg("mode", doc="Mode of dest: '0644', symbolic like 'u=rw,g=r,o=r', or preserve "
                            "(src's)."),
    "owner": Arg(str, doc="User owning dest (name or id)."),
    "group": Arg(str, doc="Group owning dest (name or id)."),
    "backup": Arg(bool, default=False,
                  doc="Keep the old file as dest.PID.DATE@TIME~ before replacing it; "
                      "returns backup_file."),
    "force": Arg(bool, default=True, doc="Replace dest if its content differs; no: only "
                                         "create it when missing."),
    "validate": Arg(str, doc="Command that checks the new file before it replaces dest; "
                             "%s is the path of the temporary file."),
    "follow": Arg(bool, default=False, doc="If dest is a symlink, write to its target instead "
                                           "of replacing the link."),
    "remote_src": Arg(bool, default=False, doc="src is a path on the host (a file or a "
                                               "directory), not on the controller."),
    "local_follow": Arg(bool, default=True, doc="Follow a local src that is a symlink (its "
                                                "target's content is copied); no is refused "
                                                "for a symlink."),
    "directory_mode": Arg("mode", doc="Mode of the folders copy creates (dest ending in /, "
                                      "or a directory copy); existing folders keep theirs."),
    "decrypt": Arg(bool, default=True, doc="Decrypt a vault-encrypted src on the controller "
                                           "(a plain src is copied as it is)."),
}
ARGS.update(COMMON_ARGS)


# A directory src (or remote_src) takes its own path: see _copytree.
def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Any
    return (_copytree if _copytree.is_tree(args) else _filecontent).inspect(ctx, args)


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Any) -> Any
    return (_copytree if _copytree.is_tree(args) else _filecontent).plan(ctx, args, current)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Any
    return (_copytree if _copytree.is_tree(args) else _filecontent).apply(ctx, args, plan)
