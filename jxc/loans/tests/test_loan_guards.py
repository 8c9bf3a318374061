"""Loans held by the database and kept apart (issue 11 leftovers): status and line quantities
checked by the database; a lent-out location (借出仓) is no other document's warehouse; a
serial-tracked SKU is refused with its own code (docs/adr/0004)."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.errors import SerialTrackedNotLendable, ValidationFailed
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.counts import CountScope
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.inventory.selectors import document_warehouses
from jxc.loans import services
from jxc.loans.models import LoanIn, LoanInLine, LoanOut, LoanOutLine

pytestmark = pytest.mark.django_db


def _refused(queryset, **update):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**update)


def _draft(w, model=LoanOut, sku=None):
    return services.create_loan(
        model,
        user=w.owner,
        warehouse=w.zc,
        date=TODAY,
        customer=w.customer,
        lines=[LineInput(sku=(sku or w.sku_a).pk, qty=D(2))],
    )


def test_loan_status_and_line_quantities_are_checked_by_the_database(loan_world):
    w = loan_world
    for model, line_model in ((LoanOut, LoanOutLine), (LoanIn, LoanInLine)):
        doc = _draft(w, model)
        _refused(model.objects.filter(pk=doc.pk), status="lost")
        _refused(line_model.objects.filter(document=doc), qty=D(0))
        _refused(line_model.objects.filter(document=doc), base_qty=D(-1))
        assert model.objects.get(pk=doc.pk).status == "draft"


def test_a_lent_out_location_is_no_other_documents_warehouse(loan_world):
    w = loan_world
    lent = inventory.lent_location(w.zc)
    assert lent not in document_warehouses(w.owner) and w.zc in document_warehouses(w.owner)
    line = [LineInput(sku=w.sku_a.pk, qty=D(1), price=D(1))]
    attempts = [
        lambda: docs.create_stock_document(
            user=w.owner,
            kind="other_receipt",
            warehouse=lent,
            date=TODAY,
            reason="gift",
            lines=line,
        ),
        lambda: docs.create_transfer(
            user=w.owner, from_warehouse=w.zc, to_warehouse=lent, date=TODAY, lines=line
        ),
        lambda: docs.create_stock_counts(user=w.owner, date=TODAY, scopes=[CountScope(lent)]),
        lambda: services.create_loan(
            LoanOut, user=w.owner, warehouse=lent, date=TODAY, customer=w.customer, lines=line
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationFailed) as refused:
            attempt()
        assert "warehouse" in refused.value.errors
    # a draft moved onto the lent-out location behind the services' back does not post
    doc = docs.create_stock_document(
        user=w.owner, kind="other_receipt", warehouse=w.zc, date=TODAY, reason="gift", lines=line
    )
    type(doc).objects.filter(pk=doc.pk).update(warehouse=lent)
    doc.refresh_from_db()
    for step in ("submit_document", "approve_document"):
        doc = getattr(docs, step)(doc, user=w.owner)
    with pytest.raises(ValidationFailed):
        docs.post_document(doc, user=w.owner)


@pytest.fixture
def serial_sku(loan_world):
    w = loan_world
    return catalog.create_product(
        user=w.owner,
        code="S001",
        name="对讲机",
        base_unit=w.pcs,
        tracking="serial",
        units=[UnitSpec(unit_id=w.pcs.pk, barcode="6900000000097")],
    ).skus.get()


def test_a_serial_tracked_sku_is_refused_with_its_own_code(loan_world, serial_sku):
    w = loan_world
    for model in (LoanOut, LoanIn):
        with pytest.raises(SerialTrackedNotLendable) as refused:
            _draft(w, model, sku=serial_sku)
        assert refused.value.code == "serial_tracked_not_lendable"
        assert refused.value.field == "lines.0.sku" and "S001" in str(refused.value)
    doc = _draft(w)
    with pytest.raises(SerialTrackedNotLendable):
        services.update_loan(
            doc, user=w.owner, lines=[LineInput(sku=serial_sku.pk, qty=D(1), serials=("X1",))]
        )
    # a SKU that became serial-tracked after the draft was saved is refused at posting
    receive(w, w.sku_a, w.zc, 5, "2")
    type(w.sku_a.product).objects.filter(pk=w.sku_a.product_id).update(tracking="serial")
    for step in ("submit", "approve"):
        doc = getattr(__import__("jxc.core.documents.actions", fromlist=[step]), step)(
            doc, user=w.owner
        )
    with pytest.raises(SerialTrackedNotLendable):
        services.post_loan(doc, user=w.owner)
    assert LoanOut.objects.get(pk=doc.pk).status == "approved"


def test_a_loan_out_naming_a_batch_that_does_not_exist_is_refused_at_posting(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 5, "2")
    doc = services.create_loan(
        LoanOut,
        user=w.owner,
        warehouse=w.zc,
        date=TODAY,
        customer=w.customer,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(1), batch_number="NO-SUCH")],
    )
    for step in (actions.submit, actions.approve):
        doc = step(doc, user=w.owner)
    with pytest.raises(ValidationFailed) as refused:
        services.post_loan(doc, user=w.owner)
    assert "lines.0.batch_number" in refused.value.errors
    assert LoanOut.objects.get(pk=doc.pk).status == "approved"


def test_a_loans_saved_bins_are_checked_again_when_its_warehouse_changes(loan_world):
    w = loan_world
    bin_zc = inventory.create_bin(user=w.owner, warehouse=w.zc, code="A-01")
    doc = services.create_loan(
        LoanOut,
        user=w.owner,
        warehouse=w.zc,
        date=TODAY,
        customer=w.customer,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(1), bin=bin_zc.pk)],
    )
    with pytest.raises(ValidationFailed) as refused:
        services.update_loan(doc, user=w.owner, warehouse=w.md)
    assert "lines.0.bin" in refused.value.errors
    assert LoanOut.objects.get(pk=doc.pk).warehouse_id == w.zc.pk
