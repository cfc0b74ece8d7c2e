"""A run imports what it uses: the terminal live view (rich), vault crypto, the history
database, and the report writers nobody asked for stay out of the process.

Each case runs the `corral` entry point in a fresh interpreter and prints, at exit,
which of the watched modules were imported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_WATCHED = ("rich", "cryptography", "sqlite3", "corral.history.store", "zipfile",
            "importlib.readers", "corral.report.events_ndjson", "corral.report.junit",
            "corral.report.live_view", "jinja2", "asyncio", "yaml")

_PROBE = f"""
import atexit, sys
atexit.register(lambda: print("loaded:", *sorted(m for m in {_WATCHED!r} if m in sys.modules)))
sys.argv = ["corral", *sys.argv[1:]]
from corral.cli import main
main()
"""


def _loaded(*args: str, code: int = 0) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == code, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded:"), done.stdout
    return set(last.split()[1:])


def _inventory(tmp_path: Path) -> str:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local\n")
    return str(inventory)


def _playbook(tmp_path: Path) -> Path:
    playbook = tmp_path / "play.yml"
    playbook.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                        "    - name: a file\n"
                        "      copy: {content: \"hi {{ inventory_hostname }}\\n\", "
                        f"dest: {tmp_path / 'out.txt'}}}\n")
    return playbook


def test_apply_to_a_pipe_without_history(tmp_path: Path) -> None:
    loaded = _loaded("apply", str(_playbook(tmp_path)), "-i", _inventory(tmp_path), "--no-history",
                     "--report", str(tmp_path / "report.json"))
    assert (tmp_path / "out.txt").read_text() == "hi localhost\n"
    assert loaded == {"jinja2", "asyncio", "yaml"}  # the run needs these, and nothing else


def test_check_records_the_history_with_sqlite_only(tmp_path: Path) -> None:
    loaded = _loaded("check", str(_playbook(tmp_path)), "-i", _inventory(tmp_path),
                     "--history", str(tmp_path / "history.db"), code=2)  # 2: drift
    assert (tmp_path / "history.db").exists()
    assert loaded == {"jinja2", "asyncio", "yaml", "sqlite3", "corral.history.store"}


def test_version_and_help_load_no_engine() -> None:
    assert _loaded("--version") == set()
    assert _loaded("apply", "--help") == set()
