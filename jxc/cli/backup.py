"""备份与恢复: ``jxc backup [FILE] [--verify]`` and ``jxc restore FILE --yes``.

SQLite is copied with its online backup API while the service runs; PostgreSQL with pg_dump
(custom format) and pg_restore, the binaries found as scripts/pg-cluster.sh finds them (the
newest /usr/lib/postgresql/*/bin, else PATH). ``--verify`` restores the backup into a
scratch database, compares every table's row count and the sum of each numeric column with
the figures of the database as it was backed up (one snapshot: a read transaction on SQLite,
pg_dump --snapshot on PostgreSQL), then runs ``jxc check`` (the ledger self-checks) on the
scratch copy, and removes it.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

Figures = dict[str, tuple[int, dict[str, str]]]  # table → (rows, column → sum as text)

NUMERIC_SQLITE = ("int", "dec", "num", "real", "floa", "doub", "bool")
NUMERIC_PG = ("smallint", "integer", "bigint", "numeric", "real", "double precision")


class BackupError(Exception):
    """A backup, restore or verification that did not succeed (the message says why)."""


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- PostgreSQL tools ----------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the newest server's own, else the one on PATH."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else x for x in Path(p).parts[-3].split(".")],
    )
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise BackupError(f"{name} not found (install the PostgreSQL client tools)")


def _pg_env(name: str | None = None) -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if s.get(key):
            env[var] = str(s[key])
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    env["PGDATABASE"] = name or s["NAME"]
    return env


def _pg_url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s.get("USER") or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(str(s["PASSWORD"]))
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{name}"


def _run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-2000:]}")


# --- figures: rows and numeric sums of every table -----------------------------------------


def sqlite_figures(conn: sqlite3.Connection) -> Figures:
    out: Figures = {}
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    for table in tables:
        cols = [
            r[1]
            for r in conn.execute(f'PRAGMA table_info("{table}")')
            if any(t in (r[2] or "").lower() for t in NUMERIC_SQLITE)
        ]
        select = ", ".join(["COUNT(*)", *(f'TOTAL("{c}")' for c in cols)])
        row = conn.execute(f'SELECT {select} FROM "{table}"').fetchone()
        out[table] = (row[0], {c: repr(v) for c, v in zip(cols, row[1:], strict=True)})
    return out


def pg_figures(cursor: Any) -> Figures:
    cursor.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
    )
    columns: dict[str, list[str]] = {}
    cursor_rows = cursor.fetchall()
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    tables = sorted(r[0] for r in cursor.fetchall())
    for table, column, kind in cursor_rows:
        if kind in NUMERIC_PG:
            columns.setdefault(table, []).append(column)
    out: Figures = {}
    for table in tables:
        cols = columns.get(table, [])
        select = ", ".join(["COUNT(*)", *(f'COALESCE(SUM("{c}"), 0)::text' for c in cols)])
        cursor.execute(f'SELECT {select} FROM "{table}"')
        row = cursor.fetchone()
        out[table] = (row[0], dict(zip(cols, row[1:], strict=True)))
    return out


def differences(before: Figures, after: Figures) -> list[str]:
    """What the restored copy holds otherwise than the database did (empty: the same)."""
    out = []
    for table in sorted(set(before) | set(after)):
        if table not in after:
            out.append(f"{table}: missing from the backup")
            continue
        if table not in before:
            out.append(f"{table}: only in the backup")
            continue
        (n1, sums1), (n2, sums2) = before[table], after[table]
        if n1 != n2:
            out.append(f"{table}: {n1} rows, the backup has {n2}")
        for col in sorted(set(sums1) | set(sums2)):
            if sums1.get(col) != sums2.get(col):
                out.append(f"{table}.{col}: sum {sums1.get(col)}, the backup {sums2.get(col)}")
    return out


# --- backup ---------------------------------------------------------------------------------


def default_path() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if is_postgres() else "sqlite3"
    return Path(settings.DATA_DIR) / "backups" / f"jxc-{stamp}.{suffix}"


def backup(path: Path) -> Figures:
    """Write the backup to ``path``; return the figures of the database as backed up."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_postgres():
        return _pg_backup(path)
    return _sqlite_backup(path)


def _sqlite_backup(path: Path) -> Figures:
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(str(path))
    try:
        # One snapshot for the figures and the copy: a read transaction (WAL readers see the
        # database as it was when it began, writers go on beside it).
        in_txn = source.in_transaction
        if not in_txn:
            source.execute("BEGIN DEFERRED")
        try:
            figures = sqlite_figures(source)
            source.backup(target)
        finally:
            if not in_txn:
                source.execute("COMMIT")
    finally:
        target.close()
    return figures


def _pg_backup(path: Path) -> Figures:
    from django.db import transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            figures = pg_figures(cursor)
            _run(
                [
                    pg_tool("pg_dump"),
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(path),
                ],
                _pg_env(),
            )
    return figures


# --- restore --------------------------------------------------------------------------------


def restore(path: Path) -> None:
    """Put the backup at ``path`` in place of the configured database."""
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    if is_postgres():
        _run(
            [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            _pg_env(),
        )
        connection.close()
        return
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path}: not a whole SQLite database")
        connection.ensure_connection()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: {exc}") from exc
    finally:
        source.close()


# --- verify ---------------------------------------------------------------------------------


def _check_copy(database_url: str) -> tuple[int, str]:
    """``jxc check`` on the copy, in its own process (its own settings and connection)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "jxc.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def verify(path: Path, figures: Figures) -> list[str]:
    """Restore ``path`` into a scratch database, compare it with ``figures``, run the ledger
    check on it; the problems found (empty: the backup is good)."""
    if is_postgres():
        return _pg_verify(path, figures)
    with tempfile.TemporaryDirectory(prefix="jxc-verify-") as tmp:
        scratch = Path(tmp) / "scratch.sqlite3"
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(scratch))
        try:
            source.backup(target)
            problems = differences(figures, sqlite_figures(target))
        finally:
            source.close()
            target.close()
        code, output = _check_copy(f"sqlite:///{scratch}")
    if code:
        problems.append("jxc check on the restored copy failed:\n" + output)
    return problems


def _pg_verify(path: Path, figures: Figures) -> list[str]:
    import psycopg

    name = f"jxc_verify_{os.getpid()}_{dt.datetime.now():%H%M%S%f}"
    admin = psycopg.connect(_pg_url("postgres"), autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _run(
                [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", name, str(path)],
                _pg_env(name),
            )
            with psycopg.connect(_pg_url(name)) as scratch, scratch.cursor() as cursor:
                problems = differences(figures, pg_figures(cursor))
            code, output = _check_copy(_pg_url(name))
            if code:
                problems.append("jxc check on the restored copy failed:\n" + output)
            return problems
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.close()
