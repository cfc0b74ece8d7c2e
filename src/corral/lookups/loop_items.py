"""``with_<lookup>: terms`` -> the loop's items, the way Ansible turns them.

The terms are rendered first; a string (``with_sequence: start=1 end=3``,
``with_fileglob: "*.conf"``) or a mapping (``with_first_found: {files: ..}``) is
one term. ``with_first_found`` on a template task looks in ``templates/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.templating import Templar

from . import run_lookup
from .context import LookupContext, LookupFailed


def lookup_loop_items(lookup: str, raw_terms: Any, templar: Templar, *, module: str = "",
                      position: Position | None = None,
                      search_path: Sequence[Path] = ()) -> list[Any]:
    """The items of ``with_<lookup>: raw_terms`` for one host; a failure names where."""
    terms = templar.render(raw_terms, f"with_{lookup}")
    if isinstance(terms, str | Mapping) or not isinstance(terms, list | tuple):
        terms = [terms]
    kwargs: dict[str, Any] = {}
    if lookup == "first_found" and module == "template":
        kwargs["subdir"] = "templates"
    ctx = LookupContext(templar.variables.scope, templar.env, tuple(search_path))
    try:
        return run_lookup(lookup, list(terms), kwargs, ctx)
    except LookupFailed as exc:
        where = f"{position}: " if position is not None else ""
        raise LookupFailed(f"{where}with_{lookup}: {exc}") from exc
