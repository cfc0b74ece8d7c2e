"""Data from managed hosts is data, never a template.

Facts, registered results and command output may contain ``{{`` by accident or
by malice. ``mark_unsafe`` deep-wraps such a value: every string becomes
``UnsafeText``, every dict an ``UnsafeDict``, every list an ``UnsafeList``. The
renderer returns all three as they are and never evaluates them, however they
are reached, and skips them in O(1) (a host's facts are not walked per task).
Treat marked values as immutable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class UnsafeText(str):
    """A string that must never be rendered as a template."""

    __slots__ = ()


class UnsafeBytes(bytes):
    """Bytes of host data (``x.encode()``): decoding them must not launder the mark."""

    __slots__ = ()


class UnsafeDict(dict[Any, Any]):
    """A dict of host data: its keys and values are all marked unsafe."""

    __slots__ = ()


class UnsafeList(list[Any]):
    """A list of host data: its items are all marked unsafe."""

    __slots__ = ()


class UnsafeIterator:  # not an ABC subclass: isinstance(x, UNSAFE_TYPES) stays fast
    """A lazy result computed from host data (``facts | map('upper')``): yields unsafe items."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(items)

    def __iter__(self) -> UnsafeIterator:
        return self

    def __next__(self) -> Any:
        return mark_unsafe(next(self._items))


UNSAFE_TYPES = (UnsafeText, UnsafeDict, UnsafeList, UnsafeBytes, UnsafeIterator)
_PLAIN_ATOMS = frozenset({str, int, float, bool, type(None), bytes})


def mark_unsafe(obj: Any) -> Any:
    """Return ``obj`` with every string in it (keys too) marked unsafe.

    Plain dicts, lists, tuples and sets are entered; other objects (lazy views
    such as ``hostvars``) are returned as they are.
    """
    if isinstance(obj, UNSAFE_TYPES):
        return obj
    if isinstance(obj, str):
        return UnsafeText(obj)
    if isinstance(obj, bytes):
        return UnsafeBytes(obj)
    if isinstance(obj, dict):
        return UnsafeDict((mark_unsafe(k), mark_unsafe(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return UnsafeList(mark_unsafe(v) for v in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple (groupby)
        return type(obj)(*(mark_unsafe(v) for v in obj))
    if isinstance(obj, tuple | set | frozenset):
        return type(obj)(mark_unsafe(v) for v in obj)
    return obj


def is_unsafe(obj: Any) -> bool:
    """True when ``obj`` is or holds host data (inside plain containers)."""
    if type(obj) in _PLAIN_ATOMS:  # the common case, answered without isinstance
        return False
    if isinstance(obj, UNSAFE_TYPES):
        return True
    if isinstance(obj, str | bytes):
        return False
    if isinstance(obj, dict):
        return any(is_unsafe(k) or is_unsafe(v) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return any(is_unsafe(v) for v in obj)
    return False
