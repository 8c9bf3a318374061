"""Browser benchmark of the line grid and the count page: ``python -m tests.bench_browser
[--tiny]`` (``make bench-browser``). Prints one JSON document.

A real server (``jxc serve`` without the worker: gunicorn, SQLite in a temporary folder) and
headless Chromium (/usr/bin/chromium through Playwright), as a person with a keyboard and a
scanner uses them:

* ``other_receipt``: a 20-line 其他入库 from an empty form to 已过账 by keyboard and scanner
  alone — half the lines typed (SKU code, Enter, quantity, Enter, Enter, price, Enter, Enter),
  half scanned into the scan box (a repeat adds one), then Ctrl+Shift+S (保存并过账). Reports
  keystrokes (every key pressed, characters included), scans, and seconds to posted.
* ``count_scans``: 200 scans at 15 ms apart into a count page (one scan = one unit of 20
  SKUs), then what the sheet holds: scans lost (must be 0) and seconds until the last scan is
  on the page.

Not a timed test and not part of ``make test``: the browser tests (tests/browser/
test_line_grid.py, test_count_scan.py) prove the same behaviour at a small size on every run;
this measures it at full size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("JXC_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "bench-Passw0rd!"
SIZES = {"tiny": {"lines": 4, "scans": 20}, "full": {"lines": 20, "scans": 200}}
SCAN_GAP_MS = 15


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup(n_skus: int) -> dict:
    """Migrate the fresh database and make what the benchmark types into (through the
    services, as the demo does)."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command

    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.core.accounts import create_user, ensure_default_roles
    from jxc.inventory import services as inventory
    from jxc.inventory.documents import services as docs

    call_command("migrate", verbosity=0, interactive=False)
    ensure_default_roles()
    boss = create_user(username="boss", password=PASSWORD, roles=["owner"])
    bottle = catalog.create_unit(user=boss, name="瓶")
    box = catalog.create_unit(user=boss, name="箱")
    wh = inventory.create_warehouse(user=boss, code="WH01", name="总仓")
    skus = []
    for i in range(n_skus):
        sku = catalog.create_product(
            user=boss,
            code=f"B{i:03d}",
            name=f"饮料{i:03d}",
            base_unit=bottle,
            units=[
                UnitSpec(
                    unit_id=bottle.pk,
                    barcode=f"690{i:010d}",
                    prices={"purchase_price": Decimal("2.50")},
                ),
                UnitSpec(unit_id=box.pk, factor=Decimal(12), barcode=f"1690{i:010d}"),
            ],
        ).skus.get()
        skus.append(sku)
    opening = docs.create_stock_document(
        user=boss,
        kind="opening_stock",
        warehouse=wh,
        date=dt.date.today(),
        lines=[
            docs_line(sku.pk, Decimal(5), Decimal("2.50"))  # something to count
            for sku in skus
        ],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        opening = step(opening, user=boss)
    count = docs.create_stock_count(user=boss, warehouse=wh, date=dt.date.today())
    return {
        "warehouse": wh.pk,
        "count": count.pk,
        "codes": [s.code for s in skus],
        "barcodes": [f"690{i:010d}" for i in range(n_skus)],
    }


def docs_line(sku: int, qty: Decimal, price: Decimal):
    from jxc.core.documents.lines import LineInput

    return LineInput(sku=sku, qty=qty, price=price)


def _wait_http(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


class Keys:
    """The keyboard of the person at the screen: every key pressed is counted."""

    def __init__(self, page):
        self.page, self.count, self.jumps = page, 0, 0

    def focus(self, locator) -> None:
        """Put the cursor in a field (a click or a few Tabs): counted apart, as a jump."""
        locator.focus()
        self.jumps += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1


def _scan(page, code: str) -> None:
    """A scanner: the whole code at once (a scanner sends 13 characters in a few ms; one
    keyboard event per character through the browser's debugging channel would take ~100 ms)
    and Enter. Not counted as keystrokes."""
    page.keyboard.insert_text(code)
    page.keyboard.press("Enter")


def _login(page) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill("boss")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()


def bench_other_receipt(page, data: dict, lines: int) -> dict:
    from playwright.sync_api import expect

    keys = Keys(page)
    started = time.perf_counter()
    page.goto("/inventory/other-receipts/new/")
    expect(page.get_by_test_id("grid-row")).to_have_count(1)
    # The header by keyboard: the warehouse (Tab order: warehouse, date, reason …).
    warehouse = page.locator("select[name=warehouse]")
    if not warehouse.input_value():
        keys.focus(warehouse)
        keys.press("ArrowDown")
    reason = page.locator("select[name=reason]")
    if reason.count() and not reason.input_value():
        keys.focus(reason)
        keys.press("ArrowDown")
    typed = lines // 2
    # Typed lines: the SKU code, wait for the list as a person would, Enter …
    keys.focus(page.get_by_test_id("sku-picker").first)
    for i in range(typed):
        keys.type(data["codes"][i])
        expect(
            page.get_by_test_id("sku-picker-panel").get_by_test_id("sku-result").first
        ).to_contain_text(data["codes"][i])
        keys.press("Enter")  # chosen: the cursor is in 数量
        keys.type(str(i % 5 + 2))
        keys.press("Enter")  # → 单位
        keys.press("Enter")  # → 单位成本
        keys.type("2.4")
        keys.press("Enter")  # → 备注 (no bins, batches or serial numbers to stop at)
        keys.press("Enter")  # → a new line
    # Scanned lines: into the scan box, each SKU i scanned 1–3 times.
    scans = 0
    keys.focus(page.get_by_test_id("grid-scan"))
    for i in range(typed, lines):
        for _ in range(i % 3 + 1):
            _scan(page, data["barcodes"][i])
            scans += 1
    expected = sum(i % 5 + 2 for i in range(typed)) + scans
    expect(page.get_by_test_id("total-qty")).to_have_text(re.compile(rf"^{expected}\D*$"))
    keys.press("Control+Shift+S")  # 保存并过账
    expect(page.locator("h1 .tag")).to_have_text("已过账", timeout=60_000)
    seconds = time.perf_counter() - started
    return {
        "lines": lines,
        "typed_lines": typed,
        "scanned_lines": lines - typed,
        "keystrokes": keys.count,
        "keystrokes_per_line": round(keys.count / lines, 1),
        "cursor_jumps": keys.jumps,
        "scans": scans,
        "seconds_to_posted": round(seconds, 2),
    }


def bench_count(page, data: dict, scans: int) -> dict:
    import django.db

    from jxc.inventory.documents.models import StockCountLine

    page.goto(f"/inventory/stock-counts/{data['count']}/count/")
    box = page.get_by_test_id("scan-input")
    box.focus()
    codes = data["barcodes"]
    started = time.perf_counter()
    for i in range(scans):
        _scan(page, codes[i % len(codes)])
        page.wait_for_timeout(SCAN_GAP_MS)
    typed_seconds = time.perf_counter() - started
    # Done when the page has every scan's answer (nothing queued or on its way).
    page.wait_for_function(
        "() => { const c = document.querySelector('.count-page'); const d = c && c._x_dataStack && c._x_dataStack[0];"
        " return d && !d.queue.length && !d.draining; }",
        timeout=120_000,
    )
    seconds = time.perf_counter() - started
    on_page = sum(
        Decimal(v or "0")
        for v in page.locator("[data-testid=counted]").evaluate_all("els => els.map(e => e.value)")
    )
    django.db.connections.close_all()
    saved = sum(
        (x or Decimal(0))
        for x in StockCountLine.objects.filter(count_id=data["count"]).values_list(
            "counted_qty", flat=True
        )
    )
    return {
        "scans": scans,
        "gap_ms": SCAN_GAP_MS,
        "scans_lost": scans - int(saved),
        "scans_lost_on_page": scans - int(on_page),
        "seconds_scanning": round(typed_seconds, 2),
        "seconds_until_all_counted": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench_browser", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tiny", action="store_true", help="small sizes: prove it works")
    args = parser.parse_args(argv)
    size = SIZES["tiny" if args.tiny else "full"]
    if not Path(CHROMIUM).exists():
        print(json.dumps({"ok": False, "error": f"chromium not found at {CHROMIUM}"}))
        return 1
    tmp = tempfile.mkdtemp(prefix="jxc-bench-browser-")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        JXC_DATA_DIR=tmp,
        DATABASE_URL=f"sqlite:///{tmp}/jxc.sqlite3",
        PYTHONPATH=str(ROOT),
        JXC_LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jxc.settings"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM reads beside Playwright
    server = None
    report: dict = {"tiny": args.tiny, "machine": {"cpus": os.cpu_count()}}
    try:
        data = _setup(max(size["lines"], 20))
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jxc.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--no-demo",
                "--no-worker",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,  # the JSON goes to stdout
        )
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/login/")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(
                base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 860}
            )
            context.set_default_timeout(30_000)
            page = context.new_page()
            _login(page)
            report["other_receipt"] = bench_other_receipt(page, data, size["lines"])
            report["count_scans"] = bench_count(page, data, size["scans"])
            browser.close()
        report["ok"] = report["count_scans"]["scans_lost"] == 0
    except Exception as exc:  # reported, not hidden: the JSON says what failed
        report["ok"] = False
        report["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
