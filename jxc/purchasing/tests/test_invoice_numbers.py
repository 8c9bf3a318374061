"""The supplier's invoice number once per supplier, also when two users register it at the same
moment: both find it free, the database's partial unique constraint refuses the second write,
and that refusal is the same clear ``duplicate_invoice_number`` (422, Chinese message on the
screen) as a number taken before — never a server error."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection

from jxc.core.documents.lines import LineInput
from jxc.purchasing import invoices
from jxc.purchasing.errors import DuplicateInvoiceNumber
from jxc.purchasing.models import PurchaseInvoice
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, posted_receipt


def _receipt(shop):
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D("11.30"))])
    return posted_receipt(shop, order)


@pytest.fixture
def race(monkeypatch):  # also used by jxc/api/tests/test_purchase_invoice_race_api.py
    """Both users' checks ran before either wrote: the service's own look-up finds nothing."""
    monkeypatch.setattr(invoices, "_duplicate", lambda header, *, pk: False)


@pytest.mark.django_db
def test_a_number_taken_between_check_and_write_is_duplicate_invoice_number(shop, race):
    receipt = _receipt(shop)
    first = invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="R1", date=DAY)
    with pytest.raises(DuplicateInvoiceNumber) as err:
        invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="R1", date=DAY)
    assert err.value.code == "duplicate_invoice_number"
    assert "R1" in err.value.errors["invoice_number"][0]
    assert list(PurchaseInvoice.objects.values_list("pk", flat=True)) == [first.pk]
    # a draft renamed to a number another draft took meanwhile: the same error, nothing kept
    other = invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="R2", date=DAY)
    with pytest.raises(DuplicateInvoiceNumber):
        invoices.update_purchase_invoice(other, user=shop.user, invoice_number="R1")
    other.refresh_from_db()
    assert other.invoice_number == "R2"


@pytest.mark.django_db(transaction=True)
def test_two_users_registering_one_number_at_once_one_wins(shop):
    """Real threads on the run's database (PostgreSQL: both checks pass, the unique index
    refuses the second; SQLite: the writers queue, the second sees the first's number)."""
    receipt = _receipt(shop)
    start = threading.Barrier(2)
    outcomes: list = []
    lock = threading.Lock()

    def register():
        try:
            start.wait(timeout=30)
            made = invoices.invoice_from(
                user=shop.user, receipts=[receipt], invoice_number="SAME", date=DAY
            )
            out: object = made.pk
        except DuplicateInvoiceNumber as exc:
            out = exc.code
        except BaseException as exc:  # anything else (IntegrityError, locked) fails the test
            out = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(out)

    threads = [threading.Thread(target=register) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 2, outcomes
    assert sorted(map(type, outcomes), key=str) == sorted([int, str], key=str), outcomes
    assert "duplicate_invoice_number" in outcomes
    assert PurchaseInvoice.objects.filter(invoice_number="SAME").count() == 1
