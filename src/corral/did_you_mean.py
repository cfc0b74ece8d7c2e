"""``; did you mean 'x'?``: the known names closest to a word that was not found."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, known: Iterable[str], cutoff: float = 0.7, spread: float = 0.1
            ) -> list[str]:
    """The known names about as close to ``word`` as the closest one, best first:
    ``webserver`` gets ``webservers``, not also ``dbservers``."""
    scored = []
    for name in known:
        matcher = difflib.SequenceMatcher(None, word, name)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            score = matcher.ratio()
            if score >= cutoff:
                scored.append((score, name))
    best = max((score for score, _ in scored), default=0.0)
    ranked = sorted(scored, key=lambda pair: (-pair[0], pair[1]))
    return [name for score, name in ranked if score >= best - spread]


def hint(names: list[str], limit: int = 3) -> str:
    """``; did you mean 'a' or 'b'?``, or '' for no names."""
    if not names:
        return ""
    return "; did you mean " + " or ".join(repr(n) for n in names[:limit]) + "?"
