"""Keywords that tasks and blocks share (a block's apply to the tasks inside it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corral.errors import Position
from corral.playbook.conditions import read_conditions
from corral.playbook.context import ParseContext
from corral.playbook.values import (
    is_template,
    read_bool,
    read_bool_or_template,
    read_int_or_template,
    read_mapping,
    read_str,
    read_str_list,
)
from corral.playbook.yaml_loader import PosDict


@dataclass
class CommonKeywords:
    """The shared keywords of one task or block, as read."""

    name: str | None = None
    when: list[str | bool] = field(default_factory=list)
    become: bool | None = None
    become_user: str | None = None
    become_method: str | None = None
    tags: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    ignore_errors: bool | str | None = None
    check_mode: bool | None = None
    diff: bool | None = None
    no_log: bool | str | None = None
    any_errors_fatal: bool | None = None
    ignore_unreachable: bool | None = None
    run_once: bool | None = None
    throttle: int | str | None = None
    timeout: int | str | None = None
    positions: dict[str, Position] = field(default_factory=dict)


def read_common(ctx: ParseContext, data: PosDict) -> CommonKeywords:
    """Read the shared keywords of ``data``, recording problems in ``ctx``."""
    return CommonKeywords(
        name=read_str(ctx, data, "name"),
        become_method=check_become_method(ctx, data),
        when=read_conditions(ctx, data, "when") or [],
        become=read_bool(ctx, data, "become"),
        become_user=read_str(ctx, data, "become_user"),
        tags=read_str_list(ctx, data, "tags", commas=True),
        vars=read_vars(ctx, data),
        environment=read_mapping(ctx, data, "environment"),
        ignore_errors=read_bool_or_template(ctx, data, "ignore_errors"),
        check_mode=read_bool(ctx, data, "check_mode"),
        diff=read_bool(ctx, data, "diff"),
        no_log=read_bool_or_template(ctx, data, "no_log"),
        any_errors_fatal=read_bool(ctx, data, "any_errors_fatal"),
        ignore_unreachable=read_bool(ctx, data, "ignore_unreachable"),
        run_once=read_bool(ctx, data, "run_once"),
        throttle=read_int_or_template(ctx, data, "throttle"),
        timeout=read_int_or_template(ctx, data, "timeout"),
        positions=key_positions(data),
    )


def key_positions(data: PosDict) -> dict[str, Position]:
    """Where each key of ``data`` was written, by its name."""
    return {str(key): where for key, where in data.key_positions.items()}


BECOME_METHODS = ("sudo", "su")


def check_become_method(ctx: ParseContext, data: PosDict) -> str | None:
    """sudo, su or a template; doas, runas and friends are rejected loudly."""
    method = data.get("become_method")
    if method is None or method in BECOME_METHODS or is_template(method):
        return None if method is None else str(method)
    ctx.add(f"become_method '{method}' is not supported by corral; only 'sudo' and 'su' are",
            data.key_position("become_method"))
    return None


def read_vars(ctx: ParseContext, data: PosDict, key: str = "vars") -> dict[str, Any]:
    """A ``vars`` mapping whose names are valid variable names."""
    value = read_mapping(ctx, data, key)
    for name in value:
        if not isinstance(name, str) or not name.isidentifier():
            where = value.key_position(name) if isinstance(value, PosDict) else None
            ctx.add(f"'{name}' in '{key}' is not a valid variable name "
                    "(letters, digits and _, not starting with a digit)", where)
    return value
