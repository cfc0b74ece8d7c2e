#!/usr/bin/env python3
"""How many lines a person reads: the run output of issue 14's scenarios, on real fleet hosts.

    sudo .venv/bin/python tests/bench/output_lines.py [--hosts 50] [--before-src DIR]

Brings up its own fleet of light hosts (state dir /run/corral-fleet-output, ports from
31601), runs each scenario, prints a table of line counts (a pipe's and a terminal's), and takes the fleet
down. `--before-src DIR` also runs an older checkout's `src` (e.g. from `git archive`)
for the "before" column. Not part of CI (the fleet test at 50 names is:
tests/integration/test_run_output_fleet.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fleet"))
sys.path.insert(0, str(HERE.parent / "integration"))

from fleetlib import Fleet, FleetConfig  # noqa: E402
from terminal_capture import run_on_terminal  # noqa: E402

ROOT = "/srv/output-bench"
PLAYBOOK = f"""
- name: App servers
  hosts: fleet
  gather_facts: false
  vars: {{release: v1, workers: 4}}
  tasks:
    - name: App folder
      file: {{path: {ROOT}, state: directory, mode: "0755"}}
    - name: App config
      copy: {{dest: {ROOT}/app.conf, content: "release = {{{{ release }}}}\\nworkers = {{{{ workers }}}}\\nlog = info\\n", mode: "0640"}}
    - name: Motd
      copy: {{dest: {ROOT}/motd, content: "managed by corral\\n"}}
    - name: Settings line
      lineinfile: {{path: {ROOT}/settings, line: "tier = web", create: true}}
    - name: Version probe
      command: cat {ROOT}/app.conf
      changed_when: false
      check_mode: false
    - name: Debug only on request
      debug: {{msg: "probe done"}}
      when: verbose_probe | default(false)
"""
ROLLING = f"""
- name: Rolling deploy
  hosts: fleet
  serial: 5
  max_fail_percentage: 0
  gather_facts: false
  tasks:
    - name: App config
      copy: {{dest: {ROOT}/app.conf, content: "release = v2\\n"}}
    - name: Health check
      command: test ! -e {ROOT}/broken
      changed_when: false
    - name: Done marker
      copy: {{dest: {ROOT}/done, content: "v2\\n"}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--before-src", type=Path, help="an older checkout's src folder")
    parser.add_argument("--state-dir", default="/run/corral-fleet-output")
    parser.add_argument("--base-port", type=int, default=31601)
    args = parser.parse_args()
    fleet = Fleet(FleetConfig(state_dir=Path(args.state_dir), base_port=args.base_port))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        inventory = work / "inventory.yml"
        fleet.down()
        fleet.up(args.hosts, 0, inventory)
        try:
            rows = _measure(fleet, work, inventory, args.hosts, args.before_src)
        finally:
            fleet.down()
    print("| scenario | before | after (pipe) | after (terminal) |\n|---|---|---|---|")
    for name, before, after, terminal in rows:
        print(f"| {name} | {before if before is not None else '-'} | {after} | {terminal} |")
    return 0


def _measure(fleet: Fleet, work: Path, inventory: Path, count: int,
             before_src: Path | None) -> list[tuple[str, int | None, int, int]]:
    hosts = [f"host{i:02d}" for i in range(1, count + 1)]
    play = work / "play.yml"
    play.write_text(PLAYBOOK)
    rolling = work / "rolling.yml"
    rolling.write_text(ROLLING)
    twenty = ["--limit", ",".join(hosts[:20])]

    def reset() -> None:
        for host in hosts:
            fleet.exec(host, ["rm", "-rf", ROOT])
        _corral(None, "apply", play, "-i", inventory)

    def drift() -> None:
        reset()
        fleet.exec(hosts[6], ["sh", "-c", f"sed -i s/workers.*/workers=8/ {ROOT}/app.conf"])
        fleet.exec(hosts[10], ["chmod", "0644", f"{ROOT}/app.conf"])
        fleet.exec(hosts[16], ["rm", f"{ROOT}/motd"])

    def broken() -> None:
        reset()
        fleet.exec(hosts[6], ["touch", f"{ROOT}/broken"])

    scenarios: list[tuple[str, Callable[[], None], list[str | Path]]] = [
        ("drift check, 20 hosts, 3 drifted", drift, ["check", play, *twenty]),
        ("drift check, 20 hosts, 3 drifted, -q", drift, ["check", play, *twenty, "-q"]),
        ("fleet-wide config change, 20 hosts, --diff", reset,
         ["apply", play, *twenty, "--diff", "-e", "release=v2"]),
        ("rolling deploy stopped by a failure, 20 hosts", broken, ["apply", rolling, *twenty]),
        (f"drift check, {count} hosts, 3 drifted, -q", drift, ["check", play, "-q"]),
        (f"drift check, {count} hosts, 3 drifted", drift, ["check", play]),
    ]
    rows = []
    for name, prepare, argv in scenarios:
        before = None
        if before_src is not None and "-q" not in argv:  # -q is new: nothing to compare
            prepare()
            before = _lines(_corral(before_src, *argv[:2], "-i", inventory, *argv[2:]))
        prepare()
        after = _lines(_corral(None, *argv[:2], "-i", inventory, *argv[2:]))
        prepare()
        rows.append((name, before, after, _terminal_lines(*argv[:2], "-i", inventory, *argv[2:])))
    return rows


def _lines(out: str) -> int:
    return len(out.rstrip("\n").splitlines())


def _terminal_lines(*argv: str | Path) -> int:
    """The lines left on a terminal once the run ends (the live view erases itself)."""
    shown = run_on_terminal([sys.executable, "-m", "corral", *map(str, argv), "--no-history"])
    return _lines(shown.screen)


def _corral(src: Path | None, *argv: str | Path) -> str:
    env = dict(os.environ, NO_COLOR="1")
    if src is not None:
        env["PYTHONPATH"] = str(src)
    done = subprocess.run([sys.executable, "-m", "corral", *map(str, argv), "--no-history"],
                          capture_output=True, text=True, env=env, timeout=900, check=False)
    return done.stdout


if __name__ == "__main__":
    sys.exit(main())
