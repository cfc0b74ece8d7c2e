"""Read one keyword's value from a loaded mapping, checking its type.

Each reader returns a typed value (or a default) and records a problem at
the keyword's position when the value has the wrong shape.
"""

from __future__ import annotations

from typing import Any

from corral.playbook.context import ParseContext
from corral.playbook.yaml_loader import PosDict
from corral.templating.unsafe import UnsafeText

_TRUE = frozenset({"yes", "on", "true", "y"})
_FALSE = frozenset({"no", "off", "false", "n"})


def is_template(value: Any) -> bool:
    """True for a string that Jinja would render (``{{ }}`` or ``{% %}``; not ``!unsafe``)."""
    return (isinstance(value, str) and not isinstance(value, UnsafeText)
            and ("{{" in value or "{%" in value))


def describe(value: Any) -> str:
    """A value's kind in words, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def bad(ctx: ParseContext, data: PosDict, key: str, wanted: str) -> None:
    ctx.add(f"'{key}' must be {wanted}; got {describe(data[key])}", data.key_position(key))


def read_bool(ctx: ParseContext, data: PosDict, key: str) -> bool | None:
    """yes/no/true/false (YAML 1.1 booleans, or the same words quoted)."""
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    bad(ctx, data, key, "yes or no")
    return None


def read_bool_or_template(ctx: ParseContext, data: PosDict, key: str) -> bool | str | None:
    """A boolean, or a template string rendered at run time."""
    if is_template(data.get(key)):
        return str(data[key])
    return read_bool(ctx, data, key)


def read_str(ctx: ParseContext, data: PosDict, key: str) -> str | None:
    """A string; numbers are accepted and turned into their text."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    bad(ctx, data, key, "a string")
    return None


def read_str_list(ctx: ParseContext, data: PosDict, key: str, commas: bool = False) -> list[str]:
    """A string or a list of strings; with ``commas``, "a,b" is two items."""
    value = data.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(i, str | int | float) and not isinstance(i, bool) for i in items):
        bad(ctx, data, key, "a string or a list of strings")
        return []
    texts = [str(i) for i in items]
    if commas:
        texts = [part.strip() for text in texts for part in text.split(",") if part.strip()]
    return texts


def read_mapping(ctx: ParseContext, data: PosDict, key: str) -> dict[str, Any]:
    """A mapping (``vars``, ``environment``, ``args``)."""
    value = data.get(key)
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    bad(ctx, data, key, "a mapping")
    return {}


def read_int_or_template(ctx: ParseContext, data: PosDict, key: str) -> int | str | None:
    """A whole number (``retries``, ``delay``), or a template string."""
    value = data.get(key)
    if value is None or is_template(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    bad(ctx, data, key, "a whole number")
    return None


def read_seconds_or_template(ctx: ParseContext, data: PosDict, key: str) -> float | str | None:
    """A number of seconds, whole or not (``delay``), or a template string."""
    value = data.get(key)
    if value is None or is_template(value):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or number < 0:
        bad(ctx, data, key, "a number of seconds")
        return None
    return number


def read_identifier(ctx: ParseContext, data: PosDict, key: str) -> str | None:
    """A variable name (``register``, ``loop_var``)."""
    value = read_str(ctx, data, key)
    if value is not None and not value.isidentifier():
        ctx.add(f"'{key}': {value!r} is not a valid variable name", data.key_position(key))
        return None
    return value
