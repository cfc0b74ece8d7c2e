"""Ansible's idea of a boolean written as text ("yes", "on", "1", "true")."""

from __future__ import annotations

from typing import Any

_TRUE = frozenset({"yes", "on", "1", "true", "y"})


def to_bool(value: Any) -> bool:
    """The ``bool`` filter: True for true/yes/on/1 (any case) and True/1; False otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    if isinstance(value, int | float):
        return value == 1
    return False
