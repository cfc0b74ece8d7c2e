"""Ansible's Jinja tests for corral's subset (``x is changed``, ``v is version('2', '>=')``).

Jinja's own tests (defined, undefined, none, string, number, mapping, iterable,
sequence, …) come with Jinja; ``ansible_tests()`` adds Ansible's.
"""

from __future__ import annotations

import os.path
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .truth import to_bool
from .version_compare import version_compare


def ansible_tests() -> dict[str, Callable[..., bool]]:
    """Every Ansible test corral provides, by name."""
    return {
        "failed": failed, "failure": failed,
        "succeeded": succeeded, "success": succeeded, "successful": succeeded,
        "changed": changed, "change": changed,
        "skipped": skipped, "skip": skipped,
        "unreachable": unreachable, "reachable": lambda r: not unreachable(r),
        "match": match, "search": search, "regex": regex,
        "version": version_compare, "version_compare": version_compare,
        "truthy": truthy, "falsy": lambda v, convert_bool=False: not truthy(v, convert_bool),
        "contains": lambda seq, value: value in seq,
        "subset": lambda a, b: _all_in(a, b), "issubset": lambda a, b: _all_in(a, b),
        "superset": lambda a, b: _all_in(b, a), "issuperset": lambda a, b: _all_in(b, a),
        "any": lambda seq: any(seq), "all": lambda seq: all(seq),
        "file": lambda p: os.path.isfile(os.path.expanduser(p)),
        "directory": lambda p: os.path.isdir(os.path.expanduser(p)),
        "exists": lambda p: os.path.exists(os.path.expanduser(p)),
        "link": lambda p: os.path.islink(os.path.expanduser(p)),
        "abs": lambda p: os.path.isabs(p),
    }  # fmt: skip


def _result(value: Any, test: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"the '{test}' test expects a task result (a dictionary)")
    return value


def failed(result: Any) -> bool:
    return to_bool(_result(result, "failed").get("failed", False))


def succeeded(result: Any) -> bool:
    return not failed(result)


def skipped(result: Any) -> bool:
    return to_bool(_result(result, "skipped").get("skipped", False))


def unreachable(result: Any) -> bool:
    return to_bool(_result(result, "unreachable").get("unreachable", False))


def changed(result: Any) -> bool:
    """A loop's result is changed when one of its items is."""
    res = _result(result, "changed")
    if "changed" in res:
        return to_bool(res["changed"])
    items = res.get("results")
    if isinstance(items, list):
        return any(isinstance(i, Mapping) and to_bool(i.get("changed")) for i in items)
    return False


def regex(
    value: Any,
    pattern: str = "",
    ignorecase: bool = False,
    multiline: bool = False,
    match_type: str = "search",
) -> bool:
    flags = (re.IGNORECASE if ignorecase else 0) | (re.MULTILINE if multiline else 0)
    compiled = re.compile(pattern, flags)
    finder = {"search": compiled.search, "match": compiled.match, "fullmatch": compiled.fullmatch}
    if match_type not in finder:
        raise ValueError(f"match_type must be search, match or fullmatch, not {match_type!r}")
    return finder[match_type](str(value)) is not None


def match(value: Any, pattern: str = "", ignorecase: bool = False, multiline: bool = False) -> bool:
    return regex(value, pattern, ignorecase, multiline, "match")


def search(
    value: Any, pattern: str = "", ignorecase: bool = False, multiline: bool = False
) -> bool:
    return regex(value, pattern, ignorecase, multiline, "search")


def truthy(value: Any, convert_bool: bool = False) -> bool:
    return to_bool(value) if convert_bool and isinstance(value, str) else bool(value)


def _all_in(items: Iterable[Any], container: Iterable[Any]) -> bool:
    pool = list(container)
    return all(item in pool for item in items)
