"""What does not shard cleanly is said up front, and --list-hosts shows the slice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from corral.scale.shard import split

PLAYBOOK = """\
- name: rolling
  hosts: all
  serial: 2
  max_fail_percentage: 10
  tasks:
    - name: once
      debug: {msg: hi}
      run_once: true
    - name: peers
      debug:
        msg: "{{ hostvars[groups['all'][0]]['ansible_host'] | default('x') }}"
- name: plain
  hosts: all
  tasks:
    - debug: {msg: plain}
"""


def test_warnings_and_sliced_list_hosts(tmp_path: Path) -> None:
    hosts = [f"h{i}" for i in range(12)]
    (tmp_path / "hosts.yml").write_text(
        "all:\n  hosts:\n" + "".join(f"    {h}:\n" for h in hosts))
    (tmp_path / "site.yml").write_text(PLAYBOOK)
    done = subprocess.run(
        [sys.executable, "-m", "corral", "apply", str(tmp_path / "site.yml"), "-i",
         str(tmp_path / "hosts.yml"), "--shard", "1/3", "--list-hosts"],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("[WARNING]")]
    assert warnings == [
        "[WARNING]: --shard 1/3: play 'rolling': 'serial' makes batches of this shard's hosts, "
        "not of the whole fleet",
        "[WARNING]: --shard 1/3: play 'rolling': 'max_fail_percentage' counts this shard's "
        "hosts only",
        "[WARNING]: --shard 1/3: play 'rolling': 'run_once' tasks run once per shard",
        "[WARNING]: --shard 1/3: play 'rolling' reads 'hostvars' or 'groups': hosts outside "
        "this shard have only their inventory variables there (no facts, no registered "
        "values); a task that needs them fails with an undefined variable",
    ]
    expected = split(hosts, 3)[1]
    assert f"hosts ({len(expected)}):\n" + "".join(f"      {h}\n" for h in expected) in done.stdout
