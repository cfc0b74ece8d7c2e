"""A host pattern that selects no host: the message, with a did-you-mean.

A pattern matching nothing is almost always a typo (`webserver` for `webservers`):
in a cron job, a run that quietly does nothing looks like a clean run. The names
close to each plain term of the pattern come from the inventory's groups and hosts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from corral.did_you_mean import closest, hint
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
        for close in closest(word, known):
            if close not in found:
                found.append(close)
    return found[:limit]


def did_you_mean(pattern: str, known: Sequence[str]) -> str:
    """``; did you mean 'webservers'?`` or '' when nothing is close."""
    return hint(close_names(pattern, known))


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
