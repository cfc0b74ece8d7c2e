"""Run a process for command and shell: creates/removes, chdir, stdin, timing.

Stdlib only, Python 3.8 syntax. ``command`` and ``shell`` differ only in how
they build argv; the rest (``inspect``, ``plan_run``, ``run``) is here.
"""

import datetime
import errno
import glob
import os
import subprocess

from corral.modules._api import Arg, Change, ModuleError, Plan, Skip, missing

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401 (type comments)

COMMON_ARGS = {
    "cmd": Arg(str, doc="The command line; the free-form text of the task is the same."),
    "chdir": Arg("path", doc="Change into this directory before running."),
    "creates": Arg("path", doc="A path (glob); if it exists the command is not run."),
    "removes": Arg("path", doc="A path (glob); if it does not exist the command is not run."),
    "stdin": Arg(str, doc="Text fed to the command's standard input."),
    "stdin_add_newline": Arg(bool, default=True, doc="Add a newline at the end of stdin."),
    "strip_empty_ends": Arg(bool, default=True,
                            doc="Strip trailing newlines from stdout and stderr."),
    "warn": Arg("raw", doc="Ignored; accepted for compatibility with old playbooks."),
}


def command_text(args):
    # type: (Mapping[str, Any]) -> Optional[str]
    """``cmd``, or the free-form text (Ansible's internal ``_raw_params``)."""
    if args.get("cmd") is not None and args.get("_raw_params") is not None:
        raise ModuleError("give the command either free-form or as cmd, not both")
    text = args.get("cmd") if args.get("cmd") is not None else args.get("_raw_params")
    return None if text is None or not str(text).strip() else str(text)


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    return {
        "creates": bool(glob.glob(args["creates"])) if args.get("creates") else None,
        "removes": bool(glob.glob(args["removes"])) if args.get("removes") else None,
    }


def not_run(cmd, msg, stdout=""):
    # type: (Any, str, str) -> Dict[str, Any]
    """Ansible's result keys for a command that did not run (no times, rc 0)."""
    return {"cmd": cmd, "rc": 0, "stdout": stdout, "stderr": "",
            "stdout_lines": stdout.splitlines(), "stderr_lines": [],
            "start": None, "end": None, "delta": None, "msg": msg}


def plan_run(ctx, args, current, shown, cmd=None):
    # type: (Any, Mapping[str, Any], Dict[str, Any], str, Any) -> Plan
    """Run, or say why not: creates exists, removes missing, or check mode.

    ``shown`` is the command line for people; ``cmd`` what register stores
    (command: the argv list, shell: the text), as Ansible does.
    """
    cmd = shown if cmd is None else cmd
    for name, exists, why in (("creates", True, "exists"), ("removes", False, "does not exist")):
        if current[name] is exists:
            reason = "skipped, since %s %s" % (args[name], why)
            verb = "Would not" if ctx.check else "Did not"
            data = not_run(cmd, "%s run command since '%s' %s" % (verb, args[name], why), reason)
            return Plan(reason=reason, data=data)
    data = not_run(cmd, "Command would have run if not in check mode")
    if ctx.check and current["creates"] is None and current["removes"] is None:
        raise Skip("command is not run in check mode", data=dict(data, skipped=True))
    return Plan([Change("run", None, shown)], data=data, msg="ran: %s" % shown)


def run(argv, args, shown, cmd=None, executable=None):
    # type: (List[str], Mapping[str, Any], str, Any, Optional[str]) -> Dict[str, Any]
    """Run ``argv`` (``executable``: the program run in place of argv[0]); return
    Ansible's result keys, or raise ModuleError if rc != 0."""
    chdir = args.get("chdir")
    if chdir and not os.path.isdir(chdir):
        raise ModuleError("chdir %s: no such directory" % chdir, missing("path", chdir))
    stdin = args.get("stdin")
    if stdin is not None and args.get("stdin_add_newline", True):
        stdin += "\n"
    start = datetime.datetime.now()
    # never inherit stdin: on the host it is the agent's channel to the controller
    feed = {"input": stdin.encode("utf-8")} if stdin is not None else {"stdin": subprocess.DEVNULL}
    try:  # a session of its own: a cancel stops all it started (the agent kills the group)
        proc = subprocess.run(argv, cwd=chdir or None, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, executable=executable,
                              start_new_session=True, **feed)
    except OSError as exc:
        program = executable or argv[0]
        lacking = missing("command", program) if exc.errno == errno.ENOENT else None
        raise ModuleError("%s: %s" % (program, exc.strerror or exc), lacking, rc=2,
                          cmd=shown if cmd is None else cmd) from exc
    end = datetime.datetime.now()
    data = _outputs(proc, args.get("strip_empty_ends", True))
    data.update(cmd=shown if cmd is None else cmd, rc=proc.returncode, start=str(start),
                end=str(end), delta=str(end - start))
    if proc.returncode != 0:
        error = ModuleError("non-zero return code %d" % proc.returncode,
                            _not_found(proc.returncode, shown), **data)
        error.data["msg"] = "non-zero return code"  # Ansible's words, for register
        error.data["changed"] = True  # it ran: Ansible counts a failed command as changed
        raise error
    data["msg"] = ""
    return data


def _not_found(rc, shown):
    # type: (int, str) -> Optional[Dict[str, str]]
    """A shell's exit 127: the command was not found."""
    words = shown.split()
    return missing("command", words[0]) if rc == 127 and words else None


def _outputs(proc, strip):
    # type: (Any, bool) -> Dict[str, Any]
    data = {}  # type: Dict[str, Any]
    for name in ("stdout", "stderr"):
        text = getattr(proc, name).decode("utf-8", "replace")
        if strip:
            text = text.rstrip("\r\n")
        data[name] = text
        data[name + "_lines"] = text.splitlines()
    return data
