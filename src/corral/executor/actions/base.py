"""The controller-side actions and what they may touch."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from corral.modules._api import Arg, ArgumentError, validate_args
from corral.report.model import Status
from corral.templating import Templar, is_unsafe

_META_ACTIONS = ("flush_handlers", "end_play", "end_host", "noop", "clear_facts", "clear_host_errors",
                 "refresh_inventory", "end_batch")


@dataclass
class ActionContext:
    """What an action may read: the host's templar and its vars, the run mode."""

    host: str
    templar: Templar
    check: bool
    raw_args: Mapping[str, Any]
    verbosity: int


@dataclass
class ActionOutcome:
    status: Status
    msg: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # set_fact
    meta: str | None = None  # meta action for the executor


@dataclass(frozen=True)
class Action:
    name: str
    doc: str
    args_spec: Mapping[str, Arg]
    run: Callable[[ActionContext, dict[str, Any]], Awaitable[ActionOutcome]]
    free_form: bool = False
    render_args: bool = True  # set_fact renders its values itself (keeps native types)


async def _debug(ctx: ActionContext, args: dict[str, Any]) -> ActionOutcome:
    if args["verbosity"] > ctx.verbosity:
        return ActionOutcome(Status.SKIPPED, "verbosity threshold not met")
    if args["var"] is not None:
        name = str(args["var"])
        expression = name if "{{" in name else "{{ " + name + " }}"
        # a name computed from host data is shown, never evaluated
        value = args["var"] if is_unsafe(args["var"]) else ctx.templar.render(expression)
        text = value if isinstance(value, str) else json.dumps(value, indent=4, default=str)
        return ActionOutcome(Status.OK, f"{name}: {text}", data={name: value})
    msg = args["msg"]
    text = msg if isinstance(msg, str) else json.dumps(msg, indent=4, default=str)
    return ActionOutcome(Status.OK, text, data={"msg": msg})


async def _set_fact(ctx: ActionContext, args: dict[str, Any]) -> ActionOutcome:
    facts: dict[str, Any] = {}
    for key, value in args.items():
        name = str(ctx.templar.render(key)) if ctx.templar.is_template(key) else str(key)
        if name in ("cacheable",) or name.startswith("_"):
            continue
        if not name.isidentifier():
            raise ArgumentError(f"set_fact: {name!r} is not a valid variable name")
        facts[name] = value
    if not facts:
        raise ArgumentError("set_fact needs at least one name: value")
    return ActionOutcome(Status.OK, "set " + ", ".join(sorted(facts)), data={"ansible_facts": facts},
                         facts=facts)


async def _assert(ctx: ActionContext, args: dict[str, Any]) -> ActionOutcome:
    conditions = args["that"]
    for condition in conditions:
        if not ctx.templar.condition(condition):
            msg = args["fail_msg"] or f"Assertion failed: {condition}"  # msg is an alias of fail_msg
            return ActionOutcome(Status.FAILED, str(msg), data={"assertion": condition,
                                                                "evaluated_to": False})
    text = args["success_msg"] or "All assertions passed"
    return ActionOutcome(Status.OK, str(text))


async def _fail(ctx: ActionContext, args: dict[str, Any]) -> ActionOutcome:
    return ActionOutcome(Status.FAILED, str(args["msg"]))


async def _meta(ctx: ActionContext, args: dict[str, Any]) -> ActionOutcome:
    action = args["_raw_params"]
    if action not in _META_ACTIONS[:4]:
        raise ArgumentError(f"meta: {action!r} is not supported; corral supports "
                            + ", ".join(_META_ACTIONS[:4]))
    return ActionOutcome(Status.SKIPPED if action == "noop" else Status.OK, f"meta: {action}",
                         meta=action)


async def _pause(ctx: ActionContext, args: dict[str, Any]) -> ActionOutcome:
    seconds = float(args["seconds"] or 0) + 60 * float(args["minutes"] or 0)
    if args["prompt"] is not None:
        raise ArgumentError("pause: prompts are not supported (runs are never interactive); use seconds")
    if not ctx.check or seconds:
        await asyncio.sleep(seconds)
    return ActionOutcome(Status.OK, f"paused {seconds:g}s")


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("debug", "Print a message or a variable's value.", {
            "msg": Arg("raw", default="Hello world!", doc="The message to print."),
            "var": Arg("raw", doc="A variable name or expression to print instead of msg."),
            "verbosity": Arg(int, default=0, doc="Print only with at least this many -v."),
        }, _debug),
        Action("set_fact", "Set host variables that later tasks can use.", {
            "cacheable": Arg(bool, default=False,
                             doc="Accepted; corral keeps no fact cache between runs."),
        }, _set_fact, render_args=True),
        Action("assert", "Fail unless every condition holds.", {
            "that": Arg(list, required=True, doc="Conditions (bare Jinja2 expressions)."),
            "fail_msg": Arg("raw", aliases=("msg",), doc="Message when a condition fails."),
            "success_msg": Arg("raw", doc="Message when all hold."),
            "quiet": Arg(bool, default=False, doc="Accepted for compatibility."),
        }, _assert),
        Action("fail", "Fail the task with a message.", {
            "msg": Arg("raw", default="Failed as requested from task", doc="The message."),
        }, _fail),
        Action("meta", "Control the run: flush_handlers, end_play, end_host, noop.", {
            "_raw_params": Arg(str, required=True, doc="The meta action."),
        }, _meta, free_form=True),
        Action("pause", "Wait a number of seconds (no prompts).", {
            "seconds": Arg(float, doc="Seconds to wait."),
            "minutes": Arg(float, doc="Minutes to wait."),
            "prompt": Arg(str, doc="Not supported: runs are never interactive."),
        }, _pause),
    )
}


def validate_action_args(action: Action, args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate like a module does, except set_fact which takes any names."""
    if action.name == "set_fact":
        return dict(args)
    if action.name == "assert" and isinstance(args.get("that"), (str, bool)):
        args = {**args, "that": [args["that"]]}
    return validate_args(action.args_spec, args, action.name)
