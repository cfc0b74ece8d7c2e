"""Turn template values into plain JSON/YAML-serialisable data."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any


def plain_data(value: Any) -> Any:
    """Copy of ``value`` with str subclasses as str, mappings as dict, tuples, sets and
    generators (``map``/``select`` results) as list."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {plain_data(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | KeysView | ValuesView | ItemsView):
        return [plain_data(v) for v in value]
    if isinstance(value, Iterator):  # map/select results inside a structure: a list, as Ansible
        return [plain_data(v) for v in value]
    return value
