"""ini_file: one option of an INI file set (or removed), or a whole section, as Ansible does."""

import re

from corral.modules._api import Arg, ArgumentError, Plan, missing
from corral.modules._textedit import apply_text, inspect_text, plan_text, split_lines

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Manage options and sections of INI files: set, add, change or remove them."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

ARGS = {
    "path": Arg("path", required=True, aliases=("dest",), doc="The INI file."),
    "section": Arg(str, doc="Section name without brackets; null: the options before any section."),
    "option": Arg(str, aliases=("key",), doc="The option (key); without it, state applies to the section."),
    "value": Arg(str, doc="The option's value."),
    "values": Arg(list, elements=str, doc="Several values for one option: one line each."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: the option (or section) is there with value; absent: removed."),
    "exclusive": Arg(bool, default=True, doc="With values or state=absent: other lines of the option "
                                              "are removed."),
    "no_extra_spaces": Arg(bool, default=False, doc="Write option=value instead of option = value."),
    "ignore_spaces": Arg(bool, default=False, doc="A line differing only in spaces is not a change."),
    "allow_no_value": Arg(bool, default=False, doc="Allow an option without a value (a bare key)."),
    "modify_inactive_option": Arg(bool, default=True, doc="Replace a commented-out '# option = x' line "
                                                         "instead of adding a new one."),
    "create": Arg(bool, default=True, doc="Create the file if it is missing."),
    "backup": Arg(bool, default=False, doc="Keep the old file as path.PID.DATE@TIME~; returns backup_file."),
    "mode": Arg("mode", doc="Mode of the file: '0644' or symbolic."),
    "owner": Arg(str, doc="User owning the file (name or id)."),
    "group": Arg(str, doc="Group owning the file (name or id)."),
}
RETURNS = {
    "msg": "'OK', 'section and option added', 'option added', 'option changed', 'section removed', "
           "'option absent', 'section added', 'file created'…",
    "path": "The file.",
    "backup_file": "The backup's path, when backup made one.",
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["value"] is not None and args["values"] is not None:
        raise ArgumentError("value and values are mutually exclusive")
    if (args["state"] == "present" and args["value"] is None and args["values"] is None
            and not args["allow_no_value"]):
        raise ArgumentError("Parameter 'value(s)' must be defined if state=present and "
                            "allow_no_value=False.")
    current = inspect_text(args)
    if current["text"] is None and not args["create"]:
        from corral.modules._api import ModuleError

        raise ModuleError("Destination %s does not exist!" % args["path"], missing("path", args["path"]),
                          rc=257)
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    before = current["text"]
    if before is None and args["state"] == "absent":
        return Plan(reason="%s does not exist; nothing to remove" % args["path"], msg="OK",
                    data={"path": args["path"]})
    after, msg = edit_ini(before or "", args)
    if before is None:
        msg = "file created" if msg == "OK" else msg
    return plan_text(args, current, after, msg, data={"path": args["path"]})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    return apply_text(args, plan)


# --- the edit: pure functions on lines -----------------------------------------

_SECTION = re.compile(r"^\s*\[(.*)\]\s*$")


def _section_range(lines, section):
    # type: (List[str], Optional[str]) -> Tuple[int, int]
    """(header index or -1, end index) of ``section``; header -2 when missing."""
    if section is None:
        for number, line in enumerate(lines):
            if _SECTION.match(line):
                return -1, number
        return -1, len(lines)
    header = -2
    for number, line in enumerate(lines):
        found = _SECTION.match(line)
        if found is None:
            continue
        if header >= 0:
            return header, number
        if found.group(1).strip() == section:
            header = number
    return header, len(lines)


def _option_regex(option, inactive):
    # type: (str, bool) -> Any
    prefix = r"(?:[#;]\s*)?" if inactive else ""
    return re.compile(r"^\s*%s%s\s*(=|$)" % (prefix, re.escape(option)))


def _line(args, value):
    # type: (Mapping[str, Any], Optional[str]) -> str
    if value is None:
        return args["option"] + "\n"
    separator = "=" if args["no_extra_spaces"] else " = "
    return "%s%s%s\n" % (args["option"], separator, value)


def _same(one, other, ignore_spaces):
    # type: (str, str, bool) -> bool
    if ignore_spaces:
        return re.sub(r"\s", "", one) == re.sub(r"\s", "", other)
    return one.rstrip("\r\n") == other.rstrip("\r\n")


def edit_ini(text, args):
    # type: (str, Mapping[str, Any]) -> Tuple[str, str]
    """Ansible's ini_file on ``text``: (new text, message)."""
    lines = split_lines(text)
    header, end = _section_range(lines, args["section"])
    if args["state"] == "absent":
        return _absent(lines, args, header, end, text)
    if args["option"] is None:
        if header == -2:
            return "".join(_ended(lines) + ["[%s]\n" % args["section"]]), "section added"
        return text, "OK"
    values = args["values"] if args["values"] is not None else [args["value"]]
    wanted = [_line(args, v) for v in values]
    if header == -2:
        return "".join(_ended(lines) + ["[%s]\n" % args["section"]] + wanted), \
            "section and option added"
    return _present(lines, args, header, end, wanted, text)


def _present(lines, args, header, end, wanted, text):
    # type: (List[str], Mapping[str, Any], int, int, List[str], str) -> Tuple[str, str]
    active = _option_regex(args["option"], False)
    inactive = _option_regex(args["option"], args["modify_inactive_option"])
    start = header + 1
    found = [n for n in range(start, end) if active.match(lines[n])]
    if not found and args["modify_inactive_option"]:
        found = [n for n in range(start, end) if inactive.match(lines[n])][:1]
    new = list(lines)  # type: List[Any]
    msg = "OK"
    remaining = list(wanted)
    for number in found:
        if not remaining:
            if args["exclusive"] and args["values"] is not None:
                new[number] = None
                msg = "option changed"
            continue
        match = next((w for w in remaining if _same(lines[number], w, args["ignore_spaces"])), None)
        if match is not None:
            remaining.remove(match)
            continue
        if args["values"] is None or args["exclusive"]:
            new[number] = remaining.pop(0)
            msg = "option changed"
    if remaining:
        at = _after_last_content(lines, start, end)
        head = [line for line in new[:at] if line is not None]
        tail = [line for line in new[at:] if line is not None]
        new = (head if tail else _ended(head)) + remaining + tail
        msg = "option added" if msg == "OK" else msg
    result = "".join(line for line in new if line is not None)
    return (result, msg) if result != text else (text, "OK")


def _absent(lines, args, header, end, text):
    # type: (List[str], Mapping[str, Any], int, int, str) -> Tuple[str, str]
    if header == -2:
        return text, "OK"
    if args["option"] is None:
        if args["section"] is None:
            return text, "OK"
        return "".join(lines[:header] + lines[end:]), "section removed"
    active = _option_regex(args["option"], False)
    values = args["values"] if args["values"] is not None else (
        [args["value"]] if args["value"] is not None else None)
    kept = []
    for number, line in enumerate(lines):
        inside = header < number < end
        if inside and active.match(line) and (
                values is None or args["exclusive"] and args["values"] is None
                or any(_same(line, _line(args, v), args["ignore_spaces"]) for v in values)):
            continue
        kept.append(line)
    result = "".join(kept)
    return (result, "option changed") if result != text else (text, "OK")


def _after_last_content(lines, start, end):
    # type: (List[str], int, int) -> int
    """Where a new option goes: after the section's last non-blank line."""
    at = end
    while at > start and not lines[at - 1].strip():
        at -= 1
    return at


def _ended(lines):
    # type: (List[str]) -> List[str]
    if lines and not lines[-1].endswith("\n"):
        return lines[:-1] + [lines[-1] + "\n"]
    return list(lines)
