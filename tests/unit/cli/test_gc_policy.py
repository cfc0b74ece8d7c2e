"""The `corral` process pauses the garbage collector while it starts, freezes what the
start built, and resumes it for the run; `import corral` leaves the collector alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PLAYBOOK = "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: hi}\n"

# Runs the `corral` entry point; prints, at the very end of the process, whether the
# collector ran after the entry point began (it imports gc_policy first thing) and
# before the engine was loaded, whether it is on, and what was frozen.
_PROBE = """
import atexit, gc, sys
early = []
gc.callbacks.append(lambda phase, info: phase == "start" and early.append(
    "corral.cli.gc_policy" in sys.modules and "corral.executor.engine" not in sys.modules))
atexit.register(lambda: print("early", any(early), "enabled", gc.isenabled(),
                              "frozen", gc.get_freeze_count() > 0, flush=True))
sys.argv = ["corral", *sys.argv[1:]]
from corral.cli import main
main()
"""


def _corral(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                          text=True, check=False, timeout=120)


def _probe_line(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout.strip().splitlines()[-1]


def test_a_run_starts_without_collections_then_resumes_the_collector(tmp_path: Path) -> None:
    playbook = tmp_path / "play.yml"
    playbook.write_text(_PLAYBOOK)
    done = _corral("apply", str(playbook), "-i", "localhost,", "--no-history")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: [localhost] => hi" in done.stdout
    assert _probe_line(done) == "early False enabled True frozen True"


def test_a_command_without_hosts_resumes_the_collector(tmp_path: Path) -> None:
    done = _corral("inventory", "-i", "web1,web2,")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == ["web1", "web2"]
    assert _probe_line(done).endswith("enabled True frozen True")


def test_importing_corral_leaves_the_collector_on() -> None:
    code = ("import gc\n"
            "import corral.cli, corral.cli.main, corral.cli.apply_cmd, corral.executor.engine\n"
            "print(gc.isenabled(), gc.get_freeze_count())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["True", "0"]


def test_paused_collector_resumes_once_and_keeps_a_disabled_collector_off() -> None:
    code = ("import gc\n"
            "from corral.cli.gc_policy import PausedCollector\n"
            "paused = PausedCollector(); print(gc.isenabled())\n"
            "paused.resume(); print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
            "gc.unfreeze(); paused.resume(); print(gc.get_freeze_count())\n"
            "gc.disable(); PausedCollector().resume(); print(gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "True", "True", "0", "False"]


def test_a_big_start_is_collected_before_it_is_frozen() -> None:
    """Cycles a big load left are freed, not frozen for the run; a small start is frozen
    without a collection."""
    code = ("import gc\n"
            "from corral.cli.gc_policy import COLLECT_FIRST_ABOVE, PausedCollector\n"
            "runs = []\n"
            "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(1))\n"
            "paused = PausedCollector()\n"
            "keep = [[] for _ in range(1000)]\n"
            "paused.resume(); print(len(runs))\n"
            "gc.unfreeze(); gc.disable(); runs.clear()\n"
            "paused = PausedCollector()\n"
            "for _ in range(COLLECT_FIRST_ABOVE // 2 + 1000):\n"
            "    cycle = []; cycle.append(cycle); twin = {}; twin['me'] = twin\n"
            "del cycle, twin\n"
            "paused.resume(); print(len(runs), gc.get_freeze_count() < COLLECT_FIRST_ABOVE // 2)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["0", "1", "True"]
