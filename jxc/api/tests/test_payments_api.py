"""付款单, open items, statement and payables aging through the API: settlement oldest first
or chosen, a prepayment left open, idempotent creation, error codes, permissions."""

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.models import SourceRef
from jxc.finance.models import SupplierPayment
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def test_pay_settle_and_read_the_statement(client_for, shop, user_factory):  # noqa: F811
    from decimal import Decimal

    from jxc.finance.services import create_account

    bank = create_account(user=shop.user, code="YH1", name="工行", kind="bank")
    for n, amount in ((1, "100.00"), (2, "50.00")):
        record_party_entries(
            [PartyLine(side="payable", partner_id=shop.supplier.pk, amount=Decimal(amount),
                       date=DAY, due_date=DAY)],
            source=SourceRef("purchase_receipt", n, f"CGRK-{n}"),
            user=shop.user,
        )  # fmt: skip
    client = client_for(shop.user)
    status, items = call(client, "get", f"/suppliers/{shop.supplier.pk}/open-items")
    assert status == 200 and [i["open"] for i in items] == ["100", "50"]
    body = {
        "supplier_id": shop.supplier.pk,
        "account_id": bank.pk,
        "amount": "70",
        "date": DAY.isoformat(),
        "allocations": [{"open_item_id": items[1]["id"], "amount": "60"}],
    }
    status, err = call(client, "post", "/supplier-payments", body)
    assert (status, err["code"]) == (409, "settlement_exceeds_open")
    body["allocations"] = [{"open_item_id": items[1]["id"], "amount": "50"}]
    status, pay = call(client, "post", "/supplier-payments", body, key="fk-1")
    assert status == 201 and pay["number"].startswith("FK")
    assert pay["settled"] == [{"open_item_id": items[1]["id"], "number": "CGRK-2", "amount": "50"}]
    assert pay["unsettled"] == "20"
    assert call(client, "post", "/supplier-payments", body, key="fk-1") == (201, pay)
    assert SupplierPayment.objects.count() == 1
    status, pay2 = call(
        client, "post", "/supplier-payments",
        {"supplier_id": shop.supplier.pk, "account_id": bank.pk, "amount": "90", "date": DAY.isoformat()},
    )  # fmt: skip
    assert status == 201 and pay2["settled"][0]["number"] == "CGRK-1" and pay2["unsettled"] == "0"
    status, st = call(
        client,
        "get",
        f"/suppliers/{shop.supplier.pk}/statement?date_from=2026-03-01&date_to=2026-03-31",
    )
    assert status == 200 and (st["opening"], st["closing"], len(st["rows"])) == ("0", "-10", 4)
    status, aging = call(client, "get", "/payables/aging?as_of=2026-05-01")
    assert status == 200 and aging[0]["total"] == "-10"
    status, err = call(
        client, "post", "/supplier-payments",
        {"supplier_id": shop.supplier.pk, "account_id": bank.pk, "amount": "0", "date": DAY.isoformat()},
    )  # fmt: skip
    assert status == 422
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "post", "/supplier-payments", body)[0] == 403
    assert call(keeper, "get", "/payables/aging")[0] == 403


def test_reverse_a_payment(client_for, shop, user_factory):  # noqa: F811
    from decimal import Decimal

    from jxc.finance import payments
    from jxc.finance.services import create_account

    bank = create_account(user=shop.user, code="YH1", name="工行", kind="bank")
    pay = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=Decimal("80"), date=DAY
    )
    client = client_for(shop.user)
    path = f"/supplier-payments/{pay.pk}/reverse"
    status, err = call(client, "post", path, {"reason": ""})
    assert (status, err["code"]) == (422, "validation_failed")
    status, err = call(client, "post", path, {"reason": "x", "date": "2026-03-01"})
    assert (status, err["code"]) == (422, "validation_failed")
    assert list(err["params"]["errors"]) == ["date"]
    purchaser = client_for(user_factory(roles=["purchaser"]))
    status, err = call(purchaser, "post", path, {"reason": "x"})
    assert (status, err["code"]) == (403, "permission_denied")
    status, out = call(client, "post", path, {"reason": "录错", "date": "2026-03-05"})
    assert status == 200, out
    assert (out["status"], out["status_reason"], out["reversal_date"]) == (
        "reversed",
        "录错",
        "2026-03-05",
    )
    status, err = call(client, "post", path, {"reason": "again"})
    assert (status, err["code"]) == (409, "invalid_transition")
    status, st = call(
        client,
        "get",
        f"/suppliers/{shop.supplier.pk}/statement?date_from=2026-03-01&date_to=2026-03-31",
    )
    assert status == 200 and st["closing"] == "0" and len(st["rows"]) == 2
