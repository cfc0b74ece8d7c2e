"""``loop``, ``with_items``, ``with_list``, ``with_dict``, ``with_<lookup>`` and ``loop_control``.

A loop is kept raw (a literal list or a template string) with the keyword
that wrote it; ``loop_items`` turns the rendered value into the items, so the
executor and the loader agree on what each ``with_*`` means.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from corral.lookups import LOOKUPS
from corral.playbook.conditions import read_conditions
from corral.playbook.context import ParseContext
from corral.playbook.model import LoopControl, LoopKind
from corral.playbook.values import (
    describe,
    is_template,
    read_bool,
    read_bool_or_template,
    read_identifier,
    read_str,
)
from corral.playbook.yaml_loader import PosDict

_DICT_HINT = "to loop over a dict use `{{ d | dict2items }}`"
LOOP_KEYWORDS: Mapping[str, LoopKind] = MappingProxyType({
    "loop": "loop", "with_items": "items", "with_list": "list", "with_dict": "dict",
})
# with_<lookup>: every lookup corral has, but those with their own kind above.
LOOKUP_LOOP_KEYWORDS: frozenset[str] = frozenset(
    f"with_{name}" for name in LOOKUPS if f"with_{name}" not in LOOP_KEYWORDS
)
_LOOP_CONTROL_KEYS = ("loop_var", "index_var", "label", "pause", "extended",
                      "extended_allitems", "break_when")


def dict_items(value: dict[Any, Any]) -> list[dict[str, Any]]:
    """``{a: 1}`` -> ``[{key: a, value: 1}]`` (``with_dict`` and ``dict2items``)."""
    return [{"key": key, "value": item} for key, item in value.items()]


def loop_items(kind: LoopKind, value: Any) -> list[Any] | None:
    """The items of a rendered loop value, or None when it is not loopable.

    As ansible-core: ``loop`` needs a list; ``with_items`` and ``with_list``
    take any other value as a list of that one value (an empty string or None
    is one item), ``with_items`` flattening one level; ``with_dict`` needs a
    mapping (or the already converted list of ``{key, value}``).
    """
    if kind == "dict":
        if isinstance(value, dict):
            return dict_items(value)
        return list(value) if isinstance(value, list) else None
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list):
        return None if kind == "loop" else [value]
    if kind == "items":
        return [inner for item in value for inner in (item if isinstance(item, list) else [item])]
    return list(value)


def loop_type_error(kind: LoopKind, value: Any) -> str:
    """Why ``value`` cannot be looped over, in ansible-core's words."""
    if kind == "dict":
        return f"with_dict expects a dictionary, got {type(value).__name__}"
    hint = "; to loop over a dict use '{{ d | dict2items }}'" if isinstance(value, dict) else ""
    return f"The `loop` value must resolve to a 'list', not '{type(value).__name__}'{hint}"


def read_loop(ctx: ParseContext, task: PosDict) -> tuple[Any, LoopKind | None]:
    """The task's raw loop and its kind, or (None, None) when it has none."""
    present = [key for key in task if key in LOOP_KEYWORDS or key in LOOKUP_LOOP_KEYWORDS]
    if len(present) > 1:
        ctx.add(f"a task has one loop; found {' and '.join(present)}",
                task.key_position(present[1]))
    if not present:
        return None, None
    key = present[0]
    if key in LOOKUP_LOOP_KEYWORDS:
        return task[key], "lookup"  # terms of any shape; the lookup checks them
    kind = LOOP_KEYWORDS[key]
    value = task[key]
    if is_template(value):
        return value, kind
    if kind == "dict":
        if isinstance(value, dict):
            return dict_items(value), kind
        ctx.add(f"with_dict needs a mapping; got {describe(value)}", task.key_position(key))
        return None, None
    if value is None and kind != "loop":
        ctx.add(f"you must specify a value when using {key}", task.key_position(key))
        return None, None
    if isinstance(value, list):
        return value, kind
    if kind != "loop":
        return [value], kind  # with_items/with_list: a scalar is a list of one (ansible-core)
    # A literal that is not a list fails on every host in ansible-core too.
    ctx.add(f"loop needs a list; {_DICT_HINT} (got {describe(value)})", task.key_position(key))
    return None, None


def read_loop_lookup(task: PosDict) -> str | None:
    """The lookup of a ``with_<lookup>`` loop (``with_sequence`` -> ``sequence``), else None."""
    key = next((key for key in task if key in LOOKUP_LOOP_KEYWORDS), None)
    return None if key is None else str(key).removeprefix("with_")


def read_loop_control(ctx: ParseContext, task: PosDict) -> LoopControl:
    """``loop_control``'s settings; unknown keys are problems."""
    data = task.get("loop_control")
    if data is None:
        return LoopControl()
    if not isinstance(data, PosDict):
        ctx.add(f"'loop_control' must be a mapping; got {describe(data)}",
                task.key_position("loop_control"))
        return LoopControl()
    for key in data:
        if str(key) not in _LOOP_CONTROL_KEYS:
            ctx.add(_unknown_key(str(key)), data.key_position(key))
    return LoopControl(
        loop_var=read_identifier(ctx, data, "loop_var") or "item",
        index_var=read_identifier(ctx, data, "index_var"),
        label=read_str(ctx, data, "label"),
        pause=_read_pause(ctx, data),
        extended=read_bool_or_template(ctx, data, "extended") or False,
        extended_allitems=read_bool(ctx, data, "extended_allitems") is not False,
        break_when=read_conditions(ctx, data, "break_when") or [],
    )


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, _LOOP_CONTROL_KEYS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (f"unknown loop_control key '{key}'{hint} "
            f"(supported: {', '.join(_LOOP_CONTROL_KEYS)})")


def _read_pause(ctx: ParseContext, data: PosDict) -> int | float | str:
    value = data.get("pause", 0)
    if is_template(value) or (isinstance(value, int | float) and not isinstance(value, bool)
                              and value >= 0):
        return value  # type: ignore[no-any-return]
    ctx.add(f"loop_control 'pause' must be a number of seconds; got {describe(value)}",
            data.key_position("pause"))
    return 0
