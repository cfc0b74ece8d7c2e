"""ping: check that the agent answers and can run a module."""

from corral.modules._api import Arg, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)

DOC = "Check that the host answers and can run modules; returns ping=pong."

ARGS = {
    "data": Arg(str, default="pong", doc="What to return as ping; 'crash' makes the module fail "
                                         "(to test error handling)."),
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> None
    if args["data"] == "crash":
        raise ModuleError("boom: ping was asked to crash")


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], None) -> Plan
    return Plan(reason="pong" if args["data"] == "pong" else args["data"],
                data={"ping": args["data"]})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    """Never called: ping plans no change."""
