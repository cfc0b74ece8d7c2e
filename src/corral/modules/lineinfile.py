"""lineinfile: make sure one line is in a text file (or is not), as Ansible does."""

import os
import re

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan, missing, text_diff
from corral.modules._fileattrs import (
    COMMON_ARGS,
    apply_attrs,
    apply_flags,
    attr_changes,
    check_selinux,
    flag_changes,
    read_attrs,
    require_flags,
    wanted_attrs,
)
from corral.modules._filecontent import install

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

DOC = "Ensure a line is present in a text file (replacing a matching line), or absent."
REQUIRES = ("_fileattrs", "_filecontent")

ARGS = {
    "path": Arg("path", required=True, aliases=("dest", "destfile", "name"),
                doc="The file to edit."),
    "line": Arg(str, aliases=("value",), doc="The line to have in the file (state=present). With "
                                             "backrefs, may use \\1 groups of regexp."),
    "regexp": Arg(str, aliases=("regex",),
                  doc="Python regex: present replaces the last matching line (or the first with "
                      "firstmatch); absent removes every matching line."),
    "search_string": Arg(str, doc="Literal text instead of regexp."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: the line is in the file; absent: no line matches."),
    "insertafter": Arg(str, doc="If nothing matches: insert after the last line matching this "
                                "regex, or EOF (the default)."),
    "insertbefore": Arg(str, doc="If nothing matches: insert before the last line matching this "
                                 "regex, or BOF."),
    "create": Arg(bool, default=False, doc="Create the file (and its directory) if missing; "
                                           "otherwise a missing file fails."),
    "backup": Arg(bool, default=False, doc="Keep the old file as path.PID.DATE@TIME~; returns "
                                           "backup_file."),
    "backrefs": Arg(bool, default=False, doc="Expand regexp groups in line; if regexp matches "
                                             "nothing the file is left unchanged."),
    "firstmatch": Arg(bool, default=False, doc="Use the first match of regexp/insertafter/"
                                               "insertbefore instead of the last."),
    "mode": Arg("mode", doc="Mode of the file: '0644' or symbolic like 'u=rw,g=r,o=r'."),
    "owner": Arg(str, doc="User owning the file (name or id)."),
    "group": Arg(str, doc="Group owning the file (name or id)."),
    "validate": Arg(str, doc="Command that checks the edited file before it replaces path; %s "
                             "is the path of the temporary file."),
}
ARGS.update(COMMON_ARGS)


def _check_args(args):
    # type: (Mapping[str, Any]) -> None
    problems = []
    if args["regexp"] is not None and args["search_string"] is not None:
        problems.append("regexp and search_string are mutually exclusive")
    if args["insertafter"] is not None and args["insertbefore"] is not None:
        problems.append("insertafter and insertbefore are mutually exclusive")
    if args["state"] == "present" and args["line"] is None:
        problems.append("state=present needs line")
    if args["state"] == "absent" and not (args["line"] is not None or args["regexp"] is not None
                                          or args["search_string"] is not None):
        problems.append("state=absent needs one of line, regexp or search_string")
    if args["backrefs"] and args["regexp"] is None:
        problems.append("backrefs=yes needs regexp")
    if problems:
        raise ArgumentError("; ".join(problems), problems=problems)


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    _check_args(args)
    check_selinux(args)
    path = args["path"]
    if os.path.isdir(path):
        raise ModuleError("%s is a directory, not a file" % path)
    current = {"path": path, "wanted": wanted_attrs(args), "attrs": read_attrs(path), "text": None,
               "flags": require_flags(path, args.get("attributes"))}
    if current["attrs"] is not None:
        with open(path, "rb") as handle:
            current["text"] = handle.read().decode("utf-8", "surrogateescape")
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    path, before = current["path"], current["text"]
    if before is None:
        if args["state"] == "absent":
            return Plan(reason="%s does not exist; nothing to remove" % path,
                        data={"msg": "file not present", "backup": "", "found": 0})
        if not args["create"]:
            raise ModuleError("%s does not exist; use create=yes to create it" % path,
                              missing("path", path), rc=257)
    old_lines = split_lines(before or "")
    if args["state"] == "present":
        new_lines, msg = present(old_lines, args)
    else:
        new_lines, msg = absent(old_lines, args)
    after = "".join(new_lines)
    changes = []  # type: List[Change]
    if before is None:
        changes.append(Change("state", "absent", "file"))
    elif after != before:
        changes.append(Change("content", None, msg))
    attrs = attr_changes(current["wanted"], current["attrs"])
    attrs += flag_changes(args.get("attributes"), current["flags"])
    changes += attrs
    data = _result_data(args, old_lines, new_lines, after != before,
                        bool(attrs) and before is not None)
    if not changes:
        return Plan(reason="%s: %s" % (path, msg), data=data)
    diff = text_diff(before or "", after, path, path) if after != (before or "") else None
    return Plan(changes, diff=diff, msg="%s: %s" % (path, msg), data=data,
                state={"content": after if after != before else None})


def _result_data(args, old_lines, new_lines, content_changed, attrs_changed):
    # type: (Mapping[str, Any], List[str], List[str], bool, bool) -> Dict[str, Any]
    """What register stores, with Ansible's msg: 'line added', 'line replaced',
    'N line(s) removed', '' when the content stays, the attributes note."""
    data = {"backup": ""}  # type: Dict[str, Any]
    if args["state"] == "absent":
        data["found"] = len(old_lines) - len(new_lines)
        msg = "%d line(s) removed" % data["found"] if data["found"] else ""
    elif not content_changed:
        msg = ""
    else:
        msg = "line added" if len(new_lines) > len(old_lines) else "line replaced"
    if attrs_changed:
        note = "ownership, perms or SE linux context changed"
        msg = msg + " and " + note if msg else note
    data["msg"] = msg
    return data


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    path = args["path"]
    wanted = wanted_attrs(args)
    after = plan.state["content"]
    if after is None:
        apply_attrs(path, wanted)
        apply_flags(path, args.get("attributes"))
        return {}
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, exist_ok=True)
    data = after.encode("utf-8", "surrogateescape")
    done = install(path, data, wanted, args["validate"], args["backup"])
    apply_flags(path, args.get("attributes"))
    if "backup_file" in done:
        done["backup"] = done["backup_file"]  # lineinfile's name for it in Ansible
    return done


