"""ping: check that the agent answers and can run a module."""

from corral.modules._api import Arg, ModuleError, Plan

try:  # typing only
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)
except ImportError:  # pragma: no cover
    pass

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
