"""撤销导入 of rows an import UPDATED (更新) and of a count sheet's import: the writer records
each changed field's value before and after; the rollback writes the old values back through
the same services — refused with nothing changed (``import_changed_since``) when someone has
changed one of those fields since, or when the count sheet is no longer a draft."""

from decimal import Decimal as D

import pytest

from jxc.catalog.models import Brand, Product, SkuUnit
from jxc.core import audit, jobs
from jxc.core.errors import DomainError
from jxc.core.models import AuditLog
from jxc.finance import services as finance
from jxc.finance.models import Account
from jxc.imports import rollback, services
from jxc.imports.tests.conftest import xlsx
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.partners import services as partners
from jxc.partners.models import Contact, Customer
from jxc.purchasing import services as purchasing
from jxc.purchasing.models import SupplierPrice

pytestmark = pytest.mark.django_db
P_HEADER = ["商品编码", "名称", "品牌", "基本单位", "零售价"]


def _import(w, kind, rows, *, mode="update", options=None):
    batch = services.preview_import(
        kind, user=w.owner, data=xlsx(rows), mode=mode, options=options or {}
    )
    assert batch.status == "ready", batch.problems
    batch = services.confirm_import(batch, user=w.owner)
    if batch.job_id:
        assert jobs.run_import(batch.job_id).status == "done"
        batch = services.refresh_status(batch)
    assert batch.status == "done"
    return batch


def _product_state(code):
    p = Product.objects.get(code=code)
    sku = p.skus.get()
    base = SkuUnit.objects.get(sku=sku, is_base=True)
    return (p.name, p.mnemonic, p.brand_id, sku.name, base.retail_price)


def test_products_updated_get_their_old_values_back_and_new_ones_go(stock_world):
    w = stock_world
    before = _product_state("A001"), _product_state("B001")
    brands = Brand.objects.count()
    batch = _import(
        w,
        "products",
        [
            P_HEADER,
            ["A001", "百事可乐", "百事", "个", "3.50"],
            ["B001", "薯条", None, "个", "8"],
            ["N001", "新品", "新牌", "个", "1"],
        ],
    )
    assert batch.counts == {"create": 1, "update": 2, "skip": 0}
    assert _product_state("A001")[0] == "百事可乐" and _product_state("A001")[4] == D("3.5")
    assert Product.objects.get(code="A001").skus.get().name == "百事可乐"
    assert Brand.objects.count() == brands + 2  # 百事 (by the update), 新牌 (by the new row)
    batch = rollback.rollback_import(batch, user=w.owner)
    assert batch.status == "undone"
    assert (_product_state("A001"), _product_state("B001")) == before
    assert not Product.objects.filter(code="N001").exists()
    assert Brand.objects.count() == brands  # both brands nothing uses any more are gone
    assert audit.chain_problems() == []
    assert (
        AuditLog.objects.filter(
            object_type="catalog.product", object_id=str(Product.objects.get(code="A001").pk)
        ).count()
        >= 3
    )  # created, updated by the import, restored by the rollback


def test_a_background_update_in_chunks_is_restored_whole(stock_world, monkeypatch):
    monkeypatch.setattr(services, "INLINE_ROWS", 2)
    monkeypatch.setattr(jobs, "CHUNK", 2)
    w = stock_world
    codes = ("A001", "B001", "C001", "K001")
    before = [_product_state(c) for c in codes]
    batch = _import(w, "products", [P_HEADER] + [[c, f"改{c}", None, "个", 9] for c in codes])
    assert batch.job_id and _product_state("K001")[0] == "改K001"
    rollback.rollback_import(batch, user=w.owner)
    assert [_product_state(c) for c in codes] == before


def test_refused_with_nothing_changed_when_an_updated_field_was_changed_since(stock_world):
    from jxc.catalog import services as catalog

    w = stock_world
    batch = _import(
        w,
        "products",
        [P_HEADER, ["A001", "百事可乐", None, "个", 3], ["B001", "薯条", None, "个", 8]],
    )
    catalog.update_product(Product.objects.get(code="B001"), user=w.owner, name="薯片王")
    with pytest.raises(DomainError) as exc:
        rollback.rollback_import(batch, user=w.owner)
    assert exc.value.code == "import_changed_since"
    assert "薯片王" in str(exc.value)
    assert _product_state("A001")[0] == "百事可乐"  # nothing restored
    batch.refresh_from_db()
    assert batch.status == "done"
    # a field the import did not change may have been edited: the rollback goes ahead
    catalog.update_product(Product.objects.get(code="B001"), user=w.owner, name="薯条")
    catalog.update_product(Product.objects.get(code="A001"), user=w.owner, memo="后来的备注")
    rollback.rollback_import(batch, user=w.owner)
    a = Product.objects.get(code="A001")
    assert (a.name, a.memo) == ("可口可乐", "后来的备注")


