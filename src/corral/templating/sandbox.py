"""The sandbox every template runs in, and how host data keeps its mark through it.

Two jobs, both on Jinja's ``SandboxedEnvironment`` hooks:

* **No escape.** No ``_``-prefixed attribute, no function globals, no ``str.format``
  field lookups into internals (Jinja's sandbox), so neither a playbook template
  nor host data evaluated by mistake can run Python on the controller
  (ansible-core has the same sandbox; CVE-2023-5764 was the unsandboxed case).
* **Taint.** A value computed from host data is host data: the result of an
  attribute or item access (slices too) on an unsafe value, of a call whose
  receiver or any argument is unsafe (``x.strip()``, ``'-'.join(x)``), of an
  operator with an unsafe operand (``x + 'a'``, ``'%s' % x``), of ``~``, of a loop
  over unsafe text, of a macro or ``{% set %}`` block whose output holds host data.

Every hook also checks the bounds of ``limits.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from .limits import Limits
from .size_checks import check_method_call
from .unsafe import UNSAFE_TYPES, UnsafeText, is_unsafe, mark_unsafe

_NUMBERS = frozenset({int, float, bool})
_SMALL_OPS = frozenset({"+", "-", "/", "//", "%"})  # on numbers, results no bigger than operands
_TIMED_LOOP = 1000  # a loop over more items checks the time budget at each one
LOOP_HOOK = "loop_hook"  # the environment attribute route_loops calls
# keyword arguments Jinja adds to calls itself: not data given by the template
_PLUMBING_KWARGS = frozenset({"_loop_vars", "_block_vars", "caller"})


class TaintingSandbox(SandboxedEnvironment):
    """Jinja's sandbox whose hooks carry the unsafe mark and enforce resource bounds."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, limits: Limits, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        self.globals["range"] = limits.range
        self.loop_hook: Callable[[EvalContext, Any], Any] = self.loop_items_of  # one object

    def getattr(self, obj: Any, attribute: str) -> Any:
        value = super().getattr(obj, attribute)
        return mark_unsafe(value) if isinstance(obj, UNSAFE_TYPES) else value

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return mark_unsafe(value) if isinstance(obj, UNSAFE_TYPES) else value

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is __self.loop_hook:
            return __obj(__context.eval_ctx, *args)
        limits = __self.limits
        limits.spend(__context.eval_ctx)
        check_method_call(limits, _unwrapped(__obj), args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if _unsafe_receiver(__obj) or _unsafe_arguments(args, kwargs):
            return mark_unsafe(limits.check_result(result, "call result"))
        return limits.check_result(result, "call result")

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if type(left) in _NUMBERS and type(right) in _NUMBERS and operator in _SMALL_OPS:
            return self.binop_table[operator](left, right)  # arithmetic: nothing to check
        self.limits.check_binop(operator, left, right)
        result = self.limits.check_result(self.binop_table[operator](left, right),
                                          f"result of {operator!r}")
        tainted = isinstance(left, UNSAFE_TYPES) or isinstance(right, UNSAFE_TYPES)
        if tainted or (operator == "%" and is_unsafe(right)):
            return mark_unsafe(result)
        return result

    def concat_text(self, values: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``: Jinja's string join, unsafe when any operand is."""
        text = self.limits.check_result("".join([str(v) for v in values]), "result of '~'")
        return UnsafeText(text) if any(is_unsafe(v) for v in values) else text

    def loop_items_of(self, eval_ctx: EvalContext, iterable: Any) -> Any:
        """What a ``{% for %}`` iterates: unsafe text gives unsafe characters; work is counted."""
        if isinstance(iterable, UnsafeText):
            iterable = [UnsafeText(c) for c in iterable]
        if not isinstance(iterable, Sized):
            return self._counted(eval_ctx, iterable)
        self.limits.spend(eval_ctx, len(iterable))
        return iterable if len(iterable) <= _TIMED_LOOP else self._timed(eval_ctx, iterable)

    def _timed(self, eval_ctx: EvalContext, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            self.limits.check_time(eval_ctx)
            yield item

    def _counted(self, eval_ctx: EvalContext, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.limits.spend(eval_ctx)
            yield item


def concat_output(values: Iterable[Any]) -> Any:
    """The value of a macro, ``caller()`` or ``{% set %}`` block.

    One non-text piece is returned as it is (``{{ [1] }}`` stays a list), anything
    else joins into text, unsafe when a piece is; text is never parsed back into a
    value (ansible-core returns ``[1, 2]`` written in a macro as a str).
    """
    pieces = list(values)
    if not pieces:
        return None
    if len(pieces) == 1 and not isinstance(pieces[0], str):
        return pieces[0]
    text = "".join("" if p is None else str(p) for p in pieces)
    return UnsafeText(text) if any(is_unsafe(p) for p in pieces) else text


def route_loops(tree: nodes.Template, environment: TaintingSandbox) -> None:
    """Make every ``{% for %}`` iterate through ``loop_items_of`` (a call no template can write)."""
    for loop in tree.find_all(nodes.For):
        hook = nodes.Call(nodes.EnvironmentAttribute(LOOP_HOOK), [loop.iter], [], None, None,
                          lineno=loop.iter.lineno or loop.lineno)
        hook.set_environment(environment)
        loop.iter = hook


def _unwrapped(func: Any) -> Any:
    """The bound method behind the sandbox's ``str.format`` wrapper."""
    return getattr(func, "__wrapped__", func)


def _unsafe_receiver(func: Any) -> bool:
    return isinstance(getattr(_unwrapped(func), "__self__", None), UNSAFE_TYPES)


def _unsafe_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    if any(is_unsafe(a) for a in args if not isinstance(a, Context | EvalContext)):
        return True
    return any(is_unsafe(v) for k, v in kwargs.items() if k not in _PLUMBING_KWARGS)
