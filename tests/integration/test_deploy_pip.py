"""pip on a fleet host, offline: tiny wheels written by hand on the host, installed with
``--no-index --find-links``; virtualenvs made three ways (the default command, which
falls back to ``python3 -m venv``; ``virtualenv_command``; ``virtualenv_python``); a
second run changes nothing; check mode writes nothing; upgrade, pin, remove."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import assert_unchanged, explain, host_root, snapshot, task

pytestmark = pytest.mark.fleet

ROOT = host_root("deploy_pip")
WHEELS = f"{ROOT}/wheels"
EXTRA = f"--no-index --find-links {WHEELS}"

# A wheel is a zip: the package, METADATA, WHEEL and RECORD (no hashes needed).
MAKE_WHEELS = f"""\
import os, zipfile
os.makedirs("{WHEELS}", exist_ok=True)
def wheel(name, version):
    info = "%s-%s.dist-info" % (name, version)
    files = {{
        "%s/__init__.py" % name: "VERSION = %r\\n" % version,
        info + "/METADATA": "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (name, version),
        info + "/WHEEL": "Wheel-Version: 1.0\\nGenerator: corral-test\\nRoot-Is-Purelib: true\\n"
                         "Tag: py3-none-any\\n",
    }}
    files[info + "/RECORD"] = "".join("%s,,\\n" % f for f in files) + info + "/RECORD,,\\n"
    path = "{WHEELS}/%s-%s-py3-none-any.whl" % (name, version)
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in sorted(files.items()):
            archive.writestr(member, text)
for version in ("1.0", "2.0"):
    wheel("corraldemo", version)
wheel("corral_extra", "0.1")
"""

PLAYBOOK = f"""\
- hosts: HOST
  gather_facts: false
  tasks:
    - name: pinned, default virtualenv command
      pip: {{name: "corraldemo==1.0", virtualenv: {ROOT}/venv1, extra_args: "{EXTRA}"}}
      register: pinned
    - name: latest, python3 -m venv
      pip:
        name: [corraldemo, Corral-Extra]
        state: latest
        virtualenv: {ROOT}/venv2
        virtualenv_command: python3 -m venv
        extra_args: "{EXTRA}"
    - name: version, virtualenv_python
      pip:
        name: corraldemo
        version: "1.0"
        virtualenv: {ROOT}/venv3
        virtualenv_command: /usr/bin/python3 -m venv
        virtualenv_python: python3
        extra_args: "{EXTRA}"
    - name: requirements
      pip: {{requirements: {ROOT}/req.txt, virtualenv: {ROOT}/venv1, extra_args: "{EXTRA}"}}
    - name: show
      debug: {{msg: "cmd={{{{ pinned.cmd }}}} venv={{{{ pinned.virtualenv }}}}"}}
"""


def _versions(fleet: Any, host: str, venv: str) -> str:
    done = fleet.exec(host, f"{ROOT}/{venv}/bin/pip list --format=freeze 2>/dev/null | "
                            "grep -i corral | LC_ALL=C sort | tr '\\n' ' '")
    return done.stdout.strip()


@pytest.fixture(scope="module")
def setup(fleet: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    host = fleet.light_hosts[0]
    done = fleet.exec(host, f"rm -rf {ROOT} && mkdir -p {ROOT} && python3 - && "
                            f"echo corral_extra >> {ROOT}/req.txt", input=MAKE_WHEELS)
    assert done.returncode == 0, done.stderr
    folder = tmp_path_factory.mktemp("deploy_pip")
    yield {"host": host, "play": write_playbook(folder, PLAYBOOK.replace("HOST", host)), "folder": folder}


def _apply(fleet: Any, play: Path, host: str, *extra: str) -> CorralRun:
    return corral("apply", play, "-i", fleet.inventory_path, "--limit", host, *extra)


def test_install_three_ways(fleet: Any, setup: dict[str, Any]) -> None:
    host, play = setup["host"], setup["play"]
    before = snapshot(fleet, host, ROOT)
    check = _apply(fleet, play, host, "--check")
    assert check.code == 2, explain(check)
    assert [t["status"] for t in check.host(host)["tasks"]][:4] == ["changed"] * 4, explain(check)
    assert_unchanged({host: before}, {host: snapshot(fleet, host, ROOT)}, "check mode wrote")

    first = _apply(fleet, play, host)
    assert first.code == 0 and first.changed(host) == 4, explain(first)
    assert _versions(fleet, host, "venv1") == "corral_extra==0.1 corraldemo==1.0"
    assert _versions(fleet, host, "venv2") == "corral_extra==0.1 corraldemo==2.0"
    assert _versions(fleet, host, "venv3") == "corraldemo==1.0"
    shown = task(first, host, "show")["msg"]
    assert f"venv={ROOT}/venv1" in shown and "install" in shown and "corraldemo==1.0" in shown

    second = _apply(fleet, play, host)
    assert second.code == 0 and second.changed(host) == 0, explain(second)
    assert "already" in task(second, host, "requirements")["msg"]


def test_upgrade_pin_and_remove(fleet: Any, setup: dict[str, Any]) -> None:
    host, folder = setup["host"], setup["folder"]
    assert _apply(fleet, setup["play"], host).code == 0
    play = write_playbook(folder, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: upgrade
      pip: {{name: "corraldemo>=2", virtualenv: {ROOT}/venv1, extra_args: "{EXTRA}"}}
    - name: remove
      pip: {{name: corral-extra, state: absent, virtualenv: {ROOT}/venv2}}
""", "change.yml")
    before = snapshot(fleet, host, ROOT)
    check = _apply(fleet, play, host, "--check")
    assert check.code == 2 and check.changed(host) == 2, explain(check)
    assert_unchanged({host: before}, {host: snapshot(fleet, host, ROOT)}, "check mode wrote")
    done = _apply(fleet, play, host)
    assert done.code == 0 and done.changed(host) == 2, explain(done)
    assert _versions(fleet, host, "venv1") == "corral_extra==0.1 corraldemo==2.0"
    assert _versions(fleet, host, "venv2") == "corraldemo==2.0"
    again = _apply(fleet, play, host)
    assert again.code == 0 and again.changed(host) == 0, explain(again)


def test_unknown_package_names_host_and_cause(fleet: Any, setup: dict[str, Any]) -> None:
    host = setup["host"]
    play = write_playbook(setup["folder"], f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: missing
      pip: {{name: nosuchpackage, virtualenv: {ROOT}/venv1, extra_args: "{EXTRA}"}}
""", "bad.yml")
    run = _apply(fleet, play, host)
    assert run.code == 1, explain(run)
    msg = task(run, host, "missing")["msg"]
    assert "No matching distribution found for nosuchpackage" in msg, msg
    assert host in run.stdout


def test_system_python_needs_break_system_packages(fleet: Any, setup: dict[str, Any]) -> None:
    host = setup["host"]
    play = write_playbook(setup["folder"], f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: refused
      pip: {{name: corral_extra, extra_args: "{EXTRA}"}}
      ignore_errors: true
    - name: system
      pip: {{name: corral_extra, extra_args: "{EXTRA}", break_system_packages: true}}
""", "system.yml")
    try:
        run = _apply(fleet, play, host)
        assert "break_system_packages: true" in task(run, host, "refused")["msg"], explain(run)
        assert task(run, host, "system")["status"] == "changed", explain(run)
        assert fleet.exec(host, "python3 -c 'import corral_extra'").returncode == 0
        again = _apply(fleet, play, host)
        assert task(again, host, "system")["status"] == "ok", explain(again)
    finally:
        fleet.exec(host, "pip3 uninstall -y --break-system-packages corral_extra")
