"""The repo's own example, `playbooks/site.yml` on `inventories/local.yml`, on this
machine through the local connection: apply, re-apply changes nothing, check after
drift exits 2, names the drifted tasks and writes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from corral_cli import CorralRun, corral
from engine_support import explain, tasks_with

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "playbooks/site.yml"
LOCAL = REPO / "inventories/local.yml"

TASKS = ["App folder exists", "Config rendered from a template", "Static welcome page copied",
         "Log level set in an existing settings file"]


@pytest.fixture
def app_root() -> Iterator[Path]:
    root = Path(f"/tmp/corral-engtest-{uuid.uuid4().hex[:10]}")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _site(command: str, app_root: Path, *extra: str) -> CorralRun:
    return corral(command, SITE, "-i", LOCAL, "-e", f"app_root={app_root}", *extra)


def _snapshot(root: Path) -> dict[str, tuple[int, int, int, int, str]]:
    """mode, uid, size, mtime_ns and sha256 of everything under root."""
    found: dict[str, tuple[int, int, int, int, str]] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            st = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            found[str(path)] = (st.st_mode, st.st_uid, st.st_size, st.st_mtime_ns, digest)
    return found


def test_local_site_apply_reapply_and_drift_check(app_root):
    app = app_root / "hello"

    first = _site("apply", app_root)
    assert first.code == 0, explain(first)
    assert tasks_with(first, "localhost", "changed") == [*TASKS, "Reload app"]
    assert (app / "app.conf").read_text().startswith("# Managed by corral")
    assert f"root = {app}" in (app / "app.conf").read_text()
    assert "hello from corral" in (app / "index.html").read_text()
    assert (app / "settings.ini").read_text() == "log_level = info\n"
    assert (app / "reloaded").exists()  # the handler ran
    assert oct(app.stat().st_mode & 0o7777) == "0o755"
    assert oct((app / "index.html").stat().st_mode & 0o7777) == "0o644"

    again = _site("apply", app_root)
    assert again.code == 0, explain(again)
    assert again.changed("localhost") == 0
    assert tasks_with(again, "localhost", "ok") == TASKS

    with (app / "app.conf").open("a") as handle:
        handle.write("hand edit\n")
    (app / "index.html").chmod(0o600)
    before = _snapshot(app_root)

    drift = _site("check", app_root)
    assert drift.code == 2, explain(drift)
    assert tasks_with(drift, "localhost", "changed") == TASKS[1:3]
    assert "-hand edit" in drift.stdout  # check shows the diff
    assert _snapshot(app_root) == before, "check mode wrote to the local machine"
