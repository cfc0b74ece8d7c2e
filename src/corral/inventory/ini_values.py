"""Typing of INI inventory values, as Ansible does it.

A value is read as a Python literal when it is one (``22`` → 22, ``True`` → True,
``'0644'`` → "0644", ``[1, 2]`` → [1, 2]); anything else stays the text as written
(``yes``, ``true`` and ``web1.example.com`` stay strings).
"""

from __future__ import annotations

import ast
import warnings
from typing import Any


def parse_ini_value(text: str) -> Any:
    """The Python value Ansible's INI inventory gives ``text``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text
    return _plain(value)


def _plain(value: Any) -> Any:
    """Literals that are not inventory data become lists or strings."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if value is Ellipsis:
        return "..."
    if isinstance(value, complex):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
