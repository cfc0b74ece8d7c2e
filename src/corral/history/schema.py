"""The history database's tables, and the migrations that bring an older file up to date.

``schema_version`` holds one row: the version of the last migration applied. Each
migration is a list of statements run in one transaction; a database written by a
newer corral (a version we do not know) is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3

from corral.errors import CorralError


class HistoryError(CorralError):
    """The history database cannot be used (made by a newer corral, damaged, missing run)."""


MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # version 1
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY, started TEXT NOT NULL, ended TEXT, user TEXT, controller TEXT,
            version TEXT, command TEXT NOT NULL, argv TEXT NOT NULL, playbook TEXT,
            playbook_sha256 TEXT, inventory TEXT NOT NULL, limit_pattern TEXT,
            tags TEXT NOT NULL, skip_tags TEXT NOT NULL, check_mode INTEGER NOT NULL,
            exit_code INTEGER, interrupted INTEGER NOT NULL DEFAULT 0, duration REAL)""",
        "CREATE INDEX runs_started ON runs(started)",
        """CREATE TABLE run_hosts (
            run_id TEXT NOT NULL, host TEXT NOT NULL, status TEXT NOT NULL,
            ok INTEGER NOT NULL, changed INTEGER NOT NULL, failed INTEGER NOT NULL,
            skipped INTEGER NOT NULL, unreachable INTEGER NOT NULL, ignored INTEGER NOT NULL,
            rescued INTEGER NOT NULL, unknown INTEGER NOT NULL, never_touched INTEGER NOT NULL,
            PRIMARY KEY (run_id, host))""",
        "CREATE INDEX run_hosts_host ON run_hosts(host)",
        """CREATE TABLE run_tasks (
            run_id TEXT NOT NULL, host TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,
            module TEXT NOT NULL, status TEXT NOT NULL, changed INTEGER NOT NULL,
            unknown INTEGER NOT NULL, ignored INTEGER NOT NULL, item TEXT, diff TEXT,
            msg TEXT NOT NULL, duration REAL NOT NULL,
            PRIMARY KEY (run_id, host, seq))""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version, reading only (0: a new, empty database)."""
    found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                         "AND name = 'schema_version'").fetchone()
    if found is None:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _refuse_newer(version: int, path: str) -> None:
    if version > SCHEMA_VERSION:
        raise HistoryError(f"{path}: history schema version {version} was written by a newer "
                           f"corral (this one knows up to {SCHEMA_VERSION}); upgrade corral "
                           "or use --history with another file")


def migrate(conn: sqlite3.Connection, path: str) -> None:
    """Bring the database to SCHEMA_VERSION, in one write transaction (concurrent runs wait).

    A database already at this version is only read: a read-only file can still be listed.
    """
    version = current_version(conn)
    _refuse_newer(version, path)
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = current_version(conn)  # another run may have migrated it meanwhile
        _refuse_newer(version, path)
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number + 1,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
