"""The SSH library is loaded before the run (while the start-up's collector is paused)
when the first host the run reaches uses SSH, and not at all for local plays."""

from __future__ import annotations

import os
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


def test_the_first_hosts_are_dialled_at_their_address(tmp_path: Path) -> None:
    """A host named like an IP address is dialled at its ansible_host, and a play's
    `connection: ssh` does not hide the host's address."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        inventory = tmp_path / "hosts.ini"
        inventory.write_text(f"10.9.9.9 ansible_host=127.0.0.1 ansible_port={port}\n"
                             "web2 ansible_connection=local\n")
        playbook = tmp_path / "play.yml"
        playbook.write_text("- hosts: all\n  gather_facts: false\n  connection: ssh\n"
                            "  tasks:\n    - ping:\n")
        code = _PRELOAD + ("dialled = engine.pool._dialled\n"
                           "print(sorted(dialled), dialled['10.9.9.9'].getpeername()[1])\n")
        done = subprocess.run([sys.executable, "-c", code, str(playbook), str(inventory)],
                              capture_output=True, text=True, check=False,
                              env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False True", f"['10.9.9.9'] {port}"]
