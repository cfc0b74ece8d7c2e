"""Failures through the real `corral` command: one host's failure or unreachability
stops only that host; a transfer cut mid-way leaves no half-written file; bad input
stops everything before any host is contacted."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from corral_cli import corral, write_playbook
from engine_support import (
    exists,
    explain,
    host_root,
    on_hosts,
    read_file,
    recap_line,
    remove_on_hosts,
    tasks_with,
    wait_until,
    write_inventory,
)

pytestmark = pytest.mark.fleet

THREE_TASKS = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: first
      file: {path: ROOT/first, state: touch}
    - name: boom
      command: /bin/false
      when: inventory_hostname == 'FAILING'
    - name: last
      file: {path: ROOT/last, state: touch}
"""


def _three_tasks(tmp_path: Path, root: str, failing: str = "none") -> Path:
    return write_playbook(tmp_path, THREE_TASKS.replace("ROOT", root).replace("FAILING", failing))


# -- one host fails or is unreachable: the others finish ---------------------------------

def test_a_failing_task_stops_only_its_host(fleet, tmp_path):
    root = host_root("failing_task")
    failing = fleet.light_hosts[0]
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    try:
        run = corral("apply", _three_tasks(tmp_path, root, failing), "-i", fleet.inventory_path)
        assert run.code == 1, explain(run)
        assert tasks_with(run, failing, "failed") == ["boom"]
        assert "last" not in [t["name"] for t in run.host(failing)["tasks"]]
        assert "failed=1" in recap_line(run, failing)
        assert "non-zero return code" in run.host(failing)["tasks"][1]["msg"]
        assert exists(fleet, failing, f"{root}/first")
        assert not exists(fleet, failing, f"{root}/last")
        for host in fleet.hosts:
            if host != failing:
                assert tasks_with(run, host, "changed") == ["first", "last"], host
                assert "failed=0" in recap_line(run, host)
                assert exists(fleet, host, f"{root}/last"), host
    finally:
        remove_on_hosts(fleet, root)


def test_an_unreachable_host_is_reported_and_the_others_finish(fleet, tmp_path):
    root = host_root("unreachable")
    down = fleet.light_hosts[1]
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    fleet.stop(down)
    try:
        run = corral("apply", _three_tasks(tmp_path, root), "-i", fleet.inventory_path)
    finally:
        fleet.start(down)
    try:
        assert run.code == 3, explain(run)
        report = run.host(down)
        assert report["unreachable"] is True
        assert [t["status"] for t in report["tasks"]] == ["unreachable"]
        assert "connection refused" in report["tasks"][0]["msg"]
        assert "connection refused" in run.stdout
        assert "unreachable=1" in recap_line(run, down)
        assert not exists(fleet, down, f"{root}/first")
        for host in fleet.hosts:
            if host != down:
                assert tasks_with(run, host, "changed") == ["first", "last"], host
                assert run.host(host)["unreachable"] is False
                assert exists(fleet, host, f"{root}/last"), host
    finally:
        remove_on_hosts(fleet, root)


def test_strict_host_key_checking_with_an_unknown_key_is_unreachable(fleet, tmp_path):
    root = host_root("host_key")
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    inventory = write_inventory(tmp_path / "inv.yml", fleet, known_hosts=empty)
    run = corral("apply", _three_tasks(tmp_path, root), "-i", inventory,
                 "--host-key-checking", "strict")
    assert run.code == 3, explain(run)
    for host in fleet.hosts:
        assert run.host(host)["unreachable"] is True
        assert "host key" in run.host(host)["tasks"][0]["msg"], run.host(host)
        assert not exists(fleet, host, root)
    assert empty.read_text() == ""  # strict never learns a key


# -- a transfer cut mid-way ---------------------------------------------------------------

BIG = 64 * 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _host_sha256(fleet: Any, host: str, path: str) -> str:
    return fleet.exec(host, ["sha256sum", path]).stdout.split(" ")[0]


