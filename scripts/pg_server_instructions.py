"""PostgreSQL: the server backend's CPU instructions per posted document, counted by valgrind
(callgrind) — the server's share that ``scripts/instructions_per_doc.py`` (the client) misses,
and a figure that does not move with the machine's load.

    PYTHONPATH=$PWD .venv/bin/python scripts/pg_server_instructions.py CASE [CASE …]

Cases: the ledger cases of ``instructions_per_doc.py`` (``ma_in ma_out fifo_in fifo_out
delivery``) and its four-call document flows (``flow_in flow_out``: every call's transaction,
round trips and commit on the server's side). Starts a throwaway cluster (settings as
``scripts/pg-cluster.sh``, autovacuum off: no ANALYZE changes a plan halfway) whose server runs under callgrind, every backend counted from
its start; each case runs twice in a fresh copy of a migrated template, posting ``--small`` (50)
then ``--large`` (250) documents after the same warm-up; the backend's total when it exits, large
minus small, divided by the difference, is the count per document. Prints one JSON line per
case; also the backend's CPU milliseconds per document under valgrind (not a speed figure).
Needs valgrind and the PostgreSQL server binaries; as root, the ``postgres`` user. ~4 min a case.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("ma_in", "ma_out", "fifo_in", "fifo_out", "delivery", "flow_in", "flow_out")


def _as_owner(cmd: list) -> list:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.getuid() == 0 else cmd


def _bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if initdb is None:
        raise SystemExit("no PostgreSQL server binaries (initdb)")
    return os.path.dirname(initdb)


def start(work: str) -> str:
    """A cluster in ``work`` under callgrind; returns its DATABASE_URL."""
    pg = _bin()
    if os.getuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    os.chmod(work, 0o700)
    subprocess.run(
        _as_owner(
            [
                f"{pg}/initdb",
                "-D",
                f"{work}/data",
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = (
        "listen_addresses=127.0.0.1 fsync=off synchronous_commit=off full_page_writes=off "
        "shared_buffers=64MB max_locks_per_transaction=128 autovacuum=off"
    ).split()
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={work}/callgrind.%p",
        f"{pg}/postgres",
        "-D",
        f"{work}/data",
        "-p",
        str(port),
        "-k",
        work,
        *(a for kv in settings for a in ("-c", kv)),
    ]
    with open(f"{work}/server.log", "wb") as log:
        subprocess.Popen(_as_owner(cmd), stdout=log, stderr=log, cwd=work)
    for _ in range(300):
        ready = subprocess.run(
            _as_owner([f"{pg}/pg_isready", "-h", "127.0.0.1", "-p", str(port)]),
            capture_output=True,
        )
        if ready.returncode == 0:
            break
        time.sleep(1)
    else:
        raise SystemExit("the server under valgrind did not start")
    return f"postgres://postgres@127.0.0.1:{port}/postgres"


def stop(work: str) -> None:
    subprocess.run(
        _as_owner([f"{_bin()}/pg_ctl", "-D", f"{work}/data", "-m", "immediate", "stop"]),
        capture_output=True,
    )
    shutil.rmtree(work, ignore_errors=True)


def _inner(case: str, docs: int, url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    env.setdefault("JXC_DATA_DIR", tempfile.mkdtemp(prefix="jxc-si-"))
    proc = subprocess.run(
        [sys.executable, __file__, "--inner", case, str(docs)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{case} {docs}: exit {proc.returncode}")
    return json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("{")))


def _backend_total(work: str, pid: int) -> int:
    """The backend's instruction total, written by callgrind when it exits."""
    path = f"{work}/callgrind.{pid}"
    for _ in range(1200):
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith(("summary:", "totals:")):
                        return int(line.split()[1])
        time.sleep(0.5)
    raise SystemExit(f"no callgrind output for backend {pid}")


def outer(cases: list[str], small: int, large: int) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    os.environ["DATABASE_URL"] = start(work := tempfile.mkdtemp(prefix="jxc-si-"))
    try:
        import instructions_per_doc as ipd

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
        template = ipd._template()
        for case in cases:
            totals = {}
            for n in (small, large):
                name = f"jxc_si_{os.getpid()}_{case}_{n}"
                ipd._run_inner(["--copy", template, name])
                try:
                    found = _inner(case, n, ipd._pg_url(name))
                finally:
                    ipd._run_inner(["--drop", name])
                totals[n] = (_backend_total(work, found["pid"]), found["cpu_ms"])
            print(
                json.dumps(
                    {
                        "case": case,
                        "server_instructions_per_doc": round(
                            (totals[large][0] - totals[small][0]) / (large - small)
                        ),
                        "server_cpu_ms_per_doc_under_valgrind": round(totals[large][1] / large, 2),
                    }
                ),
                flush=True,
            )
    finally:
        stop(work)


def inner(case: str, n: int) -> None:
    """Set up ``case`` (instructions_per_doc's ledger or flow case), post ``n`` documents, print the
    backend's pid and its CPU time, close the connection (the backend exits, callgrind writes)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import django

    django.setup()
    import instructions_per_doc as ipd
    from django.db import connection

    make = ipd._flow_case if case.startswith("flow") else ipd._ledger_case
    one, docs = make(case, n)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]

    def ticks() -> int:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    before = ticks()
    for lines in docs:
        one(lines)
    cpu_ms = 1000 * (ticks() - before) / os.sysconf("SC_CLK_TCK")
    connection.close()
    print(json.dumps({"pid": pid, "cpu_ms": cpu_ms}), flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--inner":
        inner(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", choices=CASES)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=250)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed (Debian package valgrind)")
    outer(args.cases, args.small, args.large)


if __name__ == "__main__":
    main()
