"""Ansible's filters for corral's subset (the Jinja built-ins come with Jinja).

``ansible_filters()`` returns a fresh name → function table; the environment
wraps each one (see ``guard.py``) so a failure names the filter.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os.path
import re
import shlex
from collections.abc import Callable, Iterable
from typing import Any

import yaml
from jinja2 import Undefined

from corral.errors import TemplateError

from .collections_filters import (
    combine,
    dict2items,
    difference,
    flatten,
    intersect,
    items2dict,
    symmetric_difference,
    union,
    unique,
)
from .comment_filter import comment
from .plain_data import plain_data
from .truth import to_bool


def ansible_filters() -> dict[str, Callable[..., Any]]:
    """Every Ansible filter corral provides, by name."""
    return {
        "bool": to_bool,
        "split": split,
        "regex_replace": regex_replace,
        "regex_search": regex_search,
        "regex_findall": regex_findall,
        "regex_escape": re.escape,
        "unique": unique,
        "union": union,
        "intersect": intersect,
        "difference": difference,
        "symmetric_difference": symmetric_difference,
        "dict2items": dict2items,
        "items2dict": items2dict,
        "combine": combine,
        "flatten": flatten,
        "zip": zip_lists,
        "zip_longest": zip_longest,
        "to_json": to_json,
        "to_nice_json": to_nice_json,
        "from_json": json.loads,
        "to_yaml": to_yaml,
        "to_nice_yaml": to_nice_yaml,
        "from_yaml": yaml.safe_load,
        "b64encode": b64encode,
        "b64decode": b64decode,
        "basename": os.path.basename,
        "dirname": os.path.dirname,
        "expanduser": os.path.expanduser,
        "realpath": os.path.realpath,
        "splitext": lambda p: list(os.path.splitext(p)),
        "path_join": path_join,
        "hash": hash_text,
        "sha1": lambda s: hash_text(s, "sha1"),
        "md5": lambda s: hash_text(s, "md5"),
        "quote": quote,
        "mandatory": mandatory,
        "comment": comment,
        "ternary": ternary,
        "extract": extract,
        "type_debug": lambda v: type(v).__name__,
    }


def split(value: str, separator: str | None = None, maxsplit: int = -1) -> list[str]:
    return value.split(separator, maxsplit)


def _flags(ignorecase: bool, multiline: bool) -> int:
    return (re.IGNORECASE if ignorecase else 0) | (re.MULTILINE if multiline else 0)


def regex_replace(
    value: Any = "",
    pattern: str = "",
    replacement: str = "",
    ignorecase: bool = False,
    multiline: bool = False,
    count: int = 0,
) -> str:
    regex = re.compile(pattern, _flags(ignorecase, multiline))
    return regex.sub(replacement, str(value), count=count)


def regex_findall(
    value: Any, pattern: str, multiline: bool = False, ignorecase: bool = False
) -> list[Any]:
    return re.findall(pattern, str(value), _flags(ignorecase, multiline))


def regex_search(
    value: Any, pattern: str, *groups: str, ignorecase: bool = False, multiline: bool = False
) -> Any:
    """The match (or None); with ``'\\1'``/``'\\g<name>'`` arguments, the list of those groups."""
    match = re.search(pattern, str(value), _flags(ignorecase, multiline))
    if match is None:
        return None
    if not groups:
        return match.group()
    return [match.group(_group_ref(g)) for g in groups]


def _group_ref(ref: str) -> int | str:
    named = re.fullmatch(r"\\g<(\w+)>", ref)
    if named:
        name = named.group(1)
        return int(name) if name.isdigit() else name
    numbered = re.fullmatch(r"\\(\d+)", ref)
    if numbered:
        return int(numbered.group(1))
    raise ValueError(f"unknown group reference {ref!r}: write '\\\\1' or '\\\\g<name>'")


def zip_lists(*lists: Iterable[Any]) -> list[tuple[Any, ...]]:
    return list(zip(*lists, strict=False))


def zip_longest(*lists: Iterable[Any], fillvalue: Any = None) -> list[tuple[Any, ...]]:
    return list(itertools.zip_longest(*lists, fillvalue=fillvalue))


def to_json(value: Any, **kwargs: Any) -> str:
    return json.dumps(plain_data(value), **kwargs)


def to_nice_json(value: Any, indent: int = 4, sort_keys: bool = True, **kwargs: Any) -> str:
    return json.dumps(
        plain_data(value), indent=indent, sort_keys=sort_keys, separators=(",", ": "), **kwargs
    )


def to_yaml(value: Any, **kwargs: Any) -> str:
    return str(yaml.safe_dump(plain_data(value), allow_unicode=True, **kwargs))


def to_nice_yaml(value: Any, indent: int = 4, **kwargs: Any) -> str:
    return str(
        yaml.safe_dump(
            plain_data(value),
            indent=indent,
            allow_unicode=True,
            default_flow_style=False,
            **kwargs,
        )
    )


def b64encode(value: str, encoding: str = "utf-8") -> str:
    return base64.b64encode(value.encode(encoding)).decode("ascii")


def b64decode(value: str, encoding: str = "utf-8") -> str:
    return base64.b64decode(value).decode(encoding)


def path_join(parts: Iterable[str] | str) -> str:
    if isinstance(parts, str):
        return parts
    return os.path.join(*parts)


def hash_text(value: Any, hashtype: str = "sha1") -> str:
    try:
        digest = hashlib.new(hashtype)
    except ValueError:
        raise ValueError(f"unknown hash type {hashtype!r}") from None
    digest.update(str(value).encode("utf-8"))
    return digest.hexdigest()


def quote(value: Any) -> str:
    return shlex.quote("" if value is None else str(value))


def mandatory(value: Any, msg: str | None = None) -> Any:
    if isinstance(value, Undefined):
        name = getattr(value, "_undefined_name", None)
        default = (
            f"mandatory variable {name!r} is not defined"
            if name
            else "a mandatory value is not defined"
        )
        raise TemplateError(msg or default)
    return value


def ternary(value: Any, true_val: Any, false_val: Any, none_val: Any = None) -> Any:
    if value is None and none_val is not None:
        return none_val
    return true_val if value else false_val


def extract(item: Any, container: Any, morekeys: Any = None) -> Any:
    """``groups.web | map('extract', hostvars, 'port')``: ``container[item][morekeys…]``."""
    value = container[item]
    keys = [] if morekeys is None else morekeys if isinstance(morekeys, list) else [morekeys]
    for key in keys:
        value = value[key]
    return value
