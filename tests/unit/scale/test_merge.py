"""`corral report merge`: shard reports → one fleet report and the exit code of one run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corral.scale.merge import ShardReport, merge_reports, read_shard_report


def host(ok: int = 1, changed: int = 0, failed: int = 0, unreachable: bool = False,
         skipped: int = 0) -> dict[str, Any]:
    return {"ok": ok, "changed": changed, "failed": failed, "skipped": skipped,
            "unreachable": unreachable, "ignored": 0, "rescued": 0, "never_touched": False,
            "tasks": []}


def shard(index: int | None, count: int, hosts: dict[str, Any], check: bool = False,
          **extra: Any) -> dict[str, Any]:
    data = {"hosts": hosts, "check_mode": check, "interrupted": False,
            "duration_seconds": 1.0 + index if index is not None else 1.0, **extra}
    if index is not None:
        data["shard"] = f"{index}/{count}"
    return data


def merge(*reports: dict[str, Any] | str) -> Any:
    inputs = [ShardReport(f"s{i}.json", data=r) if isinstance(r, dict)
              else ShardReport(f"s{i}.json", error=r) for i, r in enumerate(reports)]
    return merge_reports(inputs)


OK = host()
CHANGED = host(changed=1)
FAILED = host(failed=1)
DOWN = host(ok=0, unreachable=True)


@pytest.mark.parametrize(
    ("reports", "hosts", "code", "problems"),
    [
        ([shard(0, 2, {"a": OK}), shard(1, 2, {"b": OK})], ["a", "b"], 0, []),
        ([shard(0, 2, {"a": CHANGED}), shard(1, 2, {"b": OK})], ["a", "b"], 0, []),
        ([shard(0, 2, {"a": CHANGED}, check=True), shard(1, 2, {"b": OK}, check=True)],
         ["a", "b"], 2, []),
        ([shard(0, 2, {"a": DOWN}), shard(1, 2, {"b": CHANGED})], ["a", "b"], 3, []),
        ([shard(0, 2, {"a": DOWN}), shard(1, 2, {"b": FAILED})], ["a", "b"], 1, []),
        ([shard(0, 3, {"a": OK}), shard(1, 3, {}), shard(2, 3, {"c": OK})], ["a", "c"], 0, []),
        ([shard(0, 3, {"a": OK}), shard(2, 3, {"c": OK})], ["a", "c"], 1,
         ["shard 1/3 is missing: no report for it was given"]),
        ([shard(0, 2, {"a": OK}), "not JSON: Expecting value"], ["a"], 1,
         ["s1.json: failed shard: not JSON: Expecting value",
          "shard 1/2 is missing: no report for it was given"]),
        ([shard(0, 2, {"a": OK, "b": OK}), shard(1, 2, {"b": FAILED})], ["a", "b"], 0,
         ["host 'b' is in more than one shard report (s0.json, s1.json); the first is kept"]),
        ([shard(0, 2, {"a": OK}), shard(0, 2, {"b": OK})], ["a", "b"], 1,
         ["shard 1/2 is missing: no report for it was given",
          "shard 0/2 has more than one report: s0.json, s1.json"]),
        ([shard(0, 2, {"a": OK}), shard(1, 3, {"b": OK})], ["a", "b"], 4,
         ["the reports come from different shard counts: s0.json (0/2), s1.json (1/3)",
          "shard 2/3 is missing: no report for it was given"]),
        ([shard(0, 2, {"a": CHANGED}, check=True), shard(1, 2, {"b": OK})], ["a", "b"], 4,
         ["the reports mix check mode and apply runs; they are not shards of one run"]),
    ],
)
def test_merge_table(reports: list[Any], hosts: list[str], code: int,
                     problems: list[str]) -> None:
    merged = merge(*reports)
    assert list(merged.report["hosts"]) == hosts
    assert int(merged.exit_code) == code
    assert merged.problems == problems


def test_merged_report_keeps_the_schema_and_records_the_merge() -> None:
    merged = merge(shard(0, 2, {"a": CHANGED}, check=True, run={"id": "r1"},
                        failed_hosts=[], drifted=["a"]),
                   shard(1, 2, {"b": CHANGED}, check=True, run={"id": "r1"},
                         failed_hosts=[], drifted=["b"]))
    report = merged.report
    assert report["hosts"] == {"a": CHANGED, "b": CHANGED}
    assert report["check_mode"] is True and report["interrupted"] is False
    assert report["duration_seconds"] == 2.0  # the slowest shard
    assert report["run"] == {"id": "r1"}
    assert report["drifted"] == ["a", "b"]  # host lists are unions
    assert report["merge"] == {"count": 2, "shards": ["0/2", "1/2"], "missing": [],
                               "reports": ["s0.json", "s1.json"], "failed": [],
                               "duplicate_hosts": {}}
    assert "shard" not in report


def test_reports_without_shard_warn_that_missing_cannot_be_seen() -> None:
    merged = merge(shard(None, 0, {"a": OK}), shard(None, 0, {"b": OK}))
    assert merged.exit_code == 0 and merged.problems == []
    assert merged.warnings == ["s0.json, s1.json: no 'shard' recorded; a missing shard cannot "
                               "be detected"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("{", "not JSON"),
        ("[]", "not a corral JSON report (no 'hosts' object)"),
        ('{"hosts": {"a": 1}}', "host 'a' is not an object"),
        ('{"hosts": {"a": {"ok": "x"}}}', "host 'a': 'ok' is not a count"),
        ('{"hosts": {}, "shard": "9/2"}', "'shard' is '9/2', not I/N"),
    ],
)
def test_unreadable_reports_become_failed_shards(tmp_path: Path, content: str,
                                                 error: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(content)
    item = read_shard_report(path)
    assert item.data is None and item.error is not None and error in item.error


def test_missing_file_is_a_failed_shard(tmp_path: Path) -> None:
    item = read_shard_report(tmp_path / "nope.json")
    assert item.error == "cannot read it: No such file or directory"


def test_cli_writes_the_fleet_report_and_exits_as_one_run(tmp_path: Path) -> None:
    paths = []
    for index, hosts in enumerate([{"a": OK}, {"b": FAILED}]):
        paths.append(tmp_path / f"shard-{index}.json")
        paths[-1].write_text(json.dumps(shard(index, 2, hosts)))
    out = tmp_path / "fleet.json"
    done = subprocess.run([sys.executable, "-m", "corral", "report", "merge",
                           *map(str, paths), "-o", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == ("fleet: 2 hosts from 2 shard reports ok=2 changed=0 "
                                   "unreachable=0 failed=1 skipped=0 (exit 1)")
    assert set(json.loads(out.read_text())["hosts"]) == {"a", "b"}
