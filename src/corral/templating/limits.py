"""Resource bounds for templates: no template may hang the controller or exhaust its memory.

A template is code written by the playbook's author, but the values it works on
may come from hosts, and a typo (``range(10**9)``) should fail with a message,
not stall a run. Each bound raises ``TemplateError`` naming what was too big:

* a string built by ``+ * ~ %``, a string method or a filter: ``max_size`` characters;
* a list built by ``+``, ``*`` or ``extend``: ``max_range`` items;
* an integer built by ``*`` or ``**``: ``max_int_bits`` bits;
* ``range()``: ``max_range`` items (ansible-core accepts 200,000);
* the text one template renders: ``max_size`` characters;
* work per render: ``max_steps`` loop iterations and calls (recursive macros
  included) and ``max_seconds`` of wall-clock time, checked at each of them.

Sizes are checked before the work when the size is known up front
(``'a' * 10**9``, ``'%999999999s'``; string methods and filters: ``size_checks.py``),
after it otherwise.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Any

from jinja2.nodes import EvalContext

from corral.errors import TemplateError

# a width or precision in a %-format or a str.format spec: "%-99999999s", "%.99999999f",
# "{:>99999999}"
_FORMAT_WIDTH = re.compile(r"(?:%[-+ #0]*(?:\d*\.)?|\{[^{}]*:[^{}]*?)(\d{7,})")
_SIZED = (str, list, tuple, bytes)
_STEPS = "corral_steps"  # attributes of a render's EvalContext
_STARTED = "corral_started"


@dataclass(frozen=True)
class Limits:
    """The bounds of one environment (tests make them small)."""

    max_size: int = 32 * 1024 * 1024
    max_int_bits: int = 1_000_000
    max_range: int = 10_000_000
    max_steps: int = 10_000_000
    max_seconds: float = 60.0

    def too_big(self, what: str, limit: int, unit: str = "items") -> TemplateError:
        return TemplateError(f"template {what} would exceed the limit of {limit:,} {unit}")

    def range(self, *args: int) -> range:
        """``range()`` for templates."""
        numbers = range(*args)
        if len(numbers) > self.max_range:
            raise self.too_big(f"range({', '.join(map(str, args))})", self.max_range)
        return numbers

    def check_binop(self, operator: str, left: Any, right: Any) -> None:
        """Refuse, before computing it, a result of ``left operator right`` that is too big."""
        if operator == "*":
            self._check_repeat(left, right)
            self._check_repeat(right, left)
            if isinstance(left, int) and isinstance(right, int):
                self._check_bits("integer product", left.bit_length() + right.bit_length())
        elif operator == "**":
            self._check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            self.check_format(left)
            if "*" in left:  # "%*s" % (width, text)
                self.check_widths(right if isinstance(right, tuple) else (right,))
        elif operator == "+" and _sized(left) and _sized(right):
            self.check_size("string or list", len(left) + len(right), left)

    def check_format(self, text: str) -> None:
        """Refuse a format string asking for a field wider than ``max_size``."""
        for match in _FORMAT_WIDTH.finditer(text):
            if int(match.group(1)) > self.max_size:
                raise self.too_big(f"format width {match.group(1)}", self.max_size, "characters")

    def check_widths(self, values: tuple[Any, ...]) -> None:
        for value in values:
            if isinstance(value, int) and value > self.max_size:
                raise self.too_big(f"width {value}", self.max_size, "characters")

    def check_result(self, value: Any, what: str) -> Any:
        """``value`` itself, unless it is a string or list longer than ``max_size``."""
        if isinstance(value, _SIZED) and len(value) > self.max_size:
            raise self.too_big(what, self.max_size)
        return value

    def spend(self, eval_ctx: EvalContext, steps: int = 1) -> None:
        """Count work against this render's budget (loop iterations, calls) and its time."""
        used = getattr(eval_ctx, _STEPS, 0) + steps
        if used > self.max_steps:
            raise TemplateError(f"template did more than {self.max_steps:,} loop iterations "
                                "and calls (a loop too large, or a macro calling itself?)")
        setattr(eval_ctx, _STEPS, used)
        self.check_time(eval_ctx)

    def check_time(self, eval_ctx: EvalContext) -> None:
        """Fail once this render has run for ``max_seconds``."""
        now = time.monotonic()
        started = getattr(eval_ctx, _STARTED, None)
        if started is None:
            setattr(eval_ctx, _STARTED, now)
        elif now - started > self.max_seconds:
            raise TemplateError(f"template ran for more than {self.max_seconds:g} seconds "
                                "(a loop too large, or a macro calling itself?)")

    def check_size(self, what: str, size: int, kind: Any = "") -> None:
        """Refuse a result of ``size`` characters (or items, when ``kind`` is a list) up front."""
        limit = self.max_range if isinstance(kind, list | tuple) else self.max_size
        if size > limit:
            raise self.too_big(what, limit)

    def _check_repeat(self, seq: Any, times: Any) -> None:
        if _sized(seq) and isinstance(times, int):
            self.check_size(f"repetition ({len(seq):,} x {times:,})", len(seq) * times, seq)

    def _check_bits(self, what: str, bits: float) -> None:
        if bits > self.max_int_bits:
            raise self.too_big(what, self.max_int_bits, "bits")

    def _check_power(self, base: Any, exponent: Any) -> None:
        if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
            self._check_bits(f"power {base} ** {exponent}", exponent * math.log2(abs(base)))


def _sized(value: Any) -> bool:
    return isinstance(value, _SIZED)
