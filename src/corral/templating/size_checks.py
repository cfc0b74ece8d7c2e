"""Predict, before the call, the size of what a string method or a filter would build.

A few calls can make a result far bigger than their inputs: ``'x'.center(10**9)``,
``s.replace('', big)``, ``'-'.join(range(10**7))`` with a long separator,
``l.extend(l)`` in a loop, ``'%*s' | format(10**9, '')``, ``to_nice_json(indent=10**9)``,
``regex_replace('', big)``, ``lipsum(10**6)``, ``batch(10**9, 'x')``, ``slice(10**9)``.
Each is refused with ``Limits.too_big`` before any
memory is used; every other call is only checked afterwards (``Limits.check_result``).
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Mapping, Sized
from typing import Any

from jinja2.utils import generate_lorem_ipsum

from .limits import Limits

# with every argument at most this big (or long), no result can reach a limit (1000 * 1000)
_SMALL = 1000
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")
# str and bytes methods whose integer argument is the size of the result
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def check_method_call(limits: Limits, func: Any, args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> None:
    """Refuse a str, bytes or list method asked for a huge result."""
    if func is generate_lorem_ipsum:
        _lipsum(limits, inspect.signature(func).bind(*args, **kwargs).arguments)
        return
    receiver = getattr(func, "__self__", None)
    name = getattr(func, "__name__", "")
    if isinstance(receiver, list) and name == "extend" and args and isinstance(args[0], Sized):
        limits.check_size("list.extend() result", len(receiver) + len(args[0]), receiver)
    if not isinstance(receiver, str | bytes):
        return
    if name in _WIDTH_METHODS:
        limits.check_widths((*args, *kwargs.values()))
    elif name == "replace" and len(args) >= 2:
        _check_replace(limits, receiver, args[0], args[1])
    elif name == "join" and args and isinstance(args[0], Sized):
        limits.check_size("join() result", len(receiver) * len(args[0]))
    elif name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str | bytes)), default=1)
        limits.check_size("translate() result", len(receiver) * longest)
    elif name in ("format", "format_map") and isinstance(receiver, str):
        limits.check_format(receiver)
        if _NESTED_FIELD.search(receiver):  # '{:{}}'.format('a', 10**9): width from an argument
            nested = args[0].values() if name == "format_map" and args else args
            limits.check_widths((*nested, *kwargs.values()))


def bounded_filters(limits: Limits, filters: Mapping[str, Callable[..., Any]]
                    ) -> dict[str, Callable[..., Any]]:
    """The filters of ``filters`` whose result may outgrow their input, checked first."""
    return {name: _bounded(limits, filters[name], check) for name, check in _FILTER_CHECKS.items()
            if name in filters}


def _bounded(limits: Limits, func: Callable[..., Any],
             check: Callable[[Limits, Mapping[str, Any]], None]) -> Callable[..., Any]:
    always = check is _format  # its widths are inside a short string
    small = min(_SMALL, math.isqrt(limits.max_size) // 2, limits.max_range)
    signature: list[tuple[inspect.Signature, int]] = []  # found on first need: environments are cheap

    @functools.wraps(func)  # keeps Jinja's pass_* marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if not always and _all_small(args, kwargs, small):
            return func(*args, **kwargs)
        if not signature:
            signature.append(_signature(func))
        parameters, skip = signature[0]
        try:
            bound = parameters.bind(*args[skip:], **kwargs)
        except TypeError:
            return func(*args, **kwargs)  # let the filter explain its own arguments
        check(limits, bound.arguments)
        return func(*args, **kwargs)

    return bounded


def _signature(func: Callable[..., Any]) -> tuple[inspect.Signature, int]:
    """The parameters of the function a filter runs, and how many leading arguments to skip.

    Jinja's async variants wrap a function and add a first argument (the eval
    context) that the wrapped function's signature does not have.
    """
    skip = int(_pass_arg(func) is not None and _pass_arg(inspect.unwrap(func)) is None)
    return inspect.signature(func), skip


def _all_small(args: tuple[Any, ...], kwargs: dict[str, Any], small: int) -> bool:
    """No argument big enough for any check below to refuse (the common case, made cheap)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and value > small:
            return False
        if isinstance(value, Sized) and len(value) > small:
            return False
    return True


