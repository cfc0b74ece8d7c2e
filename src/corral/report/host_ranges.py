"""Name many hosts in little space: `web[01:20], db03` (Ansible's range syntax)."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")
MIN_RUN = 3  # two neighbours read better as two names than as a range
MAX_PARTS = 12  # beyond this the list is cut: "… and 40 more"


def fold_names(names: Sequence[str], max_parts: int = MAX_PARTS) -> str:
    """Consecutive numbered names (in the order given) become one range."""
    parts = [part for run in _runs(names) for part in _parts(run)]
    if len(parts) > max_parts:
        hidden = sum(_count(p) for p in parts[max_parts:])
        return ", ".join(parts[:max_parts]) + f", … and {hidden} more"
    return ", ".join(parts)


def _runs(names: Sequence[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    for name in names:
        if runs and _follows(runs[-1][-1], name):
            runs[-1].append(name)
        else:
            runs.append([name])
    return runs


def _follows(previous: str, name: str) -> bool:
    a, b = _NUMBERED.match(previous), _NUMBERED.match(name)
    if a is None or b is None:
        return False
    return (a.group(1) == b.group(1) and a.group(3) == b.group(3)
            and len(a.group(2)) == len(b.group(2)) and int(b.group(2)) == int(a.group(2)) + 1)


def _parts(run: list[str]) -> list[str]:
    if len(run) < MIN_RUN:
        return run
    first, last = _NUMBERED.match(run[0]), _NUMBERED.match(run[-1])
    assert first is not None and last is not None  # a run of more than one is numbered
    return [f"{first.group(1)}[{first.group(2)}:{last.group(2)}]{first.group(3)}"]


def _count(part: str) -> int:
    """How many hosts a part names."""
    match = re.search(r"\[(\d+):(\d+)\]\D*$", part)
    if match:
        return int(match.group(2)) - int(match.group(1)) + 1
    return 1
