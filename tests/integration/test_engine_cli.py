"""The `corral` command line as a user types it, against the session fleet:
ad-hoc runs, inventory and module listings, host and task selection, extra vars,
forks, the JSON report's schema, exit codes of bad usage, the version, and the
wall time of an idempotent re-run."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import (
    exists,
    explain,
    host_root,
    on_hosts,
    read_file,
    recap_line,
    remove_on_hosts,
    tasks_with,
)

import corral as corral_package

pytestmark = pytest.mark.fleet

STATUSES = {"ok", "changed", "failed", "ignored", "skipped", "unreachable"}


# -- ad-hoc -----------------------------------------------------------------------------

def test_run_command_prints_each_hosts_own_name(fleet):
    run = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "command", "-a", "uname -n")
    assert run.code == 0, explain(run)
    printed = dict(re.findall(r"^(\S+) \| CHANGED \| rc=0 >>\n(.*)$", run.stdout, re.M))
    assert printed == {host: host for host in fleet.hosts}, run.stdout


def test_run_file_touch_creates_the_file_and_check_does_not(fleet):
    path = f"/tmp/engine-cli-touch-{uuid.uuid4().hex[:8]}"
    try:
        check = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "file",
                       "-a", f"path={path} state=touch", "--check")
        assert check.code == 2, explain(check)  # check mode: "would change" is drift
        assert not any(exists(fleet, h, path) for h in fleet.hosts)
        assert sorted(re.findall(r"^(\S+) \| CHANGED", check.stdout, re.M)) == \
            sorted(fleet.hosts), check.stdout
        run = corral("run", "fleet", "-i", fleet.inventory_path, "-m", "file",
                     "-a", f"path={path} state=touch")
        assert run.code == 0, explain(run)
        for host in fleet.hosts:
            assert exists(fleet, host, path), host
            assert f"{host} | CHANGED => " in run.stdout, run.stdout
    finally:
        remove_on_hosts(fleet, path)


def test_run_with_a_failing_command_exits_1(fleet):
    run = corral("run", fleet.hosts[0], "-i", fleet.inventory_path, "-m", "command",
                 "-a", "/bin/false")
    assert run.code == 1, explain(run)
    assert run.stdout.startswith(f"{fleet.hosts[0]} | FAILED | rc=1 >>\n"), run.stdout


# -- inventory and modules ------------------------------------------------------------------

def test_inventory_graph_shows_the_groups_and_their_hosts(fleet):
    run = corral("inventory", "-i", fleet.inventory_path, "--graph")
    assert run.code == 0, explain(run)
    lines = run.stdout.splitlines()
    assert lines[0] == "@all:"
    fleet_at = lines.index("  |--@fleet:")
    assert [line.strip(" |-") for line in lines[fleet_at + 1:fleet_at + 1 + len(fleet.hosts)]] \
        == fleet.hosts
    systemd_at = lines.index("  |--@systemd:")
    assert [line.strip(" |-") for line in lines[systemd_at + 1:systemd_at + 1
                                                   + len(fleet.systemd_hosts)]] \
        == fleet.systemd_hosts


def test_inventory_lists_a_pattern(fleet):
    run = corral("inventory", "-i", fleet.inventory_path, "fleet:!systemd")
    assert run.code == 0, explain(run)
    assert run.stdout.split() == fleet.light_hosts


def test_modules_lists_every_builtin_module():
    run = corral("modules")
    assert run.code == 0, explain(run)
    names = [line.split()[0] for line in run.stdout.splitlines() if line.strip()]
    for name in ("file", "copy", "template", "lineinfile", "command", "shell", "stat",
                 "debug", "assert", "set_fact", "ping", "setup"):
        assert name in names, run.stdout
    copy = corral("modules", "copy")
    assert copy.code == 0 and "dest (path; required)" in copy.stdout, explain(copy)


# -- selecting hosts and tasks -------------------------------------------------------------

TAGGED = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: untagged
      file: {path: ROOT/untagged, state: touch}
    - name: tagged a
      file: {path: ROOT/a, state: touch}
      tags: [a]
    - name: tagged b
      file: {path: ROOT/b, state: touch}
      tags: b
    - name: tagged always
      file: {path: ROOT/always, state: touch}
      tags: always
"""


def _made(fleet: Any, host: str, root: str) -> list[str]:
    return sorted(fleet.exec(host, ["ls", root]).stdout.split())


@pytest.fixture
def tagged(fleet, tmp_path, request):
    root = host_root(f"cli_{request.node.name}".replace("[", "_").replace("]", ""))
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    yield root, write_playbook(tmp_path, TAGGED.replace("ROOT", root))
    remove_on_hosts(fleet, root)


