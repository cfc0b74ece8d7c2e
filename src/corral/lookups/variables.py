"""Lookups of names: env (the controller's environment), vars (variables by name),
inventory_hostnames (hosts matching a pattern)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from corral.errors import InventoryError
from corral.inventory.patterns import PatternIndex, match_pattern

from .context import LookupContext, LookupFailed

_MISSING = object()


def env(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    default = kwargs.get("default", "")
    return [os.environ.get(str(term), default) for term in terms]


def vars_(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    default = kwargs.get("default", _MISSING)
    out: list[Any] = []
    for term in terms:
        if not isinstance(term, str):
            raise LookupFailed(f"lookup 'vars': a variable name must be a string, got {term!r}")
        value = ctx.var(term, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                raise LookupFailed(f"lookup 'vars': no variable named {term!r}")
            value = default
        out.append(value)
    return out


def inventory_hostnames(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    groups = ctx.var("groups")
    if not isinstance(groups, Mapping):
        raise LookupFailed("lookup 'inventory_hostnames': the inventory's groups are not known here")
    index = PatternIndex(hosts=list(groups.get("all", [])),
                         group_members={str(k): list(v) for k, v in groups.items()})
    out: list[Any] = []
    for term in terms:
        try:
            names = match_pattern(str(term), index).names
        except InventoryError as exc:
            raise LookupFailed(f"lookup 'inventory_hostnames': {exc}") from exc
        out += [n for n in names if n not in out]
    return out
