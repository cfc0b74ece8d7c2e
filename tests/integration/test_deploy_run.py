"""raw, script, slurp and fetch on fleet hosts, and a host without Python: corral says so
in words, while raw (no agent, no Python) and gather_facts: false still work, so that
`raw` can bootstrap the host."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import (
    assert_unchanged,
    explain,
    host_root,
    read_file,
    snapshot,
    task,
    write_inventory,
)

pytestmark = pytest.mark.fleet

ROOT = host_root("deploy_run")
HIDDEN = "/usr/bin/python3.corral-hidden"


def _apply(fleet: Any, play: Path, host: str, *extra: str) -> CorralRun:
    return corral("apply", play, "-i", fleet.inventory_path, "--limit", host, *extra)


def _play(folder: Path, host: str, tasks: str, name: str, facts: bool = False) -> Path:
    head = f"- hosts: {host}\n  gather_facts: {'true' if facts else 'false'}\n  tasks:\n"
    return write_playbook(folder, head + tasks, name)


@pytest.fixture(scope="module")
def host(fleet: Any) -> str:
    name: str = fleet.light_hosts[0]
    done = fleet.exec(name, f"rm -rf {ROOT} && mkdir -p {ROOT}")
    assert done.returncode == 0, done.stderr
    return name


@pytest.fixture
def no_python(fleet: Any, host: str) -> Iterator[str]:
    """The host with python3 out of reach (renamed), restored afterwards whatever happens."""
    done = fleet.exec(host, f"mv /usr/bin/python3 {HIDDEN}")
    assert done.returncode == 0, done.stderr
    try:
        yield host
    finally:
        fleet.exec(host, f"test -e {HIDDEN} && mv {HIDDEN} /usr/bin/python3; true")


def test_host_without_python_is_named_and_raw_bootstraps_it(
        fleet: Any, no_python: str, tmp_path: Path) -> None:
    host = no_python
    facts = _play(tmp_path, host, "    - ping:\n", "facts.yml", facts=True)
    run = _apply(fleet, facts, host)
    assert run.code == 3, explain(run)
    assert host in run.stdout and "no Python was found on the host" in run.stdout, explain(run)

    bootstrap = _play(tmp_path, host, f"""\
    - name: probe
      raw: echo "hello from $(hostname)"; test -x /usr/bin/python3
      register: probe
      failed_when: false
    - name: install python
      raw: test -x /usr/bin/python3 || mv {HIDDEN} /usr/bin/python3
      when: probe.rc != 0
    - name: with python
      command: python3 -c "print(6 * 7)"
      register: answer
    - name: show
      debug: {{msg: "probe={{{{ probe.stdout_lines[0] }}}} rc={{{{ probe.rc }}}} answer={{{{ answer.stdout }}}}"}}
""", "bootstrap.yml")
    check = _apply(fleet, bootstrap, host, "--check")
    assert task(check, host, "probe")["status"] == "skipped", explain(check)
    assert fleet.exec(host, f"test -e {HIDDEN}").returncode == 0, "check mode ran raw"

    done = _apply(fleet, bootstrap, host)
    assert done.code == 0, explain(done)
    assert task(done, host, "install python")["status"] == "changed"
    assert f"probe=hello from {host} rc=1 answer=42" in task(done, host, "show")["msg"]
    again = _apply(fleet, bootstrap, host)
    assert again.code == 0 and task(again, host, "install python")["status"] == "skipped"


def test_raw_failure_and_executable(fleet: Any, host: str, tmp_path: Path) -> None:
    play = _play(tmp_path, host, """\
    - name: bash
      raw: echo "$BASH_VERSION" | cut -c1
      args: {executable: /bin/bash}
      register: shell
    - name: fails
      raw: echo oops >&2; exit 3
      ignore_errors: true
      register: failing
    - name: show
      debug: {msg: "bash={{ shell.stdout | trim }} rc={{ failing.rc }} err={{ failing.stderr | trim }}"}
""", "raw.yml")
    run = _apply(fleet, play, host)
    assert "bash=5 rc=3 err=oops" in task(run, host, "show")["msg"], explain(run)
    assert "non-zero return code 3" in task(run, host, "fails")["msg"]


def test_script_runs_with_args_once(fleet: Any, host: str, tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    script = tmp_path / "files" / "setup.sh"
    script.write_text(f"#!/bin/sh\nset -e\necho \"$1 $2\" > {ROOT}/marker\necho made \"$@\"\n")
    play = _play(tmp_path, host, f"""\
    - name: script
      script: setup.sh first "second word" creates={ROOT}/marker chdir=/tmp
      register: out
    - name: python script
      script: hello.py
      args: {{executable: python3}}
      register: py
    - name: show
      debug: {{msg: "out={{{{ out.stdout | default('') }}}} py={{{{ py.stdout }}}}"}}
