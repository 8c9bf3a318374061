"""销项发票 records: linked to posted deliveries (and returns, negative) of one customer, never
more than they have left to invoice, the 未开票出库单 list, 作废 frees the amounts, and the party
ledger untouched (an invoice is a record only)."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.finance.models import PartyLedgerEntry
from jxc.sales import deliveries, invoices, returns, rules, selectors
from jxc.sales.errors import OverInvoiced
from jxc.sales.models import SalesDelivery, SalesInvoice, SalesInvoiceLink

pytestmark = pytest.mark.django_db


def _post(w, doc, post):
    return post(approve(submit(doc, user=w.user), user=w.user), user=w.user)


def _deliver(w, qty, price, customer=None):
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=customer or w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D(price))],
    )
    return _post(w, d, deliveries.post_sales_delivery)


def _invoice(w, net, tax, ds=(), rs=(), number="No.1", **kw):
    return invoices.record_sales_invoice(
        user=w.user,
        customer=kw.pop("customer", w.customer),
        date=w.today,
        invoice_number=number,
        net_amount=D(net),
        tax_amount=D(tax),
        deliveries=[d.pk for d in ds],
        returns=[r.pk for r in rs],
        **kw,
    )


def _rows(w):
    return {r.number: r.uninvoiced for r in selectors.uninvoiced_documents(w.user)}


@pytest.mark.parametrize(
    ("total", "opens", "expected"),
    [
        ("100", ["60", "50"], ["60", "40"]),
        ("110", ["60", "50"], ["60", "50"]),
        ("111", ["60", "50"], None),
        ("80", ["-20", "60", "50"], ["-20", "60", "40"]),
        ("0", ["60"], None),
        ("10", ["-20", "5"], None),
    ],
)
def test_invoice_allocation_takes_returns_in_full_then_deliveries_oldest_first(
    total, opens, expected
):
    got = rules.invoice_allocation(D(total), [D(o) for o in opens])
    assert got == (None if expected is None else [D(e) for e in expected])


def test_invoice_covers_deliveries_oldest_first_and_leaves_party_ledger_alone(world):
    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")  # 113.00
    d2 = _deliver(w, 10, "5.65")  # 56.50
    entries = PartyLedgerEntry.objects.count()
    assert _rows(w) == {d1.number: D("113.00"), d2.number: D("56.50")}
    inv = _invoice(w, "130.00", "16.90", ds=[d2, d1])  # 146.90: d1 in full, d2 in part
    assert inv.status == "posted" and inv.number.startswith("XXFP")
    assert inv.total_amount == D("146.90")
    links = {x.delivery.number: x.amount for x in inv.links.select_related("delivery")}
    assert links == {d1.number: D("113.00"), d2.number: D("33.90")}
    assert _rows(w) == {d2.number: D("22.60")}
    assert PartyLedgerEntry.objects.count() == entries  # a record only
    groups = selectors.uninvoiced_by_customer(selectors.uninvoiced_documents(w.user))
    assert [(g["customer"], g["uninvoiced"]) for g in groups] == [(str(w.customer), D("22.60"))]


def test_invoice_above_what_is_uninvoiced_is_refused_and_writes_nothing(world):
    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")
    _invoice(w, "50.00", "6.50", ds=[d1], number="A1")  # 56.50 of 113.00
    with pytest.raises(OverInvoiced) as e:
        _invoice(w, "50.00", "6.51", ds=[d1], number="A2")
    assert e.value.code == "over_invoiced"
    assert "56.50" in str(e.value.errors["net_amount"])
    assert SalesInvoice.objects.count() == 1 and SalesInvoiceLink.objects.count() == 1
    d1.refresh_from_db()
    assert d1.invoiced_amount == D("56.50")
    _invoice(w, "50.00", "6.50", ds=[d1], number="A2")  # exactly what is left
    assert _rows(w) == {}


def test_return_lowers_the_invoice_as_a_negative_amount(world):
    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")
    line = d1.lines.get()
    r = returns.create_sales_return(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(2), source_line=line.pk)],
    )
    r = _post(w, r, returns.post_sales_return)
    assert _rows(w) == {d1.number: D("113.00"), r.number: D("-22.60")}
    inv = _invoice(w, "80.00", "10.40", ds=[d1], rs=[r])  # 90.40 = 113.00 − 22.60
    amounts = sorted(x.amount for x in inv.links.all())
    assert amounts == [D("-22.60"), D("113.00")]
    assert _rows(w) == {}


def test_bad_invoices_are_refused_with_their_fields(world, owner):
    from jxc.partners.services import create_customer

    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")
    other = create_customer(user=owner, code="KH2", name="客户二")
    draft = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(1), price=D(3))],
    )
    cases = [
        ({"net": "0", "tax": "1", "ds": [d1]}, "net_amount"),
        ({"net": "1", "tax": "-1", "ds": [d1]}, "tax_amount"),
        ({"net": "1", "tax": "0", "ds": [d1], "number": " "}, "invoice_number"),
        ({"net": "1", "tax": "0", "ds": []}, "documents"),
        ({"net": "1", "tax": "0", "ds": [d1, d1]}, "documents"),
        ({"net": "1", "tax": "0", "ds": [draft]}, "documents"),
        ({"net": "1", "tax": "0", "ds": [d1], "customer": other}, "documents"),
        ({"net": "1", "tax": "0", "ds": [d1], "kind": "nope"}, "kind"),
    ]
    for args, field in cases:
        with pytest.raises(ValidationFailed) as e:
            _invoice(w, args.pop("net"), args.pop("tax"), **args)
        assert field in e.value.errors, (args, e.value.errors)
    assert not SalesInvoice.objects.exists()
    _invoice(w, "10", "0", ds=[d1], number="DUP")
    with pytest.raises(ValidationFailed) as e:
        _invoice(w, "10", "0", ds=[d1], number="DUP")
    assert "DUP" in e.value.errors["invoice_number"][0]


def test_void_frees_what_the_invoice_covered(world):
    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")
    inv = _invoice(w, "100", "13", ds=[d1], number="V1")
    with pytest.raises(ValidationFailed):
        invoices.void_sales_invoice(inv, user=w.user, reason="")
    invoices.void_sales_invoice(inv, user=w.user, reason="开错了")
    inv.refresh_from_db()
    d1.refresh_from_db()
    assert inv.status == "void" and d1.invoiced_amount == 0
    assert _rows(w) == {d1.number: D("113.00")}
    _invoice(w, "100", "13", ds=[d1], number="V1")  # the number may be entered again


def test_invoice_needs_its_permission(world, user_factory):
    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")
    keeper = user_factory(roles=["keeper"])
    with pytest.raises(PermissionDenied):
        invoices.record_sales_invoice(
            user=keeper,
            customer=w.customer,
            date=w.today,
            invoice_number="P1",
            net_amount=D(1),
            tax_amount=D(0),
            deliveries=[d1.pk],
        )


def test_database_refuses_invoiced_above_the_delivery_total(world):
    w = world
    w.receive(w.cola, 50, "1")
    d1 = _deliver(w, 10, "11.30")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesDelivery.objects.filter(pk=d1.pk).update(invoiced_amount=D("113.01"))


def test_an_invoice_whose_amounts_add_up_is_saved_though_floats_would_not_add_up(world):
    """766.67 + 99.67 = 866.34 exactly, but not as binary floats (866.3399999999999): the
    database's check on 价税合计 must take the sum to the fen (SQLite adds its decimal
    columns as floats), and still refuse a total a fen off."""
    w = world
    w.receive(w.cola, 5, "1")
    d = _deliver(w, 1, "866.34")
    inv = _invoice(w, "766.67", "99.67", ds=[d])
    got = SalesInvoice.objects.get(pk=inv.pk)
    assert (got.net_amount, got.tax_amount, got.total_amount) == (
        D("766.67"),
        D("99.67"),
        D("866.34"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoice.objects.filter(pk=inv.pk).update(total_amount=D("866.35"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoice.objects.filter(pk=inv.pk).update(total_amount=D("866.33"))


def test_the_invoice_vat_must_be_the_documents_vat_give_or_take_rounding(world):
    """A delivery of 20 × 11.30 含税 13 % (金额 200.00, 税额 26.00): an invoice of 100 + 99
    (a typing mistake; its 199.00 would carry 22.89 of VAT) is refused on 税额, nothing
    written; a rounding difference within ¥1.27 passes; a share of a delivery carries its
    share of the VAT."""
    w = world
    w.receive(w.cola, 40, "1")
    d = _deliver(w, 20, "11.30")
    with pytest.raises(ValidationFailed) as exc:
        _invoice(w, "100", "99", ds=[d])
    assert "22.89" in str(exc.value.errors["tax_amount"]) and not SalesInvoice.objects.exists()
    assert _invoice(w, "201.20", "24.80", ds=[d]).tax_amount == D("24.80")
    half = _deliver(w, 10, "11.30")
    with pytest.raises(ValidationFailed) as exc:
        _invoice(w, "56.50", "0", ds=[half], number="No.2")  # 56.50 of 113.00: VAT 6.50
    assert "6.50" in str(exc.value.errors["tax_amount"])
    assert _invoice(w, "50", "6.50", ds=[half], number="No.2").total_amount == D("56.50")
