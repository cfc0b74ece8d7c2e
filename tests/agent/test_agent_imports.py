"""What the agent costs a host at start: no site-packages until a user's module asks,
a staging folder made without tempfile, and only the imports every run needs."""

from __future__ import annotations

import ast
import asyncio
import os
from pathlib import Path

import pytest

from .agent_harness import PYTHONS, AgentProcess
from .test_agent_protocol import pack

REPORTS = '''
import sys
from corral.modules._api import Plan

ARGS = {}

def inspect(ctx, args):
    return None

def plan(ctx, args, current):
    return Plan(reason="looked", data={
        "no_site": sys.flags.no_site, "no_user_site": sys.flags.no_user_site,
        "site_imported": "site" in sys.modules,
        "packages_on_path": [p for p in sys.path if p.endswith("-packages")],
        "imported": sorted(sys.modules)})
'''

# Imported by every run; anything else the agent needs is imported where it is used.
_LAZY = ("hashlib", "tempfile", "shutil", "traceback", "difflib", "base64", "random", "typing")


def _report(agent: AgentProcess, **fields: object) -> dict[str, object]:
    response = agent.call("run", module="reports", args={}, check=False, diff=False,
                          **pack(REPORTS), **fields)
    assert response["ok"], response
    data: dict[str, object] = response["result"]["data"]
    return data


def test_a_builtin_module_runs_without_site_packages(agent: AgentProcess) -> None:
    data = _report(agent)
    assert data["no_site"] == 1 and data["site_imported"] is False
    assert data["packages_on_path"] == []


def test_a_user_module_gets_the_hosts_site_packages_but_not_the_users(
        agent: AgentProcess) -> None:
    data = _report(agent, site=True)
    assert data["site_imported"] is True and data["no_user_site"] == 1
    assert data["packages_on_path"], "site.main() adds the interpreter's site-packages"
    user_base = os.path.expanduser("~/.local")
    assert not any(str(p).startswith(user_base) for p in data["packages_on_path"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("python", PYTHONS)
def test_a_rerun_imports_nothing_it_does_not_use(python: str, tmp_path: Path) -> None:
    """On a re-run the agent's and the module's code come from the host's caches."""
    first = AgentProcess(python, home=str(tmp_path))
    _report(first)
    first.close_input()
    again = AgentProcess(python, home=str(tmp_path))
    try:
        packed = pack(REPORTS)
        del packed["source"]
        response = again.call("run", module="reports", args={}, check=False, diff=False,
                              **packed)
        imported = response["result"]["data"]["imported"]
        assert [name for name in _LAZY if name in imported] == []
    finally:
        again.close_input()
        for agent in (first, again):
            for stream in (agent.proc.stdout, agent.proc.stderr):
                if stream is not None:
                    stream.close()


@pytest.mark.parametrize("python", PYTHONS)
def test_staging_is_private_and_honours_tmpdir(python: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    agent = AgentProcess(python, home=str(tmp_path / "home"))
    try:
        staging = Path(agent.hello["staging"])
        assert staging.parent == tmp_path and staging.name.startswith("corral-agent-")
        assert oct(staging.stat().st_mode & 0o777) == "0o700"
        assert agent.close_input() == 0
        assert not staging.exists()
    finally:
        for stream in (agent.proc.stdout, agent.proc.stderr):
            if stream is not None:
                stream.close()


def test_staging_falls_back_to_tempfile_when_tmpdir_is_unusable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    agent = AgentProcess(PYTHONS[0].values[0], home=str(tmp_path / "home"))
    try:
        staging = Path(agent.hello["staging"])
        assert staging.is_dir() and oct(staging.stat().st_mode & 0o777) == "0o700"
    finally:
        agent.close_input()
        for stream in (agent.proc.stdout, agent.proc.stderr):
            if stream is not None:
                stream.close()


MODULES = Path(__file__).resolve().parents[2] / "src" / "corral" / "modules"
# Still imports typing at run time: a type alias (_user_extras);
# remove a name from here when its file puts its typing import under `if False:`.
_TYPING_AT_RUN_TIME = {"_user_extras.py"}
_CONTROLLER_ONLY = {"registry.py", "doc.py", "__init__.py"}


def _imports_typing_at_run_time(tree: ast.Module) -> bool:
    """A top-level import of typing that runs (not one under ``if False:``)."""
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Constant) and node.test.value is False:
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module == "typing":
                return True
            if isinstance(inner, ast.Import) and any(a.name == "typing" for a in inner.names):
                return True
    return False


def test_host_side_files_import_typing_for_type_comments_only() -> None:
    """typing costs each host ~2.5 ms on every run that imports it, and is only read by
    type checkers here: host-side files import it under ``if False:``."""
    paths = [*MODULES.glob("*.py"), *MODULES.parent.joinpath("agent").glob("*.py")]
    offending = sorted(p.name for p in paths
                       if p.name not in _TYPING_AT_RUN_TIME | _CONTROLLER_ONLY
                       and _imports_typing_at_run_time(ast.parse(p.read_text())))
    assert offending == []


def test_the_session_asks_for_site_unless_told_the_module_is_a_builtin() -> None:
    """AgentSession.run defaults to a user's module (site-packages added); the executor
    passes site=False for corral's own modules."""
    from corral.transport.local import LocalConnection

    async def main() -> tuple[object, object]:
        async with LocalConnection() as connection:
            session = await connection.agent()
            builtin = await session.run("reports", REPORTS, {}, check=False, diff=False,
                                        site=False)
            user = await session.run("reports", REPORTS, {}, check=False, diff=False)
            return builtin["data"]["site_imported"], user["data"]["site_imported"]

    assert asyncio.run(main()) == (False, True)
