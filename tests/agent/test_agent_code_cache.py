"""The host keeps the agent's compiled code (corral.agent.start): used only when it is
intact, private and made by this Python for these sources; otherwise recompiled."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from corral.agent import start
from corral.transport.bootstrap import agent_payload, loader_command
from corral.transport.framing import READY_LINE

from .agent_harness import PYTHONS, AgentProcess

START = Path(start.__file__)

# Run by the Python under test: writes a cache entry whose code creates a marker file.
_FORGE = """
import marshal, sys
ns = {"__name__": "forge"}
exec(open(sys.argv[1]).read(), ns)
path, marker, how = sys.argv[2], sys.argv[3], sys.argv[4]
code = compile("open(%r, 'w').close()" % marker, "forged", "exec")
body = marshal.dumps((code, code))
magic = ns["_magic"]()
if how == "other-python":
    magic = bytes([magic[0] ^ 1]) + magic[1:]
digest = ns["_sha256"](body)
if how == "wrong-hash":
    digest = bytes(32)
with open(path, "wb") as handle:
    handle.write(ns["FORMAT"] + magic + digest + body)
"""


def _start_and_stop(python: str, home: Path) -> None:
    agent = AgentProcess(python, home=str(home))
    assert agent.close_input() == 0
    for stream in (agent.proc.stdout, agent.proc.stderr):
        if stream is not None:
            stream.close()


def _entry(home: Path) -> Path:
    entries = list(home.glob(".cache/corral/agent/*/*.code"))
    assert len(entries) == 1, entries
    return entries[0]


def _forge(python: str, entry: Path, marker: Path, how: str) -> bytes:
    subprocess.run([python, "-I", "-c", _FORGE, str(START), str(entry), str(marker), how],
                   check=True)
    return entry.read_bytes()


def _raw_start(python: str, home: Path) -> tuple[int, bytes]:
    """Start the loader without expecting a hello: (exit code, stderr)."""
    env = dict(os.environ, HOME=str(home))
    proc = subprocess.run(loader_command(python), shell=True, input=agent_payload(),
                          capture_output=True, env=env, timeout=30)
    assert proc.stdout.startswith(READY_LINE)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize("python", PYTHONS)
def test_the_compiled_agent_is_kept_private_and_reused(python: str, tmp_path: Path) -> None:
    _start_and_stop(python, tmp_path)
    entry = _entry(tmp_path)
    assert oct(entry.stat().st_mode & 0o777) == "0o600"
    assert oct(entry.parent.stat().st_mode & 0o777) == "0o700"
    marker = tmp_path / "forged-ran"
    _forge(python, entry, marker, "right")
    code, _ = _raw_start(python, tmp_path)  # an intact entry is what runs (it is no agent)
    assert marker.exists() and code != 0


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("how", ["wrong-hash", "other-python"])
def test_a_changed_or_foreign_entry_is_not_used_and_is_rewritten(
        python: str, how: str, tmp_path: Path) -> None:
    _start_and_stop(python, tmp_path)
    entry = _entry(tmp_path)
    good = entry.read_bytes()
    marker = tmp_path / "forged-ran"
    _forge(python, entry, marker, how)
    _start_and_stop(python, tmp_path)
    assert not marker.exists()
    assert entry.read_bytes() == good


@pytest.mark.parametrize("loosen", ["folder", "file"])
def test_an_entry_others_may_write_is_not_used(loosen: str, tmp_path: Path) -> None:
    python = PYTHONS[0].values[0]
    _start_and_stop(python, tmp_path)
    entry = _entry(tmp_path)
    marker = tmp_path / "forged-ran"
    _forge(python, entry, marker, "right")
    os.chmod(entry.parent if loosen == "folder" else entry, 0o777 if loosen == "folder" else 0o666)
    _start_and_stop(python, tmp_path)
    assert not marker.exists()


def test_a_symlinked_entry_is_not_used(tmp_path: Path) -> None:
    python = PYTHONS[0].values[0]
    _start_and_stop(python, tmp_path)
    entry = _entry(tmp_path)
    elsewhere = tmp_path / "elsewhere.code"
    marker = tmp_path / "forged-ran"
    _forge(python, elsewhere, marker, "right")
    entry.unlink()
    entry.symlink_to(elsewhere)
    _start_and_stop(python, tmp_path)
    assert not marker.exists()


def test_a_new_corral_version_replaces_the_old_entry(tmp_path: Path) -> None:
    """After an upgrade the sources, so the key, differ: the old entry is never looked
    up again, and is removed when the new one is stored."""
    python = PYTHONS[0].values[0]
    _start_and_stop(python, tmp_path)
    entry = _entry(tmp_path)
    old = entry.with_name("0" * 64 + ".code")
    entry.rename(old)
    _start_and_stop(python, tmp_path)
    assert _entry(tmp_path) == entry and not old.exists()


def test_sources_that_do_not_match_their_key_are_refused(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(RuntimeError, match="do not match"):
        start.start("0" * 64, "def main(api):\n    pass\n", "")
    assert not list(tmp_path.glob(".cache/corral/agent/*/*.code"))
