"""The ``jxc`` command: serve, worker, demo, createadmin, check, and Django's own commands.

jxc serve        migrate, load demo data when the database is empty, start gunicorn and
                 the background worker on http://127.0.0.1:8000
jxc worker       run the background task worker only
jxc demo         load the demo company (only into an empty database)
jxc createadmin  create an owner account (asks for the password)
jxc check        run the system checks and the data self-checks (stock ledger …)
jxc backup [FILE] [--verify]
                 back the database up (SQLite online backup, PostgreSQL pg_dump); --verify
                 restores it into a scratch database, compares row counts and sums and runs
                 jxc check there
jxc restore FILE [--yes]
                 put a backup in place of the database
jxc rebuild-balances [--dry-run]
                 rebuild stock balances, cost pools, lots and FIFO layers from the ledger
jxc <other>      any Django management command (migrate, shell, …)
"""

import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    _setup()
    from jxc.cli import commands

    handler = commands.COMMANDS.get(command)
    if handler is not None:
        return int(handler(argv[1:]) or 0)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jxc", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
