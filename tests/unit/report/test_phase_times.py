"""`--stats` phases: laps of the wall and CPU clocks, the run split by when the hosts
were up, and a table whose totals add up the whole phases."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corral.report.phase_times import Phase, PhaseClock, process_age, render_phases


def test_process_age_is_the_time_since_the_process_started() -> None:
    code = ("import time; time.sleep(0.3)\n"
            "from corral.report.phase_times import process_age\nprint(process_age())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    age = float(done.stdout)
    assert 0.3 <= age < 5.0  # to a clock tick (10 ms)
    mine = process_age()
    assert mine is not None and mine > 0.0


def test_laps_measure_wall_and_cpu_and_the_run_is_split() -> None:
    clock = PhaseClock()
    start = clock.phases[0]
    assert start.name == "start-up" and start.cpu is not None and start.cpu > 0.0
    time.sleep(0.05)
    loading = clock.lap("loading")
    assert loading.wall is not None and loading.wall >= 0.05
    assert loading.cpu is not None and loading.cpu < 0.05  # sleeping is no CPU
    end = time.process_time() + 0.02
    while time.process_time() < end:
        pass
    run = clock.lap("run")
    assert run.cpu is not None and run.cpu >= 0.02
    clock.split_run(Phase("run", 1.0, 0.5), connected_after=0.25, closing=0.125)
    assert [(p.name, p.wall, p.part) for p in clock.phases[-3:]] == [
        ("connect", 0.25, True), ("tasks", 0.625, True), ("closing", 0.125, True)]


def test_the_table_adds_up_the_whole_phases_only() -> None:
    phases = [Phase("start-up", 0.25, 0.25, "interpreter, imports, options"),
              Phase("loading", 0.125, 0.125),
              Phase("run", 0.5, 0.25),
              Phase("connect", 0.375, None, "until every host's agent was up", True),
              Phase("tasks", 0.125, None, "", True),
              Phase("report", 0.0625, 0.0625)]
    assert render_phases(phases).splitlines() == [
        "PHASES (controller)",
        "phase                  wall s    CPU s",
        "start-up                0.250    0.250  interpreter, imports, options",
        "loading                 0.125    0.125",
        "run                     0.500    0.250",
        "  connect               0.375        -  until every host's agent was up",
        "  tasks                 0.125        -",
        "report                  0.062    0.062",
        "total                   0.938    0.688  this process, until now",
    ]


def test_unknown_start_up_wall_leaves_the_total_wall_unknown() -> None:
    table = render_phases([Phase("start-up", None, 0.25), Phase("loading", 0.5, 0.5)])
    assert table.splitlines()[-1] == "total                       -    0.750  this process, until now"


def test_apply_with_stats_prints_every_phase(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local\n")
    playbook = tmp_path / "play.yml"
    playbook.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n"
                        f"    - file: {{path: {tmp_path / 'made'}, state: directory}}\n")
    done = subprocess.run(
        [sys.executable, "-m", "corral", "apply", str(playbook), "-i", str(inventory),
         "--stats", "--no-history", "--report", str(tmp_path / "report.json")],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout.split("PHASES (controller)\n", 1)[1].splitlines()
    names = [line[:20].strip() for line in table[1:]]
    assert names == ["start-up", "loading", "run", "connect", "tasks", "closing", "report",
                     "total"]
    start_up = table[1].split()
    assert 0.0 < float(start_up[1]) < 30.0 and 0.0 < float(start_up[2]) < 30.0
    assert done.stdout.index("STATS\n") < done.stdout.index("PHASES (controller)")


def test_the_bench_reads_the_phase_table_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/bench shows the phases of its --stats run: it parses what render_phases writes."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "bench"))
    from benchlib.runner import parse_phases

    table = render_phases([Phase("start-up", 0.25, 0.25, "interpreter"),
                           Phase("connect", 0.5, None, "until", True),
                           Phase("report", None, 0.125)])
    assert parse_phases("STATS\nhost\n\n" + table + "\n") == {
        "start-up": (0.25, 0.25), "connect": (0.5, None), "report": (None, 0.125),
        "total": (None, 0.375)}
    assert parse_phases("no table") == {}