def test_customers_updated_are_restored_and_the_contacts_added_removed(stock_world):
    w = stock_world
    c = partners.create_customer(user=w.owner, code="C1", name="华联", credit_limit=D(500))
    batch = _import(
        w,
        "customers",
        [
            ["code", "name", "credit limit", "contact person", "phone"],
            ["C1", "华联超市", 800, "王五", "13812345678"],
        ],
    )
    c.refresh_from_db()
    assert (c.name, c.credit_limit) == ("华联超市", D(800)) and Contact.objects.count() == 1
    rollback.rollback_import(batch, user=w.owner)
    c.refresh_from_db()
    assert (c.name, c.credit_limit) == ("华联", D(500))
    assert not Contact.objects.exists() and Customer.objects.count() == 1


def test_accounts_and_supplier_prices_updated_are_restored(stock_world):
    w = stock_world
    account = finance.create_account(
        user=w.owner,
        code="XJ",
        name="现金",
        kind="cash",
        opening_balance=D(100),
        opening_date=TODAY,
    )
    batch = _import(
        w,
        "accounts",
        [["编码", "名称", "类型", "期初余额"], ["XJ", "现金柜", "现金", 300]],
        options={"date": TODAY},
    )
    account.refresh_from_db()
    assert (account.name, account.opening_balance) == ("现金柜", D(300))
    rollback.rollback_import(batch, user=w.owner)
    account.refresh_from_db()
    assert (account.name, account.opening_balance) == ("现金", D(100))
    assert Account.objects.count() == 1

    supplier = partners.create_supplier(user=w.owner, code="S1", name="可口可乐公司")
    price = purchasing.create_supplier_price(
        user=w.owner,
        supplier=supplier,
        sku=w.sku_a,
        unit_id=w.pcs.pk,
        valid_from=TODAY,
        price=D("2.00"),
    )
    header = ["supplier code", "SKU code", "price", "valid from"]
    batch = _import(w, "supplier-prices", [header, ["S1", "A001", "2.40", TODAY.isoformat()]])
    price.refresh_from_db()
    assert price.price == D("2.4")
    rollback.rollback_import(batch, user=w.owner)
    price.refresh_from_db()
    assert price.price == D(2) and SupplierPrice.objects.count() == 1


@pytest.fixture
def sheet(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    receive(w, w.sku_b, w.zc, 6, "1")
    w.count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    line = w.count.lines.get(sku=w.sku_a)
    docs.record_counts(w.count, user=w.owner, counts={line.pk: D(3)})
    return w


def _count_import(w, rows):
    return _import(
        w,
        "stock-count",
        [["SKU code or barcode", "Counted quantity"], *rows],
        mode="create",
        options={"count": w.count.pk},
    )


def _counted(w):
    return {(ln.sku.code, ln.counted_qty) for ln in w.count.lines.select_related("sku")}


def test_a_count_sheets_import_is_rolled_back_while_the_sheet_is_a_draft(sheet):
    w = sheet
    before = _counted(w)
    lines = w.count.lines.count()
    batch = _count_import(w, [["A001", 5], ["B001", 7], ["K001", 1]])
    assert ("A001", D(5)) in _counted(w) and w.count.lines.count() == lines + 1  # K001 added
    batch = rollback.rollback_import(batch, user=w.owner)
    assert batch.status == "undone"
    assert _counted(w) == before and w.count.lines.count() == lines
    assert AuditLog.objects.filter(object_id=str(w.count.pk), action="rollback").exists()


def test_a_count_import_is_refused_once_the_sheet_is_submitted_or_recounted(sheet):
    w = sheet
    batch = _count_import(w, [["A001", 5], ["B001", 7]])
    line = w.count.lines.get(sku=w.sku_b)
    docs.record_counts(w.count, user=w.owner, counts={line.pk: D(8)})  # counted again
    with pytest.raises(DomainError) as exc:
        rollback.rollback_import(batch, user=w.owner)
    assert exc.value.code == "import_changed_since"
    assert ("A001", D(5)) in _counted(w)  # nothing restored
    docs.record_counts(w.count, user=w.owner, counts={line.pk: D(7)})
    docs.submit_document(w.count, user=w.owner)
    with pytest.raises(DomainError) as exc:
        rollback.rollback_import(batch, user=w.owner)
    assert exc.value.code == "import_changed_since"
    assert w.count.number in str(exc.value)
    batch.refresh_from_db()
    assert batch.status == "done"


def test_api_rolls_back_an_update_batch(client_for, stock_world):
    w = stock_world
    before = _product_state("A001")
    batch = _import(w, "products", [P_HEADER, ["A001", "百事可乐", None, "个", 3]])
    page = client_for(w.owner).get(f"/imports/batches/{batch.pk}/")
    assert 'data-testid="btn-rollback"' in page.content.decode()
    r = client_for(w.owner).post(f"/api/v1/import-batches/{batch.pk}/rollback")
    assert r.status_code == 200 and r.json()["status"] == "undone"
    assert _product_state("A001") == before