def _pass_arg(func: Any) -> Any:
    return getattr(func, "jinja_pass_arg", None)


def _check_replace(limits: Limits, text: Any, old: Any, new: Any, count: Any = None) -> None:
    same_kind = all(isinstance(v, str) for v in (text, old, new)) or all(
        isinstance(v, bytes) for v in (text, old, new))
    if not same_kind or len(new) <= len(old):
        return
    times: int = text.count(old)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    limits.check_size("replace() result", len(text) + times * (len(new) - len(old)))


def _format(limits: Limits, a: Mapping[str, Any]) -> None:
    text = a.get("value")
    if isinstance(text, str):
        limits.check_format(text)
        if "*" in text:  # '%*s' | format(width, value)
            limits.check_widths(tuple(a.get("args", ())))


def _width(limits: Limits, a: Mapping[str, Any]) -> None:
    limits.check_widths((a.get("width"),))


def _replace(limits: Limits, a: Mapping[str, Any]) -> None:
    _check_replace(limits, a.get("s"), a.get("old"), a.get("new"), a.get("count"))


def _join(limits: Limits, a: Mapping[str, Any]) -> None:
    value, separator = a.get("value"), a.get("d", "")
    if isinstance(value, Sized) and isinstance(separator, str):
        limits.check_size("join result", len(separator) * len(value))


def _indent_argument(limits: Limits, a: Mapping[str, Any]) -> None:
    options = a.get("kwargs") or {}
    limits.check_widths((a.get("indent"), options.get("indent"), options.get("width")))


def _regex_replace(limits: Limits, a: Mapping[str, Any]) -> None:
    text, replacement = str(a.get("value", "")), a.get("replacement", "")
    if not isinstance(replacement, str) or (len(text) + 1) * len(replacement) <= limits.max_size:
        return
    flags = (re.IGNORECASE if a.get("ignorecase") else 0) | (re.MULTILINE if a.get("multiline") else 0)
    count = a.get("count") or 0
    matches = 0
    for _ in re.finditer(str(a.get("pattern", "")), text, flags):
        matches += 1
        if count and matches >= count:
            break
    limits.check_size("regex_replace result", len(text) + matches * len(replacement))


def _lipsum(limits: Limits, a: Mapping[str, Any]) -> None:
    paragraphs, words = a.get("n", 5), a.get("max", 100)
    if isinstance(paragraphs, int) and isinstance(words, int):
        limits.check_size("lipsum() text", paragraphs * max(words, 1) * 12)  # ~12 chars a word


def _batch(limits: Limits, a: Mapping[str, Any]) -> None:
    if a.get("fill_with") is not None:  # pads the last batch to linecount items
        limits.check_size("batch size", a.get("linecount", 0), [])


def _slice(limits: Limits, a: Mapping[str, Any]) -> None:
    limits.check_size("number of slices", a.get("slices", 0), [])


def _wordwrap(limits: Limits, a: Mapping[str, Any]) -> None:
    text, wrap = a.get("s"), a.get("wrapstring")
    if isinstance(text, str) and isinstance(wrap, str):
        limits.check_size("wordwrap result", len(text) * (len(wrap) + 1))


_FILTER_CHECKS: dict[str, Callable[[Limits, Mapping[str, Any]], None]] = {
    "format": _format,
    "center": _width,
    "indent": _width,
    "replace": _replace,
    "join": _join,
    "to_json": _indent_argument,
    "to_nice_json": _indent_argument,
    "to_yaml": _indent_argument,
    "to_nice_yaml": _indent_argument,
    "regex_replace": _regex_replace,
    "batch": _batch,
    "slice": _slice,
    "wordwrap": _wordwrap,
}
