"""Every document table refuses a status outside the workflow's (``Document.Meta.constraints``):
a type whose Meta lists constraints of its own must name the status check too, and a raw write
of a wrong status — a bug's, an import's — fails in the database, not in a later report."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from jxc.core.choices import DocumentStatus
from jxc.core.documents.models import Document
from jxc.core.fields import ChoicesCheck


def _document_tables():
    return [
        m
        for m in apps.get_models()
        if issubclass(m, Document) and not m._meta.proxy and not m._meta.abstract
    ]


def test_every_document_table_checks_its_status():
    tables = _document_tables()
    assert len(tables) >= 20  # stock, purchase, sales, payment and loan documents
    for model in tables:
        checks = [
            c
            for c in model._meta.constraints
            if isinstance(c, ChoicesCheck) and c.field == "status"
        ]
        assert len(checks) == 1, model._meta.label
        assert set(checks[0].values) == set(DocumentStatus.values), model._meta.label


@pytest.mark.django_db
def test_each_document_table_holds_its_status_check_in_the_database():
    with connection.cursor() as cur:
        for model in _document_tables():
            checks = {
                name
                for name, c in connection.introspection.get_constraints(
                    cur, model._meta.db_table
                ).items()
                if c["check"]
            }
            assert any(n.endswith("status_valid") for n in checks), model._meta.db_table


@pytest.mark.django_db
def test_a_purchase_order_with_a_wrong_status_is_refused(owner):
    from jxc.inventory.services import create_warehouse
    from jxc.partners.services import create_supplier
    from jxc.purchasing.models import PurchaseOrder

    order = PurchaseOrder.objects.create(
        number="PO-STATUS-1",
        date=dt.date(2026, 12, 7),
        supplier=create_supplier(user=owner, code="GYS-S", name="供应商"),
        warehouse=create_warehouse(user=owner, code="WH-S", name="总仓"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseOrder.objects.filter(pk=order.pk).update(status="shipped")
    order.refresh_from_db()
    assert order.status == DocumentStatus.DRAFT
