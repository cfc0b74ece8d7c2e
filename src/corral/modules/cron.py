"""cron: a named job (or variable) in a user's crontab or in a /etc/cron.d file, as Ansible keeps it.

Jobs are found by their ``#Ansible: NAME`` comment line, the job on the next line;
variables (``env: true``) are ``NAME="value"`` lines. A name that appears twice is an
error, never a guess.
"""

import os
import pwd
import re
import subprocess
import tempfile

from corral.modules._api import (
    Arg,
    ArgumentError,
    Change,
    ModuleError,
    Plan,
    atomic_write,
    text_diff,
)
from corral.modules._textedit import split_lines

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Manage cron jobs and cron variables in a user's crontab or a file in /etc/cron.d."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

MARKER = "#Ansible: "
_SPECIAL = ("reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly")

ARGS = {
    "name": Arg(str, required=True, doc="The job's name (its #Ansible: marker), or the variable's name."),
    "job": Arg(str, aliases=("value",), doc="The command (or the variable's value with env)."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
    "user": Arg(str, doc="Whose crontab (default: the connecting user); with cron_file, "
                         "the user the job runs as (required)."),
    "cron_file": Arg(str, doc="A file in /etc/cron.d (a bare name goes there) instead of a crontab."),
    "minute": Arg(str, default="*", doc="Minute field."),
    "hour": Arg(str, default="*", doc="Hour field."),
    "day": Arg(str, default="*", aliases=("dom",), doc="Day of month field."),
    "month": Arg(str, default="*", doc="Month field."),
    "weekday": Arg(str, default="*", aliases=("dow",), doc="Day of week field."),
    "special_time": Arg(str, choices=_SPECIAL, doc="@reboot, @daily… instead of the five fields."),
    "disabled": Arg(bool, default=False, doc="Keep the job commented out."),
    "env": Arg(bool, default=False, doc="Manage a variable NAME=\"job\" instead of a job."),
    "insertafter": Arg(str, doc="With env: put a new variable after this variable."),
    "insertbefore": Arg(str, doc="With env: put a new variable before this variable."),
    "backup": Arg(bool, default=False, doc="Keep a copy of the old crontab; returns backup_file."),
}
RETURNS = {"jobs": "The names of the jobs in the crontab after the change.",
           "envs": "The names of the variables in the crontab after the change."}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["cron_file"] and not args["user"]:
        raise ArgumentError("To use cron_file=... parameter you must specify user=... as well")
    if args["state"] == "present" and args["job"] is None:
        raise ArgumentError("job is required with state=present")
    if args["special_time"] and any(args[f] != "*" for f in ("minute", "hour", "day", "month",
                                                              "weekday")):
        raise ArgumentError("special_time cannot be combined with minute, hour, day, month "
                            "or weekday")
    if args["name"] and "\n" in args["name"]:
        raise ArgumentError("name must be one line")
    return {"text": _read(args)}


def _cron_path(args):
    # type: (Mapping[str, Any]) -> str
    path = args["cron_file"]
    return path if os.path.isabs(path) else os.path.join("/etc/cron.d", path)


def _read(args):
    # type: (Mapping[str, Any]) -> Optional[str]
    if args["cron_file"]:
        path = _cron_path(args)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "surrogateescape")
    proc = _crontab(args, ["-l"])
    if proc.returncode != 0:
        if b"no crontab" in proc.stderr.lower():
            return None
        raise ModuleError("crontab -l failed: %s" % proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout.decode("utf-8", "surrogateescape")


def _crontab(args, words):
    # type: (Mapping[str, Any], List[str]) -> Any
    argv = ["crontab"]
    if args["user"] and args["user"] != pwd.getpwuid(os.geteuid()).pw_name:
        argv += ["-u", args["user"]]
    try:
        return subprocess.run(argv + words, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("crontab could not run (is cron installed?): %s" % exc) from exc


def job_line(args):
    # type: (Mapping[str, Any]) -> str
    if args["env"]:
        return '%s="%s"' % (args["name"], args["job"])
    when = ("@" + args["special_time"] if args["special_time"] else
            " ".join(args[f] for f in ("minute", "hour", "day", "month", "weekday")))
    user = (" " + args["user"]) if args["cron_file"] else ""
    return "%s%s%s %s" % ("#" if args["disabled"] else "", when, user, args["job"])


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    before = current["text"]
    lines = [line.rstrip("\n") for line in split_lines(before or "")]
    if args["env"]:
        after_lines = edit_env(lines, args)
    else:
        after_lines = edit_job(lines, args)
    after = "\n".join(after_lines) + "\n" if after_lines else ""
    data = {"jobs": job_names(after_lines), "envs": env_names(after_lines)}
    where = _cron_path(args) if args["cron_file"] else "crontab of %s" % (args["user"] or "the login user")
    if after == (before or "") or (before is None and not after_lines):
        return Plan(reason="%s: %s %s" % (where, args["name"], "absent" if args["state"] == "absent"
                                          else "already as wanted"), data=data)
    what = "removed" if args["state"] == "absent" else ("added" if args["name"] not in
                                                         (job_names(lines) + env_names(lines))
                                                         else "changed")
    return Plan([Change("cron " + ("variable" if args["env"] else "job"), args["name"], what)],
                diff=text_diff(before or "", after, where, where), data=data,
                msg="%s: %s %s" % (where, args["name"], what), state={"after": after})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    after = plan.state["after"]
    if args["cron_file"]:
        path = _cron_path(args)
        if not after:
            os.unlink(path)
            return {}
        atomic_write(path, after.encode("utf-8", "surrogateescape"), mode=0o644)
        return {}
    fd, tmp = tempfile.mkstemp(prefix=".corral-cron-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(after.encode("utf-8", "surrogateescape"))
        if args["user"] and args["user"] != pwd.getpwuid(os.geteuid()).pw_name:
            os.chmod(tmp, 0o644)  # crontab(1) reads it as the target user
        proc = _crontab(args, [tmp])
    finally:
        os.unlink(tmp)
    if proc.returncode != 0:
        raise ModuleError("crontab failed to install the new crontab: %s"
                          % proc.stderr.decode("utf-8", "replace").strip())
    return {}


def _marker_indexes(lines, name):
    # type: (List[str], str) -> List[int]
    return [n for n, line in enumerate(lines) if line == MARKER + name]


def edit_job(lines, args):
    # type: (List[str], Mapping[str, Any]) -> List[str]
    """The crontab's lines with the named job set (or removed)."""
    found = _marker_indexes(lines, args["name"])
    if len(found) > 1:
        raise ModuleError("cron job %r is in the crontab %d times (lines %s); remove the extra "
                          "copies first" % (args["name"], len(found),
                                            ", ".join(str(n + 1) for n in found)))
    out = list(lines)
    if found:
        start = found[0]
        end = start + 2 if start + 1 < len(out) else start + 1
        replacement = [] if args["state"] == "absent" else [MARKER + args["name"], job_line(args)]
        return out[:start] + replacement + out[end:]
    if args["state"] == "absent":
        return out
    return out + [MARKER + args["name"], job_line(args)]


_ENV = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")


def edit_env(lines, args):
    # type: (List[str], Mapping[str, Any]) -> List[str]
    """The crontab's lines with the variable set (or removed); new ones go first."""
    name = args["name"]
    found = [n for n, line in enumerate(lines) if _env_name(line) == name]
    if len(found) > 1:
        raise ModuleError("cron variable %r is set %d times; remove the extra copies first"
                          % (name, len(found)))
    out = list(lines)
    if found:
        if args["state"] == "absent":
            return out[:found[0]] + out[found[0] + 1:]
        out[found[0]] = job_line(args)
        return out
    if args["state"] == "absent":
        return out
    at = 0
    anchor = args["insertafter"] or args["insertbefore"]
    if anchor:
        spots = [n for n, line in enumerate(lines) if _env_name(line) == anchor]
        if not spots:
            raise ModuleError("variable %r to insert next to is not in the crontab" % anchor)
        at = spots[0] + (1 if args["insertafter"] else 0)
    return out[:at] + [job_line(args)] + out[at:]


def _env_name(line):
    # type: (str) -> Optional[str]
    match = _ENV.match(line)
    return match.group(1) if match and not line.lstrip().startswith("#") else None


def job_names(lines):
    # type: (List[str]) -> List[str]
    return [line[len(MARKER):] for line in lines if line.startswith(MARKER)]


def env_names(lines):
    # type: (List[str]) -> List[str]
    return [n for n in (_env_name(line) for line in lines) if n]
