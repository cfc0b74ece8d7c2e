"""Does a literal argument value fit a declared argument type? (Templates are not checked.)"""

from __future__ import annotations

from typing import Any

from corral.playbook.values import is_template

_BOOL_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "y", "n", "1", "0"})
_SYMBOLIC_MODE = frozenset("ugoa+-=rwxXst,")


def _is_number_text(value: Any, kind: type) -> bool:
    try:
        kind(str(value).strip())
    except ValueError:
        return False
    return True


def _fits_mode(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, dict | list):
        return False
    if isinstance(value, int):
        return 0 <= value <= 0o7777
    text = str(value).strip()
    if text == "preserve":  # copy and template: the source's mode
        return True
    if text and set(text) <= set("01234567"):
        return int(text, 8) <= 0o7777
    return bool(text) and set(text) <= _SYMBOLIC_MODE


def _fits(kind: Any, value: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool) or str(value).strip().lower() in _BOOL_WORDS
    if kind is int:
        return not isinstance(value, bool) and (isinstance(value, int) or _is_number_text(value, int))
    if kind is float:
        return not isinstance(value, bool) and _is_number_text(value, float)
    if kind is str or kind == "path":
        return not isinstance(value, dict | list)
    if kind is list or kind == "str_or_list":
        return isinstance(value, list | str)
    if kind is dict:
        return isinstance(value, dict)
    if kind == "mode":
        return _fits_mode(value)
    return True


_WANTED = {
    "bool": "yes or no",
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "path": "a path",
    "list": "a list",
    "str_or_list": "a string or a list",
    "dict": "a mapping",
    "mode": "a file mode like '0644' or 'u=rw,g=r' (copy, template: or preserve)",
}


def type_mismatch(kind: Any, value: Any) -> str | None:
    """What ``value`` should have been, or None when it fits (or is a template)."""
    if value is None or is_template(value) or kind == "raw" or _fits(kind, value):
        return None
    name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    return _WANTED.get(name, name)
