"""Wrap filters and tests: a failure names them, and host data stays host data.

* An exception from a filter/test becomes ``TemplateError("filter 'from_json': …")``;
  an undefined variable passes through untouched so its message names the variable.
* A filter given unsafe (host) data returns unsafe data: ``{{ fact | upper }}``
  is still never rendered again; a lazy result (``map``, ``select``) yields
  unsafe items.
* A filter's text or list result is bounded in size (see ``limits.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jinja2 import Environment, UndefinedError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context

from corral.errors import TemplateError

from .limits import Limits
from .unsafe import UnsafeIterator, is_unsafe, mark_unsafe


def guard_filter(name: str, func: Callable[..., Any], limits: Limits) -> Callable[..., Any]:
    """``func`` that raises TemplateError naming ``name`` and keeps unsafe-ness."""

    @functools.wraps(func)  # keeps Jinja's pass_context/pass_environment marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        result = limits.check_result(_call("filter", name, func, args, kwargs),
                                     f"filter '{name}' result")
        if _any_unsafe(args, kwargs):
            return _marked(result)
        return result

    return guarded


def guard_test(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` that raises TemplateError naming the test ``name``."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        return _call("test", name, func, args, kwargs)

    return guarded


def _marked(result: Any) -> Any:
    if isinstance(result, Iterator):
        return UnsafeIterator(result)
    return mark_unsafe(result)


def guard_all(kind: str, table: Mapping[str, Any], limits: Limits) -> dict[str, Any]:
    if kind == "filter":
        return {name: guard_filter(name, func, limits) for name, func in table.items()}
    return {name: guard_test(name, func) for name, func in table.items()}


def _call(
    kind: str,
    name: str,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    try:
        return func(*args, **kwargs)
    except (UndefinedError, TemplateError):
        raise
    except Exception as exc:
        raise TemplateError(f"{kind} '{name}' failed: {_describe(exc)}") from exc


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if isinstance(exc, KeyError | TypeError) else text


_JINJA_PLUMBING = (Context, EvalContext, Environment)


def _any_unsafe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    data = [a for a in args if not isinstance(a, _JINJA_PLUMBING)]
    return any(is_unsafe(a) for a in data) or any(is_unsafe(v) for v in kwargs.values())
