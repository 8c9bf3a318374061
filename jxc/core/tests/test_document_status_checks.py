"""Every document table refuses a status outside the workflow's (``Document.Meta.constraints``):
a type whose Meta lists constraints of its own must name the status check too, and a raw write
of a wrong status — a bug's, an import's — fails in the database, not in a later report
(one table's refusal: jxc/purchasing/tests/test_order_status_check.py)."""

import pytest
from django.apps import apps
from django.db import connection

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
