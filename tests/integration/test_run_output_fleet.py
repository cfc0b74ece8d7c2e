"""The run output at 20 and 50 hosts, on real hosts: the end of a run answers the question.

The session fleet has a handful of real hosts; these tests give each of them several
inventory names (node01…node20, 10 per real host at 50), each name its own SSH
connection, agent and folder on the host, so 20 or 50 hosts run with real output
at the cost of a few containers.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.integration.corral_cli import corral, write_playbook
from tests.integration.terminal_capture import run_on_terminal

pytestmark = pytest.mark.fleet

SUMMARY = re.compile(r"^(\d+) hosts: (.*) in [\d.]+s", re.M)

ROLLING = """
- name: Rolling deploy
  hosts: out
  serial: 5
  max_fail_percentage: 0
  gather_facts: false
  tasks:
    - name: App folder
      file: {path: "{{ root }}/{{ inventory_hostname }}", state: directory, mode: "0755"}
    - name: App config
      copy: {dest: "{{ root }}/{{ inventory_hostname }}/app.conf", content: "release = v1\\n"}
    - name: Health check
      command: "test {{ inventory_hostname }} != node07"
      changed_when: false
    - name: Done marker
      copy: {dest: "{{ root }}/{{ inventory_hostname }}/done", content: "ok\\n"}
"""

FLEETWIDE = """
- name: Settings everywhere
  hosts: out
  gather_facts: false
  tasks:
    - name: Folder
      file: {path: "{{ root }}", state: directory}
    - name: Settings file
      copy: {dest: "{{ root }}/{{ inventory_hostname }}.conf", content: "{{ settings }}"}
    - name: Greeting
      debug: {msg: "{{ greeting_typo if bad | default(false) else 'hello' }}"}
"""

DRIFT = """
- name: Baseline
  hosts: out
  gather_facts: false
  tasks:
    - name: Host folder
      file: {path: "{{ root }}/{{ inventory_hostname }}", state: directory, mode: "0755"}
    - name: Service config
      copy: {dest: "{{ root }}/{{ inventory_hostname }}/svc.conf", content: "workers = 4\\nlog = info\\n"}
    - name: Secrets file mode
      file: {path: "{{ root }}/{{ inventory_hostname }}/svc.conf", mode: "0640"}
    - name: Motd
      copy: {dest: "{{ root }}/{{ inventory_hostname }}/motd", content: "managed by corral\\n"}
    - name: Version probe
      command: "cat {{ root }}/{{ inventory_hostname }}/svc.conf"
      changed_when: false
      check_mode: false
    - name: Report
      debug: {msg: "baseline checked"}
"""


@pytest.fixture()
def root(fleet: Any) -> Iterator[str]:
    """A folder of this test's own on every real host."""
    path = f"/tmp/corral-output-{uuid.uuid4().hex[:8]}"
    yield path
    for host in fleet.hosts:
        fleet.exec(host, ["rm", "-rf", path])


def _owners(fleet: Any, count: int) -> dict[str, str]:
    """Which real host each of node01…node{count} is."""
    names = sorted(fleet.light_hosts) or sorted(fleet.hosts)
    return {f"node{i:02d}": names[(i - 1) % len(names)] for i in range(1, count + 1)}


def _aliases(fleet: Any, tmp_path: Path, count: int) -> Path:
    """An inventory of ``count`` names (group `out`) spread over the fleet's real hosts."""
    source = yaml.safe_load(Path(fleet.inventory_path).read_text())
    real = source["all"]["children"]["fleet"]["hosts"]
    hosts = {name: dict(real[owner]) for name, owner in _owners(fleet, count).items()}
    inventory = {"all": {"vars": source["all"]["vars"], "children": {"out": {"hosts": hosts}}}}
    path = tmp_path / f"aliases-{count}.yml"
    path.write_text(yaml.safe_dump(inventory))
    return path