def test_limit_runs_on_the_limited_host_only(fleet, tagged):
    root, playbook = tagged
    only = fleet.light_hosts[0]
    run = corral("apply", playbook, "-i", fleet.inventory_path, "--limit", only)
    assert run.code == 0, explain(run)
    assert list(run.report["hosts"]) == [only]
    for host in fleet.hosts:
        expected = ["a", "always", "b", "untagged"] if host == only else []
        assert _made(fleet, host, root) == expected, host


@pytest.mark.parametrize("selection, expected", [
    (("--tags", "a"), ["a", "always"]),
    (("--tags", "a,b"), ["a", "always", "b"]),
    (("--skip-tags", "a"), ["always", "b", "untagged"]),
    (("--tags", "b", "--skip-tags", "always"), ["b"]),
])
def test_tags_and_skip_tags_select_tasks(fleet, tagged, selection, expected):
    root, playbook = tagged
    host = fleet.hosts[0]
    run = corral("apply", playbook, "-i", fleet.inventory_path, "--limit", host, *selection)
    assert run.code == 0, explain(run)
    assert _made(fleet, host, root) == expected


def test_extra_vars_inline_and_from_a_file_override_play_vars(fleet, tmp_path):
    root = host_root("cli_extra_vars")
    (tmp_path / "vars.yml").write_text("who: world\nnumber: 42\n")
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  vars:
    greeting: play-var
    who: play-var
  tasks:
    - copy:
        content: "{{{{ greeting }}}} {{{{ who }}}} {{{{ number + 1 }}}}\\n"
        dest: {root}/greeting
""")
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    try:
        run = corral("apply", playbook, "-i", fleet.inventory_path, "-e", "greeting=hi",
                     "-e", f"@{tmp_path / 'vars.yml'}")
        assert run.code == 0, explain(run)
        for host in fleet.hosts:
            assert read_file(fleet, host, f"{root}/greeting") == "hi world 43\n", host
    finally:
        remove_on_hosts(fleet, root)


def _intervals(fleet: Any, root: str) -> list[tuple[float, float]]:
    spans = []
    for host in fleet.hosts:
        start, end = read_file(fleet, host, f"{root}/span").split()
        spans.append((float(start), float(end)))
    return sorted(spans)


@pytest.mark.parametrize("forks, overlap", [("1", False), ("5", True)])
def test_forks_bounds_how_many_hosts_work_at_once(fleet, tmp_path, forks, overlap):
    root = host_root(f"cli_forks_{forks}")
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - shell: s=$(date +%s.%N); sleep 0.3; echo $s $(date +%s.%N) > {root}/span
""")
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    try:
        run = corral("apply", playbook, "-i", fleet.inventory_path, "--forks", forks)
        assert run.code == 0, explain(run)
        spans = _intervals(fleet, root)
        overlapping = any(b_start < a_end for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
        assert overlapping is overlap, spans
    finally:
        remove_on_hosts(fleet, root)


# -- the JSON report --------------------------------------------------------------------

def test_report_matches_the_design_schema_and_the_recap(fleet, tmp_path):
    root = host_root("cli_report")
    failing = fleet.light_hosts[0]
    playbook = write_playbook(tmp_path, f"""\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: changes
      copy: {{content: "x\\n", dest: {root}/x}}
    - name: unchanged
      file: {{path: {root}, state: directory}}
    - name: skipped
      command: "true"
      when: false
    - name: fails on one host
      command: /bin/false
      when: inventory_hostname == '{failing}'
""")
    on_hosts(fleet, f"rm -rf {root}; mkdir -p {root}")
    try:
        run = corral("apply", playbook, "-i", fleet.inventory_path, "--diff")
    finally:
        remove_on_hosts(fleet, root)
    assert run.code == 1, explain(run)
    assert set(run.report["hosts"]) == set(fleet.hosts)
    for host, data in run.report["hosts"].items():
        _assert_host_schema(run, host, data)
    assert [t["status"] for t in run.host(failing)["tasks"]] == ["changed", "ok", "skipped",
                                                                 "failed"]
    diff = run.host(failing)["tasks"][0]["diff"]
    assert "+x" in diff["unified"]


def _assert_host_schema(run: CorralRun, host: str, data: dict[str, Any]) -> None:
    for key in ("ok", "changed", "failed", "skipped"):
        assert type(data[key]) is int, (host, key, data[key])
    assert type(data["unreachable"]) is bool
    assert isinstance(data["tasks"], list) and data["tasks"]
    for entry in data["tasks"]:
        assert {"name", "module", "status", "diff", "msg"} <= set(entry), entry
        assert isinstance(entry["name"], str) and isinstance(entry["module"], str)
        assert entry["status"] in STATUSES
        assert entry["diff"] is None or isinstance(entry["diff"], dict)
        assert isinstance(entry["msg"], str)
    statuses = [t["status"] for t in data["tasks"]]
    assert data["changed"] == statuses.count("changed")
    assert data["failed"] == statuses.count("failed")
    assert data["skipped"] == statuses.count("skipped")
    assert data["ok"] == statuses.count("ok") + statuses.count("changed")  # as Ansible counts
    assert recap_line(run, host) == (
        f"{host} : ok={data['ok']} changed={data['changed']} "
        f"unreachable={int(data['unreachable'])} failed={data['failed']} "
        f"skipped={data['skipped']} rescued={data['rescued']} ignored={data['ignored']}")


# -- bad usage, version ----------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ("apply", "PLAYBOOK", "-i", "INVENTORY", "--no-such-option"),
    ("apply", "PLAYBOOK"),  # no inventory
    ("apply", "PLAYBOOK", "-i", "INVENTORY", "--forks", "0"),
    ("apply", "PLAYBOOK", "-i", "INVENTORY", "--host-key-checking", "sometimes"),
    ("frobnicate",),
], ids=["unknown-option", "no-inventory", "forks-0", "bad-policy", "unknown-command"])
def test_bad_usage_exits_5_and_runs_nothing(fleet, tmp_path, words):
    marker = f"/tmp/engine-cli-usage-{uuid.uuid4().hex[:8]}"
    playbook = write_playbook(tmp_path, f"- hosts: fleet\n  tasks:\n"
                                        f"    - file: {{path: {marker}, state: touch}}\n")
    args = [str(playbook) if w == "PLAYBOOK" else str(fleet.inventory_path)
            if w == "INVENTORY" else w for w in words]
    run = corral(*args)
    assert run.code == 5, explain(run)
    assert run.stderr.strip(), "a usage error must say what is wrong"
    assert not any(exists(fleet, h, marker) for h in fleet.hosts)


