"""A real ``jxc serve`` (gunicorn + the background worker under the supervisor) on a free
port with its own SQLite data directory (issue 11 §3 "a server that stays up"):

* a 30,000-row count import as 仓管 while 10 clients post documents: no 5xx, no dropped
  connection, the server alive afterwards and every counted quantity right (the import is
  checked in the request and applied by the worker in short chunks);
* a child that dies (the worker killed, gunicorn stopped) is started again by the
  supervisor, and the server keeps answering.

SQLite only: it is SQLite's single write lock that a long transaction held; the PostgreSQL
pass skips this module (the same code is tested in-process there)."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
SKUS, BINS = 50, 600  # 30,000 (SKU, bin) rows
CLIENTS = 10
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="a real server on SQLite (runs in the SQLite pass of `make test`)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(JXC_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), JXC_LOG_LEVEL="WARNING")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def __call__(self, method, path, body=None, *, raw=None, content_type=None, timeout=120):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            content_type = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            try:
                return exc.code, json.loads(payload or b"null")
            except ValueError:
                return exc.code, payload[:200]


def _multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _children(pid: int) -> dict[str, int]:
    """The supervisor's children by role: {"gunicorn": pid, "worker": pid}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid != pid:
            continue
        if "gunicorn" in cmd:
            found["gunicorn"] = int(entry.name)
        elif "jxc.cli worker" in cmd:
            found["worker"] = int(entry.name)
    return found


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("jxc-serve")
    env = _env(data_dir)
    made = subprocess.run(
        [sys.executable, "-m", "tests.server.setup_data", str(SKUS), str(BINS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    info = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = open(data_dir / "serve.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jxc.cli", "serve", "--no-demo", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    owner = Api(base, info["owner_token"])

    def up():
        try:
            return owner("GET", "/me", timeout=5)[0] == 200
        except OSError:
            return False

    try:
        _wait(up, 120, "jxc serve to answer")
        yield {"proc": proc, "info": info, "base": base, "data_dir": data_dir, "owner": owner}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def _sheet(info) -> tuple[bytes, dict[tuple[str, str], int]]:
    book = Workbook(write_only=True)
    ws = book.create_sheet()
    ws.append(["SKU code or barcode", "Counted quantity", "Bin"])
    expected = {}
    for i, code in enumerate(info["sku_codes"]):
        for j, bin_code in enumerate(info["bin_codes"]):
            qty = (i * 7 + j) % 13 + 1
            ws.append([code, qty, bin_code])
            expected[(code, bin_code)] = qty
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), expected


def _post_documents(api: Api, info, k: int, stop: threading.Event, results: list):
    """One client: other receipts into the store, each created, submitted, approved, posted."""
    sku_id = info["sku_ids"][k % len(info["sku_ids"])]
    for n in range(200):  # bounded
        if stop.is_set():
            return
        try:
            doc = {
                "warehouse_id": info["store_id"],
                "date": time.strftime("%Y-%m-%d"),
                "reason": "other",
                "lines": [{"sku_id": sku_id, "qty": "1", "unit_cost": "2.5"}],
            }
            status, body = api("POST", "/other-receipts", doc)
            results.append(("create", status))
            if status != 201:
                continue
            for action in ("submit", "approve", "post"):
                status, _body = api("POST", f"/other-receipts/{body['id']}/{action}")
                results.append((action, status))
        except Exception as exc:  # a dropped connection or a timeout is a failure too
            results.append(("error", repr(exc)))
        if n == 199:
            return


def test_a_30000_row_count_import_while_10_clients_post(server):
    info, owner = server["info"], server["owner"]
    keeper = Api(server["base"], info["keeper_token"])
    content, expected = _sheet(info)
    assert len(expected) == SKUS * BINS == 30_000
    stop = threading.Event()
    results: list = []
    clients = [
        threading.Thread(target=_post_documents, args=(owner, info, k, stop, results))
        for k in range(CLIENTS)
    ]
    for t in clients:
        t.start()
    try:
        time.sleep(1)
        body, content_type = _multipart("file", "counts.xlsx", content)
        status, job = keeper(
            "POST", f"/stock-counts/{info['count_id']}/import", raw=body, content_type=content_type
        )
        assert status == 202, job
        assert (job["total"], job["status"]) == (30_000, "pending")

        def finished():
            status, now = keeper("GET", f"/import-jobs/{job['id']}")
            assert status == 200, now
            return now if now["status"] in ("done", "failed") else None

        job = _wait(finished, 300, "the import job")
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=180)
    assert job["status"] == "done", job
    assert (job["done"], job["result"]["lines"]) == (30_000, 30_000)

    errors = [r for r in results if r[0] == "error" or r[1] >= 500]
    assert not errors, errors[:5]
    posted = sum(1 for action, status in results if action == "post" and status == 200)
    assert posted >= CLIENTS, results[:20]
    assert server["proc"].poll() is None  # the server is alive
    assert owner("GET", "/me")[0] == 200

    db = sqlite3.connect(server["data_dir"] / "jxc.sqlite3")
    rows = db.execute(
        "SELECT s.code, b.code, l.counted_qty FROM inventory_stockcountline l "
        "JOIN catalog_sku s ON s.id = l.sku_id JOIN inventory_bin b ON b.id = l.bin_id "
        "WHERE l.count_id = ?",
        (info["count_id"],),
    ).fetchall()
    got = {(sku, bin_code): int(float(qty)) for sku, bin_code, qty in rows}
    assert got == expected
    receipts = db.execute(
        "SELECT COUNT(*) FROM inventory_stockdocument WHERE status = 'posted'"
    ).fetchone()[0]
    db.close()
    assert receipts == posted


def test_the_supervisor_starts_a_dead_child_again(server):
    proc, owner = server["proc"], server["owner"]
    before = _wait(lambda: (c := _children(proc.pid)) and len(c) == 2 and c, 30, "two children")
    os.kill(before["worker"], signal.SIGKILL)
    after = _wait(
        lambda: (
            (c := _children(proc.pid)).get("worker", before["worker"]) != before["worker"] and c
        ),
        30,
        "a new worker",
    )
    os.kill(after["gunicorn"], signal.SIGTERM)

    def serving_again():
        c = _children(proc.pid)
        if c.get("gunicorn", after["gunicorn"]) == after["gunicorn"]:
            return False
        try:
            return owner("GET", "/me", timeout=5)[0] == 200
        except OSError:
            return False

    _wait(serving_again, 60, "gunicorn started again and answering")
    assert proc.poll() is None
    assert "restarting" in (server["data_dir"] / "serve.log").read_text()
