"""The history database: record runs, list them, read one back, prune, merge another file.

Safe for concurrent corral runs on one file: WAL journal, a busy timeout, and one
short write transaction per run (``BEGIN IMMEDIATE``: writers queue, never interleave).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from corral.history.rows import HOST_COLUMNS, RUN_COLUMNS, TASK_COLUMNS, RunRecord
from corral.history.schema import SCHEMA_VERSION, HistoryError, current_version, migrate

BUSY_TIMEOUT_MS = 60_000


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


def _create_private(path: Path) -> None:
    """The history keeps diffs of managed files: only its owner reads it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


class HistoryStore:
    """One open history database. Use as a context manager."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if create:
            _create_private(path)
        elif not path.exists():
            raise HistoryError(f"{path}: no history database there (run corral apply or check "
                               "first, or give --history)")
        self.conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                                    isolation_level=None)
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if create:
                self.conn.execute("PRAGMA journal_mode = WAL")  # persistent: set by the writer
            migrate(self.conn, str(path))
        except BaseException:
            self.conn.close()
            raise

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _write(self, statements: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, rows in statements:
                self.conn.executemany(sql, rows)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- writing -------------------------------------------------------------
    def record(self, record: RunRecord) -> None:
        """Store one run, its hosts and its tasks in one transaction."""
        self._write([
            (_insert("runs", RUN_COLUMNS), [tuple(record.run[c] for c in RUN_COLUMNS)]),
            (_insert("run_hosts", HOST_COLUMNS),
             [tuple(row[c] for c in HOST_COLUMNS) for row in record.hosts]),
            (_insert("run_tasks", TASK_COLUMNS),
             [tuple(row[c] for c in TASK_COLUMNS) for row in record.tasks]),
        ])

    def prune(self, before: str) -> int:
        """Delete the runs started before ``before`` (ISO-8601 UTC); returns how many."""
        old = "(SELECT id FROM runs WHERE started < ?)"
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            count = self.conn.execute("SELECT COUNT(*) FROM runs WHERE started < ?",
                                      (before,)).fetchone()[0]
            self.conn.execute(f"DELETE FROM run_tasks WHERE run_id IN {old}", (before,))
            self.conn.execute(f"DELETE FROM run_hosts WHERE run_id IN {old}", (before,))
            self.conn.execute("DELETE FROM runs WHERE started < ?", (before,))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return int(count)

    def import_from(self, other: Path) -> int:
        """Merge the runs of another history database (a shard's); returns how many were new."""
        if not other.is_file():
            raise HistoryError(f"{other}: no such history database")
        source = sqlite3.connect(f"file:{other}?mode=ro", uri=True)  # a shard's file: read only
        try:
            version = current_version(source)
        finally:
            source.close()
        if version != SCHEMA_VERSION:
            raise HistoryError(f"{other}: history schema version {version}, this corral's is "
                               f"{SCHEMA_VERSION}: open it with this corral first (corral "
                               f"history --history {other})")
        self.conn.execute("ATTACH DATABASE ? AS src", (str(other),))
        try:
            return self._import_attached()
        finally:
            self.conn.execute("DETACH DATABASE src")

    def _import_attached(self) -> int:
        new = "(SELECT id FROM src.runs WHERE id NOT IN (SELECT id FROM main.runs))"
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            count = self.conn.execute(f"SELECT COUNT(*) FROM {new}").fetchone()[0]
            for table, columns in (("run_tasks", TASK_COLUMNS), ("run_hosts", HOST_COLUMNS)):
                names = ", ".join(columns)
                self.conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} "
                                  f"FROM src.{table} WHERE run_id IN {new}")
            names = ", ".join(RUN_COLUMNS)
            self.conn.execute(f"INSERT INTO main.runs ({names}) SELECT {names} FROM src.runs "
                              "WHERE id NOT IN (SELECT id FROM main.runs)")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return int(count)

    # -- reading ---------------------------------------------------------------
    def runs(self, host: str | None = None, last: int | None = None) -> list[dict[str, Any]]:
        """Runs, oldest first (the last ``last`` of them), with their hosts' counts summed."""
        where, args = "", []
        if host is not None:
            where = "WHERE id IN (SELECT run_id FROM run_hosts WHERE host = ?)"
            args.append(host)
        limit = f"LIMIT {int(last)}" if last is not None else ""
        rows = self.conn.execute(
            f"SELECT * FROM (SELECT * FROM runs {where} ORDER BY started DESC, id DESC {limit}) "
            "ORDER BY started, id", args).fetchall()
        return [self._run_dict(row) for row in rows]

    def _run_dict(self, row: sqlite3.Row) -> dict[str, Any]:
        data = {key: row[key] for key in row.keys()}
        for key in ("argv", "inventory", "tags", "skip_tags"):
            data[key] = json.loads(data[key])
        data["check_mode"] = bool(data["check_mode"])
        data["interrupted"] = bool(data["interrupted"])
        data["limit"] = data.pop("limit_pattern")
        counts = self.conn.execute(
            "SELECT COUNT(*) AS hosts, SUM(ok) AS ok, SUM(changed) AS changed, "
            "SUM(failed) AS failed, SUM(skipped) AS skipped, SUM(unreachable) AS unreachable, "
            "SUM(unknown) AS unknown FROM run_hosts WHERE run_id = ?", (row["id"],)).fetchone()
        data["counts"] = {key: int(counts[key] or 0) for key in counts.keys()}
        return data

    def find_run(self, prefix: str) -> str:
        """The run id that ``prefix`` starts (a unique prefix is enough, like git)."""
        rows = self.conn.execute("SELECT id FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' "
                                 "ORDER BY id LIMIT 2",
                                 (prefix, _like_prefix(prefix))).fetchall()
        exact = [r["id"] for r in rows if r["id"] == prefix]
        if exact:
            return str(exact[0])
        if not rows:
            raise HistoryError(f"no run {prefix!r} in {self.path} (see `corral history`)")
        if len(rows) > 1:
            raise HistoryError(f"run id prefix {prefix!r} matches several runs; give more of it")
        return str(rows[0]["id"])

    def run(self, run_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise HistoryError(f"no run {run_id!r} in {self.path}")
        return self._run_dict(row)

    def hosts(self, run_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM run_hosts WHERE run_id = ? ORDER BY rowid",
                                 (run_id,)).fetchall()
        return [{key: row[key] for key in row.keys()} for row in rows]

    def tasks(self, run_id: str, host: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM run_tasks WHERE run_id = ?", [run_id]
        if host is not None:
            sql += " AND host = ?"
            args.append(host)
        rows = self.conn.execute(sql + " ORDER BY rowid", args).fetchall()
        out = []
        for row in rows:
            data = {key: row[key] for key in row.keys()}
            data["diff"] = json.loads(data["diff"]) if data["diff"] else None
            out.append(data)
        return out

    def check_observations(self) -> list[dict[str, Any]]:
        """Every host of every check run, oldest first: what drift is computed from."""
        rows = self.conn.execute(
            "SELECT r.id AS run_id, r.started, r.playbook, h.host, h.status FROM runs r "
            "JOIN run_hosts h ON h.run_id = r.id WHERE r.check_mode = 1 "
            "ORDER BY r.started, r.id").fetchall()
        return [{key: row[key] for key in row.keys()} for row in rows]

    def known_hosts(self) -> list[str]:
        rows = self.conn.execute("SELECT DISTINCT host FROM run_hosts ORDER BY host").fetchall()
        return [str(row["host"]) for row in rows]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
