"""收款单 screens in Chinese: the form with the customer's open items (HTMX), a receipt settled
by hand with 抹零, an error kept on the form with nothing written, the detail with what was
settled, 核销 later on the open-items page, an account the user may not use not offered."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.models import SourceRef
from jxc.finance.models import CustomerPayment, OpenItem
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def book(owner):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_customer

    customer = create_customer(user=owner, code="C1", name="杭州客户", payment_terms_days=10)
    cash = create_account(user=owner, code="XJ", name="现金柜", kind="cash")
    entries = []
    for n, amount in ((1, "100.00"), (2, "50.00"), (3, "-20.00")):
        kind = "sales_return" if amount.startswith("-") else "sales_delivery"
        [e] = record_party_entries(
            [PartyLine(side="receivable", partner_id=customer.pk, amount=Decimal(amount),
                       date=DAY, due_date=DAY if not amount.startswith("-") else None)],
            source=SourceRef(kind, n, f"XS-{n}"),
            user=owner,
        )  # fmt: skip
        entries.append(e)
    return customer, cash, entries


def test_receipt_form_settles_by_hand_and_shows_what_it_settled(client_for, owner, book):
    customer, cash, (a, b, ret) = book
    client = client_for(owner)
    assert "/finance/receipts/" in client.get("/").content.decode()
    form = client.get("/finance/receipts/new/").content.decode()
    assert "收款单" in form and "抹零" in form and 'id="open-items"' in form
    part = client.get(
        "/finance/receipts/open-items/", {"customer": customer.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "XS-1" in part and f'name="alloc_{a.pk}"' in part and f'name="alloc_{ret.pk}"' in part
    body = {
        "customer": customer.pk,
        "account": cash.pk,
        "date": DAY.isoformat(),
        "amount": "29.50",
        "write_off": "0.50",
        f"alloc_{b.pk}": "60",
        f"alloc_{ret.pk}": "20",
    }
    bad = client.post("/finance/receipts/new/", body)
    assert bad.status_code == 200 and 'data-testid="form-errors"' in bad.content.decode()
    assert not CustomerPayment.objects.exists()
    body[f"alloc_{b.pk}"] = "50"
    response = client.post("/finance/receipts/new/", body)
    assert response.status_code == 302, response.content.decode()[:2000]
    rec = CustomerPayment.objects.get()
    assert OpenItem.objects.get(pk=b.pk).is_open is False
    assert OpenItem.objects.get(pk=ret.pk).is_open is False
    assert OpenItem.objects.get(pk=a.pk).settled == 0
    page = client.get(f"/finance/receipts/{rec.pk}/").content.decode()
    assert "XS-2" in page and "0.50" in page and "预收" in page


def test_settle_later_on_the_open_items_page(client_for, owner, book):
    from jxc.finance.payments import record_customer_payment

    customer, cash, (a, b, ret) = book
    record_customer_payment(
        user=owner, customer=customer, account=cash, amount=Decimal("40"), date=DAY,
        allocations=[(b.pk, Decimal("40"))],
    )  # fmt: skip
    client = client_for(owner)
    page = client.get("/finance/receipts/open-items/", {"partner": customer.pk}).content.decode()
    assert "XS-1" in page and "XS-3" in page and "核销" in page
    response = client.post(f"/finance/receipts/settle/{customer.pk}/", {}, follow=True)
    assert response.status_code == 200
    assert OpenItem.objects.get(pk=ret.pk).is_open is False  # the return met the oldest
    assert OpenItem.objects.get(pk=a.pk).open_amount == Decimal("80.00")


def test_account_limited_to_other_roles_not_offered(client_for, book, user_factory):
    from jxc.core.models import Role

    customer, cash, _entries = book
    cash.roles.set([Role.objects.get(code="cashier")])
    finance = client_for(user_factory(roles=["finance"]))
    form = finance.get("/finance/receipts/new/").content.decode()
    assert "现金柜" not in form
    response = finance.post(
        "/finance/receipts/new/",
        {"customer": customer.pk, "account": cash.pk, "date": DAY.isoformat(), "amount": "5"},
    )
    assert response.status_code == 200 and not CustomerPayment.objects.exists()
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.get("/finance/receipts/new/").status_code == 403
