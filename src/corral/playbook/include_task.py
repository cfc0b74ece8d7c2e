"""Read ``include_tasks``, ``include_role`` and ``include_vars`` tasks (dynamic: run time).

Their files are not read here: an include names its file (maybe templated,
maybe per loop item) and is loaded when a host reaches it, as in ansible-core.
Only the include's own options and keywords are checked up front.
"""

from __future__ import annotations

from typing import Any

from corral.errors import Position
from corral.playbook.common import read_common
from corral.playbook.context import ParseContext
from corral.playbook.free_form import parse_free_form
from corral.playbook.keywords import IMPORT_KEYWORDS
from corral.playbook.loops import read_loop, read_loop_control
from corral.playbook.model import Task
from corral.playbook.roles import ROLE_OPTIONS
from corral.playbook.task_keys import short_name
from corral.playbook.values import describe, read_bool, read_identifier
from corral.playbook.yaml_loader import PosDict

DYNAMIC = ("include_tasks", "include_role", "include_vars")
_OPTIONS: dict[str, frozenset[str]] = {
    "include_tasks": frozenset({"file", "apply", "_raw_params"}),
    "include_role": ROLE_OPTIONS,
    "include_vars": frozenset({"file", "dir", "name", "files_matching", "ignore_files",
                               "extensions", "depth", "hash_behaviour",
                               "ignore_unknown_extensions", "_raw_params"}),
}
_MAIN_OPTION = {"include_tasks": "file", "include_role": "name", "include_vars": "file"}


def read_include(ctx: ParseContext, data: PosDict, key: str, allowed: frozenset[str]) -> Task:
    """The include task in ``data`` (``key`` names which include)."""
    action = short_name(key)
    for other in map(str, data):
        if other != key and other not in allowed:
            ctx.add(f"unknown keyword '{other}' on {action} (allowed: "
                    f"{', '.join(sorted(allowed))})", data.key_position(other))
    args = include_args(ctx, action, data.get(key), data.key_position(key))
    extra = data.get("args")
    if isinstance(extra, dict):
        args = {**extra, **args}
    _check_options(ctx, action, args, data.key_position(key))
    common = read_common(ctx, data)
    loop, loop_kind = read_loop(ctx, data)
    return Task(
        module=action, position=data.position or Position("<unknown>"), args=args,
        name=common.name, when=common.when, become=common.become,
        become_user=common.become_user, tags=common.tags, vars=common.vars,
        environment=common.environment, ignore_errors=common.ignore_errors or False,
        check_mode=common.check_mode, diff=common.diff, no_log=common.no_log or False,
        any_errors_fatal=common.any_errors_fatal, ignore_unreachable=common.ignore_unreachable,
        loop=loop, loop_kind=loop_kind, loop_control=read_loop_control(ctx, data),
        register=read_identifier(ctx, data, "register"),
        run_once=read_bool(ctx, data, "run_once") or False,
        keyword_positions=common.positions,
    )


def include_args(ctx: ParseContext, action: str, value: Any, where: Position | None) -> dict[str, Any]:
    """The options of an include or import_role: a mapping, ``k=v`` words, or the file/name."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if "=" in text and "{{" not in text.split("=", 1)[0]:
            parsed = parse_free_form(text, None)
            if parsed.error is None and parsed.args and not parsed.raw_words:
                return dict(parsed.args)
        return {_MAIN_OPTION.get(action, "name"): text}
    if value is None and action == "include_vars":
        return {}
    ctx.add(f"{action} needs a file or options; got {describe(value)}", where)
    return {}


def _check_options(ctx: ParseContext, action: str, args: dict[str, Any],
                   where: Position | None) -> None:
    allowed = _OPTIONS.get(action, ROLE_OPTIONS)
    for name in args:
        if str(name) not in allowed:
            ctx.add(f"unknown option '{name}' for {action} (allowed: "
                    f"{', '.join(sorted(a for a in allowed if not a.startswith('_')))})", where)
    main = _MAIN_OPTION.get(action, "name")
    if action != "include_vars" and not args.get(main) and not args.get("_raw_params"):
        ctx.add(f"{action} needs '{main}'", where)
    apply = args.get("apply")
    if apply is not None and not isinstance(apply, dict):
        ctx.add(f"'apply' on {action} must be a mapping of task keywords; "
                f"got {describe(apply)}", where)
    elif isinstance(apply, dict):
        for key in apply:
            if str(key) not in IMPORT_KEYWORDS:
                ctx.add(f"'{key}' in 'apply' of {action} is not a keyword corral applies "
                        f"(allowed: {', '.join(sorted(IMPORT_KEYWORDS))})", where)
