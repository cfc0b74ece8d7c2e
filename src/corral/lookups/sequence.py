"""``sequence``: numbers as formatted strings, from ``start=1 end=5 stride=1 format=%d``
or ``count=N``, or the shorthand ``[start-]end[/stride][:format]`` (``4-8/2:host%02d``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .context import LookupContext, LookupFailed

_SHORTHAND = re.compile(
    r"^(?:(?P<start>(?:0[xo])?[0-9a-f]+)-)?(?P<end>(?:0[xo])?[0-9a-f]+)"
    r"(?:/(?P<stride>-?(?:0[xo])?[0-9a-f]+))?(?::(?P<format>.+))?$",
    re.IGNORECASE,
)
_KEYS = ("start", "end", "count", "stride", "format")
MAX_ITEMS = 100_000


@dataclass
class _Spec:
    start: int = 1
    end: int | None = None
    count: int | None = None
    stride: int = 1
    format: str = "%d"


def sequence(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    out: list[Any] = []
    for term in terms:
        spec = _parse(str(term), kwargs)
        out += _numbers(spec, str(term))
    return out


def _parse(term: str, kwargs: dict[str, Any]) -> _Spec:
    spec = _Spec()
    values: dict[str, str] = {k: str(v) for k, v in kwargs.items()}
    text = term.strip()
    if "=" in text:
        for word in text.split():
            key, sep, value = word.partition("=")
            if not sep or key not in _KEYS:
                raise LookupFailed(f"lookup 'sequence': unknown argument {word!r} in {term!r} "
                                   f"(known: {', '.join(_KEYS)})")
            values[key] = value
    elif text:
        match = _SHORTHAND.match(text)
        if match is None:
            raise LookupFailed(f"lookup 'sequence': can't parse {term!r}; write start=N end=N "
                               "[stride=N] [format=%d] or the shorthand [start-]end[/stride][:format]")
        values.update({k: v for k, v in match.groupdict().items() if v is not None})
    for key in ("start", "end", "count", "stride"):
        if key in values:
            setattr(spec, key, _int(key, values[key], term))
    spec.format = values.get("format", spec.format)
    return spec


def _int(key: str, value: str, term: str) -> int:
    try:
        return int(value, 10) if value.lstrip("+-").isdigit() else int(value, 0)  # 010 is ten
    except ValueError:
        raise LookupFailed(f"lookup 'sequence': {key}={value!r} is not a number (in {term!r})") from None


def _numbers(spec: _Spec, term: str) -> list[str]:
    if spec.count is not None:
        if spec.end is not None:
            raise LookupFailed(f"lookup 'sequence': give count or end, not both (in {term!r})")
        if spec.count <= 0:
            return []
        spec.end = spec.start + (spec.count - 1) * spec.stride
    if spec.end is None:
        raise LookupFailed(f"lookup 'sequence': must give count or end (in {term!r})")
    if spec.stride == 0:
        return []
    if spec.stride > 0 and spec.end < spec.start:
        raise LookupFailed(f"lookup 'sequence': to count backwards make stride negative (in {term!r})")
    if spec.stride < 0 and spec.end > spec.start:
        raise LookupFailed(f"lookup 'sequence': to count forward don't make stride negative (in {term!r})")
    numbers = range(spec.start, spec.end + (1 if spec.stride > 0 else -1), spec.stride)
    if len(numbers) > MAX_ITEMS:
        raise LookupFailed(f"lookup 'sequence': {len(numbers)} items is more than {MAX_ITEMS}")
    try:
        return [spec.format % n for n in numbers]
    except (TypeError, ValueError) as exc:
        raise LookupFailed(f"lookup 'sequence': bad format {spec.format!r}: {exc}") from exc
