"""Resource bounds for templates: no template may hang the controller or exhaust its memory.

A template is code written by the playbook's author, but the values it works on
may come from hosts, and a typo (``range(10**9)``) should fail with a message,
not stall a run. Each bound raises ``TemplateError`` naming what was too big:

* a string or list built by ``+ * ~ %`` or a string method: ``MAX_SIZE`` items;
* an integer built by ``*`` or ``**``: ``MAX_INT_BITS`` bits;
* ``range()``: ``MAX_RANGE`` items;
* the text one template renders: ``MAX_SIZE`` characters;
* work per render (loop iterations and calls, recursive macros included): ``MAX_STEPS``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sized
from typing import Any

from jinja2.nodes import EvalContext

from corral.errors import TemplateError

MAX_SIZE = 32 * 1024 * 1024
MAX_INT_BITS = 1_000_000
MAX_RANGE = 10_000_000
MAX_STEPS = 10_000_000

# a width or precision in a %-format or a str.format spec: "%-1000000s", "{:>99999999}"
_FORMAT_WIDTH = re.compile(r"(?:%[-+ #0]*|\{[^{}]*:[^{}]*?)(\d{7,})")
# str methods whose integer argument is the size of the result
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_STEPS_ATTR = "corral_steps"
# Jinja filters whose result grows with an argument: 'x' | center(10**9), indent(10**9)
_SIZING_FILTERS = ("format", "center", "indent")


def too_big(what: str, limit: int, unit: str = "items") -> TemplateError:
    return TemplateError(f"template {what} would exceed the limit of {limit:,} {unit}")


def bounded_range(*args: int) -> range:
    """``range()`` for templates: at most ``MAX_RANGE`` items (ansible accepts 200,000)."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise too_big(f"range({', '.join(map(str, args))})", MAX_RANGE)
    return numbers


def bounded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's filters whose output size is an argument, refusing a size over ``MAX_SIZE``."""
    return {name: _bounded_filter(name, filters[name]) for name in _SIZING_FILTERS
            if name in filters}


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps Jinja's pass_* marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if name == "format" and args and isinstance(args[0], str):
            check_format(args[0])
        _check_widths((*args, *kwargs.values()))
        return func(*args, **kwargs)

    return bounded


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse, before computing it, a result of ``left operator right`` that is too big."""
    if operator == "*":
        _check_repeat(left, right)
        _check_repeat(right, left)
        _check_int_bits(left, right, _bits(left) + _bits(right))
    elif operator == "**":
        _check_power(left, right)
    elif operator == "%" and isinstance(left, str):
        check_format(left)
        if "*" in left:  # "%*s" % (width, text)
            _check_widths(right if isinstance(right, tuple) else (right,))
    elif operator == "+" and _sized(left) and _sized(right):
        _check_size("string or list", len(left) + len(right))


def check_method_call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse str methods asked for a huge result: ``center(10**9)``, ``replace('', big)``."""
    receiver = getattr(func, "__self__", None)
    if not isinstance(receiver, str):
        return
    name = getattr(func, "__name__", "")
    if name in _WIDTH_METHODS:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and value > MAX_SIZE:
                raise too_big(f"str.{name}({value})", MAX_SIZE, "characters")
    elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        _check_size("str.replace() result", len(receiver) + (len(receiver) + 1) * len(args[1]))
    elif name == "join" and args and isinstance(args[0], Sized):
        _check_size("str.join() result", len(receiver) * len(args[0]))
    elif name in ("format", "format_map"):
        check_format(receiver)


def check_format(text: str) -> None:
    """Refuse a format string asking for a field wider than ``MAX_SIZE``."""
    for match in _FORMAT_WIDTH.finditer(text):
        if int(match.group(1)) > MAX_SIZE:
            raise too_big(f"format width {match.group(1)}", MAX_SIZE, "characters")


def check_result(value: Any, what: str) -> Any:
    """``value`` itself, unless it is a string or list longer than ``MAX_SIZE``."""
    if isinstance(value, str | list | bytes) and len(value) > MAX_SIZE:
        raise too_big(what, MAX_SIZE)
    return value


def spend(eval_ctx: EvalContext, steps: int = 1) -> None:
    """Count work against this render's budget (loop iterations, calls)."""
    used = getattr(eval_ctx, _STEPS_ATTR, 0) + steps
    if used > MAX_STEPS:
        raise TemplateError(
            f"template did more than {MAX_STEPS:,} loop iterations and calls "
            "(a loop too large, or a macro calling itself?)"
        )
    setattr(eval_ctx, _STEPS_ATTR, used)


def _check_widths(values: tuple[Any, ...]) -> None:
    for value in values:
        if isinstance(value, int) and value > MAX_SIZE:
            raise too_big(f"width {value}", MAX_SIZE, "characters")


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple | bytes)


def _check_size(what: str, size: int) -> None:
    if size > MAX_SIZE:
        raise too_big(what, MAX_SIZE)


def _check_repeat(seq: Any, times: Any) -> None:
    if _sized(seq) and isinstance(times, int) and len(seq) * times > MAX_SIZE:
        raise too_big(f"repetition ({len(seq):,} x {times:,})", MAX_SIZE)


def _bits(value: Any) -> int:
    return value.bit_length() if isinstance(value, int) else 0


def _check_int_bits(left: Any, right: Any, bits: int) -> None:
    if isinstance(left, int) and isinstance(right, int) and bits > MAX_INT_BITS:
        raise too_big("integer", MAX_INT_BITS, "bits")


def _check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return
    if abs(base) <= 1:
        return
    if exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise too_big(f"power {base} ** {exponent}", MAX_INT_BITS, "bits")
