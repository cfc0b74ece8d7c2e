"""shell: run a command line through a shell (pipes, redirects, variables)."""

from corral.modules._api import Arg, ModuleError
from corral.modules._process import COMMON_ARGS, command_text, inspect, plan_run, run

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)

__all__ = ["ARGS", "DOC", "apply", "inspect", "plan"]

DOC = "Run a command line through a shell on the host."
REQUIRES = ("_process",)

ARGS = dict(COMMON_ARGS)
ARGS["executable"] = Arg("path", default="/bin/sh", doc="The shell that runs cmd (with -c).")


def _cmd(args):
    # type: (Mapping[str, Any]) -> str
    text = command_text(args)
    if text is None:
        raise ModuleError("no command given: use the free-form text or cmd")
    return text


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    return plan_run(ctx, args, current, _cmd(args))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    return run([args["executable"], "-c", _cmd(args)], args, plan.data["cmd"])
