"""Drift from a table of check histories: in sync, drifting since the streak's first check, unknown."""

from __future__ import annotations

import pytest

from corral.history.drift import DRIFTING, IN_SYNC, UNKNOWN, compute_drift


def _obs(rows: list[tuple[str, str, str]], host: str = "web1") -> list[dict[str, str]]:
    """rows: (time, playbook, status), oldest first."""
    return [{"run_id": f"run-{t}", "started": t, "playbook": pb, "host": host, "status": s}
            for t, pb, s in rows]


@pytest.mark.parametrize(
    ("history", "state", "since"),
    [
        ([], UNKNOWN, None),
        ([("t1", "a", "ok")], IN_SYNC, None),
        ([("t1", "a", "changed")], DRIFTING, "t1"),
        ([("t1", "a", "ok"), ("t2", "a", "changed"), ("t3", "a", "changed")], DRIFTING, "t2"),
        # fixed, then drifted again: the streak starts over
        ([("t1", "a", "changed"), ("t2", "a", "ok"), ("t3", "a", "changed")], DRIFTING, "t3"),
        ([("t1", "a", "changed"), ("t2", "a", "ok")], IN_SYNC, None),
        # a check that could not finish neither ends nor starts a streak
        ([("t1", "a", "changed"), ("t2", "a", "unreachable"), ("t3", "a", "changed")], DRIFTING, "t1"),
        ([("t1", "a", "ok"), ("t2", "a", "failed")], IN_SYNC, None),
        ([("t1", "a", "failed"), ("t2", "a", "unreachable")], UNKNOWN, None),
        # check mode could not tell: counts as drift (check exits 2)
        ([("t1", "a", "ok"), ("t2", "a", "unknown")], DRIFTING, "t2"),
        # two playbooks are followed apart: b in sync does not end a's drift
        ([("t1", "a", "changed"), ("t2", "b", "ok"), ("t3", "a", "changed")], DRIFTING, "t1"),
        ([("t1", "a", "changed"), ("t2", "b", "changed"), ("t3", "a", "ok")], DRIFTING, "t2"),
        ([("t1", "a", "changed"), ("t2", "b", "changed")], DRIFTING, "t1"),
    ],
)
def test_drift_table(history, state, since):
    (drift,) = compute_drift(_obs(history), ["web1"])
    assert (drift.state, drift.since) == (state, since)


def test_a_host_never_checked_is_unknown_and_others_are_not_mixed_in():
    observations = _obs([("t1", "a", "changed")], host="web2")
    web1, web2 = compute_drift(observations, ["web1", "web2"])
    assert (web1.state, web1.last_check) == (UNKNOWN, None)
    assert (web2.state, web2.since, web2.last_check) == (DRIFTING, "t1", "t1")


def test_the_drifting_run_is_the_latest_check_of_the_streak():
    (drift,) = compute_drift(_obs([("t1", "a", "changed"), ("t2", "a", "changed")]), ["web1"])
    assert drift.drifting_runs == (("a", "run-t2"),)
