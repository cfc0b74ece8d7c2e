"""A cron-style loop of drift checks on real hosts, with drift injected between checks:
`corral drift` says since when each host drifts, `corral history` lists every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.fleet

TARGET = "/etc/corral-history-test.conf"


@pytest.fixture
def two_hosts(fleet) -> Iterator[list[str]]:
    hosts = fleet.light_hosts[:2]
    assert len(hosts) == 2, "the fleet needs two light hosts"
    yield hosts
    for host in hosts:
        fleet.reset(host)


def _corral(*args: str | Path, history: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CORRAL_HISTORY": str(history)}
    return subprocess.run([sys.executable, "-m", "corral", *map(str, args)], text=True,
                          capture_output=True, timeout=300, env=env)


def test_drift_loop_tells_since_when_and_history_lists_every_run(fleet, two_hosts, tmp_path):
    first, second = two_hosts
    play = tmp_path / "drift.yml"
    play.write_text(f"""- hosts: {first},{second}
  gather_facts: false
  tasks:
    - name: managed config
      copy:
        dest: {TARGET}
        content: "managed = yes\\n"
""")
    history, reports = tmp_path / "history.db", tmp_path / "reports"
    reports.mkdir()

    def run(command: str) -> dict:
        out = _corral(command, play, "-i", fleet.inventory_path, "--report-dir", reports,
                      history=history)
        newest = max(reports.iterdir())  # names start with the time
        data = json.loads(newest.read_text())
        assert data["run"]["exit_code"] == out.returncode, out.stderr
        return data

    def drift() -> dict[str, tuple[str, str | None]]:
        out = _corral("drift", "--json", history=history)
        return {e["host"]: (e["state"], e["since"]) for e in json.loads(out.stdout)}

    def edit(host: str) -> None:
        fleet.exec(host, f"echo 'managed = no' > {TARGET}")

    runs = [run("apply"), run("check")]
    assert [r["run"]["exit_code"] for r in runs] == [0, 0]
    assert drift() == {first: ("in_sync", None), second: ("in_sync", None)}

    edit(second)
    runs += [run("check"), run("check")]
    streak_start = runs[2]["run"]["started"]
    assert [r["drifted"] for r in runs[2:]] == [[second], [second]]
    assert drift() == {first: ("in_sync", None), second: ("drifting", streak_start)}
    assert fleet.exec(second, f"cat {TARGET}").stdout == "managed = no\n", "check mode wrote"
    text = _corral("drift", second, history=history)
    assert text.returncode == 2
    assert f"drifting since {streak_start}" in text.stdout and "changed: " in text.stdout

    runs += [run("apply"), run("check")]
    assert drift() == {first: ("in_sync", None), second: ("in_sync", None)}
    edit(first)
    runs.append(run("check"))
    assert drift() == {first: ("drifting", runs[-1]["run"]["started"]), second: ("in_sync", None)}

    listed = json.loads(_corral("history", "--json", history=history).stdout)
    assert [r["id"] for r in listed] == [r["run"]["id"] for r in runs]
    assert [r["exit_code"] for r in listed] == [0, 0, 2, 2, 0, 0, 2]
    assert [r["command"] for r in listed] == ["apply", "check", "check", "check", "apply", "check",
                                              "check"]
    assert len(list(reports.iterdir())) == 7
    shown = json.loads(_corral("history", "show", listed[2]["id"], "--json", history=history).stdout)
    task = shown["hosts"][second]["tasks"][0]
    assert task["status"] == "changed" and "-managed = no" in task["diff"]["unified"]


def test_events_stream_from_fleet_hosts_while_the_run_goes_on(fleet, two_hosts, tmp_path):
    play = tmp_path / "slow.yml"
    play.write_text(f"""- hosts: {','.join(two_hosts)}
  gather_facts: false
  tasks:
    - name: quick
      command: "true"
      changed_when: false
    - name: slow
      command: sleep 2
      changed_when: false
""")
    env = {**os.environ, "CORRAL_HISTORY": str(tmp_path / "h.db")}
    proc = subprocess.Popen([sys.executable, "-m", "corral", "apply", str(play), "-i",
                             str(fleet.inventory_path), "--events", "-"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    first_results = []
    while len(first_results) < 2:  # both hosts' "quick" results, before "slow" is done
        event = json.loads(proc.stdout.readline())
        if event["event"] == "task_result":
            first_results.append(event)
    assert proc.poll() is None, "the events were written only at the end"
    rest, _ = proc.communicate(timeout=120)
    assert {e["host"] for e in first_results} == set(two_hosts)
    assert {e["task"] for e in first_results} == {"quick"}
    last = json.loads(rest.splitlines()[-1])
    assert (last["event"], last["exit_code"], proc.returncode) == ("run_end", 0, 0)
