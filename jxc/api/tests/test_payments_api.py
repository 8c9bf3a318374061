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


def test_purchaser_reads_the_supplier_statement_and_payables_aging(
    client_for,
    shop,  # noqa: F811
    user_factory,
):
    """The 对账单 and the 账龄 need payables.view, as their screens: 采购 reads them (and
    may not pay anyone); a keeper has neither."""
    purchaser = client_for(user_factory(roles=["purchaser"]))
    statement = f"/suppliers/{shop.supplier.pk}/statement?date_from=2026-03-01&date_to=2026-03-31"
    assert call(purchaser, "get", statement)[0] == 200
    assert call(purchaser, "get", "/payables/aging")[0] == 200
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "get", statement)[0] == 403


def test_statement_rows_name_the_discount_and_the_rounding_off(client_for, shop):  # noqa: F811
    from decimal import Decimal

    from jxc.finance import payments
    from jxc.finance.services import create_account

    bank = create_account(user=shop.user, code="YH1", name="工行", kind="bank")
    record_party_entries(
        [PartyLine(side="payable", partner_id=shop.supplier.pk, amount=Decimal("388.30"),
                   date=DAY, due_date=DAY)],
        source=SourceRef("purchase_receipt", 1, "CGRK-1"),
        user=shop.user,
    )  # fmt: skip
    pay = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=Decimal("380"),
        discount=Decimal("8"), write_off=Decimal("0.30"), date=DAY,
    )  # fmt: skip
    client = client_for(shop.user)
    status, st = call(
        client,
        "get",
        f"/suppliers/{shop.supplier.pk}/statement?date_from=2026-03-01&date_to=2026-03-31",
    )
    assert status == 200
    rows = [(r["number"], r["kind"], r["source_kind"], r["decrease"]) for r in st["rows"][1:]]
    assert sorted(rows) == sorted(
        [
            (pay.number, "payment", "supplier_payment", "380"),
            (pay.number, "discount", "supplier_payment", "8"),
            (pay.number, "write_off", "supplier_payment", "0.3"),
        ]
    )
    assert st["rows"][0]["kind"] == "document"


def test_payment_list_searches_and_filters_by_partner_account_and_status(
    client_for,
    shop,  # noqa: F811
    user_factory,
):
    from decimal import Decimal

    from jxc.finance import payments
    from jxc.finance.services import create_account
    from jxc.partners.services import create_supplier

    bank = create_account(user=shop.user, code="YH1", name="工行", kind="bank")
    cash = create_account(user=shop.user, code="XJ1", name="现金", kind="cash")
    other = create_supplier(user=shop.user, code="GYS2", name="义乌文具")
    first = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=Decimal("10"), date=DAY,
        memo="三月货款",
    )  # fmt: skip
    second = payments.record_supplier_payment(
        user=shop.user, supplier=other, account=cash, amount=Decimal("20"), date=DAY
    )
    payments.reverse_payment(second, user=shop.user, reason="录错", date=DAY)
    client = client_for(shop.user)

    def numbers(query):
        status, page = call(client, "get", "/supplier-payments", query)
        assert status == 200, page
        return sorted(p["number"] for p in page["items"])

    assert numbers({"q": "zzzz"}) == []
    assert numbers({"q": "文具"}) == numbers({"q": "GYS2"}) == [second.number]
    assert numbers({"q": "ywwj"}) == [second.number]  # the 助记码
    assert numbers({"q": "三月"}) == numbers({"q": first.number}) == [first.number]
    assert numbers({"supplier": other.pk}) == [second.number]
    assert numbers({"account": bank.pk}) == [first.number]
    assert numbers({"status": "reversed"}) == [second.number]
