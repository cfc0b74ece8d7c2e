"""`corral run` on several fleet hosts, output piped (as in CI): Ansible's shape
(`host | CHANGED | rc=0 >>` then the output), -v JSON, --one-line, --tree, a failure,
an unreachable host, and exit 4 for patterns matching no host (ad-hoc and play)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from corral_cli import corral, write_playbook
from engine_support import explain

pytestmark = pytest.mark.fleet

_HEAD = re.compile(r"^(\S+) \| (SUCCESS|CHANGED|FAILED|UNREACHABLE!|SKIPPED)", re.M)


def _heads(text: str) -> dict[str, str]:
    return dict(_HEAD.findall(text))


def test_command_output_is_a_status_line_and_the_output_per_host(fleet):
    run = corral("run", "fleet", "-i", fleet.inventory_path, "-a", "uname -n")
    assert run.code == 0, explain(run)
    lines = run.stdout.splitlines()
    assert len(lines) == 2 * len(fleet.hosts), run.stdout  # nothing else on stdout
    blocks = dict(zip(lines[::2], lines[1::2], strict=True))
    assert blocks == {f"{h} | CHANGED | rc=0 >>": h for h in fleet.hosts}, run.stdout
    assert re.fullmatch(rf"{len(fleet.hosts)} hosts: 0 ok, {len(fleet.hosts)} changed, 0 failed, "
                        r"0 unreachable in [0-9.]+s\n", run.stderr), run.stderr
    assert "\x1b[" not in run.stdout  # a pipe: no colour


def test_verbose_is_json_per_host_and_one_line_is_one_line(fleet):
    verbose = corral("run", "fleet", "-i", fleet.inventory_path, "-a", "uname -n", "-v")
    assert verbose.code == 0, explain(verbose)
    for host, body in re.findall(r"^(\S+) \| CHANGED => (\{.*?^\})", verbose.stdout, re.M | re.S):
        data = json.loads(body)
        assert (data["stdout"], data["rc"], data["changed"]) == (host, 0, True)
    assert sorted(_heads(verbose.stdout)) == sorted(fleet.hosts)
    one = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "shell",
                 "-a", "hostname; echo second", "--one-line")
    assert one.code == 0, explain(one)
    assert sorted(one.stdout.splitlines()) == sorted(
        f"{h} | CHANGED | rc=0 | (stdout) {h}\\nsecond" for h in fleet.hosts)


def test_tree_writes_one_json_file_per_host(fleet, tmp_path: Path):
    tree = tmp_path / "tree" / "deeper"  # made when missing, as ansible does
    run = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "ping", "--tree", tree)
    assert run.code == 0, explain(run)
    assert sorted(p.name for p in tree.iterdir()) == sorted(fleet.hosts)
    for host in fleet.hosts:
        assert json.loads((tree / host).read_text())["ping"] == "pong"
        assert f"{host} | SUCCESS => pong" in run.stdout


def test_a_failure_on_one_host_is_failed_with_its_output_and_exit_1(fleet):
    first = fleet.hosts[0]
    run = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "shell",
                 "-a", f"echo out-$(hostname); test $(hostname) != {first} || exit 3")
    assert run.code == 1, explain(run)
    heads = _heads(run.stdout)
    assert heads == {h: "FAILED" if h == first else "CHANGED" for h in fleet.hosts}
    assert f"{first} | FAILED | rc=3 >>\nout-{first}\n" in run.stdout


def test_a_check_run_shows_what_would_change_and_changes_nothing(fleet):
    path = "/tmp/adhoc-output-check"
    run = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "file",
                 "-a", f"path={path} state=touch", "--check")
    assert run.code == 2, explain(run)
    assert _heads(run.stdout) == {h: "CHANGED" for h in fleet.hosts}
    assert all(fleet.exec(h, ["test", "-e", path]).returncode != 0 for h in fleet.hosts)


def test_an_unreachable_host_is_unreachable_and_exit_3(fleet, tmp_path: Path):
    inventory = tmp_path / "hosts.yml"
    text = Path(fleet.inventory_path).read_text()
    inventory.write_text(text)
    extra = tmp_path / "down.ini"
    extra.write_text("[down]\ngone ansible_host=127.0.0.1 ansible_port=1\n")
    run = corral("run", f"{fleet.hosts[0]}:down", "-i", inventory, "-i", extra,
                 "-m", "ping", "--host-key-checking", "off")
    assert run.code == 3, explain(run)
    assert _heads(run.stdout) == {fleet.hosts[0]: "SUCCESS", "gone": "UNREACHABLE!"}
    assert "gone | UNREACHABLE! => gone: connection refused" in run.stdout


def test_adhoc_pattern_with_a_typo_is_exit_4_and_touches_nothing(fleet):
    run = corral("run", "flet", "-i", fleet.inventory_path, "-m", "file",
                 "-a", "path=/tmp/adhoc-typo state=touch")
    assert run.code == 4, explain(run)
    assert "host pattern 'flet' matches no host in the inventory; did you mean 'fleet'?" \
        in run.stderr
    assert run.stdout == ""
    assert all(fleet.exec(h, ["test", "-e", "/tmp/adhoc-typo"]).returncode != 0
               for h in fleet.hosts)


def test_play_with_a_typo_is_exit_4_and_allow_empty_runs_the_rest(fleet, tmp_path: Path):
    path = "/tmp/adhoc-play-typo"
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - file: {{path: {path}, state: touch}}
- hosts: systemdd
  gather_facts: false
  tasks:
    - debug: msg=never
""")
    run = corral("apply", playbook, "-i", fleet.inventory_path)
    assert run.code == 4, explain(run)
    assert (f"{playbook}:5:3: play hosts pattern 'systemdd' matches no host in the inventory; "
            "did you mean 'systemd'?") in run.stderr
    assert all(fleet.exec(h, ["test", "-e", path]).returncode != 0 for h in fleet.hosts)
    try:
        allowed = corral("apply", playbook, "-i", fleet.inventory_path, "--allow-empty")
        assert allowed.code == 0, explain(allowed)
        assert all(fleet.exec(h, ["test", "-e", path]).returncode == 0 for h in fleet.hosts)
    finally:
        for host in fleet.hosts:
            fleet.exec(host, ["rm", "-f", path])


