"""Lookups: ``lookup()``, ``query()``/``q()`` in templates and the ``with_<lookup>`` loops.

A lookup runs on the controller and returns a list; ``lookup()`` joins a list of
strings with commas unless ``wantlist=True``, ``query()`` always returns the list.
Results are data (marked unsafe like host data): a file that contains ``{{`` is
never rendered again. ``errors=`` is ``strict`` (fail the task, the default),
``warn`` (log a warning, give nothing) or ``ignore``.

One file per family: files.py (file, fileglob, first_found, template), lists.py,
sequence.py, commands.py (pipe, lines), variables.py (env, vars,
inventory_hostnames), password.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from corral.templating.unsafe import mark_unsafe

from . import commands, files, lists, password, sequence, variables
from .context import LookupContext, LookupFailed

Lookup = Callable[[list[Any], dict[str, Any], LookupContext], list[Any]]

LOOKUPS: Mapping[str, Lookup] = MappingProxyType({
    "file": files.file,
    "fileglob": files.fileglob,
    "first_found": files.first_found,
    "template": files.template,
    "pipe": commands.pipe,
    "lines": commands.lines,
    "env": variables.env,
    "vars": variables.vars_,
    "inventory_hostnames": variables.inventory_hostnames,
    "items": lists.items,
    "list": lists.as_list,
    "indexed_items": lists.indexed_items,
    "together": lists.together,
    "nested": lists.nested,
    "dict": lists.dict_items,
    "subelements": lists.subelements,
    "random_choice": lists.random_choice,
    "sequence": sequence.sequence,
    "password": password.password,
})
_ERRORS = ("strict", "warn", "ignore")
_log = logging.getLogger("corral.lookups")

__all__ = ["LOOKUPS", "LookupContext", "LookupFailed", "lookup_globals", "run_lookup", "short_name"]


def short_name(name: str) -> str:
    """``ansible.builtin.file`` -> ``file``."""
    return name.removeprefix("ansible.builtin.").removeprefix("ansible.legacy.")


def run_lookup(name: str, terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    """The lookup's list of results, marked unsafe; ``errors=`` decides what a failure does."""
    errors = str(kwargs.pop("errors", "strict"))
    if errors not in _ERRORS:
        raise LookupFailed(f"lookup '{name}': errors must be one of {', '.join(_ERRORS)}, not {errors!r}")
    func = LOOKUPS.get(short_name(name))
    if func is None:
        raise LookupFailed(f"lookup '{name}' is not supported by corral (supported: "
                           f"{', '.join(sorted(LOOKUPS))})")
    try:
        result = func(list(terms), kwargs, ctx)
    except LookupFailed as exc:
        if errors == "strict":
            raise
        if errors == "warn":
            _log.warning("%s", exc)
        return []
    return list(mark_unsafe(result))


def _join(result: list[Any]) -> Any:
    """``lookup()`` without wantlist: strings joined with commas, else the list (one item: it)."""
    if all(isinstance(item, str) for item in result):
        return mark_unsafe(",".join(result))
    return result[0] if len(result) == 1 else result


def _context(context: Context) -> LookupContext:
    return LookupContext(context.parent, context.environment)  # type: ignore[arg-type]


def _terms(args: tuple[Any, ...]) -> list[Any]:
    """``lookup('x', 'a', 'b')``: terms a and b; ``lookup('x', [1, 2])``: one term, a list
    (as in Ansible: ``items`` then flattens it, ``list`` keeps it)."""
    return list(args)


@pass_context
def lookup(context: Context, name: str, *args: Any, wantlist: bool = False, **kwargs: Any) -> Any:
    lenient = kwargs.get("errors", "strict") != "strict"
    result = run_lookup(name, _terms(args), kwargs, _context(context))
    if wantlist:
        return result
    if not result and lenient:
        return None
    return _join(result)


@pass_context
def query(context: Context, name: str, *args: Any, **kwargs: Any) -> list[Any]:
    kwargs.pop("wantlist", None)
    return run_lookup(name, _terms(args), kwargs, _context(context))


def lookup_globals() -> dict[str, Any]:
    """The Jinja globals: ``lookup``, ``query`` and its short name ``q``."""
    return {"lookup": lookup, "query": query, "q": query}