def _write_random(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        for _ in range(size // (1 << 20)):
            handle.write(os.urandom(1 << 20))


def test_connection_cut_mid_copy_leaves_the_old_file_whole(fleet, tmp_path):
    """A 64 MiB copy; the relay in front of one host aborts the connection after 16 MB
    (base64 on the wire: about a fifth of the transfer). That host keeps the complete
    old file and no temp file beside it; the other hosts get the new file."""
    root = host_root("cut_copy")
    cut = fleet.light_hosts[2]
    (tmp_path / "files").mkdir()
    big = tmp_path / "files/big.bin"
    _write_random(big, BIG)
    relay = fleet.relay(cut, drop_after_bytes=16_000_000)
    inventory = write_inventory(tmp_path / "inv.yml", fleet, ports={cut: relay.port})
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: big file
      copy: {{src: big.bin, dest: {root}/big.bin}}
""")
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}; head -c 1048576 /dev/urandom > {root}/big.bin")
    old = _host_sha256(fleet, cut, f"{root}/big.bin")
    try:
        run = corral("apply", playbook, "-i", inventory)
        assert relay.accepted >= 1  # the cut host really went through the relay
        assert run.code in (1, 3), explain(run)
        assert run.host(cut)["tasks"][0]["status"] in ("unreachable", "failed"), run.host(cut)
        assert run.changed(cut) == 0
        assert _host_sha256(fleet, cut, f"{root}/big.bin") == old, "dest is not the old file"
        assert fleet.exec(cut, ["ls", "-A", root]).stdout.split() == ["big.bin"]
        # the agent's staging folder goes away with the agent
        assert wait_until(lambda: fleet.exec(
            cut, "ls -d /tmp/corral-agent-* 2>/dev/null").stdout == "", timeout=10), \
            fleet.exec(cut, "ls -la /tmp/corral-agent-*").stdout
        new = _sha256(big)
        for host in fleet.hosts:
            if host != cut:
                assert run.changed(host) == 1, (host, run.host(host))
                assert _host_sha256(fleet, host, f"{root}/big.bin") == new, host
    finally:
        relay.stop()
        remove_on_hosts(fleet, root)


def _agents(fleet: Any, host: str) -> list[str]:
    """The command lines of corral agents running on host (the loader execs zlib data)."""
    ps = fleet.exec(host, ["ps", "-eo", "pid,args"]).stdout.splitlines()
    return [line for line in ps if "zlib.decompress" in line]


def _staged_bytes(fleet: Any, host: str) -> int:
    done = fleet.exec(host, "cat /tmp/corral-agent-*/put-* 2>/dev/null | wc -c")
    return int(done.stdout.strip() or 0)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killing_corral_mid_copy_leaves_the_old_file_whole(fleet, tmp_path, signum):
    """The controller itself dies (Ctrl-C, or kill -9) while a 64 MiB file is streaming.

    The host sits behind a relay that is stalled once a few MB are staged, so the kill
    lands mid-transfer however fast the machine is."""
    root = host_root(f"kill_copy_{signum.name}")
    host = fleet.light_hosts[0]
    (tmp_path / "files").mkdir()
    _write_random(tmp_path / "files/big.bin", BIG)
    relay = fleet.relay(host)
    inventory = write_inventory(tmp_path / "inv.yml", fleet, [host], ports={host: relay.port})
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - copy: {{src: big.bin, dest: {root}/big.bin}}
""")
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}; echo old > {root}/big.bin", [host])
    proc = subprocess.Popen([sys.executable, "-m", "corral", "apply", str(playbook), "-i",
                             str(inventory)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        streaming = wait_until(lambda: _staged_bytes(fleet, host) > 4_000_000 or
                               proc.poll() is not None, timeout=30, interval=0.01)
        relay.stall(3)
        assert streaming and proc.poll() is None, "the copy ended before it could be cut"
        assert _agents(fleet, host), "no agent seen on the host while it streams"
        staged = _staged_bytes(fleet, host)
        assert 0 < staged < BIG, staged
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == (130 if signum == signal.SIGINT else -9), (out, err)
        assert wait_until(lambda: not _agents(fleet, host), timeout=15), _agents(fleet, host)
        assert fleet.exec(host, "ls -d /tmp/corral-agent-* 2>/dev/null").stdout == "", \
            "the agent's staging folder outlived the agent"
        assert read_file(fleet, host, f"{root}/big.bin") == "old\n"
        assert fleet.exec(host, ["ls", "-A", root]).stdout.split() == ["big.bin"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        relay.stop()
        remove_on_hosts(fleet, root)


# -- bad input: exit 4, every problem at once, no host contacted ------------------------

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unreachable_inventory(tmp_path: Path, fleet: Any) -> Path:
    """Every host on a closed port: contacting any of them would make the run exit 3."""
    port = _closed_port()
    return write_inventory(tmp_path / "closed.yml", fleet,
                           ports={h: port for h in fleet.hosts})


def test_unreachable_inventory_alone_exits_3(fleet, tmp_path):
    """The control for the bad-input tests: the closed-port inventory does exit 3."""
    playbook = write_playbook(tmp_path, "- hosts: fleet\n  gather_facts: false\n  tasks:\n"
                                        "    - ping:\n")
    run = corral("apply", playbook, "-i", _unreachable_inventory(tmp_path, fleet))
    assert run.code == 3, explain(run)


BAD_PLAYBOOK = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: marker
      file: {path: MARKER, state: touch}
    - name: typo module
      fiel: {path: /tmp/x, state: touch}
    - name: unknown argument
      copy: {content: x, dest: /tmp/y, colour: red}
    - name: missing required argument
      lineinfile: {line: hello}
    - name: octal mode
      file: {path: /tmp/z, state: touch, mode: 644}
"""


@pytest.mark.parametrize("inventory_kind", ["fleet", "closed-port"])
def test_bad_playbook_exits_4_with_every_problem_and_touches_no_host(fleet, tmp_path,
                                                                     inventory_kind):
    marker = f"/tmp/engine-bad-input-marker-{inventory_kind}"
    playbook = write_playbook(tmp_path, BAD_PLAYBOOK.replace("MARKER", marker))
    inventory = (fleet.inventory_path if inventory_kind == "fleet"
                 else _unreachable_inventory(tmp_path, fleet))
    run = corral("apply", playbook, "-i", inventory)
    assert run.code == 4, explain(run)
    assert run.report == {}  # nothing ran, so nothing to report
    problems = [line.strip() for line in run.stderr.splitlines() if line.startswith("  ")]
    assert len(problems) == 4, run.stderr
    at = str(playbook)
    assert problems[0].startswith(f"{at}:7:") and "'fiel'" in problems[0]
    assert "did you mean 'file'" in problems[0]
    assert problems[1].startswith(f"{at}:9:") and "'colour'" in problems[1]
    assert problems[2].startswith(f"{at}:11:") and "'path'" in problems[2]
    assert problems[3].startswith(f"{at}:13:") and "'0644'" in problems[3]
    assert "PLAY" not in run.stdout
    for host in fleet.hosts:
        assert not exists(fleet, host, marker), host


def test_yaml_syntax_error_exits_4_with_file_and_line(fleet, tmp_path):
    playbook = write_playbook(tmp_path, "- hosts: fleet\n  tasks:\n    - name: a\n"
                                        "      debug: {msg: [1, 2}\n")
    run = corral("apply", playbook, "-i", _unreachable_inventory(tmp_path, fleet))
    assert run.code == 4, explain(run)
    assert f"{playbook}:4:" in run.stderr and "YAML" in run.stderr


def test_bad_inventory_exits_4_before_any_host(fleet, tmp_path):
    inventory = tmp_path / "inv.yml"
    inventory.write_text("all:\n  hosts:\n    h1: {ansible_port: [oops\n")
    playbook = write_playbook(tmp_path, "- hosts: all\n  tasks:\n    - ping:\n")
    run = corral("apply", playbook, "-i", inventory)
    assert run.code == 4, explain(run)
    assert f"{inventory}:" in run.stderr


def test_undefined_variable_in_a_template_fails_that_host_naming_it(fleet, tmp_path):
    root = host_root("undefined_var")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/t.j2").write_text("ok = 1\nvalue = {{ no_such_variable }}\n")
    bad = fleet.light_hosts[0]
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: render
      template: {{src: t.j2, dest: {root}/t.conf}}
      when: inventory_hostname == '{bad}'
    - name: after
      file: {{path: {root}/after, state: touch}}
""")
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    try:
        run = corral("apply", playbook, "-i", fleet.inventory_path)
        assert run.code == 1, explain(run)
        msg = run.host(bad)["tasks"][0]["msg"]
        assert run.host(bad)["tasks"][0]["status"] == "failed"
        assert "no_such_variable" in msg and "t.j2:2" in msg, msg
        assert not exists(fleet, bad, f"{root}/t.conf")
        assert not exists(fleet, bad, f"{root}/after")
        for host in fleet.hosts:
            if host != bad:
                assert tasks_with(run, host, "changed") == ["after"]
                assert read_file(fleet, host, f"{root}/after") == ""
    finally:
        remove_on_hosts(fleet, root)
