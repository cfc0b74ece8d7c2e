"""Helpers for the engine's integration tests: inventories, host snapshots, report queries.

The tests run the real `corral` command (corral_cli.corral) against the session
fleet and then look at the hosts themselves (fleet.exec, via nsenter, not ssh).
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from corral_cli import CorralRun

TEST_ROOT = "/srv/t"


def host_root(test_name: str) -> str:
    """A folder of the test's own on every host (tests share the session's hosts)."""
    return f"{TEST_ROOT}/{test_name}"


def write_inventory(
    path: Path,
    fleet: Any,
    hosts: Iterable[str] | None = None,
    *,
    ports: Mapping[str, int] | None = None,
    known_hosts: Path | str | None = None,
    host_vars: Mapping[str, Mapping[str, Any]] | None = None,
    group_vars: Mapping[str, Any] | None = None,
) -> Path:
    """An inventory like the fleet's (group `fleet`), with ports/vars overridden per host.

    Written as JSON, which is YAML: no quoting surprises.
    """
    entries: dict[str, dict[str, Any]] = {}
    for host in hosts if hosts is not None else fleet.hosts:
        entry: dict[str, Any] = {"ansible_host": "127.0.0.1",
                                 "ansible_port": (ports or {}).get(host, fleet.port(host))}
        entry.update((host_vars or {}).get(host, {}))
        entries[host] = entry
    data = {"all": {
        "vars": {"ansible_user": "root",
                 "ansible_ssh_private_key_file": str(fleet.key_path),
                 "corral_known_hosts": str(known_hosts or fleet.known_hosts),
                 **(group_vars or {})},
        "children": {"fleet": {"hosts": entries}},
    }}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def on_hosts(fleet: Any, script: str, hosts: Iterable[str] | None = None) -> None:
    """Run a shell script as root on every host (or on `hosts`); fail loudly."""
    for host in hosts if hosts is not None else fleet.hosts:
        done = fleet.exec(host, script)
        assert done.returncode == 0, f"{host}: {script!r} failed: {done.stderr}"


def remove_on_hosts(fleet: Any, *paths: str) -> None:
    words = " ".join(shlex.quote(p) for p in paths)
    for host in fleet.hosts:
        fleet.exec(host, f"rm -rf {words}")


def snapshot(fleet: Any, host: str, root: str) -> str:
    """Everything a write could change under root: kind, mode, owner, size, mtime, ctime,
    link target, and the sha256 of every file. Equal snapshots: nothing was written."""
    quoted = shlex.quote(root)
    script = (
        f"if [ ! -e {quoted} ]; then echo missing; exit 0; fi; "
        f"find {quoted} -printf '%p %y %m %u %g %s %T@ %C@ %l\\n' | LC_ALL=C sort; "
        f"find {quoted} -type f -exec sha256sum {{}} + | LC_ALL=C sort"
    )
    done = fleet.exec(host, script)
    assert done.returncode == 0, done.stderr
    return done.stdout


def snapshots(fleet: Any, root: str, hosts: Iterable[str] | None = None) -> dict[str, str]:
    return {h: snapshot(fleet, h, root) for h in (hosts if hosts is not None else fleet.hosts)}


def assert_unchanged(before: Mapping[str, str], after: Mapping[str, str], what: str) -> None:
    """Equal snapshots, or a failure that shows only the lines that moved, per host."""
    changed = {}
    for host in sorted(set(before) | set(after)):
        old, new = before.get(host, "").splitlines(), after.get(host, "").splitlines()
        if old != new:
            changed[host] = [line for line in difflib.unified_diff(old, new, lineterm="", n=0)
                             if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert not changed, f"{what}:\n" + "\n".join(
        f"{host}:\n  " + "\n  ".join(lines) for host, lines in changed.items())


def read_file(fleet: Any, host: str, path: str) -> str:
    done = fleet.exec(host, ["cat", path])
    assert done.returncode == 0, f"{host}: cannot read {path}: {done.stderr}"
    return done.stdout


def stat_line(fleet: Any, host: str, path: str) -> str:
    """`KIND MODE OWNER GROUP` (find's %y %m %u %g), or 'missing'."""
    done = fleet.exec(host, ["find", path, "-maxdepth", "0", "-printf", "%y %m %u %g"])
    return done.stdout if done.returncode == 0 else "missing"


def exists(fleet: Any, host: str, path: str) -> bool:
    return fleet.exec(host, ["test", "-e", path]).returncode == 0


def tasks_with(run: CorralRun, host: str, status: str) -> list[str]:
    """Names of the host's tasks that ended with `status`, in order."""
    return [t["name"] for t in run.host(host)["tasks"] if t["status"] == status]


def task(run: CorralRun, host: str, name: str) -> dict[str, Any]:
    matches = [t for t in run.host(host)["tasks"] if t["name"] == name]
    assert len(matches) == 1, f"{host}: {len(matches)} tasks named {name!r}: {run.host(host)}"
    return dict(matches[0])


def recap_line(run: CorralRun, host: str) -> str:
    """`host : ok=N changed=N ...`, without the padding that aligns the recap's names."""
    lines = [re.sub(r"\s+:", " :", line, count=1) for line in run.stdout.splitlines()
             if re.match(rf"{re.escape(host)}\s+: ok=", line)]
    assert len(lines) == 1, f"no single recap line for {host} in:\n{run.stdout}"
    return lines[0]


def explain(run: CorralRun) -> str:
    """Everything worth seeing when an assertion on a run fails."""
    return f"exit {run.code}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"


def wait_until(predicate: Any, timeout: float = 10.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
