"""copy: put content or a local file (read on the controller) on the host."""

from corral.modules._api import Arg
from corral.modules._fileattrs import COMMON_ARGS
from corral.modules._filecontent import apply, inspect, plan

__all__ = ["ARGS", "DOC", "apply", "inspect", "plan"]

DOC = "Copy a local file or given content to a file on the host."
REQUIRES = ("_fileattrs", "_filecontent")
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
    "remote_src": Arg(bool, default=False, doc="src is a file on the host, not on the "
                                               "controller."),
    "local_follow": Arg(bool, default=True, doc="Follow a local src that is a symlink (corral "
                                                "copies single files: always the target's "
                                                "content); no is refused for a symlink."),
    "directory_mode": Arg("mode", doc="Mode of the folders copy creates (dest ending in /); "
                                      "existing folders keep theirs."),
    "decrypt": Arg(bool, default=True, doc="Decrypt a vault-encrypted src (accepted; a plain "
                                           "src is copied as it is)."),
}
ARGS.update(COMMON_ARGS)