def _summary(out: str) -> tuple[int, dict[str, int]]:
    """The summary line's total and its counts by word, which must add up to the total."""
    match = SUMMARY.search(out)
    assert match, out
    counts = {word: int(n) for n, word in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", match.group(2))}
    assert sum(counts.values()) == int(match.group(1)), match.group(0)
    return int(match.group(1)), counts


def _section(out: str, title: str) -> list[str]:
    """The lines of an end-of-run section, up to the next blank line."""
    start = out.index(f"\n{title}") + 1
    return out[start:].split("\n\n", 1)[0].splitlines()


def _assert_rolling_end(out: str, report: dict[str, Any] | None = None) -> None:
    assert _summary(out) == (20, {"ok": 0, "changed": 5, "failed": 1, "unreachable": 0,
                                  "aborted": 4, "never touched": 10})
    problems = _section(out, "FAILED AND UNREACHABLE")
    assert len(problems) == 3, problems
    assert re.match(r"  failed: Health check \(.*play\.yml:12:7\): ", problems[1]), problems
    assert problems[2] == "    on node07"
    assert _section(out, "CHANGES")[2:] == ["  App config: node[01:10] (state absent -> file)",
                                            "  Done marker: node[01:05] (state absent -> file)"]
    stop = out[out.index("\nstopped: "):].splitlines()[1:4]
    assert stop == ["stopped: max_fail_percentage 0 exceeded in batch 2 (1 of 5 failed)",
                    "  aborted mid-batch: node06, node[08:10]",
                    "  never touched: node[11:20]"]
    if report is not None:
        assert report["outcomes"] == {"ok": 0, "changed": 5, "unknown": 0, "failed": 1,
                                      "unreachable": 0, "aborted": 4, "interrupted": 0,
                                      "never_touched": 10}
        assert report["stop_reason"] == "max_fail_percentage 0 exceeded in batch 2 (1 of 5 failed)"
        assert report["hosts"]["node06"]["aborted"] is True


def test_rolling_stop_in_a_pipe(fleet: Any, tmp_path: Path, root: str) -> None:
    inventory = _aliases(fleet, tmp_path, 20)
    run = corral("apply", write_playbook(tmp_path, ROLLING), "-i", inventory, "-e", f"root={root}")
    assert run.code == 1, run.stdout + run.stderr
    assert "\x1b" not in run.stdout  # no colour, no cursor control off a terminal
    assert run.stdout.count("ok: [") == 5 + 4  # the health checks: pipes keep every line
    _assert_rolling_end(run.stdout, run.report)


def test_rolling_stop_on_a_terminal(fleet: Any, tmp_path: Path, root: str) -> None:
    inventory = _aliases(fleet, tmp_path, 20)
    shown = run_on_terminal([sys.executable, "-m", "corral", "apply",
                             str(write_playbook(tmp_path, ROLLING)), "-i", str(inventory),
                             "-e", f"root={root}"])
    assert shown.code == 1, shown.text
    assert "\x1b[?25l" in shown.raw and "\x1b[1A" in shown.raw  # a live view was drawn
    assert re.search(r"hosts \d+/5 done · ok=\d+ changed=\d+ failed=\d+ unreachable=\d+ "
                     r"unknown=\d+ · [\d.]+s elapsed", shown.text)
    assert "PLAY [Rolling deploy] · batch 2/4 · TASK [Health check]" in shown.text
    screen = shown.screen  # the live view erased itself: what is left to read
    assert "hosts " not in screen and "slowest still running" not in screen
    assert "ok: [" not in screen and "skipping: [" not in screen  # only what matters
    assert "changed: [node03] => state absent -> file" in screen
    assert "failed: [node07]" in screen
    assert len(re.findall(r"^node\d\d : ok=", screen, re.M)) == 20  # none ended plain ok
    _assert_rolling_end(screen)


def test_identical_outcomes_are_printed_once(fleet: Any, tmp_path: Path, root: str) -> None:
    inventory = _aliases(fleet, tmp_path, 20)
    playbook = write_playbook(tmp_path, FLEETWIDE)
    setup = corral("apply", playbook, "-i", inventory, "-e", f"root={root}",
                   "-e", '{"settings": "a = 1\\nb = 0\\n"}')
    assert setup.code == 0, setup.stdout + setup.stderr

    run = corral("apply", playbook, "-i", inventory, "--diff", "-e", f"root={root}",
                 "-e", '{"settings": "a = 1\\nb = 2\\nc = 3\\n", "bad": true}')

    assert run.code == 1, run.stdout + run.stderr
    problems = _section(run.stdout, "FAILED AND UNREACHABLE")
    assert len(problems) == 3, problems  # one undefined variable, once for 20 hosts
    assert "'greeting_typo' is undefined" in problems[1] and "play.yml:10:7" in problems[1]
    assert problems[2] == "    on node[01:20]"
    changes = _section(run.stdout, "CHANGES")
    assert changes[1] == "  Settings file: node[01:20] (content changed (+2 -1 lines))"
    assert changes[2].endswith(".conf (and 19 other paths)")  # each host its own file
    assert changes[4:] == ["      @@ -1,2 +1,3 @@", "       a = 1", "      -b = 0",
                           "      +b = 2", "      +c = 3"]
    assert run.stdout.count("+c = 3") == 1  # 20 identical diffs folded into one
    assert _summary(run.stdout) == (20, {"ok": 0, "changed": 0, "failed": 20, "unreachable": 0})
    again = corral("apply", playbook, "-i", inventory, "-e", f"root={root}",
                   "-e", '{"settings": "a = 1\\nb = 2\\nc = 3\\n"}')
    assert again.code == 0 and "CHANGES" not in again.stdout, again.stdout


def test_drift_check_of_50_hosts_fits_one_screen(fleet: Any, tmp_path: Path, root: str) -> None:
    inventory = _aliases(fleet, tmp_path, 50)
    playbook = write_playbook(tmp_path, DRIFT)
    setup = corral("apply", playbook, "-i", inventory, "-e", f"root={root}")
    assert setup.code == 0, setup.stdout + setup.stderr
    owner = _owners(fleet, 50)
    fleet.exec(owner["node07"], f"printf 'workers = 8\\nlog = info\\n' > {root}/node07/svc.conf")
    fleet.exec(owner["node23"], f"chmod 0644 {root}/node23/svc.conf")
    fleet.exec(owner["node41"], f"rm {root}/node41/motd")

    run = corral("check", playbook, "-i", inventory, "-e", f"root={root}", "-q")

    assert run.code == 2, run.stdout + run.stderr
    lines = run.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 40, run.stdout
    changes = _section(run.stdout, "CHANGES")
    assert changes[0] == "CHANGES (would be made: check mode)"
    assert "  Service config: node07 (content changed (+1 -1 lines))" in changes
    assert "  Secrets file mode: node23 (mode 0644 -> 0640)" in changes
    assert "  Motd: node41 (state absent -> file)" in changes
    assert "      +managed by corral" in changes  # check mode shows the diff
    assert _summary(run.stdout) == (50, {"ok": 47, "would change": 3, "failed": 0,
                                         "unreachable": 0})
    assert "ok: [" not in run.stdout and "skipping: [" not in run.stdout
    print(f"50-host drift check, 3 drifted, -q: {len(lines)} lines")
