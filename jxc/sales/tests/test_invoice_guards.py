"""销项发票's guards beyond the amounts: an approval policy that holds the invoice's 登记 keeps
nothing (the invoice is a record made in one step: held, it would be a half-made record), and a
user scoped to some warehouses sees only the invoices of their deliveries and returns."""

from decimal import Decimal as D

import pytest

from jxc.core.documents import approval
from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.sales import deliveries, invoices
from jxc.sales.models import SalesDelivery, SalesInvoice, SalesInvoiceLink

pytestmark = pytest.mark.django_db


def _deliver(w, qty, price, warehouse=None):
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=warehouse or w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D(price))],
    )  # fmt: skip
    return deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)


class HoldsInvoices(approval.ApprovalPolicy):
    """An approval rule on 销项发票 that is still waiting for its approvers."""

    def gate(self, doc, *, action, user, reason="", prefetched=None):
        if action == "post" and isinstance(doc, SalesInvoice):
            return approval.Gate(authorised=True, proceed=False)
        return approval.PLAIN


@pytest.fixture
def holding():
    before = approval.policy()
    approval.install(HoldsInvoices())
    yield
    approval.install(before)


def test_an_invoice_held_by_an_approval_rule_keeps_nothing(world, holding):
    w = world
    w.receive(w.cola, 20, "1")
    d = _deliver(w, 10, "11.30")
    with pytest.raises(ValidationFailed) as err:
        invoices.record_sales_invoice(
            user=w.user, customer=w.customer, date=w.today, invoice_number="HOLD-1",
            net_amount=D("100.00"), tax_amount=D("13.00"), deliveries=[d.pk],
        )  # fmt: skip
    assert "__all__" in err.value.errors
    assert not SalesInvoice.objects.exists() and not SalesInvoiceLink.objects.exists()
    assert SalesDelivery.objects.get(pk=d.pk).invoiced_amount == 0


def test_a_user_kept_to_one_warehouse_sees_only_the_invoices_of_its_documents(
    world, user_factory, client_for
):
    from jxc.inventory.services import create_warehouse
    from jxc.sales import selectors

    w = world
    w.receive(w.cola, 20, "1")
    other = create_warehouse(user=w.user, code="WH2", name="分仓")
    w.receive(w.cola, 20, "1", warehouse=other)
    here = _deliver(w, 2, "11.30")
    there = _deliver(w, 2, "11.30", warehouse=other)
    both = [_deliver(w, 1, "11.30"), _deliver(w, 1, "11.30", warehouse=other)]

    def invoice(number, docs, net):
        return invoices.record_sales_invoice(
            user=w.user, customer=w.customer, date=w.today, invoice_number=number,
            net_amount=D(net), tax_amount=D("2.60"), deliveries=[d.pk for d in docs],
        )  # fmt: skip

    mine = invoice("IN-1", [here], "20.00")
    theirs = invoice("IN-2", [there], "20.00")
    mixed = invoice("IN-3", both, "20.00")
    keeper = user_factory(roles=["finance"])
    keeper.all_warehouses = False
    keeper.save(update_fields=["all_warehouses"])
    w.warehouse.users.add(keeper)
    assert list(selectors.invoices_for(keeper)) == [mine]
    assert set(selectors.invoices_for(w.user)) == {mine, theirs, mixed}
    client = client_for(keeper)
    page = client.get("/sales/invoices/").content.decode()
    assert "IN-1" in page and "IN-2" not in page and "IN-3" not in page
    assert client.get(f"/sales/invoices/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/sales-invoices/{mixed.pk}").status_code == 404
    listed = client.get("/api/v1/sales-invoices").json()["items"]
    assert [x["invoice_number"] for x in listed] == ["IN-1"]


def test_a_number_taken_between_check_and_write_is_refused_like_one_taken_before(
    world, monkeypatch
):
    """Two users recording one 发票号码 at once both pass the check; the database's partial
    unique constraint refuses the second write: the same field error, nothing kept."""
    w = world
    w.receive(w.cola, 20, "1")
    first, second = _deliver(w, 2, "11.30"), _deliver(w, 2, "11.30")
    monkeypatch.setattr(invoices, "_header_errors", lambda **kw: {})

    def record(d):
        return invoices.record_sales_invoice(
            user=w.user, customer=w.customer, date=w.today, invoice_number="SAME-1",
            net_amount=D("20.00"), tax_amount=D("2.60"), deliveries=[d.pk],
        )  # fmt: skip

    record(first)
    with pytest.raises(ValidationFailed) as err:
        record(second)
    assert "SAME-1" in err.value.errors["invoice_number"][0]
    assert SalesInvoice.objects.count() == 1 and SalesInvoiceLink.objects.count() == 1
    assert SalesDelivery.objects.get(pk=second.pk).invoiced_amount == 0
