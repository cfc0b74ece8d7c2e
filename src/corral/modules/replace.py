"""replace: replace every match of a regular expression in a text file, as Ansible does."""

import re

from corral.modules._api import Arg, ArgumentError, ModuleError, missing
from corral.modules._textedit import apply_text, inspect_text, plan_text

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping, Tuple  # noqa: F401

DOC = "Replace all matches of a regular expression in a file (optionally only between after/before)."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

ARGS = {
    "path": Arg("path", required=True, aliases=("dest", "destfile", "name"), doc="The file to edit."),
    "regexp": Arg(str, required=True, doc="Python regex, MULTILINE: ^ and $ match at each line."),
    "replace": Arg(str, default="", doc="The replacement; may use \\1 and \\g<name> groups."),
    "after": Arg(str, doc="Only replace in the text after the first match of this regex."),
    "before": Arg(str, doc="Only replace in the text before the first match of this regex."),
    "backup": Arg(bool, default=False, doc="Keep the old file as path.PID.DATE@TIME~; returns backup_file."),
    "validate": Arg(str, doc="Command that checks the new file first; %s is the temporary file."),
    "encoding": Arg(str, default="utf-8", doc="The file's character encoding."),
    "mode": Arg("mode", doc="Mode of the file: '0644' or symbolic."),
    "owner": Arg(str, doc="User owning the file (name or id)."),
    "group": Arg(str, doc="Group owning the file (name or id)."),
}
RETURNS = {
    "msg": "'N replacements made', or '' when nothing matched.",
    "backup_file": "The backup's path, when backup made one.",
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    for name in ("regexp", "after", "before"):
        if args[name] is not None:
            try:
                re.compile(args[name])
            except re.error as exc:
                raise ArgumentError("%s: invalid regular expression %r: %s" % (name, args[name], exc)) from exc
    current = inspect_text(args)
    if current["text"] is None:
        raise ModuleError("Path %s does not exist !" % args["path"], missing("path", args["path"]),
                          rc=257)
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    section = _section(current["text"], args["after"], args["before"])
    if isinstance(section, str):
        return plan_text(args, current, current["text"],
                         "Pattern for before/after params did not match the given file: " + section)
    after, count = replace_text(current["text"], args)
    msg = "%d replacements made" % count if after != current["text"] else ""
    return plan_text(args, current, after, msg)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    return apply_text(args, plan)


def replace_text(text, args):
    # type: (str, Mapping[str, Any]) -> Tuple[str, int]
    """(new text, number of replacements), limited to the after/before section."""
    section = _section(text, args["after"], args["before"])
    if isinstance(section, str):
        return text, 0
    start, end = section
    pattern = re.compile(args["regexp"], re.MULTILINE)
    try:
        section, count = pattern.subn(args["replace"], text[start:end])
    except (re.error, IndexError) as exc:
        raise ModuleError("replace %r: %s" % (args["replace"], exc)) from exc
    return text[:start] + section + text[end:], count


def _section(text, after, before):
    # type: (str, Any, Any) -> Any
    """Where replacing happens: after the first ``after`` match up to the next ``before``
    (with only ``before``: up to its last match). When they do not match: the pattern
    (a str), and nothing is replaced, as in Ansible."""
    if after and before:
        pattern = "%s(?P<section>.*?)%s" % (after, before)
    elif after:
        pattern = "%s(?P<section>.*)" % after
    elif before:
        pattern = "(?P<section>.*)%s" % before
    else:
        return 0, len(text)
    match = re.search(pattern, text, re.DOTALL)
    if match is None:
        return pattern.replace("?P<section>", "?P<subsection>")
    return match.start("section"), match.end("section")
