"""PostgreSQL: where a document flow's wall time goes — this process's CPU, the server
backend's CPU (read from ``/proc`` of the backend: the server must run on this machine) and
the rest (waiting on neither: the round trips' wake-ups) — per document of the four-call flow
(新建 → 提交 → 审核 → 过账, five lines, receipts and issues alternating), plus the round trips
of each call counted on the wire (libpq's trace) for one receipt and one issue.

    DATABASE_URL=postgres://… PYTHONPATH=$PWD .venv/bin/python scripts/flow_cpu_split.py [--docs N]

Creates a database of its own on that server (dropped at the end), migrates it, warms up with
100 documents, then times ``--docs`` (default 600). Prints one JSON line. The split does not
move with the code's cleverness only: a slower host makes all three larger; compare runs of two
revisions alternately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def _trips(call) -> tuple[int, object]:
    """Round trips of ``call()`` (Syncs in pipeline mode and simple Queries), its result."""
    from tests.support import sent_messages

    sent, out = sent_messages(call)
    return sent["Sync"] + sent["Query"], out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=600)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at a PostgreSQL server on this machine")
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"jxc_split_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("JXC_DATA_DIR", tempfile.mkdtemp(prefix="jxc-split-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
    sys.path.insert(0, str(ROOT))
    try:
        print(json.dumps(_run(args.docs)))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


def _run(count: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from jxc.core.documents.lines import LineInput
    from jxc.inventory.documents import services as s
    from tests.bench import document_flow as flow

    user, skus, wh = flow._setup()
    day = dt.date.today()
    stock = [LineInput(sku=k, qty=Decimal(10 * count + 1000), price=Decimal(5)) for k in skus]
    flow._flow(user, wh, [stock], "other_receipt", day)
    rng = random.Random(7)

    def lines(kind: str) -> list:
        price = (lambda: Decimal(rng.randint(100, 999)) / 100) if kind == "other_receipt" else None
        return [
            LineInput(sku=k, qty=Decimal(1), price=price() if price else None)
            for k in rng.sample(skus, flow.LINES)
        ]

    kinds = ("other_receipt", "other_issue")
    docs = [(lines(k), k) for _ in range(count // 2 + 50) for k in kinds]
    steps = dict.fromkeys(flow.STEPS, 0.0)
    for x, kind in docs[:100]:
        flow._one(user, wh, x, kind, day, steps)
    trips = {}
    for kind in kinds:
        made: dict = {}
        x = lines(kind)
        made["create"], doc = _trips(
            lambda x=x, kind=kind: s.create_stock_document(
                user=user, kind=kind, warehouse=wh, date=day, reason="other", lines=x
            ),
        )
        for step in ("submit", "approve", "post"):
            call = getattr(s, f"{step}_document")
            made[step], doc = _trips(lambda call=call, doc=doc: call(doc, user=user))
        trips[kind] = made
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def server_cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    timed = docs[100 : 100 + count]
    steps = dict.fromkeys(flow.STEPS, 0.0)
    wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
    for x, kind in timed:
        flow._one(user, wh, x, kind, day, steps)
    n = len(timed)
    wall_ms = (time.perf_counter() - wall) / n * 1000
    cpu_ms = (time.process_time() - cpu) / n * 1000
    server_ms = (server_cpu() - server) / n * 1000
    with connection.cursor() as cur:
        cur.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
            "WHERE relname = 'inventory_stockdocument'"
        )
        updates, hot = cur.fetchone()
    return {
        "documents": n,
        "docs_per_s": round(1000 / wall_ms, 1),
        "wall_ms_per_doc": round(wall_ms, 3),
        "client_cpu_ms_per_doc": round(cpu_ms, 3),
        "server_cpu_ms_per_doc": round(server_ms, 3),
        "neither_ms_per_doc": round(wall_ms - cpu_ms - server_ms, 3),
        "step_ms": {k: round(v / n * 1000, 3) for k, v in steps.items()},
        "round_trips": trips,
        "document_updates_hot": [hot, updates],
    }


if __name__ == "__main__":
    sys.exit(main())
