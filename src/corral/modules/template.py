"""template: a Jinja2 template rendered on the controller, written like copy."""

from corral.modules._api import Arg
from corral.modules._fileattrs import COMMON_ARGS
from corral.modules._filecontent import apply, inspect, plan

__all__ = ["ARGS", "DOC", "apply", "inspect", "plan"]

DOC = "Render a Jinja2 template on the controller and write it to a file on the host."
REQUIRES = ("_fileattrs", "_filecontent")
PREPARE = "template"

ARGS = {
    "src": Arg("path", required=True,
               doc="Template file, found in templates/ next to the playbook, then the "
                   "playbook directory."),
    "dest": Arg("path", required=True,
                doc="Where to write the rendered text. An existing directory: the file goes "
                    "inside it, named after src."),
    "mode": Arg("mode", doc="Mode of dest: '0644', symbolic like 'u=rw,g=r,o=r', or preserve "
                            "(the template file's)."),
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
    "trim_blocks": Arg(bool, default=True, doc="Drop the first newline after a block tag."),
    "lstrip_blocks": Arg(bool, default=False, doc="Strip spaces and tabs before a block tag."),
    "newline_sequence": Arg(str, default="\\n",
                            doc="Line ending of the rendered file: \\n, \\r or \\r\\n "
                                "(checked when the template is rendered)."),
    "block_start_string": Arg(str, default="{%", doc="Marks the start of a block."),
    "block_end_string": Arg(str, default="%}", doc="Marks the end of a block."),
    "variable_start_string": Arg(str, default="{{", doc="Marks the start of an expression."),
    "variable_end_string": Arg(str, default="}}", doc="Marks the end of an expression."),
    "comment_start_string": Arg(str, doc="Marks the start of a comment ({# by default)."),
    "comment_end_string": Arg(str, doc="Marks the end of a comment (#} by default)."),
    "output_encoding": Arg(str, default="utf-8", doc="Encoding of the written file."),
}
ARGS.update(COMMON_ARGS)
