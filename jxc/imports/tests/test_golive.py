"""期初应收/应付 and 资金账户 imports, and 开账: the opening date locked in the document date guard,
the opening balance sheet."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.errors import PeriodClosed, PermissionDenied, ValidationFailed
from jxc.core.selectors import company
from jxc.finance.models import Account, OpenItem, PartyBalance
from jxc.imports import golive, services
from jxc.imports.tests.conftest import xlsx
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.partners import services as partners

pytestmark = pytest.mark.django_db
OPENING = dt.date(2026, 11, 1)
B_HEADER = ["账别", "客户或供应商编码", "金额", "单据编号", "单据日期", "到期日"]


@pytest.fixture
def partners_world(stock_world):
    w = stock_world
    w.c1 = partners.create_customer(user=w.owner, code="C1", name="华联")
    w.c2 = partners.create_customer(user=w.owner, code="C2", name="张三")
    w.s1 = partners.create_supplier(user=w.owner, code="S1", name="可口可乐公司")
    return w


def test_opening_receivables_and_payables_go_through_the_party_ledger(partners_world):
    w = partners_world
    data = xlsx(
        [
            B_HEADER,
            ["应收", "C1", "12,000.00"],  # a balance per partner
            ["应收", "C2", 800, "XS-118", "2026/10/20", "2026-11-19"],  # open documents
            ["应收", "C2", "-300", "YS-7", "2026年10月25日"],  # received in advance
            ["应付", "S1", "￥8,500"],
        ]
    )
    batch = services.preview_import(
        "opening-balances", user=w.owner, data=data, options={"date": OPENING}
    )
    assert batch.problems == [] and not PartyBalance.objects.exists()
    services.confirm_import(batch, user=w.owner)
    balances = {
        (b.side, b.customer_id or b.supplier_id): b.balance for b in PartyBalance.objects.all()
    }
    assert balances[("receivable", w.c1.pk)] == D("12000")
    assert balances[("receivable", w.c2.pk)] == D("500")
    assert balances[("payable", w.s1.pk)] == D("8500")
    item = OpenItem.objects.get(entry__source_number="XS-118")
    assert item.date == dt.date(2026, 10, 20) and item.due_date == dt.date(2026, 11, 19)
    sheet = golive.opening_balance_sheet()
    assert (sheet.receivables, sheet.payables) == (D("12500"), D("8500"))


def test_bad_balance_rows_named(partners_world):
    w = partners_world
    data = xlsx(
        [
            B_HEADER,
            ["应收", "S1", 1],  # 2: a supplier is not a customer
            ["应付", "NOPE", 1],  # 3: unknown
            ["应收", "C1", 0],  # 4: zero
            ["应收", "C1", "1.234"],  # 5: 3 places
            ["往来", "C1", 1],  # 6: unknown book
            ["应收", "C1", 1, None, "2026-12-01"],  # 7: after the opening date
            ["应收", "C1", "1e14"],  # 8: beyond the bounds
        ]
    )
    batch = services.preview_import(
        "opening-balances", user=w.owner, data=data, options={"date": OPENING}
    )
    assert sorted({p["row"] for p in batch.problems}) == [2, 3, 4, 5, 6, 7, 8]
    assert not PartyBalance.objects.exists()


def test_accounts_with_opening_balances(stock_world):
    w = stock_world
    data = xlsx(
        [
            ["编码", "名称", "类型", "开户银行", "账号", "期初余额"],
            ["XJ", "现金", "现金", None, None, "3,200.50"],
            ["GH01", "工行", "银行", "工商银行", "6222020200112233445", 158000],
        ],
        text_columns=("E",),
    )
    batch = services.preview_import("accounts", user=w.owner, data=data, options={"date": OPENING})
    assert batch.problems == []
    services.confirm_import(batch, user=w.owner)
    assert Account.objects.get(code="GH01").account_number == "6222020200112233445"
    assert Account.objects.get(code="XJ").opening_date == OPENING
    assert golive.opening_balance_sheet().cash == D("161200.50")


def test_open_books_locks_the_opening_date(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2.5", date=TODAY)
    with pytest.raises(ValidationFailed):  # stock moved before this date
        golive.open_books(user=w.owner, date=dt.date(2026, 11, 21))
    with pytest.raises(PermissionDenied):  # only the owner (company.edit)
        golive.open_books(user=w.keeper, date=TODAY)
    golive.open_books(user=w.owner, date=TODAY)
    assert company().opening_date == TODAY
    with pytest.raises(ValidationFailed) as exc:  # nothing dated before it
        receive(w, w.sku_a, w.zc, 1, "1", date=TODAY - dt.timedelta(days=1))
    assert "date" in exc.value.errors
    from jxc.core.documents.calendar import ensure_period_open

    with pytest.raises(PeriodClosed):
        ensure_period_open(TODAY - dt.timedelta(days=1))
    receive(w, w.sku_a, w.zc, 1, "1", date=TODAY)  # on the day itself: fine
    with pytest.raises(ValidationFailed):
        golive.open_books(user=w.owner, date=TODAY)  # once
    assert golive.opening_balance_sheet().stock_value == D("11.00")
    page = client_for(w.owner).get("/go-live/")
    assert page.status_code == 200 and 'data-testid="books-open"' in page.content.decode()


def test_wizard_page_steps_and_open_books(client_for, stock_world):
    client = client_for(stock_world.owner)
    page = client.get("/go-live/").content.decode()
    for key in (
        "company",
        "warehouses",
        "products",
        "customers",
        "suppliers",
        "supplier-prices",
        "opening-stock",
        "opening-balances",
        "accounts",
    ):
        assert f'data-testid="step-{key}"' in page
    r = client.post("/go-live/", {"date": "2026-11-01"})
    assert r.status_code == 302 and company().opening_date == dt.date(2026, 11, 1)
