"""门店零售: a counter sale of scanned items (a repeated scan adds one) paid partly in cash
(change given) and partly by WeChat posts the delivery and two receipts at once; the next
day one item comes back and is refunded in cash; the 日结 of each day per cashier and method
adds up, the till's money only (not the office's receipts); bad input, cash handed over with
no cash payment among it, refused with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.errors import (
    AccountNotPermitted,
    InsufficientStock,
    PermissionDenied,
    ValidationFailed,
)
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import CustomerPayment, OpenItem, PartyBalance
from jxc.retail import selectors, services
from jxc.retail.services import Paid
from jxc.sales.models import SalesDelivery, SalesReturn
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal
COLA, TEA = "69COLA0000000", "69TEA00000000"


@pytest.fixture
def counter(world, user_factory):  # noqa: F811
    from jxc.finance.services import create_account

    world.receive(world.cola, "100", "1.20")
    world.receive(world.tea, "50", "2.00")
    cashier = user_factory(roles=["cashier"], first_name="收银小李")
    cash = create_account(user=world.user, code="XJ", name="现金", kind="cash")
    wechat = create_account(user=world.user, code="WX", name="微信", kind="wechat")
    return world, cashier, cash, wechat


def test_counter_sale_split_payment_return_next_day_and_day_totals(counter):
    w, cashier, cash, wechat = counter
    day = w.today - dt.timedelta(days=1)
    sale = services.record_counter_sale(
        user=cashier,
        warehouse=w.warehouse,
        items=[(COLA, D(1)), (TEA, D(1)), (COLA, D(1)), (COLA, D(1))],  # cola scanned 3 times
        paid=[Paid(cash, D("10.00")), Paid(wechat, D("4.00"))],
        tendered_cash=D("20"),
        date=day,
    )
    assert sale.total == D("14.00") and sale.change == D("10.00")  # 3 × 3.00 + 5.00
    d = sale.delivery
    assert d.status == "posted" and d.customer.code == services.WALK_IN_CODE
    assert sorted((x.sku_id, x.base_qty) for x in d.lines.all()) == sorted(
        [(w.cola.pk, D(3)), (w.tea.pk, D(1))]
    )
    assert d.cost_amount == D("5.60")  # 3 × 1.20 + 2.00
    assert [r.amount for r in sale.receipts] == [D("10.00"), D("4.00")]
    assert not OpenItem.objects.get(
        entry__source_id=d.pk, entry__source_kind="sales_delivery"
    ).is_open
    # next day: one cola back, refunded in cash
    cola_line = d.lines.get(sku=w.cola)
    ret, refund = services.return_counter_sale(
        user=cashier, delivery=d, items=[(cola_line.pk, D(1))], refund_account=cash, date=w.today
    )
    assert ret.status == "posted" and refund.amount == D("-3.00")
    assert PartyBalance.objects.get(customer=d.customer).balance == 0
    assert party_ledger_problems() == []
    # 日结
    first = selectors.day_summary(day)
    assert [(r["cashier"], r["method"], r["taken"], r["count"]) for r in first] == [
        ("收银小李", "cash", D("10.00"), 1),
        ("收银小李", "wechat", D("4.00"), 1),
    ]
    assert selectors.totals(first)["net"] == D("14.00")
    second = selectors.day_summary(w.today, cashier_id=cashier.pk)
    assert [(r["method"], r["refunded"], r["net"]) for r in second] == [
        ("cash", D("3.00"), D("-3.00"))
    ]


@pytest.mark.parametrize(
    "items, paid, field",
    [
        ([(COLA, D(0))], [("cash", "3")], "lines"),
        ([(COLA, D(-1))], [("cash", "3")], "lines"),
        ([("NO-SUCH", D(1))], [("cash", "3")], "lines"),
        ([(COLA, D(1))], [("cash", "2")], "paid"),  # does not add up
        ([(COLA, D(1))], [("cash", "0")], "paid"),
    ],
)
def test_bad_counter_input_refused_nothing_written(counter, items, paid, field):
    w, cashier, cash, wechat = counter
    accounts = {"cash": cash, "wechat": wechat}
    with pytest.raises(ValidationFailed) as exc:
        services.record_counter_sale(
            user=cashier,
            warehouse=w.warehouse,
            items=items,
            paid=[Paid(accounts[k], D(v)) for k, v in paid],
        )
    assert field in exc.value.errors
    assert not SalesDelivery.objects.exists() and not CustomerPayment.objects.exists()


def test_counter_refusals_account_permission_stock(counter, user_factory):
    from jxc.core.models import Role

    w, cashier, cash, wechat = counter
    cash.roles.set([Role.objects.get(code="finance")])
    with pytest.raises(AccountNotPermitted):
        services.record_counter_sale(
            user=cashier, warehouse=w.warehouse, items=[(COLA, D(1))], paid=[Paid(cash, D(3))]
        )
    with pytest.raises(PermissionDenied):
        services.record_counter_sale(
            user=user_factory(roles=["keeper"]), warehouse=w.warehouse, items=[(COLA, D(1))],
            paid=[Paid(wechat, D(3))],
        )  # fmt: skip
    with pytest.raises(InsufficientStock):
        services.record_counter_sale(
            user=cashier, warehouse=w.warehouse, items=[(TEA, D(51))], paid=[Paid(wechat, D(255))]
        )
    assert not SalesDelivery.objects.exists() and not SalesReturn.objects.exists()
    assert not CustomerPayment.objects.exists()
    assert not cashier.has_jxc_perm("sales_delivery.post")  # the grant does not outlive the sale


def test_counter_sale_held_by_an_approval_rule_is_refused_nothing_written(counter):
    """保存并过账 in one go: a rule that sends sales deliveries to a manager stops the sale
    before 审核, and the whole sale (delivery, receipts) is rolled back."""
    from jxc.approvals import configuration
    from jxc.core.models import Role
    from jxc.inventory.models import StockBalance

    w, cashier, cash, _wechat = counter
    configuration.save_rule(
        user=w.user,
        fields={"name": "出库", "doc_type": "sales_delivery", "amount_over": D(1)},
        steps=[{"role": Role.objects.get(code="owner"), "users": [], "mode": "any"}],
    )
    with pytest.raises(ValidationFailed) as exc:
        services.record_counter_sale(
            user=cashier, warehouse=w.warehouse, items=[(COLA, D(1))], paid=[Paid(cash, D(3))]
        )
    assert "__all__" in exc.value.errors
    assert not SalesDelivery.objects.exists() and not CustomerPayment.objects.exists()
    assert StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse).on_hand == D(100)


def test_cash_handed_over_without_a_cash_payment_is_refused(counter):
    """Paid by 微信 alone, a 实收现金 typed earlier would be change for money nobody handed
    over: refused with nothing written; without it the sale goes through with no change."""
    w, cashier, _cash, wechat = counter
    with pytest.raises(ValidationFailed) as exc:
        services.record_counter_sale(
            user=cashier,
            warehouse=w.warehouse,
            items=[(TEA, D(1))],
            paid=[Paid(wechat, D("5.00"))],
            tendered_cash=D("100"),
        )
    assert "tendered" in exc.value.errors and "现金" in exc.value.errors["tendered"][0]
    assert not SalesDelivery.objects.exists() and not CustomerPayment.objects.exists()
    sale = services.record_counter_sale(
        user=cashier, warehouse=w.warehouse, items=[(TEA, D(1))], paid=[Paid(wechat, D("5.00"))]
    )
    assert (sale.tendered, sale.change) == (D(0), D(0))


def test_the_day_summary_counts_the_counter_not_the_office_receipts(counter):
    """The 日结 is the till's money: a counter sale's receipt and the counter's refund are in
    it, a 收款单 the office records the same day (a customer paying a bill, into the same cash
    account) is not."""
    from jxc.finance import payments

    w, cashier, cash, _wechat = counter
    sale = services.record_counter_sale(
        user=cashier, warehouse=w.warehouse, items=[(COLA, D(2))], paid=[Paid(cash, D("6.00"))]
    )
    _ret, refund = services.return_counter_sale(
        user=cashier,
        delivery=sale.delivery,
        items=[(sale.delivery.lines.get().pk, D(1))],
        refund_account=cash,
    )
    office = payments.record_customer_payment(
        user=w.user, customer=w.customer, account=cash, amount=D("100"), date=w.today
    )
    assert [r.at_counter for r in sale.receipts] == [True] and refund.at_counter
    assert not office.at_counter
    rows = selectors.day_summary(w.today)
    assert [(r["cashier"], r["method"], r["taken"], r["refunded"], r["count"]) for r in rows] == [
        ("收银小李", "cash", D("6.00"), D("3.00"), 1)
    ]
    assert selectors.totals(rows)["net"] == D("3.00")


def test_the_counter_receipts_of_before_are_marked_by_the_migration(counter):
    """Receipts and refunds of counter sales made before ``at_counter`` existed: the
    migration marks them from their memo (the counter sale's delivery, its return), not the
    office's receipt."""
    import importlib

    from django.apps import apps

    from jxc.finance import payments

    migration = importlib.import_module("jxc.retail.migrations.0001_counter_receipts_marked")
    w, cashier, cash, wechat = counter
    sale = services.record_counter_sale(
        user=cashier,
        warehouse=w.warehouse,
        items=[(COLA, D(2))],
        paid=[Paid(cash, D("4.00")), Paid(wechat, D("2.00"))],
    )
    _ret, refund = services.return_counter_sale(
        user=cashier,
        delivery=sale.delivery,
        items=[(sale.delivery.lines.get().pk, D(1))],
        refund_account=cash,
    )
    office = payments.record_customer_payment(
        user=w.user, customer=w.customer, account=cash, amount=D("100"), date=w.today
    )
    CustomerPayment.objects.update(at_counter=False)
    migration.mark(apps, None)
    marked = set(CustomerPayment.objects.filter(at_counter=True).values_list("pk", flat=True))
    assert marked == {*(r.pk for r in sale.receipts), refund.pk}
    assert office.pk not in marked


def test_the_day_summary_counts_a_receipt_until_its_reversal(counter):
    """A counter sale's receipt reversed (红冲) the same day is not in the day's 日结; one
    reversed on a later day still is (the day's count stays what it was)."""
    from jxc.finance import payments

    w, cashier, cash, _wechat = counter
    day_summary = selectors.day_summary
    today = w.today

    def sold(code, amount):
        return services.record_counter_sale(
            user=cashier, warehouse=w.warehouse, items=[(code, D(1))], paid=[Paid(cash, D(amount))]
        ).receipts[0]

    kept, wrong = sold(COLA, "3.00"), sold(TEA, "5.00")
    assert [r["taken"] for r in day_summary(today)] == [D("8.00")]
    payments.reverse_payment(wrong, user=w.user, reason="收错")
    assert [(r["taken"], r["count"]) for r in day_summary(today)] == [(D("3.00"), 1)]
    kept.refresh_from_db()
    assert kept.status == "posted"
    # reversed on a later day: the day's count stays what it was
    payments.reverse_payment(kept, user=w.user, reason="x", date=today + dt.timedelta(days=1))
    assert [(r["taken"], r["count"]) for r in day_summary(today)] == [(D("3.00"), 1)]
    assert day_summary(today + dt.timedelta(days=1)) == []
