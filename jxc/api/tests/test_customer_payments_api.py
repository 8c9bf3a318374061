"""收款单 through the API: settlement oldest first or chosen, discount and 抹零, 预收 settled
later, idempotent creation, error codes (more than open, bad amounts, account not allowed,
no permission), the customer's statement and the receivables aging."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.models import SourceRef
from jxc.finance.models import CustomerPayment, PartyLedgerEntry
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def book(owner):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_customer

    customer = create_customer(user=owner, code="C1", name="客户一", payment_terms_days=10)
    cash = create_account(user=owner, code="XJ", name="现金", kind="cash")
    for n, amount in ((1, "100.00"), (2, "50.00")):
        record_party_entries(
            [PartyLine(side="receivable", partner_id=customer.pk, amount=Decimal(amount),
                       date=DAY, due_date=DAY + dt.timedelta(days=10))],
            source=SourceRef("sales_delivery", n, f"XSCK-{n}"),
            user=owner,
        )  # fmt: skip
    return customer, cash


def test_receive_settle_and_read_the_statement(client_for, owner, book, user_factory):
    customer, cash = book
    client = client_for(owner)
    status, items = call(client, "get", f"/customers/{customer.pk}/open-items")
    assert status == 200 and [(i["number"], i["open"]) for i in items] == [
        ("XSCK-1", "100"),
        ("XSCK-2", "50"),
    ]
    body = {
        "customer_id": customer.pk,
        "account_id": cash.pk,
        "amount": "69.5",
        "write_off": "0.5",
        "date": DAY.isoformat(),
        "allocations": [{"open_item_id": items[1]["id"], "amount": "60"}],
    }
    status, err = call(client, "post", "/customer-payments", body)
    assert (status, err["code"]) == (409, "settlement_exceeds_open")
    assert not CustomerPayment.objects.exists()
    body["amount"], body["allocations"] = "49.5", [{"open_item_id": items[1]["id"], "amount": "50"}]
    status, rec = call(client, "post", "/customer-payments", body, key="sk-1")
    assert status == 201 and rec["number"].startswith("SK")
    assert rec["settled"] == [{"open_item_id": items[1]["id"], "number": "XSCK-2", "amount": "50"}]
    assert (rec["write_off"], rec["unsettled"]) == ("0.5", "0")
    assert call(client, "post", "/customer-payments", body, key="sk-1") == (201, rec)  # retry
    assert CustomerPayment.objects.count() == 1
    status, advance = call(
        client, "post", "/customer-payments",
        {"customer_id": customer.pk, "account_id": cash.pk, "amount": "130", "date": DAY.isoformat()},
    )  # fmt: skip
    assert status == 201 and advance["unsettled"] == "30"  # 100 settled, 30 预收
    status, st = call(
        client, "get", f"/customers/{customer.pk}/statement?date_from=2026-03-01&date_to=2026-03-31"
    )
    assert status == 200 and (st["opening"], st["closing"], len(st["rows"])) == ("0", "-30", 5)
    status, aging = call(client, "get", "/receivables/aging?as_of=2026-05-01")
    assert status == 200 and aging == [
        {
            "partner_id": customer.pk,
            "partner_name": "客户一",
            "not_due": "0",
            "days_0_30": "0",
            "days_31_60": "0",
            "days_61_90": "0",
            "over_90": "0",
            "unapplied_credit": "-30",
            "total": "-30",
        }
    ]  # the 预收 is not aged: its own column
    record_party_entries(
        [PartyLine(side="receivable", partner_id=customer.pk, amount=Decimal("12.00"), date=DAY)],
        source=SourceRef("sales_delivery", 3, "XSCK-3"),
        user=owner,
    )
    status, done = call(
        client, "post", f"/customers/{customer.pk}/settle", {"date": DAY.isoformat()}
    )
    assert status == 200 and [d["amount"] for d in done] == ["12"]


@pytest.mark.parametrize(
    "change, status, code",
    [
        ({"amount": "0"}, 422, "validation_failed"),
        ({"amount": "-3"}, 422, "validation_failed"),
        ({"discount": "-1"}, 422, "validation_failed"),
        ({"amount": "1e14"}, 422, None),
    ],
)
def test_bad_receipts_refused_nothing_written(client_for, owner, book, change, status, code):
    customer, cash = book
    body = {"customer_id": customer.pk, "account_id": cash.pk, "amount": "10", "date": "2026-03-02"}
    got, err = call(client_for(owner), "post", "/customer-payments", {**body, **change})
    assert got == status and (code is None or err["code"] == code)
    assert not CustomerPayment.objects.exists()
    assert not PartyLedgerEntry.objects.filter(source_kind="customer_payment").exists()


def test_account_and_permission_refusals(client_for, book, user_factory):
    from jxc.core.models import Role

    customer, cash = book
    cash.roles.set([Role.objects.get(code="cashier")])
    body = {"customer_id": customer.pk, "account_id": cash.pk, "amount": "10", "date": "2026-03-02"}
    finance = client_for(user_factory(roles=["finance"]))
    status, err = call(finance, "post", "/customer-payments", body, lang="zh-hans")
    assert (status, err["code"]) == (403, "account_not_permitted")
    assert "现金" in err["message"]
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "post", "/customer-payments", body)[0] == 403
    assert call(keeper, "get", "/receivables/aging")[0] == 403
    assert not CustomerPayment.objects.exists()


def test_salesperson_reads_the_customer_statement_and_receivables_aging(
    client_for, book, user_factory
):
    """The 对账单 and the 账龄 need receivables.view, as their screens: 销售 chases payment
    with them (and takes no money); a keeper has neither."""
    customer, _cash = book
    sales = client_for(user_factory(roles=["sales"]))
    statement = f"/customers/{customer.pk}/statement?date_from=2026-03-01&date_to=2026-03-31"
    status, st = call(sales, "get", statement)
    assert status == 200 and st["closing"] == "150"
    assert call(sales, "get", "/receivables/aging")[0] == 200
    assert call(sales, "get", "/customer-payments")[0] == 403
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "get", statement)[0] == 403
