"""script: copy a local script to the host and run it there, with its arguments.

The controller's step (``corral.prepare.script``) reads the script named by the
first word of the free-form text (found in files/ next to the playbook, then the
playbook's folder) and sends its content; the rest of the text is its arguments.
It is written to the agent's private staging folder, run, and removed.
``creates``/``removes`` make it idempotent; like command, it is not run in check mode.
"""

import base64
import os
import shlex
import tempfile

from corral.modules._api import Arg, ModuleError
from corral.modules._process import inspect, plan_run, run

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401

__all__ = ["ARGS", "DOC", "apply", "inspect", "plan"]

DOC = "Copy a local script to the host and run it (free-form: the script, then its arguments)."
REQUIRES = ("_process",)
PREPARE = "script"

ARGS = {
    "cmd": Arg(str, doc="The script and its arguments; the free-form text is the same."),
    "chdir": Arg("path", doc="Change into this directory before running."),
    "creates": Arg("path", doc="A path (glob); if it exists the script is not run."),
    "removes": Arg("path", doc="A path (glob); if it does not exist the script is not run."),
    "executable": Arg(str, doc="Run the script with this program (e.g. python3), not by its #!."),
}

RETURNS = {
    "rc": "The exit status.", "stdout": "Its output.", "stdout_lines": "stdout split into lines.",
    "stderr": "Its error output.", "stderr_lines": "stderr split into lines.",
}


def _shown(args):
    # type: (Mapping[str, Any]) -> str
    return " ".join([args.get("_script_name") or "script"] + list(args.get("_script_args") or []))


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    if args.get("_script_b64") is None:
        raise ModuleError("the script was not read on the controller (run it through corral)")
    return plan_run(ctx, args, current, _shown(args))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    fd, path = tempfile.mkstemp(prefix="corral-script-", dir=ctx.tmpdir)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(base64.b64decode(args["_script_b64"]))
        os.chmod(path, 0o700)
        argv = [path] + list(args.get("_script_args") or [])
        if args.get("executable"):
            argv = shlex.split(args["executable"]) + argv
        return run(argv, args, _shown(args))
    finally:
        os.unlink(path)
