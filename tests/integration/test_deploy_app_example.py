"""playbooks/deploy_app.yml, the README's app deploy, on fleet systemd hosts.

Releases (tarballs of playbooks/app/) and a wheel the app imports are served from
127.0.0.1 by a web server in this process. Its own fleet of two systemd hosts (group
`app`; serial 1 makes two batches). From clean hosts to a healthy app on both; the
second run changes nothing and `corral check` finds no drift; a new release rolls out;
a broken release fails its health check on the first host, which rolls back to the
release it ran before by itself, and the rollout stops before the second host.
"""

from __future__ import annotations

import functools
import io
import json
import os
import socket
import tarfile
import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral
from engine_support import explain, task
from fleetlib import Fleet, FleetConfig
from pytest_fleet import DEFAULT_PORT, DEFAULT_STATE, FleetHandle

pytestmark = pytest.mark.fleet

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = ROOT / "playbooks" / "deploy_app.yml"
APP = ROOT / "playbooks" / "app" / "app.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _release(folder: Path, version: str, broken: bool = False) -> None:
    source = APP.read_text()
    if broken:
        source = source.replace("if __name__", "raise SystemExit('broken build')\n\nif __name__")
    with tarfile.open(folder / f"hello-{version}.tar.gz", "w:gz") as archive:
        for name, text in (("app.py", source), ("VERSION", version + "\n")):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 1_700_000_000
            archive.addfile(info, io.BytesIO(data))


def _wheel(folder: Path) -> None:
    info = "greeting-1.0.dist-info"
    files = {
        "greeting/__init__.py": "def greet(name):\n    return 'hello, %s' % name\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: greeting\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: corral-test\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{f},,\n" for f in files) + f"{info}/RECORD,,\n"
    (folder / "wheels").mkdir()
    with zipfile.ZipFile(folder / "wheels" / "greeting-1.0-py3-none-any.whl", "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("releases")
    _release(folder, "1.0")
    _release(folder, "2.0")
    _release(folder, "3.0", broken=True)
    _wheel(folder)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def app_fleet(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Two systemd hosts of the test's own (next to the session fleet), in group `app`."""
    state = os.environ.get("CORRAL_FLEET_PYTEST_STATE", DEFAULT_STATE) + "-app"
    port = int(os.environ.get("CORRAL_FLEET_PYTEST_PORT", DEFAULT_PORT)) + 50
    fleet = Fleet(FleetConfig(state_dir=Path(state), base_port=port))
    fleet.down()
    fleet.up(2, 2, Path(state) / "inventory.yml")
    try:
        handle = FleetHandle(fleet, Path(state) / "inventory.yml")
        ports = {host: _free_port() for host in handle.hosts}
        inventory = tmp_path_factory.mktemp("app_inventory") / "app.json"
        inventory.write_text(json.dumps({"all": {
            "vars": {"ansible_user": "root", "ansible_ssh_private_key_file": str(handle.key_path),
                     "corral_known_hosts": str(handle.known_hosts), "release_url": server},
            "children": {"app": {"hosts": {
                host: {"ansible_host": "127.0.0.1", "ansible_port": handle.port(host),
                       "app_port": ports[host]} for host in handle.hosts}}},
        }}))
        yield {"fleet": handle, "inventory": inventory, "ports": ports,
               "hosts": handle.hosts}
    finally:
        fleet.down()


def _deploy(env: dict[str, Any], version: str, command: str = "apply") -> CorralRun:
    return corral(command, PLAYBOOK, "-i", env["inventory"], "-e", f"app_version={version}",
                  timeout=600)


def _health(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as reply:
        return str(reply.read().decode().strip())


def _current(env: dict[str, Any], host: str) -> str:
    return str(env["fleet"].exec(host, "readlink /opt/hello/current").stdout.strip())


def test_deploy_is_healthy_idempotent_and_rolls_back(app_fleet: dict[str, Any]) -> None:
    env = app_fleet
    first = _deploy(env, "1.0")
    assert first.code == 0, explain(first)
    for host in env["hosts"]:
        assert _health(env["ports"][host]) == "ok 1.0"
        with urllib.request.urlopen(f"http://127.0.0.1:{env['ports'][host]}/", timeout=5) as r:
            assert r.read() == b"hello, world\n"

    second = _deploy(env, "1.0")
    assert second.code == 0, explain(second)
    assert all(second.changed(h) == 0 for h in env["hosts"]), explain(second)
    drift = _deploy(env, "1.0", "check")
    assert drift.code == 0, explain(drift)

    upgrade = _deploy(env, "2.0")
    assert upgrade.code == 0, explain(upgrade)
    assert [_health(env["ports"][h]) for h in env["hosts"]] == ["ok 2.0", "ok 2.0"]

    broken = _deploy(env, "3.0")
    assert broken.code == 1, explain(broken)
    first_host, second_host = env["hosts"]
    failed = task(broken, first_host, "Deploy failed")
    assert failed["status"] == "failed"
    assert f"release 3.0 failed its health check on {first_host}; rolled back to 2.0" \
        in failed["msg"]
    assert task(broken, first_host, "Previous release is healthy")["status"] == "ok"
    assert _current(env, first_host) == "/opt/hello/releases/2.0"
    assert _health(env["ports"][first_host]) == "ok 2.0"
    # the rollout stopped: the second batch never saw 3.0
    assert _current(env, second_host) == "/opt/hello/releases/2.0"
    assert _health(env["ports"][second_host]) == "ok 2.0"
    assert env["fleet"].exec(second_host, "test -e /opt/hello/releases/3.0").returncode != 0
