"""A host pattern that selects no host: the message, with a did-you-mean.

A pattern matching nothing is almost always a typo (`webserver` for `webservers`):
in a cron job, a run that quietly does nothing looks like a clean run. The names
close to each plain term of the pattern come from the inventory's groups and hosts.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from corral.inventory.patterns import split_pattern

_GLOB_CHARS = ("*", "?", "[", "~")


def close_names(pattern: str, known: Sequence[str], limit: int = 3) -> list[str]:
    """Known names close to the plain terms of ``pattern`` that are not known names."""
    names = set(known)
    found: list[str] = []
    for term in split_pattern(pattern):
        word = term.lstrip("&!")
        if not word or word in names or any(c in word for c in _GLOB_CHARS):
            continue
        for close in _closest(word, known):
            if close not in found:
                found.append(close)
    return found[:limit]


def _closest(word: str, known: Sequence[str], cutoff: float = 0.7, spread: float = 0.1
             ) -> list[str]:
    """The names about as close as the closest one: ``webserver`` gets ``webservers``,
    not also ``dbservers``."""
    scored = []
    for name in known:
        matcher = difflib.SequenceMatcher(None, word, name)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            score = matcher.ratio()
            if score >= cutoff:
                scored.append((score, name))
    best = max((score for score, _ in scored), default=0.0)
    return [name for score, name in sorted(scored, key=lambda s: -s[0]) if score >= best - spread]


def did_you_mean(pattern: str, known: Sequence[str]) -> str:
    """``; did you mean 'webservers'?`` or '' when nothing is close."""
    close = close_names(pattern, known)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"


def inventory_names(groups: Iterable[str], hosts: Iterable[str]) -> list[str]:
    """Groups first (what a pattern usually names), then hosts; ``all`` and
    ``ungrouped`` are not suggestions."""
    return [g for g in groups if g not in ("all", "ungrouped")] + list(hosts)


def no_host_message(what: str, pattern: str, known: Sequence[str],
                    groups: Iterable[str] = ()) -> str:
    """``hosts pattern 'webserver' matches no host in the inventory; did you mean ...``;
    a term naming one of ``groups`` (which exist) is said to be an empty group instead."""
    named = set(groups)
    empty = [t.lstrip("&!") for t in split_pattern(pattern) if t.lstrip("&!") in named]
    if empty:
        listed = ", ".join(repr(g) for g in empty)
        return (f"{what} {pattern!r} matches no host in the inventory (group"
                f"{'s' if len(empty) > 1 else ''} {listed} {'have' if len(empty) > 1 else 'has'}"
                f" no hosts){did_you_mean(pattern, known)}")
    return f"{what} {pattern!r} matches no host in the inventory{did_you_mean(pattern, known)}"
