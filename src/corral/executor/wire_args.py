"""Module arguments as plain JSON values for the wire, converted as ansible-core does.

YAML and templates can make values JSON has no type for. Dates and times become
their ``str()`` (``2024-01-01``, ``2024-01-01 10:20:30``), sets, tuples, dict
views and generators become lists, bytes become text (bytes that are not UTF-8
travel as surrogate escapes and are written back unchanged), mapping keys become
strings, str/int/float subclasses (unsafe text, Markup, enums) their plain
type. Anything else (a range, a Jinja namespace, any other object) is refused
with a message naming the argument and the type: the task fails, the host and
its connection go on.
"""

from __future__ import annotations

import datetime
import types
from collections.abc import ItemsView, KeysView, Mapping, ValuesView
from typing import Any

from corral.errors import PlaybookError

MAX_DEPTH = 100
_AS_LIST = (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView, types.GeneratorType)
_AS_TEXT = (datetime.date, datetime.time)  # datetime.datetime is a date


def wire_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """``args`` with every value converted to a JSON type; raises PlaybookError."""
    return {str(name): _convert(value, str(name), 1) for name, value in args.items()}


def _convert(value: Any, where: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise PlaybookError(f"argument {where!r}: nested more than {MAX_DEPTH} levels deep "
                            "(a value that contains itself?)")
    if value is None or type(value) in (str, bool, int, float):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, _AS_TEXT):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "surrogateescape")
    if isinstance(value, Mapping):
        return {_key(k, where): _convert(v, f"{where}.{k}", depth + 1) for k, v in value.items()}
    if isinstance(value, _AS_LIST):
        return [_convert(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    raise PlaybookError(
        f"argument {where!r}: a value of type {type(value).__name__} cannot be sent to a host "
        "(only text, numbers, booleans, null, lists and mappings, dates and sets); "
        "convert it in the template, e.g. with | list or | string")


def _key(key: Any, where: str) -> Any:
    """A mapping key JSON can carry: text, a number, a boolean or null (dates as text)."""
    if key is None or type(key) in (str, bool, int, float):
        return key
    if isinstance(key, (str, *_AS_TEXT)):
        return str(key)
    raise PlaybookError(f"argument {where!r}: a mapping key of type {type(key).__name__} "
                        "cannot be sent to a host; use text keys")
