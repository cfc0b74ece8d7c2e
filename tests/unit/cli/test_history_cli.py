"""`corral history`, `history show`, `prune`, `import` and `drift` over a database made here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.unit.history.runs import diff_result, make_meta, make_report

from corral.history.rows import run_record
from corral.history.store import HistoryStore
from corral.report.model import Status
from corral.report.run_meta import iso, utc_now


def corral(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "corral", *map(str, args)], text=True,
                          capture_output=True, timeout=60)


def _fill(path: Path) -> None:
    drifted = make_report({"web1": [Status.OK], "web2": [Status.OK]}, check=True)
    drifted.host("web2").add(diff_result("web2", "a\n", "b\n"))
    rows = [
        ("r1", "2026-01-01T00:00:00.000Z", False, make_report({"web1": [Status.CHANGED], "web2": [Status.CHANGED], "web3": [Status.OK]}), 0),
        ("r2", "2026-01-02T00:00:00.000Z", True, make_report({"web1": [Status.OK], "web2": [Status.OK]}, check=True), 0),
        ("r3", "2026-01-03T00:00:00.000Z", True, drifted, 2),
        ("r4", "2026-01-04T00:00:00.000Z", True, drifted, 2),
    ]
    with HistoryStore(path) as store:
        for run_id, started, check, report, code in rows:
            store.record(run_record(make_meta(run_id, started, check=check, exit_code=code),
                                    report, frozenset()))


def test_history_lists_every_run_with_its_exit_code(tmp_path):
    db = tmp_path / "h.db"
    _fill(db)
    out = corral("history", "--history", db)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["r1", "r2", "r3", "r4"]
    assert "exit=2" in lines[3] and "check" in lines[3] and "changed=1" in lines[3]
    listed = json.loads(corral("history", "--history", db, "--last", "2", "--json").stdout)
    assert [r["id"] for r in listed] == ["r3", "r4"]
    only = json.loads(corral("history", "--history", db, "--host", "web3", "--json").stdout)
    assert [r["id"] for r in only] == ["r1"]


def test_history_show_reads_the_report_back(tmp_path):
    db = tmp_path / "h.db"
    _fill(db)
    data = json.loads(corral("history", "show", "r3", "--history", db, "--json").stdout)
    assert data["run"]["id"] == "r3" and data["drifted"] == ["web2"]
    assert [t["status"] for t in data["hosts"]["web2"]["tasks"]] == ["ok", "changed"]
    text = corral("history", "show", "r3", "--history", db).stdout
    assert "web2: changed" in text and "-a" in text
    missing = corral("history", "show", "nope", "--history", db)
    assert missing.returncode == 4 and "no run 'nope'" in missing.stderr


def test_drift_says_since_when_and_exits_2(tmp_path):
    db = tmp_path / "h.db"
    _fill(db)
    out = corral("drift", "--history", db, "--json")
    assert out.returncode == 2
    states = {e["host"]: (e["state"], e["since"]) for e in json.loads(out.stdout)}
    assert states == {"web1": ("in_sync", None), "web2": ("drifting", "2026-01-03T00:00:00.000Z"),
                      "web3": ("unknown", None)}
    text = corral("drift", "web[23]", "--history", db).stdout
    assert "web2  drifting since 2026-01-03T00:00:00.000Z" in text
    assert "changed: site.yml: write config" in text
    assert "web3  unknown (never checked)" in text and "web1" not in text


def test_prune_and_import(tmp_path):
    db, other = tmp_path / "h.db", tmp_path / "other.db"
    _fill(db)
    with HistoryStore(other) as store:
        store.record(run_record(make_meta("fresh", iso(utc_now())), make_report({"x": []}),
                                frozenset()))
    assert "imported 1 run from" in corral("history", "import", other, "--history", db).stdout
    out = corral("history", "prune", "--older-than", "30d", "--history", db)
    assert out.stdout.strip() == "pruned 4 runs older than 30d"
    assert [r["id"] for r in json.loads(corral("history", "--json", "--history", db).stdout)] == ["fresh"]
    bad = corral("history", "prune", "--older-than", "soon", "--history", db)
    assert bad.returncode == 5 and "90d" in bad.stderr


def test_no_history_yet_is_not_an_error(tmp_path):
    out = corral("history", "--history", tmp_path / "none.db")
    assert out.returncode == 0 and "no runs recorded yet" in out.stdout


def test_drift_with_an_inventory_shows_hosts_never_checked(tmp_path):
    db = tmp_path / "h.db"
    _fill(db)
    inventory = tmp_path / "inv.yml"
    inventory.write_text("all:\n  children:\n    web:\n      hosts:\n        web1:\n        web2:\n"
                         "        web9:\n")
    out = corral("drift", "web", "-i", inventory, "--history", db, "--json")
    states = {e["host"]: e["state"] for e in json.loads(out.stdout)}
    assert states == {"web1": "in_sync", "web2": "drifting", "web9": "unknown"}
    assert out.returncode == 2
