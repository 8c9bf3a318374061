"""CPU instructions per posted document, counted by valgrind (callgrind): a cost figure that
does not move with the machine's load, for before/after pairs of the posting paths.

    PYTHONPATH=$PWD .venv/bin/python scripts/instructions_per_doc.py CASE [CASE …] [--docs N]

Cases: the ledger benchmark's five-line documents, one ``record_moves`` per transaction
(``ma_in`` / ``ma_out``: moving average, company pool, receipts / issues; ``fifo_in`` /
``fifo_out``: FIFO per warehouse; ``delivery``: five-line sales deliveries, one warehouse,
moving average) and the document flow through the services (``flow_in`` / ``flow_out``:
create, submit, approve, post in four transactions; ``flow_in_once`` / ``flow_out_once``:
create + 保存并过账 in one transaction; ``counter_sale``: the counter sale of ``tests/bench/counter_sale.py``,
five scanned items and two payments, one transaction per sale, 20 untimed sales first). Each
case runs in a fresh copy of a migrated database (SQLite; with
``DATABASE_URL=postgres://…`` a database made from a migrated template on that server, which
counts only the client's instructions), posts 100 untimed documents, then counts the
instructions of ``--docs`` documents (default 100), then counts the statements of 20 more
(apart: a statement counter sends the hot paths through Django's cursor). Prints one JSON line per case: the
instructions per document (the same code gives the same count to ±0.1 %), the SQL statements
per document and the milliseconds per document under valgrind (not a speed figure). On SQLite the
file's checkpoint thread is held while counting (see ``_hold_checkpoints``).
Needs valgrind (Debian package ``valgrind``)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = (
    "ma_in",
    "ma_out",
    "fifo_in",
    "fifo_out",
    "delivery",
    "flow_in",
    "flow_out",
    "flow_in_once",
    "flow_out_once",
    "counter_sale",
)
WARM = 100
COUNTER_WARM = 20  # a counter sale reads no growing history: fewer untimed ones under valgrind


def _migrations_key() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("jxc/*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _template() -> str:
    """A migrated database to copy: a SQLite file, or a database name on the PostgreSQL
    server of DATABASE_URL. Made once per set of migrations (natively, not under valgrind)."""
    key = _migrations_key()
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = f"jxc_ir_{key}"
        probe = _run_inner(["--exists", name])
        if probe.strip() != "yes":
            _run_inner(["--migrate"], database=name)
        return name
    path = Path(tempfile.gettempdir()) / f"jxc-ir-{key}.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two runs at once: each its own
        _run_inner(["--migrate"], sqlite=str(tmp))
        os.replace(tmp, path)
    return str(path)


def _run_inner(args, *, sqlite=None, database=None, valgrind=None) -> str:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("JXC_DATA_DIR", tempfile.mkdtemp(prefix="jxc-ir-"))
    if sqlite:
        env["DATABASE_URL"] = "sqlite:///" + sqlite
    if database:
        env["JXC_IR_DATABASE"] = database
    cmd = [sys.executable, __file__, "--inner", *args]
    if valgrind:
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={valgrind}",
            *cmd,
        ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{' '.join(args)}: exit {proc.returncode}")
    return proc.stdout + ("\n" + proc.stderr if valgrind else "")


def _pg_url(database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + database))


def outer(cases: list[str], docs: int) -> None:
    template = _template()
    pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    for case in cases:
        work = tempfile.mkdtemp(prefix="jxc-ir-")
        out = os.path.join(work, "callgrind.out")
        if pg:
            name = f"jxc_ir_run_{os.getpid()}_{case}"
            _run_inner(["--copy", template, name])
            text = _run_inner(["--case", case, "--docs", str(docs)], database=name, valgrind=out)
            _run_inner(["--drop", name])
        else:
            db = os.path.join(work, "run.sqlite3")
            shutil.copy(template, db)
            text = _run_inner(["--case", case, "--docs", str(docs)], sqlite=db, valgrind=out)
        figures = json.loads(next(line for line in text.splitlines() if line.startswith("{")))
        collected = next(line for line in text.splitlines() if "Collected :" in line)
        instructions = int(collected.split(":")[-1].strip().replace(",", ""))
        figures["instructions_per_doc"] = round(instructions / docs)
        print(json.dumps(figures), flush=True)
        shutil.rmtree(work, ignore_errors=True)


# --- inside the measured process ------------------------------------------------------------


def _django() -> None:
    database = os.environ.get("JXC_IR_DATABASE")
    if database:
        os.environ["DATABASE_URL"] = _pg_url(database)
    import django

    django.setup()


def _admin(sql: str, params=()) -> list:
    import psycopg

    url = _pg_url("postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _toggle(on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        capture_output=True,
        check=False,
    )


def _ledger_case(case: str, n: int):
    import datetime as dt
    import random

    from django.db import transaction

    from jxc.inventory.choices import MoveReason as R
    from jxc.inventory.services import record_moves
    from tests.bench import ledger_posting as lp

    method = "fifo" if case.startswith("fifo") else "moving_average"
    scope = "warehouse" if method == "fifo" else "company"
    rng = random.Random(42)
    kit, skus, whs = lp._setup(method, scope, "IR")
    if case == "delivery":
        whs = whs[:1]
    day = dt.date(2026, 3, 1)
    total = n + WARM
    receipts = lp._docs(kit, skus, whs, total, sign=1, reason=R.PURCHASE_RECEIPT, day=day, rng=rng)
    reason = R.SALES_DELIVERY
    issues = lp._docs(kit, skus, whs, total, sign=-1, reason=reason, day=day, rng=rng)
    lp._post(kit, lp.opening(skus, whs, total, day), "opening")
    docs, kind = (receipts, "receipt") if case.endswith("_in") else (issues, "issue")
    if kind == "issue":
        lp._post(kit, receipts[:WARM], "receipt")
    lp._post(kit, docs[:WARM], kind)

    def one(lines):
        with transaction.atomic():
            record_moves(lines, source=kit.ref(kind), user=None)

    return one, docs[WARM:]


def _flow_case(case: str, n: int):
    import datetime as dt
    import random
    from decimal import Decimal

    from jxc.core.documents.lines import LineInput
    from jxc.inventory.documents import services as s
    from tests.bench import document_flow as df

    rng = random.Random(7)
    user, skus, warehouse = df._setup()
    day = dt.date.today()
    total = n + WARM
    receipts = [
        [
            LineInput(
                sku=k, qty=Decimal(rng.randint(3, 6)), price=Decimal(rng.randint(100, 9999)) / 100
            )
            for k in rng.sample(skus, df.LINES)
        ]
        for _ in range(total)
    ]
    issues = [
        [LineInput(sku=k, qty=Decimal(rng.randint(1, 2))) for k in rng.sample(skus, df.LINES)]
        for _ in range(total)
    ]
    stock = [[LineInput(sku=k, qty=Decimal(4 * total), price=Decimal(5)) for k in skus]]
    df._flow(user, warehouse, stock, "other_receipt", day)
    kind = "other_receipt" if "_in" in case else "other_issue"
    docs = receipts if kind == "other_receipt" else issues
    if case.endswith("_once"):
        df._flow_at_once(user, warehouse, docs[:WARM], kind, day)

        def one(lines):
            s.create_and_post_stock_document(
                user=user, kind=kind, warehouse=warehouse, date=day, reason="other", lines=lines
            )
    else:
        df._flow(user, warehouse, docs[:WARM], kind, day)

        def one(lines):
            df._flow(user, warehouse, [lines], kind, day)

    return one, docs[WARM:]


def _counter_case(case: str, n: int):
    from decimal import Decimal

    from jxc.retail.services import Paid, record_counter_sale
    from tests.bench import counter_sale as cs

    user, store, codes, cash, wechat = cs._setup(n + COUNTER_WARM + 20)
    items = [(codes[0], Decimal(1)), *[(c, Decimal(1)) for c in codes]]
    total = Decimal(3) * 2 + sum(Decimal(4 + i) for i in range(cs.ITEMS - 1))
    paid = [Paid(cash, Decimal(20)), Paid(wechat, total - 20)]

    def one(_doc) -> None:
        record_counter_sale(
            user=user, warehouse=store, items=items, paid=paid, tendered_cash=Decimal(50)
        )

    for _ in range(COUNTER_WARM):
        one(None)
    return one, [None] * n


def _hold_checkpoints(connection):
    """SQLite: the file's checkpoint thread held while counting (callgrind counts every
    thread; under load the thread's timed wakes copy pages at moments that vary run to run,
    up to ±1 % of a count). Its cost is the same per committed page before and after a
    change, so it stays out of the before/after figure; the WAL is emptied first."""
    if connection.vendor != "sqlite":
        return None
    from jxc.core.db.sqlite3 import checkpoints

    held = checkpoints.checkpointer(connection._file_turn().db_path)  # the writers' key
    held.paused.set()
    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return held


def inner(argv: list[str]) -> None:
    if argv[0] == "--exists":
        os.environ.setdefault("DATABASE_URL", "")
        rows = _admin("SELECT 1 FROM pg_database WHERE datname = %s", (argv[1],))
        print("yes" if rows else "no")
        return
    if argv[0] == "--copy":
        _admin(f'CREATE DATABASE "{argv[2]}" TEMPLATE "{argv[1]}"')
        return
    if argv[0] == "--drop":
        _admin(f'DROP DATABASE IF EXISTS "{argv[1]}"')
        return
    if argv[0] == "--migrate":
        final = os.environ.get("JXC_IR_DATABASE")
        if final:  # made under another name, renamed once migrated: never half a template
            os.environ["JXC_IR_DATABASE"] = final + "_making"
            _admin(f'DROP DATABASE IF EXISTS "{final}_making"')
            _admin(f'CREATE DATABASE "{final}_making"')
        _django()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        connection.close()
        if final:
            _admin(f'ALTER DATABASE "{final}_making" RENAME TO "{final}"')
        return
    case, n = argv[1], int(argv[3])
    _django()
    from django.db import connection

    make = (
        _counter_case
        if case == "counter_sale"
        else _flow_case
        if case.startswith("flow")
        else _ledger_case
    )
    one, docs = make(case, n)
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    connection.ensure_connection()
    held = _hold_checkpoints(connection)
    _toggle(True)
    started = time.perf_counter()
    for lines in docs:
        one(lines)
    elapsed = time.perf_counter() - started
    _toggle(False)
    if held is not None:
        held.paused.clear()
    # counted apart: a statement counter sends the hot paths through Django's cursor
    again = docs[: min(20, len(docs))]
    with connection.execute_wrapper(count):
        for lines in again:
            one(lines)
    print(
        json.dumps(
            {
                "case": case,
                "vendor": connection.vendor,
                "docs": n,
                "statements_per_doc": round(statements[0] / len(again), 2),
                "ms_per_doc_under_valgrind": round(1000 * elapsed / n, 2),
            }
        ),
        flush=True,
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--inner":
        inner(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", choices=CASES)
    parser.add_argument("--docs", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed (Debian package valgrind)")
    outer(args.cases, args.docs)


if __name__ == "__main__":
    main()
