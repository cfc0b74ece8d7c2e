"""Ansible's list and dict filters: set operations, combine, flatten, dict2items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_LIST_MERGE = ("replace", "keep", "append", "prepend")


def unique(values: Iterable[Any]) -> list[Any]:
    """Distinct values in first-seen order (works for unhashable values too)."""
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def union(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    return unique([*a, *b])


def intersect(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    other = list(b)
    return unique(x for x in a if x in other)


def difference(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    other = list(b)
    return unique(x for x in a if x not in other)


def symmetric_difference(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    left, right = list(a), list(b)
    return unique([x for x in left if x not in right] + [x for x in right if x not in left])


def dict2items(
    value: Mapping[Any, Any], key_name: str = "key", value_name: str = "value"
) -> list[dict[str, Any]]:
    if not isinstance(value, Mapping):
        raise TypeError(f"dict2items expects a dictionary, got {type(value).__name__}")
    return [{key_name: k, value_name: v} for k, v in value.items()]


def items2dict(
    items: Iterable[Mapping[str, Any]], key_name: str = "key", value_name: str = "value"
) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for item in items:
        if key_name not in item or value_name not in item:
            raise KeyError(f"items2dict: an item lacks {key_name!r} or {value_name!r}: {item!r}")
        result[item[key_name]] = item[value_name]
    return result


def combine(*terms: Any, recursive: bool = False, list_merge: str = "replace") -> dict[Any, Any]:
    """Merge dicts left to right (later wins); ``recursive`` merges nested dicts."""
    if list_merge not in _LIST_MERGE:
        raise ValueError(f"list_merge must be one of {', '.join(_LIST_MERGE)}")
    result: dict[Any, Any] = {}
    for term in flatten(list(terms), levels=1):
        if not isinstance(term, Mapping):
            raise TypeError(f"combine expects dictionaries, got {type(term).__name__}")
        result = _merge(result, term, recursive, list_merge)
    return result


def _merge(
    low: Mapping[Any, Any], high: Mapping[Any, Any], recursive: bool, list_merge: str
) -> dict[Any, Any]:
    merged = dict(low)
    for key, value in high.items():
        old = merged.get(key)
        if recursive and isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = _merge(old, value, recursive, list_merge)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = _merge_lists(old, value, list_merge)
        else:
            merged[key] = value
    return merged


def _merge_lists(old: list[Any], new: list[Any], how: str) -> list[Any]:
    if how == "keep":
        return old
    if how == "append":
        return old + new
    if how == "prepend":
        return new + old
    return new


def flatten(values: Any, levels: int | None = None, skip_nulls: bool = True) -> list[Any]:
    """Flatten nested lists (``levels`` deep, all by default); drop None unless told not to."""
    result: list[Any] = []
    for value in values:
        if skip_nulls and value in (None, "None", "null"):
            continue
        if isinstance(value, list | tuple) and (levels is None or levels > 0):
            deeper = None if levels is None else levels - 1
            result.extend(flatten(value, deeper, skip_nulls))
        else:
            result.append(value)
    return result