# --- the edit itself: pure functions on lists of lines (each with its "\n") ---

def split_lines(text):
    # type: (str) -> List[str]
    """Lines with their endings, split on "\\n" only (as a binary readlines())."""
    lines = [piece + "\n" for piece in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _strip(line):
    # type: (str) -> str
    return line.rstrip("\r\n")


def _find_match(lines, args):
    # type: (List[str], Mapping[str, Any]) -> Tuple[int, Any]
    """Index and match object of the regexp/search_string line (last, or first)."""
    index, match = -1, None
    if args["regexp"] is None and args["search_string"] is None:
        return index, match
    pattern = re.compile(args["regexp"]) if args["regexp"] is not None else None
    for number, line in enumerate(lines):
        found = pattern.search(line) if pattern is not None else (args["search_string"] in line)
        if found:
            index, match = number, found
            if args["firstmatch"]:
                break
    return index, match


def _find_exact_and_anchor(lines, args):
    # type: (List[str], Mapping[str, Any]) -> Tuple[int, int]
    """Index of the last exact copy of line, and where insertafter/insertbefore point."""
    anchor = args["insertafter"] if args["insertafter"] not in (None, "EOF", "BOF") else None
    if anchor is None and args["insertbefore"] not in (None, "BOF"):
        anchor = args["insertbefore"]
    anchor_re = re.compile(anchor) if anchor is not None else None
    exact, insert_at = -1, -1
    for number, line in enumerate(lines):
        if args["line"] == _strip(line):
            exact = number
        elif anchor_re is not None and anchor_re.search(line):
            insert_at = number + 1 if args["insertafter"] else number
            if args["firstmatch"]:
                break
    return exact, insert_at


def present(lines, args):
    # type: (List[str], Mapping[str, Any]) -> Tuple[List[str], str]
    """Ansible's lineinfile state=present on ``lines``; returns (new lines, what happened)."""
    lines = list(lines)
    line = args["line"]
    index, match = _find_match(lines, args)
    insert_at = -1
    if not match:
        index, insert_at = _find_exact_and_anchor(lines, args)
    if index != -1:
        if args["regexp"] is None and args["search_string"] is None:
            return _ensure_near_anchor(lines, args, insert_at)
        new = match.expand(line) if (args["backrefs"] and match) else line
        if not new.endswith("\n"):
            new += "\n"
        if lines[index] == new:
            return lines, "line already present"
        lines[index] = new
        return lines, "line replaced"
    if args["backrefs"]:
        return lines, "regexp matched no line; with backrefs nothing is added"
    if args["insertbefore"] == "BOF" or args["insertafter"] == "BOF":
        return [line + "\n"] + lines, "line added"
    if args["insertafter"] == "EOF" or insert_at == -1:
        return _end_with_newline(lines) + [line + "\n"], "line added"
    if args["insertafter"] and _strip(_at(lines, insert_at, -1)) == line:
        return lines, "line already present"
    if insert_at >= len(lines):
        lines = _end_with_newline(lines)
    lines.insert(insert_at, line + "\n")
    return lines, "line added"


def _ensure_near_anchor(lines, args, insert_at):
    # type: (List[str], Mapping[str, Any], int) -> Tuple[List[str], str]
    """The line exists (no regexp given): Ansible still wants it right after
    insertafter / right before insertbefore when that anchor matched."""
    line = args["line"]
    if insert_at == -1:
        return lines, "line already present"  # ansible inserts at [-1] here: a bug, not kept
    if args["insertafter"] and args["insertafter"] != "EOF":
        lines = _end_with_newline(lines)
        neighbour = lines[insert_at] if insert_at < len(lines) else lines[insert_at - 1]
    elif args["insertbefore"] and args["insertbefore"] != "BOF":
        neighbour = lines[insert_at] if insert_at <= 0 else lines[insert_at - 1]
    else:
        return lines, "line already present"
    if _strip(neighbour) == line:
        return lines, "line already present"
    lines.insert(insert_at, line + "\n")
    return lines, "line added"


def _at(lines, index, offset):
    # type: (List[str], int, int) -> str
    """The line after an insertafter anchor (or the anchor itself at the end)."""
    return lines[index] if index < len(lines) else lines[index + offset]


def _end_with_newline(lines):
    # type: (List[str]) -> List[str]
    if lines and not lines[-1].endswith(("\n", "\r")):
        return lines[:-1] + [lines[-1] + "\n"]
    return list(lines)


def absent(lines, args):
    # type: (List[str], Mapping[str, Any]) -> Tuple[List[str], str]
    """Ansible's lineinfile state=absent: drop every matching line."""
    pattern = re.compile(args["regexp"]) if args["regexp"] is not None else None

    def matches(line):
        # type: (str) -> bool
        if pattern is not None:
            return bool(pattern.search(line))
        if args["search_string"] is not None:
            return str(args["search_string"]) in line
        return _strip(line) == str(args["line"])

    kept = [line for line in lines if not matches(line)]
    removed = len(lines) - len(kept)
    if not removed:
        return kept, "no line matches; nothing to remove"
    return kept, "%d line(s) removed" % removed
