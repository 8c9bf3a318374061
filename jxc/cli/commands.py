"""Implementations of the ``jxc`` subcommands."""

import argparse
import getpass
import os
import sys
import time

from django.conf import settings
from django.core.management import call_command

from jxc.cli.supervisor import Child, Supervisor


def _prepare() -> None:
    # whitenoise expects STATIC_ROOT to exist even while it serves from the apps' folders.
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    from jxc.core.accounts import ensure_default_roles

    ensure_default_roles()
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)


def serve(args: list[str]) -> int:
    """Migrate, load the demo when empty, then run gunicorn and the worker until Ctrl+C."""
    p = argparse.ArgumentParser(prog="jxc serve")
    p.add_argument("--bind", default=os.environ.get("JXC_BIND", "127.0.0.1:8000"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("JXC_WEB_WORKERS", "2")))
    p.add_argument("--no-demo", action="store_true")
    p.add_argument("--no-worker", action="store_true")
    opts = p.parse_args(args)
    _prepare()
    from jxc.cli import demo

    if not opts.no_demo and demo.database_is_empty():
        print("Loading demo data (first start)…", flush=True)
        accounts = demo.load_demo()
    else:
        accounts = demo.existing_demo_accounts()
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "jxc.wsgi:application",
        "--bind",
        opts.bind,
        "--workers",
        str(opts.workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    children = [Child("web (gunicorn)", gunicorn)]
    if not opts.no_worker:
        children.append(Child("worker", [sys.executable, "-m", "jxc.cli", "worker"]))
    host, _, port = opts.bind.rpartition(":")
    print(demo.login_banner(f"http://{host}:{port}/", accounts), flush=True)
    return Supervisor(children).run()


def worker(args: list[str]) -> int:
    """The background task worker. A locked or unreachable database (SQLite busy past its
    timeout, PostgreSQL restarting) does not end it: it waits and starts polling again."""
    from django.db import DatabaseError, close_old_connections, connections

    from jxc.core.jobs import fail_stalled_imports

    backoff = 1.0
    while True:
        started = time.monotonic()
        try:
            fail_stalled_imports()  # jobs whose worker died before this one started
            # 预警: the alert scan queues itself again; the first one is queued here.
            from jxc.approvals.alerts import ensure_scheduled

            ensure_scheduled()
            call_command("db_worker", *args)
            return 0
        except DatabaseError as exc:
            if time.monotonic() - started > 60:
                backoff = 1.0
            print(f"[jxc worker] database error: {exc}; retrying in {backoff:.0f} s", flush=True)
            close_old_connections()
            connections.close_all()
            time.sleep(backoff)
            backoff = min(backoff * 2, 30.0)


def demo_cmd(args: list[str]) -> int:
    from jxc.cli import demo

    _prepare()
    if not demo.database_is_empty():
        print("The database already has data; the demo loads only into an empty one.")
        return 1
    accounts = demo.load_demo()
    print(demo.login_banner("http://127.0.0.1:8000/", accounts))
    return 0


def createadmin(args: list[str]) -> int:
    from jxc.core.accounts import create_user
    from jxc.core.errors import DomainError

    p = argparse.ArgumentParser(prog="jxc createadmin")
    p.add_argument("username")
    p.add_argument("--password", default=os.environ.get("JXC_ADMIN_PASSWORD"))
    opts = p.parse_args(args)
    _prepare()
    password = opts.password or getpass.getpass()
    try:
        create_user(username=opts.username, password=password, roles=["owner"], is_superuser=True)
    except DomainError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return 2
    print(f"created {opts.username}")
    return 0


def check(args: list[str]) -> int:
    """Django's system checks; the ledger checks join here as they are built."""
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", *args)
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    from jxc.cli import checks

    return checks.run_all()


def rebuild_balances(args: list[str]) -> int:
    """Rebuild stock balances, cost pools, lots and FIFO layer remainders from the ledger;
    print what changed (``--dry-run``: only print)."""
    p = argparse.ArgumentParser(prog="jxc rebuild-balances")
    p.add_argument("--dry-run", action="store_true", help="report the differences only")
    opts = p.parse_args(args)
    from jxc.inventory.ledger.checks import rebuild_balances as rebuild

    changes = rebuild(apply=not opts.dry_run)
    for line in changes:
        print(line)
    verb = "would change" if opts.dry_run else "changed"
    print(f"rebuild-balances: {verb} {len(changes)} row(s)")
    return 0


def backup_cmd(args: list[str]) -> int:
    """备份: the database to FILE (default <JXC_DATA_DIR>/backups/jxc-<time>.sqlite3 or
    .dump); ``--verify`` restores it into a scratch database and checks it."""
    from pathlib import Path

    from jxc.cli import backup

    p = argparse.ArgumentParser(prog="jxc backup")
    p.add_argument("file", nargs="?", help="where to write the backup")
    p.add_argument(
        "--verify",
        action="store_true",
        help="restore into a scratch database, compare row counts and sums, run jxc check",
    )
    opts = p.parse_args(args)
    path = Path(opts.file) if opts.file else backup.default_path()
    try:
        figures = backup.backup(path)
    except backup.BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    rows = sum(n for n, _ in figures.values())
    print(f"backup: {path} ({len(figures)} tables, {rows} rows)")
    if not opts.verify:
        return 0
    try:
        problems = backup.verify(path, figures)
    except backup.BackupError as exc:
        problems = [str(exc)]
    for line in problems:
        print(f"  {line}", file=sys.stderr)
    if problems:
        print(f"verify: FAILED, {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("verify: ok (restored into a scratch database: same rows and sums, jxc check passed)")
    return 0


def restore_cmd(args: list[str]) -> int:
    """恢复: put a backup in place of the configured database (asks first unless --yes)."""
    from pathlib import Path

    from jxc.cli import backup

    p = argparse.ArgumentParser(prog="jxc restore")
    p.add_argument("file", help="a file written by jxc backup")
    p.add_argument("--yes", action="store_true", help="do not ask before replacing the data")
    opts = p.parse_args(args)
    if not opts.yes:
        answer = input("This replaces every record of the database with the backup. Go on? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("restore: nothing changed")
            return 1
    try:
        backup.restore(Path(opts.file))
    except backup.BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"restore: {opts.file} is now the database; run jxc check to see it whole")
    return 0


COMMANDS = {
    "backup": backup_cmd,
    "restore": restore_cmd,
    "serve": serve,
    "worker": worker,
    "demo": demo_cmd,
    "createadmin": createadmin,
    "check": check,
    "rebuild-balances": rebuild_balances,
}
