"""raw: run a command line over the SSH session itself, with no agent and no Python.

It is how a host without Python is bootstrapped (``raw: apt-get install -y
python3`` with ``gather_facts: false``). The controller runs it
(``CONTROLLER = "raw"``, see ``corral.executor.raw_call``); this file declares its
arguments and documentation only. Like Ansible's, it always reports a change and is
not run in check mode.
"""

from corral.modules._api import Arg, ModuleError

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401

DOC = ("Run a command line (the free-form text) through the SSH session, without Python on "
       "the host (bootstrap).")
CONTROLLER = "raw"

ARGS = {
    "executable": Arg(str, doc="The shell to run it with -c, e.g. /bin/bash (default: the "
                               "login shell)."),
    "timeout": Arg(int, default=0, doc="Seconds before the command is given up (0: none)."),
}

RETURNS = {
    "rc": "The exit status.",
    "stdout": "What the command printed.",
    "stdout_lines": "stdout split into lines.",
    "stderr": "What the command printed on stderr.",
    "stderr_lines": "stderr split into lines.",
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    raise ModuleError("raw runs on the connection, not in the agent")


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    raise ModuleError("raw runs on the connection, not in the agent")


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Any
    raise ModuleError("raw runs on the connection, not in the agent")
