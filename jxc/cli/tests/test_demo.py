"""The demo company: made through the services, complete and consistent."""

from decimal import Decimal

import pytest

from jxc.cli import demo
from jxc.cli import main as jxc_main


@pytest.fixture
def demo_accounts(db):
    assert demo.database_is_empty()
    return demo.load_demo()


@pytest.mark.django_db
def test_demo_fills_an_empty_database(demo_accounts):
    from jxc.catalog.models import Product, Sku
    from jxc.finance.models import Account
    from jxc.inventory.models import Bin, StockLimit, Warehouse
    from jxc.partners.models import Customer, Supplier
    from jxc.retail.services import WALK_IN_CODE

    assert not demo.database_is_empty()
    assert 190 <= Sku.objects.count() <= 220
    assert Product.objects.filter(category__parent__isnull=False).count() == Product.objects.count()
    assert Warehouse.objects.count() == 3
    assert Warehouse.objects.filter(kind="store").count() == 1
    assert Bin.objects.count() >= 6
    assert StockLimit.objects.exists()
    assert not StockLimit.objects.filter(min_qty__gt=models_max()).exists()
    assert Supplier.objects.count() == 10
    customers = Customer.objects.exclude(code=WALK_IN_CODE)  # 散客: the store's counter sales
    assert customers.count() == 30
    assert {c.tier for c in customers} >= {"ordinary", "key", "vip"}
    assert customers.filter(salesperson__isnull=False).count() == 30
    assert {a.kind for a in Account.objects.all()} == {"cash", "bank", "wechat", "alipay"}
    assert all(a.opening_balance > 0 for a in Account.objects.all())


def models_max():
    from django.db.models import F

    return F("max_qty")


@pytest.mark.django_db
def test_demo_has_one_user_per_role(demo_accounts):
    from jxc.core.models import User

    expected = {
        "boss": "owner",
        "caigou": "purchaser",
        "xiaoshou": "sales",
        "cangguan": "keeper",
        "caiwu": "finance",
        "shouyin": "cashier",
    }
    assert [a[0] for a in demo_accounts] == list(expected)
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert [r.code for r in user.roles.all()] == [role]
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.is_superuser == (role == "owner")
    banner = demo.login_banner("http://127.0.0.1:8000/", demo_accounts)
    assert "http://127.0.0.1:8000/login/" in banner
    assert "演示账号" in banner and "Demo accounts" in banner
    for username, password, _label in demo_accounts:
        assert username in banner and password in banner


@pytest.mark.django_db
def test_a_later_start_still_shows_the_active_demo_accounts(demo_accounts):
    """The second `make run` prints the logins too; a deactivated demo user is left out."""
    from jxc.core.models import User
    from jxc.core.services import set_active

    boss = User.objects.get(username="boss")
    set_active(User.objects.get(username="shouyin"), active=False, user=boss)
    again = demo.existing_demo_accounts()
    assert [a[0] for a in again] == ["boss", "caigou", "xiaoshou", "cangguan", "caiwu"]
    assert all(password == demo.DEMO_PASSWORD for _u, password, _l in again)


@pytest.mark.django_db
def test_demo_colour_size_matrix(demo_accounts):
    from jxc.catalog.models import Product

    tee = Product.objects.get(name="T恤 圆领")
    assert (tee.attribute1, tee.attribute2) == ("颜色", "尺码")
    skus = list(tee.skus.all())
    assert len(skus) == 12
    assert {(s.value1, s.value2) for s in skus} == {
        (c, s) for c in ["红", "白", "黑"] for s in ["S", "M", "L", "XL"]
    }
    assert all(s.barcodes.count() == 1 for s in skus)


@pytest.mark.django_db
def test_demo_multi_unit_items_have_exact_factors(demo_accounts):
    from jxc.catalog.models import Product

    coke = Product.objects.get(name="可口可乐 330ml")
    assert coke.base_unit.name == "罐"
    assert coke.tracking == "batch" and coke.shelf_life_days == 365
    sku = coke.skus.get()
    units = {u.unit.name: u for u in sku.units.all()}
    assert units["罐"].factor == Decimal(1) and units["罐"].is_base
    assert units["箱"].factor == Decimal(24)
    assert units["箱"].retail_price == units["罐"].retail_price * 24
    base = units["罐"]
    assert base.purchase_price < base.wholesale_price < base.retail_price
    assert base.min_price <= base.member_price <= base.retail_price
    codes = [b.code for b in sku.barcodes.all()]
    assert len(codes) == 2 and all(len(c) == 13 and c.isdigit() for c in codes)
    for code in codes:  # EAN-13 check digit
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(code[:12]))
        assert (10 - total % 10) % 10 == int(code[12])
    pen = Product.objects.filter(category__code="WJ01").first()
    assert {u.unit.name: u.factor for u in pen.skus.get().units.all()} == {"支": 1, "盒": 12}


