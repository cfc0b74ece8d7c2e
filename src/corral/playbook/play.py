"""Read one play into a ``Play``."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Literal

from corral.errors import Position
from corral.playbook.common import check_become_method, key_positions, read_vars
from corral.playbook.context import ParseContext, PlayRoles
from corral.playbook.keywords import PLAY_KEYWORDS, UNSUPPORTED_PLAY_KEYWORDS, keyword_names
from corral.playbook.model import Play, Task, TaskNode
from corral.playbook.module_defaults import defaults_in_scope, read_module_defaults
from corral.playbook.notify_check import check_notify
from corral.playbook.play_vars import read_vars_files_list, read_vars_prompt
from corral.playbook.roles import read_play_roles
from corral.playbook.serial import read_serial
from corral.playbook.task_keys import short_name
from corral.playbook.task_list import TaskScope, read_task_list
from corral.playbook.values import (
    bad,
    describe,
    is_template,
    read_bool,
    read_int_or_template,
    read_mapping,
    read_str,
    read_str_list,
)
from corral.playbook.yaml_loader import PosDict

STRATEGIES = ("linear", "free")
ORDERS = ("inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle")
_CONNECTIONS = {"ssh": "ssh", "smart": "ssh", "local": "local"}


def read_play(ctx: ParseContext, data: PosDict, path: Path) -> Play | None:
    """The play in ``data`` from file ``path``; None when it has no hosts."""
    _check_keys(ctx, data)
    roles = PlayRoles()
    ctx = replace(ctx, play_roles=roles)
    scope = TaskScope(file=path, playbook_dir=path.parent)
    defaults = read_module_defaults(ctx, data)
    with defaults_in_scope(ctx, defaults):
        sections = {"pre_tasks": _section(ctx, data, "pre_tasks", scope)}
        role_blocks = read_play_roles(ctx, data.get("roles"), data.key_position("roles"),
                                      path.parent)
        sections["tasks"] = [*role_blocks, *_section(ctx, data, "tasks", scope)]
        sections["post_tasks"] = _section(ctx, data, "post_tasks", scope)
        own_handlers = [node for node in _section(ctx, data, "handlers",
                                                  TaskScope(path, path.parent, handlers=True))
                        if isinstance(node, Task)]
    handlers = [*roles.handlers, *own_handlers]
    check_notify(ctx, [n for nodes in sections.values() for n in nodes], handlers)
    become_method = check_become_method(ctx, data)
    hosts = _read_hosts(ctx, data)
    play = Play(
        hosts=hosts or "", position=data.position or Position(str(path)), path=path,
        name=read_str(ctx, data, "name") or hosts or "",
        vars=read_vars(ctx, data), vars_files=read_vars_files_list(ctx, data),
        vars_prompt=read_vars_prompt(ctx, data), roles=list(roles.refs),
        role_keys=frozenset(roles.seen),
        pre_tasks=sections["pre_tasks"], tasks=sections["tasks"],
        post_tasks=sections["post_tasks"], handlers=handlers,
        become=read_bool(ctx, data, "become"), become_user=read_str(ctx, data, "become_user"),
        become_method=become_method,
        remote_user=read_str(ctx, data, "remote_user"), connection=_read_connection(ctx, data),
        gather_facts=_bool(read_bool(ctx, data, "gather_facts"), True),
        gather_subset=read_str_list(ctx, data, "gather_subset", commas=True)
        if "gather_subset" in data else None,
        strategy=_read_strategy(ctx, data), order=_read_order(ctx, data), tags=read_str_list(ctx, data, "tags", commas=True),
        serial=read_serial(ctx, data), max_fail_percentage=_read_percentage(ctx, data),
        any_errors_fatal=_bool(read_bool(ctx, data, "any_errors_fatal"), False),
        ignore_unreachable=_bool(read_bool(ctx, data, "ignore_unreachable"), False),
        check_mode=read_bool(ctx, data, "check_mode"), diff=read_bool(ctx, data, "diff"),
        environment=read_mapping(ctx, data, "environment"), module_defaults=defaults,
        throttle=read_int_or_template(ctx, data, "throttle"),
        timeout=read_int_or_template(ctx, data, "timeout"),
        keyword_positions=key_positions(data),
    )
    return play if hosts else None


def _bool(value: bool | None, default: bool) -> bool:
    return default if value is None else value


def _section(ctx: ParseContext, data: PosDict, name: str, scope: TaskScope) -> list[TaskNode]:
    return read_task_list(ctx, data.get(name), data.key_position(name), name, scope)


def _check_keys(ctx: ParseContext, data: PosDict) -> None:
    allowed = keyword_names(PLAY_KEYWORDS)
    for key in map(str, data):
        if key in allowed:
            continue
        where = data.key_position(key)
        if key in UNSUPPORTED_PLAY_KEYWORDS:
            ctx.add(f"'{key}' {UNSUPPORTED_PLAY_KEYWORDS[key]}", where)
        elif ctx.modules.lookup(short_name(key)) is not None:
            ctx.add(f"'{key}' is a module, not a play keyword; put it in a task under 'tasks'",
                    where)
        else:
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            ctx.add(f"unknown play keyword '{key}'{hint} (supported: "
                    f"{', '.join(k.name for k in PLAY_KEYWORDS)})", where)


def _read_hosts(ctx: ParseContext, data: PosDict) -> str | None:
    if "hosts" not in data:
        ctx.add("a play needs 'hosts' (a host pattern such as all or webservers)", data.position)
        return None
    value = data["hosts"]
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        bad(ctx, data, "hosts", "a host pattern or a list of them")
        return None
    return ",".join(i.strip() for i in items)


def _read_connection(ctx: ParseContext, data: PosDict) -> Literal["ssh", "local"] | None:
    value = data.get("connection")
    if value is None:
        return None
    if value == "local":
        return "local"
    if value in _CONNECTIONS:
        return "ssh"
    ctx.add(f"connection '{value}' is not supported by corral; use ssh or local",
            data.key_position("connection"))
    return None


def _read_strategy(ctx: ParseContext, data: PosDict) -> str:
    value = data.get("strategy", "linear")
    if value in STRATEGIES or is_template(value):
        return str(value)
    ctx.add(f"strategy {describe(value)} is not supported by corral; use linear or free",
            data.key_position("strategy"))
    return "linear"


def _read_order(ctx: ParseContext, data: PosDict) -> str:
    value = data.get("order", "inventory")
    if value in ORDERS:
        return str(value)
    ctx.add(f"order {describe(value)} is not one of {', '.join(ORDERS)}", data.key_position("order"))
    return "inventory"


def _read_percentage(ctx: ParseContext, data: PosDict) -> float | None:
    value = data.get("max_fail_percentage")
    if value is None:
        return None
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        number = -1.0
    if isinstance(value, bool) or not 0 <= number <= 100:
        bad(ctx, data, "max_fail_percentage", "a percentage from 0 to 100")
        return None
    return number