""", "script.yml")
    (tmp_path / "files" / "hello.py").write_text("import os\nprint('py', os.getcwd() != '')\n")
    before = snapshot(fleet, host, ROOT)
    check = _apply(fleet, play, host, "--check")
    assert task(check, host, "script")["status"] == "changed", explain(check)
    assert_unchanged({host: before}, {host: snapshot(fleet, host, ROOT)}, "check mode wrote")

    first = _apply(fleet, play, host)
    assert first.code == 0, explain(first)
    assert read_file(fleet, host, f"{ROOT}/marker") == "first second word\n"
    assert "out=made first second word py=py True" in task(first, host, "show")["msg"]
    second = _apply(fleet, play, host)
    assert task(second, host, "script")["status"] == "ok", explain(second)
    assert "marker exists" in task(second, host, "script")["msg"]


def test_slurp_and_fetch(fleet: Any, host: str, tmp_path: Path) -> None:
    done = fleet.exec(host, f"printf 'secret=1\\n' > {ROOT}/app.conf")
    assert done.returncode == 0
    dest = tmp_path / "fetched"
    play = _play(tmp_path, host, f"""\
    - name: slurp
      slurp: {{src: {ROOT}/app.conf}}
      register: conf
    - name: fetch
      fetch: {{src: {ROOT}/app.conf, dest: {dest}}}
      register: got
    - name: fetch flat
      fetch: {{src: {ROOT}/app.conf, dest: {dest}/flat/, flat: true}}
    - name: missing
      fetch: {{src: {ROOT}/nothing, dest: {dest}, fail_on_missing: false}}
    - name: show
      debug: {{msg: "text={{{{ conf.content | b64decode | trim }}}} enc={{{{ conf.encoding }}}} dest={{{{ got.dest }}}} sum={{{{ got.checksum }}}}"}}
""", "fetch.yml")
    check = _apply(fleet, play, host, "--check")
    assert check.code == 2 and not dest.exists(), explain(check)

    first = _apply(fleet, play, host)
    assert first.code == 0, explain(first)
    local = dest / host / ROOT.lstrip("/") / "app.conf"
    assert local.read_text() == "secret=1\n"
    assert (dest / "flat" / "app.conf").read_text() == "secret=1\n"
    assert [task(first, host, n)["status"] for n in ("slurp", "fetch", "fetch flat", "missing")] \
        == ["ok", "changed", "changed", "ok"]
    msg = task(first, host, "show")["msg"]
    assert f"text=secret=1 enc=base64 dest={local}" in msg, msg
    assert "does not exist" in task(first, host, "missing")["msg"]

    second = _apply(fleet, play, host)
    assert second.code == 0 and second.changed(host) == 0, explain(second)

    fleet.exec(host, f"printf 'secret=2\\n' > {ROOT}/app.conf")
    check = _apply(fleet, play, host, "--check")
    assert check.code == 2 and local.read_text() == "secret=1\n", explain(check)
    third = _apply(fleet, play, host)
    assert third.changed(host) == 2 and local.read_text() == "secret=2\n", explain(third)


def test_fetch_missing_file_names_host(fleet: Any, host: str, tmp_path: Path) -> None:
    play = _play(tmp_path, host, f"""\
    - name: missing
      fetch: {{src: {ROOT}/nothing, dest: {tmp_path}/out}}
""", "missing.yml")
    run = _apply(fleet, play, host)
    assert run.code == 1, explain(run)
    assert "the remote file does not exist" in task(run, host, "missing")["msg"]
    assert host in run.stdout


def test_slurp_content_is_base64(fleet: Any, host: str, tmp_path: Path) -> None:
    fleet.exec(host, f"head -c 300 /dev/urandom > {ROOT}/blob")
    raw = fleet.exec(host, ["base64", "-w0", f"{ROOT}/blob"]).stdout
    play = _play(tmp_path, host, f"""\
    - slurp: {{src: {ROOT}/blob}}
      register: blob
    - name: show
      debug: {{msg: "{{{{ blob.content }}}}"}}
""", "slurp.yml")
    run = _apply(fleet, play, host)
    assert base64.b64decode(task(run, host, "show")["msg"]) == base64.b64decode(raw), explain(run)


def test_raw_with_become(fleet: Any, host: str, tmp_path: Path) -> None:
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: as deploy
      raw: id -un
      register: plain
    - name: as root
      raw: id -un
      become: true
      register: root
    - name: show
      debug: {{msg: "plain={{{{ plain.stdout | trim }}}} root={{{{ root.stdout | trim }}}}"}}
""", "become.yml")
    inventory = write_inventory(tmp_path / "deploy.json", fleet, [host],
                                group_vars={"ansible_user": "deploy"})
    run = corral("apply", play, "-i", inventory)
    assert run.code == 0, explain(run)
    assert "plain=deploy root=root" in task(run, host, "show")["msg"], explain(run)


def test_fetch_big_file_in_pieces(fleet: Any, host: str, tmp_path: Path) -> None:
    assert fleet.exec(host, f"head -c 20000000 /dev/urandom > {ROOT}/big.bin").returncode == 0
    remote_sum = fleet.exec(host, f"sha1sum {ROOT}/big.bin").stdout.split()[0]
    play = _play(tmp_path, host, f"""\
    - name: big
      fetch: {{src: {ROOT}/big.bin, dest: {tmp_path}/out/, flat: true}}
""", "big.yml")
    run = _apply(fleet, play, host)
    assert run.code == 0 and task(run, host, "big")["status"] == "changed", explain(run)
    local = tmp_path / "out" / "big.bin"
    assert local.stat().st_size == 20_000_000
    assert hashlib.sha1(local.read_bytes()).hexdigest() == remote_sum
    again = _apply(fleet, play, host)
    assert task(again, host, "big")["status"] == "ok", explain(again)
