"""Per host: in sync, drifting since when, or unknown — computed from the check runs.

Each check run tells, for each of its hosts, one of: in sync (``ok``), drift
(``changed`` or ``unknown``: check found something to change, or could not tell),
or nothing (``failed``, ``unreachable``, ``aborted``, ``interrupted``, ``never_touched``:
the check did not finish on that host, so it neither ends nor starts a streak). Drift is followed per
(host, playbook), since two playbooks describe different things; a host drifts when
any of its playbooks does, since the start of the oldest such streak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

IN_SYNC = "in_sync"
DRIFTING = "drifting"
UNKNOWN = "unknown"

_DRIFT = frozenset({"changed", "unknown"})
_SYNC = frozenset({"ok"})


@dataclass
class _Streak:
    state: str = UNKNOWN
    since: str | None = None  # the first check of the current drift streak
    run_id: str | None = None  # the latest check that told something


@dataclass(frozen=True)
class HostDrift:
    host: str
    state: str  # in_sync, drifting or unknown
    since: str | None = None
    last_check: str | None = None
    last_status: str | None = None
    drifting_runs: tuple[tuple[str | None, str], ...] = ()  # (playbook, latest run id)
    playbooks: tuple[str | None, ...] = field(default_factory=tuple)


def _follow(observations: Iterable[Mapping[str, Any]]) -> dict[str, dict[str | None, _Streak]]:
    streaks: dict[str, dict[str | None, _Streak]] = {}
    for obs in observations:  # oldest first
        streak = streaks.setdefault(obs["host"], {}).setdefault(obs["playbook"], _Streak())
        if obs["status"] in _DRIFT:
            if streak.state != DRIFTING:
                streak.since = obs["started"]
            streak.state, streak.run_id = DRIFTING, obs["run_id"]
        elif obs["status"] in _SYNC:
            streak.state, streak.since, streak.run_id = IN_SYNC, None, obs["run_id"]
    return streaks


def compute_drift(observations: Sequence[Mapping[str, Any]], hosts: Iterable[str]) -> list[HostDrift]:
    """``observations``: check runs' host rows oldest first (run_id, started, playbook, host,
    status). ``hosts``: every host to report on; one never checked is unknown."""
    streaks = _follow(observations)
    last: dict[str, Mapping[str, Any]] = {obs["host"]: obs for obs in observations}
    out = []
    for host in hosts:
        per_playbook = streaks.get(host, {})
        drifting = {pb: s for pb, s in per_playbook.items() if s.state == DRIFTING}
        latest = last.get(host)
        state = IN_SYNC if any(s.state == IN_SYNC for s in per_playbook.values()) else UNKNOWN
        out.append(HostDrift(
            host, DRIFTING if drifting else state,
            since=min(s.since or "" for s in drifting.values()) or None if drifting else None,
            last_check=latest["started"] if latest else None,
            last_status=latest["status"] if latest else None,
            drifting_runs=tuple((pb, s.run_id or "") for pb, s in drifting.items()),
            playbooks=tuple(per_playbook)))
    return out