def test_facts_prints_each_hosts_facts_as_json(fleet):
    run = corral("facts", "fleet", "-i", fleet.inventory_path, "--forks", "2")
    assert run.code == 0, explain(run)
    found = re.findall(r"^(\S+) \| SUCCESS => (\{.*?^\})", run.stdout, re.M | re.S)
    assert sorted(h for h, _ in found) == sorted(fleet.hosts)
    for host, body in found:
        assert json.loads(body)["ansible_facts"]["hostname"] == host


def test_connection_flags_are_the_same_on_run_and_facts(fleet, tmp_path: Path):
    """An inventory without user or key: -u and --private-key supply them, for both."""
    text = Path(fleet.inventory_path).read_text()
    key = re.search(r"ansible_ssh_private_key_file: (\S+)", text).group(1)
    bare = re.sub(r"^\s*(ansible_user|ansible_ssh_private_key_file):.*\n", "", text, flags=re.M)
    inventory = tmp_path / "bare.yml"
    inventory.write_text(bare)
    host = fleet.hosts[0]
    flags = ["-i", str(inventory), "-u", "root", "--private-key", key]
    run = corral("run", host, *flags, "-a", "id -un")
    assert run.code == 0, explain(run)
    assert run.stdout == f"{host} | CHANGED | rc=0 >>\nroot\n"
    facts = corral("facts", host, *flags)
    assert facts.code == 0, explain(facts)
    assert f"{host} | SUCCESS => {{" in facts.stdout
