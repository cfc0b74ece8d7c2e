"""Lookups that reshape lists: items, list, indexed_items, together, nested, dict,
subelements, random_choice."""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Mapping
from typing import Any

from .context import LookupContext, LookupFailed


def flatten_once(terms: list[Any]) -> list[Any]:
    """``[[1, 2], 3]`` -> ``[1, 2, 3]``: lists inside are opened one level only."""
    return [inner for term in terms
            for inner in (term if isinstance(term, list | tuple) else [term])]


def items(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    return flatten_once(terms)


def as_list(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    return list(terms)


def indexed_items(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    return [[index, item] for index, item in enumerate(flatten_once(terms))]


def together(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """Element i of every list side by side; shorter lists give None."""
    lists = [_need_list("together", t) for t in terms]
    if not lists:
        raise LookupFailed("lookup 'together' needs at least one list")
    return [flatten_once(list(row)) for row in itertools.zip_longest(*lists, fillvalue=None)]


def nested(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """Every combination, the first list varying slowest: ``[[a, 1], [a, 2], [b, 1], ...]``."""
    lists = [_need_list("nested", t) for t in terms]
    if not lists:
        raise LookupFailed("lookup 'nested' needs at least one list")
    result: list[Any] = list(lists[0])
    for following in lists[1:]:
        result = [flatten_once([left, right]) for left in result for right in following]
    return [flatten_once(r if isinstance(r, list) else [r]) for r in result]


def dict_items(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    out: list[Any] = []
    for term in terms:
        if not isinstance(term, Mapping):
            raise LookupFailed(f"lookup 'dict' needs a mapping, got {type(term).__name__}")
        out += [{"key": key, "value": value} for key, value in term.items()]
    return out


def random_choice(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    return [random.choice(terms)] if terms else []


def subelements(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """``[(element, sub) ...]`` for each element of a list and each item of its sub-list.

    Terms: the list (or a mapping: its values), the key of the sub-list (``a.b`` goes
    deeper), optionally ``{skip_missing: true}``. As in Ansible, the sub-list is taken
    out of the element handed back as ``item.0``.
    """
    if len(terms) not in (2, 3) or not isinstance(terms[1], str):
        raise LookupFailed("lookup 'subelements' needs a list, a key and optionally "
                           "{skip_missing: true}")
    flags = terms[2] if len(terms) == 3 else {}
    if not isinstance(flags, Mapping) or set(flags) - {"skip_missing"}:
        raise LookupFailed("lookup 'subelements': the third term may only be {skip_missing: bool}")
    skip_missing = bool(flags.get("skip_missing", False))
    elements = terms[0]
    if isinstance(elements, Mapping):
        elements = list(elements.values())
    if not isinstance(elements, list):
        raise LookupFailed("lookup 'subelements': the first term must be a list or a mapping")
    out: list[Any] = []
    for element in elements:
        if isinstance(element, Mapping) and element.get("skipped"):
            continue
        element = copy.deepcopy(_plain(element))
        sub = _sub_list(element, terms[1].split("."), skip_missing)
        out += [[element, value] for value in sub]
    return out


def _sub_list(element: Any, keys: list[str], skip_missing: bool) -> list[Any]:
    holder = element
    for depth, key in enumerate(keys):
        if not isinstance(holder, dict) or key not in holder:
            if skip_missing:
                return []
            raise LookupFailed(f"lookup 'subelements': could not find {key!r} key in iterated "
                               f"item {element!r}")
        if depth == len(keys) - 1:
            if not isinstance(holder[key], list):
                raise LookupFailed(f"lookup 'subelements': the key {key!r} should point to a "
                                   f"list, got {holder[key]!r}")
            return list(holder.pop(key))
        holder = holder[key]
    return []


def _plain(value: Any) -> Any:
    """Containers as plain dicts and lists (lazy views and unsafe wrappers copied)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _need_list(lookup: str, term: Any) -> list[Any]:
    if isinstance(term, list | tuple):
        return list(term)
    raise LookupFailed(f"lookup '{lookup}' needs lists, got {type(term).__name__}: {term!r}")
