"""The SSH library is loaded before the run (while the start-up's collector is paused)
when the first host the run reaches uses SSH, and not at all for local plays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_PRELOAD = """
import io, sys
from pathlib import Path
from corral.cli.loading import load_run_input
from corral.executor.engine import Engine
from corral.executor.options import RunOptions
from corral.report.console import ConsoleEvents
loaded = load_run_input(Path(sys.argv[1]), [sys.argv[2]])
engine = Engine(loaded.inventory, loaded.registry, RunOptions(), ConsoleEvents(io.StringIO()))
before = "asyncssh" in sys.modules
engine.preload_transport(loaded.playbook)
print(before, "asyncssh" in sys.modules)
"""


@pytest.mark.parametrize(("host", "play_keywords", "loaded"), [
    ("web1 ansible_host=127.0.0.1 ansible_port=1", "", "False True"),
    ("web1 ansible_connection=local", "", "False False"),
    ("web1 ansible_host=127.0.0.1 ansible_port=1", "  connection: local\n", "False False"),
    ("web1 ansible_port=not-a-port", "", "False False"),  # broken vars fail in the run
])
def test_preload(tmp_path: Path, host: str, play_keywords: str, loaded: str) -> None:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(host + "\n")
    playbook = tmp_path / "play.yml"
    playbook.write_text("- hosts: all\n  gather_facts: false\n" + play_keywords
                        + "  tasks:\n    - ping:\n")
    done = subprocess.run([sys.executable, "-c", _PRELOAD, str(playbook), str(inventory)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == loaded
