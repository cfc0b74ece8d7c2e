"""``omit``: a module argument that renders to this placeholder is dropped.

The executor puts ``OMIT`` into the variables as ``omit``; after rendering a
task's arguments it calls ``strip_omitted`` (``dest: "{{ d | default(omit) }}"``).
"""

from __future__ import annotations

import secrets
from typing import Any

OMIT = "__omit_place_holder__" + secrets.token_hex(20)


def strip_omitted(args: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``args`` without any value (at any depth) equal to ``OMIT``."""
    return {k: _strip(v) for k, v in args.items() if not _is_omit(v)}


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return strip_omitted(value)
    if isinstance(value, list):
        return [_strip(v) for v in value if not _is_omit(v)]
    return value


def _is_omit(value: Any) -> bool:
    return isinstance(value, str) and value == OMIT
