"""Wait until a TCP port answers (or closes) or a file appears (or goes), with a timeout."""

import os
import re
import socket
import time

from corral.modules._api import Arg, ModuleError, Plan

DOC = "Wait for a TCP port to open or close, or a path to appear or go away, up to a timeout."

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


def _path_ready(path, regex):
    if not os.path.exists(path):
        return False
    if regex is None:
        return True
    try:
        with open(path, "r", errors="replace") as handle:
            return re.search(regex, handle.read(), re.MULTILINE) is not None
    except OSError:
        return False


def _condition(args):
    wanted = args["state"] in ("started", "present")
    if args["path"] is not None:
        what = "path %s" % args["path"]
        return what, lambda: _path_ready(args["path"], args["search_regex"]) == wanted
    if args["port"] is None:
        raise ModuleError("wait_for needs port or path")
    what = "port %s:%d" % (args["host"], args["port"])
    return what, lambda: _port_open(args["host"], args["port"], args["connect_timeout"]) == wanted


def inspect(ctx, args):
    return None


def plan(ctx, args, current):
    what, ready = _condition(args)
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
    return Plan(reason="%s is %s (after %.1fs)" % (what, args["state"], elapsed),
                data={"elapsed": elapsed})


def apply(ctx, args, plan):  # never called: waiting changes nothing
    return None
