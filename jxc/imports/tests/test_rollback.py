"""撤销导入: a background import that fails midway, one cancelled while it runs and one that
finished are taken back as a whole — master data deleted, opening stock reversed through the
ledger's 红冲, opening balances through the party ledger's — and a rollback is refused, with
nothing changed, while something uses the batch's rows."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.catalog.models import Barcode, Brand, Product, Sku, SkuUnit
from jxc.core import audit, jobs
from jxc.core.errors import DomainError
from jxc.core.models import AuditLog, ImportJob, ImportJobChunk
from jxc.finance.models import Account, PartyBalance
from jxc.imports import rollback, services
from jxc.imports.tests.conftest import xlsx
from jxc.inventory.documents.models import StockDocument
from jxc.inventory.documents.tests.conftest import TODAY
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent
from jxc.partners import services as partners
from jxc.partners.models import Customer

pytestmark = pytest.mark.django_db
P_HEADER = ["商品编码", "名称", "品牌", "基本单位", "条码", "第二单位", "每第二单位含基本单位"]
S_HEADER = ["SKU code or barcode", "Warehouse code", "Quantity", "Unit cost"]


@pytest.fixture
def chunked(monkeypatch):
    """Every file of more than 2 rows goes to the background, 2 rows per chunk."""
    monkeypatch.setattr(services, "INLINE_ROWS", 2)
    monkeypatch.setattr(jobs, "CHUNK", 2)


def _products(n: int, prefix: str = "R") -> bytes:
    return xlsx(
        [P_HEADER]
        + [
            [f"{prefix}{i:03d}", f"撤销{i}", "新牌", "个", f"69{i:011d}", "箱", 12]
            for i in range(n)
        ]
    )


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Product, Sku, SkuUnit, Barcode, Brand, StockMove, Customer)
    )


def test_products_import_failing_midway_is_rolled_back_whole(stock_world, chunked):
    w = stock_world
    before = _counts()
    batch = services.preview_import("products", user=w.owner, data=_products(6))
    assert batch.status == "ready"
    batch = services.confirm_import(batch, user=w.owner)
    assert batch.status == "applying"
    # someone takes a code of the third chunk meanwhile: that chunk is refused
    from jxc.catalog import services as catalog

    catalog.create_product(user=w.owner, code="R004", name="抢先", base_unit=w.pcs)
    taken = _counts()
    job = jobs.run_import(batch.job_id)
    assert job.status == "failed" and job.done == 4
    batch = services.refresh_status(batch)
    assert batch.status == "failed" and Product.objects.filter(code__startswith="R0").count() == 5
    batch = rollback.rollback_import(batch, user=w.owner)
    assert batch.status == "undone"
    assert _counts() == taken  # the four written are gone, with SKUs, units, barcodes, brand
    assert Product.objects.filter(code="R004").exists()  # not the batch's: kept
    assert taken[0] == before[0] + 1
    assert AuditLog.objects.filter(action="rollback", object_id=str(batch.pk)).exists()
    # the set-based writer's audit lines (chained in Python, many per statement) hold
    assert AuditLog.objects.filter(object_type="catalog.product", action="create").count() >= 9
    assert audit.chain_problems() == []
    with pytest.raises(DomainError) as exc:
        rollback.rollback_import(batch, user=w.owner)
    assert exc.value.code == "import_not_undoable"


def test_cancelled_while_running_stops_the_worker_and_takes_back_the_chunks(stock_world, chunked):
    w = stock_world
    before = _counts()
    batch = services.confirm_import(
        services.preview_import("products", user=w.owner, data=_products(6)), user=w.owner
    )
    job = ImportJob.objects.get(pk=batch.job_id)
    # the worker committed one chunk and is still running
    services.apply_import_chunk(job, jobs.job_items(job, 0, 2), final=False)
    ImportJobChunk.objects.create(job=job, start=0, result=job.result)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", done=2, heartbeat_at=dt.datetime.now(dt.UTC)
    )
    assert Product.objects.count() == before[0] + 2
    batch = rollback.rollback_import(batch, user=w.owner)
    assert batch.status == "undone" and _counts() == before
    job = jobs.run_import(job.pk)  # the worker comes back: the job is failed, nothing written
    assert job.status == "failed"
    assert _counts() == before


def test_opening_stock_is_reversed_through_the_ledger(stock_world, chunked):
    w = stock_world
    rows = [S_HEADER] + [[c, wh, 5, "2.5"] for c in ("A001", "B001") for wh in ("ZC", "MD")]
    batch = services.preview_import(
        "opening-stock", user=w.owner, data=xlsx(rows), options={"date": TODAY, "post": True}
    )
    batch = services.confirm_import(batch, user=w.owner)
    assert jobs.run_import(batch.job_id).status == "done"
    moves = StockMove.objects.count()
    assert moves == 4 and sum(b.on_hand for b in StockBalance.objects.all()) == 20
    batch = rollback.rollback_import(services.refresh_status(batch), user=w.owner)
    assert batch.status == "undone"
    # append-only: the moves stay, each with its reversing move; the balances are as before
    assert StockMove.objects.count() == 2 * moves
    assert StockMove.objects.filter(reverses__isnull=False).count() == moves
    assert all(b.on_hand == 0 and b.value == 0 for b in StockBalance.objects.all())
    docs = StockDocument.objects.filter(kind="opening_stock")
    assert docs.exists() and not docs.exclude(status="reversed").exists()
    assert_ledger_consistent()


def test_opening_balances_and_accounts_are_reversed_and_deleted(stock_world, chunked):
    w = stock_world
    c1 = partners.create_customer(user=w.owner, code="C1", name="华联")
    c2 = partners.create_customer(user=w.owner, code="C2", name="张三")
    data = xlsx([["账别", "客户或供应商编码", "金额"], ["应收", "C1", 100], ["应收", "C2", 50]])
    data = xlsx(
        [["账别", "客户或供应商编码", "金额"]]
        + [["应收", c, 10 + i] for i, c in enumerate(("C1", "C2", "C1"))]
    )
    opts = {"date": TODAY}
    batch = services.confirm_import(
        services.preview_import("opening-balances", user=w.owner, data=data, options=opts),
        user=w.owner,
    )
    assert jobs.run_import(batch.job_id).status == "done"
    assert PartyBalance.objects.get(customer=c1).balance == D(22)
    rollback.rollback_import(services.refresh_status(batch), user=w.owner)
    assert {b.balance for b in PartyBalance.objects.filter(customer__in=[c1, c2])} == {D(0)}
    accounts = xlsx(
        [["编码", "名称", "类型", "期初余额"]]
        + [[f"A{i}", f"账户{i}", "现金", 100] for i in range(3)]
    )
    batch = services.confirm_import(
        services.preview_import("accounts", user=w.owner, data=accounts, options=opts),
        user=w.owner,
    )
    assert jobs.run_import(batch.job_id).status == "done" and Account.objects.count() == 3
    rollback.rollback_import(services.refresh_status(batch), user=w.owner)
    assert not Account.objects.exists()


def test_refused_with_nothing_changed_while_the_rows_are_in_use(stock_world, chunked):
    w = stock_world
    batch = services.confirm_import(
        services.preview_import("products", user=w.owner, data=_products(3)), user=w.owner
    )
    assert jobs.run_import(batch.job_id).status == "done"
    stock = xlsx([S_HEADER, ["R001", "ZC", 1, 1]])
    services.import_at_once(
        "opening-stock", user=w.owner, data=stock, options={"date": TODAY, "post": True}
    )
    before = _counts()
    with pytest.raises(DomainError) as exc:
        rollback.rollback_import(services.refresh_status(batch), user=w.owner)
    assert exc.value.code == "import_in_use"
    assert _counts() == before
    batch.refresh_from_db()
    assert batch.status == "done"


def test_only_the_owner_or_a_user_allowed_to_import_may_roll_back(stock_world, chunked):
    w = stock_world
    batch = services.confirm_import(
        services.preview_import("products", user=w.owner, data=_products(3)), user=w.owner
    )
    with pytest.raises(DomainError):
        rollback.rollback_import(batch, user=w.keeper)
    assert ImportJob.objects.get(pk=batch.job_id).status == "pending"


def test_screen_and_api_roll_back_a_batch(client_for, stock_world, chunked):
    w = stock_world
    before = _counts()
    client = client_for(w.owner)
    batch = services.confirm_import(
        services.preview_import("products", user=w.owner, data=_products(3)), user=w.owner
    )
    page = client.get(f"/imports/batches/{batch.pk}/")
    assert 'data-testid="btn-rollback"' in page.content.decode()
    assert jobs.run_import(batch.job_id).status == "done" and _counts() != before
    r = client.post(f"/imports/batches/{batch.pk}/rollback/")
    assert r.status_code == 302 and _counts() == before
    r = client.post(f"/api/v1/import-batches/{batch.pk}/rollback")
    assert r.status_code == 422 and r.json()["code"] == "import_not_undoable"
    batch = services.confirm_import(
        services.preview_import("products", user=w.owner, data=_products(3, "S")), user=w.owner
    )
    r = client.post(f"/api/v1/import-batches/{batch.pk}/rollback")  # cancelled before it ran
    assert r.status_code == 200 and r.json()["status"] == "undone"
    assert jobs.run_import(batch.job_id).status == "failed" and _counts() == before
