"""The agent's interpreter imports nothing from where it was started or from PYTHON*
variables, through the local connection (the fleet test covers ssh and sudo)."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from corral.transport.local import LocalConnection

from .agent_harness import PYTHONS

PLANTED = ("base64", "json", "zlib", "sitecustomize", "usercustomize")


def _plant(folder: Path, markers: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in PLANTED:
        (folder / f"{name}.py").write_text(
            f"open({str(markers / name)!r}, 'w').write(__file__)\n")


@pytest.mark.parametrize("python", PYTHONS)
def test_nothing_is_imported_from_the_working_dir_or_the_environment(
        python: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    work, home, pypath = tmp_path / "work", tmp_path / "home", tmp_path / "pypath"
    _plant(work, markers)
    _plant(pypath, markers)
    version = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    _plant(home / ".local" / "lib" / f"python{version}" / "site-packages", markers)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PYTHONPATH", str(pypath))
    monkeypatch.setenv("PYTHONUSERBASE", str(home / ".local"))

    async def main() -> str:
        async with LocalConnection(python_interpreter=python) as connection:
            agent = await connection.agent()
            result = await agent.run("where", WHERE, {}, check=False, diff=False)
            return str(result["msg"])

    cwd = asyncio.run(main())
    assert sorted(os.listdir(markers)) == []
    assert cwd == str(work)  # modules run where the agent was started from


WHERE = '''
import os
from corral.modules._api import Plan
def inspect(ctx, args):
    return os.getcwd()
def plan(ctx, args, current):
    return Plan(reason=current)
'''
