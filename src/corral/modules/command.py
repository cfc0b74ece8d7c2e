"""command: run a program directly, without a shell."""

import os
import shlex

from corral.modules._api import Arg, ModuleError
from corral.modules._process import COMMON_ARGS, command_text, inspect, plan_run, run

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401 (type comments)

__all__ = ["ARGS", "DOC", "apply", "inspect", "plan"]

DOC = "Run a command on the host without a shell (no pipes, redirects or variables)."
REQUIRES = ("_process",)

ARGS = dict(COMMON_ARGS)
ARGS["argv"] = Arg(list, elements=str, doc="The command as a list of words; no quoting needed. "
                                           "Exclusive with cmd.")
ARGS["executable"] = Arg("path", doc="Run this program instead of the command's first word "
                                     "(which stays argv[0]).")
ARGS["expand_argument_vars"] = Arg(bool, default=True,
                                   doc="Expand $VARIABLES and ~ in the words of the command "
                                       "(no shell: no pipes or globs).")


def _words(args):
    # type: (Mapping[str, Any]) -> List[str]
    """The command's words as written (what register shows as cmd)."""
    text = command_text(args)
    if args.get("argv"):
        if text is not None:
            raise ModuleError("give either argv or cmd (free-form), not both")
        return list(args["argv"])
    if text is None:
        raise ModuleError("no command given: use the free-form text, cmd or argv")
    return shlex.split(text)


def _argv(args):
    # type: (Mapping[str, Any]) -> List[str]
    """The words run: $VARIABLES and ~ expanded unless expand_argument_vars is no."""
    words = _words(args)
    if args.get("expand_argument_vars", True):
        words = [os.path.expanduser(os.path.expandvars(w)) for w in words]
    return words


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    return plan_run(ctx, args, current, _shown(_argv(args)), _words(args))


def _shown(argv):
    # type: (List[str]) -> str
    return " ".join(shlex.quote(w) for w in argv)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    argv = _argv(args)
    return run(argv, args, _shown(argv), _words(args), args.get("executable"))
