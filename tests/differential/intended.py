"""The documented list of differences between ansible-core and corral (intended.yml).

A difference found by the harness fails its case unless an entry of ``intended``
(corral means it) or ``known`` (temporary: a bug being fixed) matches it: ``case``
and ``what`` (one or a list) are shell-style patterns, and every entry has a ``reason``.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

INTENDED_FILE = Path(__file__).resolve().parent / "intended.yml"


@dataclass(frozen=True)
class Entry:
    case: tuple[str, ...]  # patterns of case names
    what: tuple[str, ...]
    reason: str
    temporary: bool

    def matches(self, case: str, what: str) -> bool:
        return any(fnmatch.fnmatchcase(case, p) for p in self.case) and any(
            fnmatch.fnmatchcase(what, pattern) for pattern in self.what)


@dataclass(frozen=True)
class Intended:
    exit_map: dict[int, int]
    check_drift_exit: int
    volatile_keys: frozenset[str]
    entries: tuple[Entry, ...]

    def reason_for(self, case: str, what: str) -> Entry | None:
        return next((e for e in self.entries if e.matches(case, what)), None)


def load_intended(path: Path = INTENDED_FILE) -> Intended:
    data: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
    entries: list[Entry] = []
    for section, temporary in (("intended", False), ("known", True)):
        for raw in data.get(section) or ():
            if not raw.get("reason"):
                raise ValueError(f"{path}: {section} entry {raw!r} has no reason")
            what = raw["what"] if isinstance(raw["what"], list) else [raw["what"]]
            cases = raw["case"] if isinstance(raw["case"], list) else [raw["case"]]
            entries.append(Entry(tuple(str(c) for c in cases), tuple(str(w) for w in what),
                                 str(raw["reason"]), temporary))
    codes = data["exit_codes"]
    return Intended(
        exit_map={int(k): int(v) for k, v in codes["apply"].items()},
        check_drift_exit=int(codes["check_drift"]),
        volatile_keys=frozenset(data["volatile_keys"]["keys"]),
        entries=tuple(entries),
    )
