"""The purchase order's table refuses a status outside the documents' workflow (the check
every document table inherits from ``Document.Meta``): a raw write — a bug's, a hand-made
import's — fails in the database and the row keeps its status."""

import pytest
from django.db import IntegrityError, transaction

from jxc.core.choices import DocumentStatus
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.tests.conftest import DAY


@pytest.mark.django_db
def test_a_purchase_order_with_a_wrong_status_is_refused(shop):
    order = PurchaseOrder.objects.create(
        number="PO-STATUS-1", date=DAY, supplier=shop.supplier, warehouse=shop.warehouse
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseOrder.objects.filter(pk=order.pk).update(status="shipped")
    order.refresh_from_db()
    assert order.status == DocumentStatus.DRAFT
    PurchaseOrder.objects.filter(pk=order.pk).update(status=DocumentStatus.SUBMITTED)
    order.refresh_from_db()
    assert order.status == DocumentStatus.SUBMITTED
