"""``when``, ``changed_when``, ``failed_when`` and ``until``: lists of bare Jinja expressions."""

from __future__ import annotations

from typing import Any

from corral.errors import Position
from corral.playbook.context import ParseContext
from corral.playbook.model import Condition
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict, PosList


def strip_braces(text: str) -> str:
    """``"{{ x }}"`` -> ``"x"`` (Ansible warns about the braces; we accept them)."""
    inner = text.strip()
    if inner.startswith("{{") and inner.endswith("}}") and "{{" not in inner[2:-2]:
        return inner[2:-2].strip()
    return text.strip()


def read_conditions(ctx: ParseContext, data: PosDict, key: str) -> list[Condition] | None:
    """The conditions under ``key`` (a single one or a list), each syntax-checked."""
    if key not in data:
        return None
    value = data[key]
    items = list(value) if isinstance(value, list) else [value]
    conditions: list[Condition] = []
    for index, item in enumerate(items):
        where = _item_position(data, key, value, index)
        condition = _one_condition(ctx, key, item, where)
        if condition is not None:
            conditions.append(condition)
    return conditions


def _item_position(data: PosDict, key: str, value: Any, index: int) -> Position | None:
    if isinstance(value, PosList):
        return value.item_position(index)
    return data.key_position(key)


def _one_condition(ctx: ParseContext, key: str, item: Any, where: Position | None) -> Condition | None:
    if isinstance(item, bool):
        return item
    if not isinstance(item, str | int | float):
        ctx.add(f"'{key}' needs an expression like \"x is defined\"; got {describe(item)}", where)
        return None
    text = strip_braces(str(item))
    if not text:
        ctx.add(f"'{key}' has an empty expression", where)
        return None
    error = ctx.condition_syntax(text) if ctx.condition_syntax else None
    if error:
        ctx.add(f"'{key}': invalid expression {text!r}: {error}", where)
        return None
    return text
