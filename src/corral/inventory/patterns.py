"""Ansible host patterns: ``all``, ``web:db``, ``web:&prod``, ``web:!web3``, ``web*``,
``~web\\d+``, ``web[0]``, ``web[0:2]``.

Terms are split on ``,`` and ``:`` (colons inside ``[...]`` and IPv6 addresses kept).
All unions apply first (in the order written), then intersections (``&``), then
exclusions (``!``); with no union term, ``all`` is the start. A union adds the
hosts it matches, in inventory order, after those already selected.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from corral.errors import InventoryError

LOCALHOST_NAMES = ("localhost", "127.0.0.1", "::1")

_TERM = re.compile(r"(?:[^\s:\[\]]|\[[^\]]*\])+")
_IPV6 = re.compile(r"^(?=.*::|(?:[^:]*:){7}[^:]*$)[0-9A-Fa-f:.]+$")  # has '::' or 7 colons
_SUBSCRIPT = re.compile(r"^(.+)\[(?:(-?[0-9]+)|([0-9]+)?\s*:\s*([0-9]+)?)\]$")
_GLOB_CHARS = (".", "?", "*", "[")


@dataclass(frozen=True)
class PatternIndex:
    """What patterns match against: hosts in inventory order, each group's members."""

    hosts: Sequence[str]
    group_members: Mapping[str, Sequence[str]]
    implicit: Sequence[str] = LOCALHOST_NAMES


@dataclass
class NameMatch:
    names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_pattern(pattern: str) -> list[str]:
    """The terms of a pattern, as written."""
    terms: list[str] = []
    for part in pattern.split(","):
        part = part.strip()
        terms.extend([part] if _IPV6.match(part) else _TERM.findall(part))
    return [t.strip() for t in terms if t.strip()]


def order_terms(terms: Sequence[str]) -> list[str]:
    unions = [t for t in terms if t[0] not in "&!"]
    intersections = [t for t in terms if t[0] == "&"]
    exclusions = [t for t in terms if t[0] == "!"]
    return (unions or ["all"]) + intersections + exclusions


def match_pattern(pattern: str, index: PatternIndex) -> NameMatch:
    """Host names ``pattern`` selects; raises ``InventoryError`` on bad syntax."""
    terms = split_pattern(pattern)
    if not terms:
        raise InventoryError(f"empty host pattern {pattern!r}: name a host or group, or 'all'")
    return match_terms(terms, index)


def match_terms(terms: Sequence[str], index: PatternIndex) -> NameMatch:
    result = NameMatch()
    for term in order_terms(terms):
        if term[0] not in "&!" and term in index.hosts:
            matched = [term]
        else:
            matched = _match_term(term, index, result.warnings)
        result.names = _combine(result.names, term[0], matched)
    return result


def _combine(selected: list[str], operator: str, matched: list[str]) -> list[str]:
    if operator == "!":
        drop = set(matched)
        return [n for n in selected if n not in drop]
    if operator == "&":
        keep = set(matched)
        return [n for n in selected if n in keep]
    known = set(selected)
    return selected + [n for n in matched if n not in known]


def _match_term(term: str, index: PatternIndex, warnings: list[str]) -> list[str]:
    expr = term[1:] if term[0] in "&!" else term
    if not expr:
        raise InventoryError(f"host pattern term {term!r} has nothing after '{term[0]}'")
    expr, subscript = _split_subscript(expr)
    names = _enumerate(expr, index, warnings)
    if subscript is None:
        return names
    return _apply_subscript(names, subscript, term)


def _split_subscript(expr: str) -> tuple[str, tuple[int, int | None] | None]:
    if expr.startswith("~"):
        return expr, None
    match = _SUBSCRIPT.match(expr)
    if match is None:
        return expr, None
    base, index, start, end = match.groups()
    if index is not None:
        return base, (int(index), None)
    return base, (int(start or 0), int(end) if end is not None else -1)


def _apply_subscript(names: list[str], subscript: tuple[int, int | None], term: str) -> list[str]:
    start, end = subscript
    if end is None:
        if not -len(names) <= start < len(names):
            raise InventoryError(
                f"host pattern {term!r}: index {start} is out of range ({len(names)} hosts matched)"
            )
        return [names[start]]
    last = len(names) - 1 if end == -1 else end
    return names[start : last + 1]


def _enumerate(expr: str, index: PatternIndex, warnings: list[str]) -> list[str]:
    matcher = _compile(expr)
    groups = [g for g in index.group_members if matcher.match(g)]
    selected: set[str] = {h for g in groups for h in index.group_members[g]}
    if not groups or expr.startswith("~") or any(c in expr for c in _GLOB_CHARS):
        selected.update(h for h in index.hosts if matcher.match(h))
    names = [h for h in index.hosts if h in selected]
    if not names and expr in index.implicit:
        return [expr]
    if not names and not groups and expr != "all":
        warnings.append(f"host pattern '{expr}' matched no host or group; ignoring it")
    return names


def _compile(expr: str) -> re.Pattern[str]:
    try:
        if expr.startswith("~"):
            return re.compile(expr[1:])
        return re.compile(fnmatch.translate(expr))
    except re.error as exc:
        raise InventoryError(f"invalid host pattern {expr!r}: {exc}") from exc