@pytest.mark.django_db
def test_demo_went_through_the_services(demo_accounts):
    from jxc.catalog.models import Product
    from jxc.core.models import AuditLog
    from jxc.core.selectors import company
    from jxc.partners.models import Customer

    assert AuditLog.objects.filter(object_type="catalog.product").count() == Product.objects.count()
    assert AuditLog.objects.filter(object_type="partners.customer", action="create").count() == 30
    assert AuditLog.objects.filter(object_type="inventory.warehouse").count() == 3
    assert AuditLog.objects.filter(object_type="finance.account").count() == 5
    assert company().name == "杭州好运来商贸有限公司"
    assert len(company().tax_number) == 18
    assert Customer.objects.get(code="KH001").mnemonic  # pinyin filled by the service
    assert Product.objects.get(
        name="可口可乐 330ml"
    ).mnemonic == "kkkl330ml" or Product.objects.get(name="可口可乐 330ml").mnemonic.startswith(
        "kkkl"
    )


def _fingerprint():
    from jxc.catalog.models import Barcode, SkuUnit
    from jxc.inventory.models import StockLimit
    from jxc.partners.models import Customer, Supplier

    return (
        [(c.code, c.name, c.phone, c.credit_limit) for c in Customer.objects.order_by("code")],
        [(s.code, s.tax_number, s.bank_account) for s in Supplier.objects.order_by("code")],
        sorted(Barcode.objects.values_list("code", flat=True)),
        sorted(
            (u.sku.code, u.unit.name, u.factor, u.retail_price)
            for u in SkuUnit.objects.select_related("sku", "unit")
        ),
        sorted(
            StockLimit.objects.values_list("sku__code", "warehouse__code", "min_qty", "max_qty")
        ),
        _loop_fingerprint(),
    )


def _loop_fingerprint():
    """The loop's documents (numbers, dates, states, totals), money and stock: the same on
    every load of the same day."""
    from jxc.finance.models import CustomerPayment, PartyBalance, SupplierPayment
    from jxc.inventory.models import StockBalance
    from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt
    from jxc.sales.models import SalesDelivery, SalesOrder

    out = [
        list(m.objects.order_by("number").values_list("number", "date", "status", "total_amount"))
        for m in (PurchaseOrder, PurchaseReceipt, SalesOrder, SalesDelivery)
    ]
    out += [
        list(m.objects.order_by("number").values_list("number", "date", "amount"))
        for m in (CustomerPayment, SupplierPayment)
    ]
    out.append(
        sorted(
            PartyBalance.objects.values_list("side", "customer__code", "supplier__code", "balance")
        )
    )
    out.append(
        sorted(
            StockBalance.objects.values_list("sku__code", "warehouse__code", "on_hand", "reserved")
        )
    )
    return out


@pytest.mark.django_db
def test_demo_is_deterministic():
    from django.db import transaction

    sid = transaction.savepoint()
    demo.load_demo()
    first = _fingerprint()
    transaction.savepoint_rollback(sid)
    assert demo.database_is_empty()
    demo.load_demo()
    assert _fingerprint() == first


@pytest.mark.django_db(transaction=True)
def test_check_passes_after_demo(capsys):
    demo.load_demo()
    assert jxc_main(["check"]) == 0


def test_demo_has_approval_and_alert_rules(demo_accounts):
    """§6 of the approvals issue: the demo's rules, stored for the types that exist later too."""
    from jxc.approvals.models import AlertRule, ApprovalRule

    rules = {r.name: r for r in ApprovalRule.objects.prefetch_related("steps__role")}
    big = rules["采购 5 万以上"]
    assert (big.doc_type, big.amount_over) == ("purchase_order", Decimal("50000"))
    assert [s.role.code for s in big.steps.all()] == ["purchaser", "owner"]
    assert rules["销售折让超过 10%"].discount_over_pct == Decimal("10")
    assert rules["盘点差异超过 1000 元"].variance_over == Decimal("1000")
    assert {r.doc_type for r in rules.values()} >= {
        "other_issue",
        "stock_count",
        "cost_adjustment",
        "loan_out",
    }
    assert AlertRule.objects.filter(kind="below_min", notify_role__code="keeper").exists()
