"""N local shard processes against the fleet merge into the report one run would write.

`corral apply --shard I/3 --report shard-I.json` three times at once, then
`corral report merge`: same hosts, same statuses per task, same counts, same exit
code as one `corral apply` over the whole fleet (on a second, fresh path).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from engine_support import exists, read_file, remove_on_hosts

from corral.scale.shard import split

pytestmark = pytest.mark.fleet

SHARDS = 3
PLAYBOOK = """\
- hosts: fleet
  gather_facts: false
  tasks:
    - name: marker
      copy: {dest: "{{ root }}/marker", content: "{{ inventory_hostname }}\\n"}
    - name: already there
      file: {path: /tmp, state: directory}
    - name: fail on one host
      fail: {msg: chosen to fail}
      when: inventory_hostname == failing
    - name: only after
      command: "true"
      changed_when: false
"""


def _corral(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "corral", *map(str, args)], capture_output=True,
                          text=True, timeout=300, check=False)


def _run_shards(tmp: Path, tag: str, inventory: Path, extra: list[str],
                check: bool) -> subprocess.CompletedProcess[str]:
    """All shards at once, as separate controller processes, then the merge."""
    command = "check" if check else "apply"
    reports = [tmp / f"{tag}-shard-{i}.json" for i in range(SHARDS)]
    processes = [subprocess.Popen([sys.executable, "-m", "corral", command,
                                   str(tmp / "play.yml"), "-i", str(inventory), *extra,
                                   "--shard", f"{i}/{SHARDS}", "--report", str(reports[i])],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for i in range(SHARDS)]
    for process in processes:
        process.wait(timeout=300)
    return _corral("report", "merge", *reports, "-o", tmp / f"{tag}-fleet.json")


def _single(tmp: Path, tag: str, inventory: Path, extra: list[str],
            check: bool) -> tuple[int, dict[str, Any]]:
    report = tmp / f"{tag}-single.json"
    done = _corral("check" if check else "apply", tmp / "play.yml", "-i", inventory, *extra,
                   "--report", report)
    return done.returncode, json.loads(report.read_text())


def _essence(report: dict[str, Any]) -> dict[str, Any]:
    """What must be equal: hosts, per-host counts, and each task's name and status."""
    keys = ("ok", "changed", "failed", "skipped", "unreachable", "ignored", "rescued")
    return {name: ({k: host[k] for k in keys},
                   [(t["name"], t["status"]) for t in host["tasks"]])
            for name, host in report["hosts"].items()}


def test_merged_shards_equal_one_run(fleet: Any, tmp_path: Path) -> None:
    assert len(fleet.hosts) >= 4, "run with CORRAL_FLEET_HOSTS=5 (6 hosts)"
    slices = split(fleet.hosts, SHARDS)
    assert sum(1 for s in slices if s) >= 2, slices  # the test really splits the fleet
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    failing = fleet.hosts[-1]
    base = f"/tmp/corral-shards-{uuid.uuid4().hex[:8]}"
    roots = {"single": f"{base}-single", "shards": f"{base}-shards"}
    extra = {tag: ["-e", f"root={root}", "-e", f"failing={failing}"]
             for tag, root in roots.items()}
    try:
        for root in roots.values():
            for host in fleet.hosts:
                fleet.exec(host, f"mkdir -p {root}")
        # check mode first: drift reported, nothing written, same merged report
        code, single = _single(tmp_path, "check", fleet.inventory_path, extra["single"], True)
        merge = _run_shards(tmp_path, "check", fleet.inventory_path, extra["shards"], True)
        merged = json.loads((tmp_path / "check-fleet.json").read_text())
        assert code == 1 and merge.returncode == 1, merge.stderr
        assert _essence(merged) == _essence(single)
        assert merged["merge"]["shards"] == [f"{i}/{SHARDS}" for i in range(SHARDS)]
        assert not any(exists(fleet, h, f"{r}/marker") for h in fleet.hosts
                       for r in roots.values())
        # apply: the change is made, the merged report equals one run's
        code, single = _single(tmp_path, "apply", fleet.inventory_path, extra["single"], False)
        merge = _run_shards(tmp_path, "apply", fleet.inventory_path, extra["shards"], False)
        merged = json.loads((tmp_path / "apply-fleet.json").read_text())
        assert code == 1 and merge.returncode == 1, merge.stderr
        assert _essence(merged) == _essence(single)
        assert set(merged["hosts"]) == set(fleet.hosts)
        assert merged["hosts"][failing]["failed"] == 1
        assert merge.stderr.splitlines()[-1] == (
            f"fleet: {len(fleet.hosts)} hosts from {SHARDS} shard reports "
            f"ok={sum(h['ok'] for h in single['hosts'].values())} "
            f"changed={len(fleet.hosts)} unreachable=0 failed=1 "
            f"skipped={len(fleet.hosts) - 1} (exit 1)")
        for host in fleet.hosts:
            assert read_file(fleet, host, f"{roots['shards']}/marker") == f"{host}\n"
        # re-run: nothing changes, in the merged report too
        merge = _run_shards(tmp_path, "again", fleet.inventory_path, extra["shards"], False)
        merged = json.loads((tmp_path / "again-fleet.json").read_text())
        assert sum(h["changed"] for h in merged["hosts"].values()) == 0
        assert merge.returncode == 1  # the chosen host still fails
    finally:
        remove_on_hosts(fleet, *roots.values())


def test_a_missing_shard_is_reported_not_dropped(fleet: Any, tmp_path: Path) -> None:
    (tmp_path / "play.yml").write_text("- hosts: fleet\n  gather_facts: false\n  tasks:\n"
                                       "    - command: 'true'\n")
    reports = []
    for index in (0, 2):  # shard 1/3 never ran
        reports.append(tmp_path / f"s{index}.json")
        done = _corral("apply", tmp_path / "play.yml", "-i", fleet.inventory_path,
                       "--shard", f"{index}/3", "--report", reports[-1])
        assert done.returncode == 0, done.stderr
        assert json.loads(reports[-1].read_text())["shard"] == f"{index}/3"
    merge = _corral("report", "merge", *reports)
    assert merge.returncode == 1
    assert "ERROR: shard 1/3 is missing: no report for it was given" in merge.stderr
    assert json.loads(merge.stdout)["merge"]["missing"] == ["1/3"]


def test_xargs_recipe_merges_like_one_run(fleet: Any, tmp_path: Path) -> None:
    """examples/scale-out/xargs/run-shards.sh as a user runs it."""
    recipe = Path(__file__).resolve().parents[2] / "examples/scale-out/xargs/run-shards.sh"
    play = tmp_path / "play.yml"
    play.write_text("- hosts: fleet\n  gather_facts: false\n  tasks:\n"
                    "    - command: uname -n\n      changed_when: false\n")
    single = tmp_path / "single.json"
    assert _corral("apply", play, "-i", fleet.inventory_path, "--report", single).returncode == 0
    env = {**os.environ, "CORRAL": f"{sys.executable} -m corral"}
    done = subprocess.run([str(recipe), "3", str(play), str(fleet.inventory_path),
                           str(tmp_path / "reports")], capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr
    merged = json.loads((tmp_path / "reports" / "fleet.json").read_text())
    assert _essence(merged) == _essence(json.loads(single.read_text()))
    assert sorted(line.split(" (log")[0] for line in done.stderr.splitlines()
                  if line.startswith("shard ")) == [f"shard {i}/3: exit 0" for i in range(3)]
