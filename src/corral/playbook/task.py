"""Read one task (a module call with its keywords) into a ``Task``."""

from __future__ import annotations

from corral.errors import Position, Problem
from corral.playbook.action_form import expand_action
from corral.playbook.common import read_common
from corral.playbook.conditions import read_conditions
from corral.playbook.context import ParseContext
from corral.playbook.keywords import HANDLER_KEYWORDS, TASK_KEYWORDS, keyword_names
from corral.playbook.loops import (
    LOOKUP_LOOP_KEYWORDS,
    read_loop,
    read_loop_control,
    read_loop_lookup,
)
from corral.playbook.model import Task
from corral.playbook.module_args import ModuleArgs, read_module_args
from corral.playbook.module_defaults import defaults_in_scope, read_module_defaults
from corral.playbook.task_keys import find_module, short_name
from corral.playbook.validate import check_mode_trap, check_module_args
from corral.playbook.values import (
    read_bool,
    read_identifier,
    read_int_or_template,
    read_seconds_or_template,
    read_str,
    read_str_list,
)
from corral.playbook.yaml_loader import PosDict, PosList


def task_keywords(handler: bool) -> frozenset[str]:
    """The keywords a task (or a handler) may have."""
    names = keyword_names(TASK_KEYWORDS) | LOOKUP_LOOP_KEYWORDS
    return names | keyword_names(HANDLER_KEYWORDS) if handler else names


def read_task(ctx: ParseContext, data: PosDict, handler: bool = False) -> Task | None:
    """The task in ``data``, or None when it has no usable module (problems recorded)."""
    data = expand_action(ctx, data)
    defaults = read_module_defaults(ctx, data)
    with defaults_in_scope(ctx, defaults):
        module_ctx = ctx.child()  # carries the defaulted modules too
    key, guessed = find_module(ctx, data, task_keywords(handler), handler, module_ctx)
    margs = _module_args(module_ctx, data, key)
    common = read_common(ctx, data)
    invalid = _defer(ctx, module_ctx, common.when)
    loop, loop_kind = read_loop(ctx, data)
    task = Task(
        module=short_name(key or guessed or ""), position=data.position or Position("<unknown>"),
        invalid=invalid,
        args=margs.args, arg_positions=margs.positions,
        keyword_positions=common.positions | _notify_positions(data),
        name=common.name, when=common.when, become=common.become,
        become_user=common.become_user, become_method=common.become_method,
        tags=common.tags, vars=common.vars,
        environment=common.environment, ignore_errors=common.ignore_errors or False,
        check_mode=common.check_mode, diff=common.diff, no_log=common.no_log or False,
        any_errors_fatal=common.any_errors_fatal,
        ignore_unreachable=common.ignore_unreachable,
        loop=loop, loop_kind=loop_kind, loop_control=read_loop_control(ctx, data),
        loop_lookup=read_loop_lookup(data),
        register=read_identifier(ctx, data, "register"),
        changed_when=read_conditions(ctx, data, "changed_when"),
        failed_when=read_conditions(ctx, data, "failed_when"),
        until=read_conditions(ctx, data, "until"),
        notify=read_str_list(ctx, data, "notify"),
        listen=read_str_list(ctx, data, "listen"),
        run_once=common.run_once or False,
        delegate_to=read_str(ctx, data, "delegate_to"),
        delegate_facts=read_bool(ctx, data, "delegate_facts") or False,
        retries=read_int_or_template(ctx, data, "retries"),
        delay=read_seconds_or_template(ctx, data, "delay"),
        module_defaults=defaults, throttle=common.throttle, timeout=common.timeout,
        async_=read_int_or_template(ctx, data, "async"),
        poll=read_int_or_template(ctx, data, "poll"),
    )
    return task if key is not None or (guessed is not None and invalid) else None


def _defer(ctx: ParseContext, module_ctx: ParseContext, when: list[str | bool]) -> str | None:
    """Module problems of a task: now when it is always reached, else at run time.

    Returns the message the task fails with where it runs (None: nothing deferred).
    """
    problems = module_ctx.problems
    if not problems:
        return None
    if not (ctx.conditional or when):
        ctx.extend(problems)
        return None
    reached = " and ".join(str(w) for w in when) or "an enclosing condition holds"
    for problem in problems:
        ctx.warnings.append(Problem(f"{problem.message} (reached only when {reached}: "
                                    "fails there, costs nothing elsewhere)", problem.position))
    return "; ".join(str(p) for p in problems)


def _module_args(ctx: ParseContext, data: PosDict, key: str | None) -> ModuleArgs:
    if key is None:
        return ModuleArgs()
    info = ctx.modules.lookup(short_name(key))
    margs = read_module_args(ctx, data, key, info)
    check_mode_trap(ctx, margs)
    if info is not None:
        check_module_args(ctx, info, margs, data.key_position(key))
    return margs


def _notify_positions(data: PosDict) -> dict[str, Position]:
    value = data.get("notify")
    if not isinstance(value, PosList):
        where = data.key_positions.get("notify")
        return {"notify[0]": where} if where else {}
    return {f"notify[{i}]": where for i, where in enumerate(value.item_positions)}
