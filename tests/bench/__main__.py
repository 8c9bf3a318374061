"""Benchmark runner: ``python -m tests.bench [--tiny] [--only NAME] [--rounds N]`` (``make bench``).

Runs every benchmark module of this package against a fresh temporary SQLite database and,
when DATABASE_URL points at PostgreSQL, against a fresh database created on that server.
Prints one JSON document: per backend and benchmark its size, wall time and the figures the
benchmark reports. Each backend runs in its own process (Django settings are per process).
Not a timed test: CI runs ``--tiny`` only to prove the benchmarks work.

The benchmarks that settle a speed target (``ledger_posting``, ``document_flow``: a module
with ``ROUNDS``) warm up untimed, then time their cases in interleaved rounds and report the
median over the rounds and its spread (``tests/bench/_rounds.py``). ``--rounds N`` sets the
number of rounds (default 5) — the same documents cut into N rounds, not N times the work.
"""

import argparse
import importlib
import json
import os
import pkgutil
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PACKAGE = "tests.bench"
ROOT = Path(__file__).resolve().parents[2]


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def run_here(names: list[str], tiny: bool, rounds: int | None = None) -> dict:
    """Inside one backend process: migrate the fresh database, run each benchmark."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result: dict = {
        "vendor": connection.vendor,
        "migrate_seconds": round(time.perf_counter() - started, 3),
        "benchmarks": {},
    }
    for name in names:
        module = importlib.import_module(f"{PACKAGE}.{name}")
        sizes = getattr(module, "SIZES", {"tiny": 10, "full": 1000})
        size = sizes["tiny" if tiny else "full"]
        if rounds and hasattr(module, "ROUNDS"):
            module.ROUNDS = rounds
        started = time.perf_counter()
        try:
            figures = module.run(size)
            entry = {"ok": True, "size": size, **figures}
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            entry = {"ok": False, "size": size, "error": f"{type(exc).__name__}: {exc}"}
        entry["wall_seconds"] = round(time.perf_counter() - started, 4)
        result["benchmarks"][name] = entry
    return result


def _child(env: dict, names: list[str], tiny: bool, rounds: int | None) -> dict:
    args = [sys.executable, "-m", PACKAGE, "--child", "--only", ",".join(names)]
    if tiny:
        args.append("--tiny")
    if rounds:
        args += ["--rounds", str(rounds)]
    proc = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return {"ok": False, "error": f"backend process exited with {proc.returncode}"}
    sys.stderr.write(proc.stderr)
    return json.loads(proc.stdout)


def _sqlite(names: list[str], tiny: bool, rounds: int | None) -> dict:
    tmp = tempfile.mkdtemp(prefix="jxc-bench-")
    try:
        env = {**os.environ, "JXC_DATA_DIR": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        return _child(env, names, tiny, rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _postgres(url: str, names: list[str], tiny: bool, rounds: int | None) -> dict:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    dbname = f"jxc_bench_{uuid.uuid4().hex[:10]}"
    tmp = tempfile.mkdtemp(prefix="jxc-bench-")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    try:
        env = {
            **os.environ,
            "JXC_DATA_DIR": tmp,
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{dbname}")),
        }
        return _child(env, names, tiny, rounds)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tiny", action="store_true", help="small sizes: prove it works (CI)")
    parser.add_argument("--only", help="comma separated benchmark names")
    parser.add_argument(
        "--rounds",
        type=int,
        help="timed rounds of the benchmarks that have them (default 5; median and range)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    available = discover()
    names = available
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(names) - set(available))
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; have {', '.join(available)}")

    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.child:
        print(json.dumps(run_here(names, args.tiny, args.rounds)))
        return 0

    report: dict = {
        "tiny": args.tiny,
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "benchmarks": names,
        "backends": {"sqlite": _sqlite(names, args.tiny, args.rounds)},
    }
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        report["backends"]["postgresql"] = _postgres(url, names, args.tiny, args.rounds)
    print(json.dumps(report, indent=2, ensure_ascii=False))

    failed = [
        f"{backend}:{name}"
        for backend, result in report["backends"].items()
        for name, entry in result.get("benchmarks", {"*": {"ok": False}}).items()
        if not entry.get("ok")
    ]
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
