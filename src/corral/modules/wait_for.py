"""Wait until a TCP port answers (or closes) or a file appears (or goes), with a timeout."""

import os
import re
import socket
import time

from corral.modules._api import Arg, ModuleError, Plan, Skip
from corral.modules._fileattrs import path_facts

DOC = ("Wait for a TCP port to open or close, or a path to appear or go away, up to a timeout. "
       "Skipped in check mode, as in Ansible.")
REQUIRES = ("_fileattrs",)

ARGS = {
    "port": Arg(int, doc="TCP port to wait for."),
    "host": Arg(str, default="127.0.0.1", doc="Address the port is checked on (from the managed host)."),
    "path": Arg("path", doc="File to wait for instead of a port."),
    "state": Arg(str, default="started", choices=("started", "present", "stopped", "absent", "drained"),
                 doc="started/present: wait until it is there; stopped/absent: until it is gone."),
    "timeout": Arg(float, default=300, doc="Seconds to wait before failing."),
    "delay": Arg(float, default=0, doc="Seconds to wait before the first check."),
    "sleep": Arg(float, default=1, doc="Seconds between checks."),
    "search_regex": Arg(str, doc="With path: wait until the file contains a match."),
    "connect_timeout": Arg(float, default=5, doc="Seconds one connection attempt may take."),
    "msg": Arg(str, doc="Message when the timeout is reached."),
}


def _port_open(host, port, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _path_ready(path, regex, found):
    if not os.path.exists(path):
        return False
    if regex is None:
        return True
    try:
        with open(path, "r", errors="replace") as handle:
            match = re.search(regex, handle.read(), re.MULTILINE)
    except OSError:
        return False
    if match is not None:
        found["match_groups"] = list(match.groups())
        found["match_groupdict"] = match.groupdict()
    return match is not None


def _condition(args, found):
    wanted = args["state"] in ("started", "present")
    if args["path"] is not None:
        what = "path %s" % args["path"]
        return what, lambda: _path_ready(args["path"], args["search_regex"], found) == wanted
    if args["port"] is None:
        raise ModuleError("wait_for needs port or path")
    what = "port %s:%d" % (args["host"], args["port"])
    return what, lambda: _port_open(args["host"], args["port"], args["connect_timeout"]) == wanted


def inspect(ctx, args):
    return None


def plan(ctx, args, current):
    if ctx.check:
        raise Skip("wait_for does not run in check mode",
                   data={"msg": "remote module (wait_for) does not support check mode"})
    found = {"match_groups": [], "match_groupdict": {}}
    what, ready = _condition(args, found)
    started = time.monotonic()
    if args["delay"]:
        time.sleep(args["delay"])
    deadline = started + args["timeout"]
    while not ready():
        if time.monotonic() >= deadline:
            raise ModuleError(args["msg"] or "timeout after %gs waiting for %s to be %s"
                              % (args["timeout"], what, args["state"]), elapsed=args["timeout"])
        time.sleep(args["sleep"])
    elapsed = round(time.monotonic() - started, 3)
    data = {"elapsed": int(elapsed), "elapsed_exact": elapsed, "state": args["state"],
            "port": args["port"], "path": args["path"], "search_regex": args["search_regex"]}
    data.update(found)  # Ansible's keys, elapsed in whole seconds
    if args["path"] is not None and os.path.exists(args["path"]):
        data.update(path_facts(args["path"], follow=True))  # the file's, as Ansible adds
    return Plan(reason="%s is %s (after %.1fs)" % (what, args["state"], elapsed), data=data)


def apply(ctx, args, plan):  # never called: waiting changes nothing
    return None