def test_an_unwritable_report_path_exits_5_before_any_host(fleet, tmp_path):
    """Found out before the run, not after it converged the fleet (the helper's own
    --report would win, so this one runs the command by hand)."""
    marker = f"/tmp/engine-cli-report-{uuid.uuid4().hex[:8]}"
    playbook = write_playbook(tmp_path, f"- hosts: fleet\n  tasks:\n"
                                        f"    - file: {{path: {marker}, state: touch}}\n")
    done = subprocess.run([sys.executable, "-m", "corral", "apply", str(playbook), "-i",
                           str(fleet.inventory_path), "--report", "/nonexistent/dir/r.json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 5, (done.stdout, done.stderr)
    assert "/nonexistent/dir" in done.stderr and "Traceback" not in done.stderr
    assert not any(exists(fleet, h, marker) for h in fleet.hosts)


def test_version():
    run = corral("--version")
    assert (run.code, run.stdout.strip()) == (0, f"corral {corral_package.__version__}")


# -- speed --------------------------------------------------------------------------------

SIX_TASKS = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - file: {path: ROOT, state: directory, mode: "0755"}
    - copy: {content: "port={{ ansible_port }}\\n", dest: ROOT/conf, mode: "0644"}
    - lineinfile: {path: ROOT/settings, line: "name={{ inventory_hostname }}", create: true}
    - file: {path: ROOT/link, src: ROOT/conf, state: link}
    - command: touch ROOT/marker
      args: {creates: ROOT/marker}
    - stat: {path: ROOT/conf}
"""


def test_idempotent_rerun_of_six_tasks_on_every_host_is_fast(fleet, tmp_path):
    root = host_root("cli_timing")
    playbook = write_playbook(tmp_path, SIX_TASKS.replace("ROOT", root))
    remove_on_hosts(fleet, root)
    try:
        first = corral("apply", playbook, "-i", fleet.inventory_path)
        assert first.code == 0, explain(first)
        timings = []
        for _ in range(3):
            started = time.monotonic()
            again = corral("apply", playbook, "-i", fleet.inventory_path)
            timings.append(time.monotonic() - started)
            assert again.code == 0 and all(again.changed(h) == 0 for h in fleet.hosts), \
                explain(again)
            assert all(len(tasks_with(again, h, "ok")) == 6 for h in fleet.hosts)
    finally:
        remove_on_hosts(fleet, root)
    print(f"\nidempotent re-run, 6 tasks x {len(fleet.hosts)} hosts, whole `corral apply` "
          f"process: {', '.join(f'{t:.2f}s' for t in timings)} "
          f"(engine's own: {again.report['duration_seconds']}s)")
    assert min(timings) < 10, timings  # a generous bound: the point is the printed number
