"""``StrictUndefined`` whose messages name plain types, never corral's internal classes.

Jinja says "'corral.templating.unsafe.UnsafeDict object' has no attribute 'stdout'" for
a registered result; a user wrote a dict, so the message says "'dict object' …".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jinja2 import StrictUndefined
from jinja2.utils import missing


def plain_type(value: object) -> str:
    """The builtin type a value stands for: dict, list, str, … (else its class name)."""
    for kind in (str, bool, int, float):
        if isinstance(value, kind):
            return kind.__name__
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, Sequence):
        return "list"
    return type(value).__name__


class PlainStrictUndefined(StrictUndefined):
    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint or self._undefined_obj is missing:
            return str(super()._undefined_message)
        what = f"{plain_type(self._undefined_obj)} object"
        if not isinstance(self._undefined_name, str):
            return f"{what!r} has no element {self._undefined_name!r}"
        return f"{what!r} has no attribute {self._undefined_name!r}"
