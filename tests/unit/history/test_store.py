"""The history store: schema, migrations, round trip, redaction, prune, import, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from corral.history.rows import run_record
from corral.history.schema import SCHEMA_VERSION, HistoryError
from corral.history.store import HistoryStore
from corral.report.model import Status

from .runs import diff_result, make_meta, make_report


def _record(path: Path, run_id: str, started: str, **kw: object) -> None:
    report = kw.pop("report", None) or make_report({"web1": [Status.OK, Status.CHANGED]})
    with HistoryStore(path) as store:
        store.record(run_record(make_meta(run_id, started, **kw), report, frozenset()))  # type: ignore[arg-type]


def test_a_new_database_has_every_migration_and_its_version(tmp_path):
    path = tmp_path / "sub" / "history.db"
    HistoryStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "run_hosts", "run_tasks", "schema_version"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert path.stat().st_mode & 0o077 == 0, "the history keeps diffs: owner only"


def test_opening_again_does_not_migrate_twice(tmp_path):
    path = tmp_path / "h.db"
    _record(path, "r1", "2026-01-01T00:00:00.000Z")
    with HistoryStore(path) as store:
        assert [r["id"] for r in store.runs()] == ["r1"]
        assert store.conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 1


def test_a_database_from_a_newer_corral_is_refused_not_damaged(tmp_path):
    path = tmp_path / "h.db"
    HistoryStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(HistoryError, match="newer corral"):
        HistoryStore(path)


def test_run_round_trip_keeps_metadata_counts_and_tasks(tmp_path):
    path = tmp_path / "h.db"
    report = make_report({"web1": [Status.OK, Status.CHANGED], "web2": [Status.FAILED],
                          "web3": [Status.UNREACHABLE]})
    report.host("web1").add(diff_result("web1", "a\n", "b\n"))
    _record(path, "r1", "2026-01-01T00:00:00.000Z", report=report, exit_code=1)
    with HistoryStore(path) as store:
        run = store.run("r1")
        hosts = {h["host"]: h for h in store.hosts("r1")}
        tasks = store.tasks("r1", "web1")
    assert (run["command"], run["exit_code"], run["playbook"], run["check_mode"]) == (
        "apply", 1, "site.yml", False)
    assert run["counts"] == {"hosts": 3, "ok": 3, "changed": 2, "unknown": 0, "failed": 1,
                             "skipped": 0, "unreachable": 1}
    assert {h: row["status"] for h, row in hosts.items()} == {
        "web1": "changed", "web2": "failed", "web3": "unreachable"}
    assert [t["status"] for t in tasks] == ["ok", "changed", "changed"]
    assert "-a\n+b\n" in tasks[2]["diff"]["unified"]
    assert tasks[0]["duration"] == 0.25


def test_secrets_never_reach_the_database(tmp_path):
    path = tmp_path / "h.db"
    report = make_report({"web1": []})
    report.host("web1").add(diff_result("web1", "pw=old\n", "pw=hunter22secret\n"))
    report.host("web1").add(diff_result("web1", "x=topsecretvault\n", "y\n", no_log=True))
    meta = make_meta("r1", "2026-01-01T00:00:00.000Z",
                     argv=("apply", "-e", "db_password=hunter22secret"))
    with HistoryStore(path) as store:
        store.record(run_record(meta, report, frozenset({"hunter22secret"})))
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"hunter22secret" not in raw
    assert b"topsecretvault" not in raw


def test_prune_deletes_old_runs_and_their_rows(tmp_path):
    path = tmp_path / "h.db"
    _record(path, "old", "2025-01-01T00:00:00.000Z")
    _record(path, "new", "2026-06-01T00:00:00.000Z")
    with HistoryStore(path) as store:
        assert store.prune("2026-01-01T00:00:00.000Z") == 1
        assert [r["id"] for r in store.runs()] == ["new"]
        assert store.conn.execute("SELECT COUNT(*) FROM run_tasks WHERE run_id='old'").fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM run_hosts WHERE run_id='old'").fetchone()[0] == 0


def test_import_merges_another_database_once(tmp_path):
    main, shard = tmp_path / "main.db", tmp_path / "shard.db"
    _record(main, "a", "2026-01-01T00:00:00.000Z")
    _record(shard, "a", "2026-01-01T00:00:00.000Z")
    _record(shard, "b", "2026-01-02T00:00:00.000Z")
    with HistoryStore(main) as store:
        assert store.import_from(shard) == 1
        assert store.import_from(shard) == 0
        assert [r["id"] for r in store.runs()] == ["a", "b"]
        assert len(store.tasks("b")) == 2


def test_import_of_a_missing_file_says_so(tmp_path):
    with HistoryStore(tmp_path / "h.db") as store, pytest.raises(HistoryError, match="no such"):
        store.import_from(tmp_path / "nope.db")


def test_list_last_and_host_filter(tmp_path):
    path = tmp_path / "h.db"
    for n in range(5):
        _record(path, f"r{n}", f"2026-01-0{n + 1}T00:00:00.000Z",
                report=make_report({f"web{n % 2}": [Status.OK]}))
    with HistoryStore(path) as store:
        assert [r["id"] for r in store.runs(last=2)] == ["r3", "r4"]
        assert [r["id"] for r in store.runs(host="web1")] == ["r1", "r3"]
        assert store.find_run("r3") == "r3"
        with pytest.raises(HistoryError, match="no run"):
            store.find_run("zz")


def _writer(path: str, number: int) -> None:
    _record(Path(path), f"run-{number:02d}", f"2026-01-01T00:00:{number:02d}.000Z",
            report=make_report({f"h{n}": [Status.OK] * 10 for n in range(10)}))


def test_twenty_concurrent_writers_lose_no_run(tmp_path):
    path = tmp_path / "h.db"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), n)) for n in range(20)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * 20
    with HistoryStore(path) as store:
        runs = store.runs()
        assert sorted(r["id"] for r in runs) == [f"run-{n:02d}" for n in range(20)]
        assert all(r["counts"]["hosts"] == 10 and r["counts"]["ok"] == 100 for r in runs)


def test_run_rows_are_json_serialisable(tmp_path):
    path = tmp_path / "h.db"
    _record(path, "r1", "2026-01-01T00:00:00.000Z")
    with HistoryStore(path) as store:
        json.dumps(store.runs())


def test_an_older_database_is_migrated_on_open(tmp_path):
    path = tmp_path / "h.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (0)")
    conn.commit()
    conn.close()
    _record(path, "r1", "2026-01-01T00:00:00.000Z")
    with HistoryStore(path, create=False) as store:
        assert [r["id"] for r in store.runs()] == ["r1"]
        assert [tuple(r) for r in store.conn.execute("SELECT version FROM schema_version")] == [
            (SCHEMA_VERSION,)]


def test_import_refuses_a_database_of_another_schema_version(tmp_path):
    shard = tmp_path / "shard.db"
    conn = sqlite3.connect(shard)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with HistoryStore(tmp_path / "h.db") as store, pytest.raises(HistoryError, match="version"):
        store.import_from(shard)
