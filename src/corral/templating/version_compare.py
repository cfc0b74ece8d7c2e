"""The ``version`` test: compare version strings loosely (or strictly) like Ansible."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "lt": operator.lt,
    "<=": operator.le, "le": operator.le,
    ">": operator.gt, "gt": operator.gt,
    ">=": operator.ge, "ge": operator.ge,
    "==": operator.eq, "=": operator.eq, "eq": operator.eq,
    "!=": operator.ne, "<>": operator.ne, "ne": operator.ne,
}  # fmt: skip
_LOOSE_PART = re.compile(r"\d+|[a-z]+", re.IGNORECASE)
_STRICT = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$")


def version_compare(
    value: Any,
    version: Any,
    operator: str = "eq",
    strict: bool | None = None,
    version_type: str | None = None,
) -> bool:
    """``'1.10' is version('1.9', '>')``: True. Numbers compare as numbers."""
    compare = _OPERATORS.get(operator)
    if compare is None:
        raise ValueError(f"invalid operator {operator!r}; use one of {', '.join(_OPERATORS)}")
    kind = version_type or ("strict" if strict else "loose")
    if kind == "loose":
        return compare(_loose_key(value), _loose_key(version))
    if kind == "strict":
        return compare(_strict_key(value), _strict_key(version))
    raise ValueError(f"unsupported version_type {kind!r}; corral supports 'loose' and 'strict'")


def _loose_key(value: Any) -> list[tuple[int, int, str]]:
    """Numbers sort after words at the same place: 1.0a < 1.0.1, and 1.0 < 1.0.1."""
    parts = _LOOSE_PART.findall(str(value))
    return [(1, int(p), "") if p.isdigit() else (0, 0, p.lower()) for p in parts]


def _strict_key(value: Any) -> tuple[int, int, int, str, int]:
    match = _STRICT.match(str(value))
    if match is None:
        raise ValueError(f"invalid strict version {str(value)!r} (expected e.g. 1.2.3 or 1.2b1)")
    major, minor, patch, pre, pre_num = match.groups()
    # a release (no a/b suffix) sorts after its pre-releases: 'z' > 'a', 'b'
    return (int(major), int(minor), int(patch or 0), pre or "z", int(pre_num or 0))
