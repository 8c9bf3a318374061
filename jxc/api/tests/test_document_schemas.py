"""The API shapes of a declared document type, made from its declaration and model fields."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.api.documents.schemas import header_schemas
from jxc.api.loans import SCHEMAS
from jxc.core.documents.lines import LineInput
from jxc.inventory.documents.models import OtherReceipt
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)


def test_the_header_in_schema_comes_from_the_header_fields():
    fields = SCHEMAS.header_in.model_fields
    assert list(fields) == [
        "warehouse_id",
        "date",
        "customer_id",
        "supplier_id",
        "due_date",
        "memo",
        "lines",
    ]
    assert fields["warehouse_id"].is_required() and fields["date"].is_required()
    assert not fields["customer_id"].is_required() and fields["customer_id"].default is None
    assert fields["memo"].default == "" and not fields["due_date"].is_required()
    assert SCHEMAS.header_in.model_json_schema()["properties"]["memo"]["maxLength"] == 500


def test_the_out_schema_names_links_and_labels_choices():
    made = header_schemas(OtherReceipt, "ProbeReceipt", module=__name__)
    out = made.out.model_fields
    assert {"warehouse_id", "warehouse_name", "reason", "reason_label", "lines"} <= set(out)
    assert "date" in out and "memo" in out  # from the common header
    assert made.to_out.__module__ == __name__  # operation ids stay with the router
    loan_out = SCHEMAS.out.model_fields
    assert {"partner_name", "reversal_date", "customer_name", "supplier_name"} <= set(loan_out)


@pytest.mark.django_db
def test_to_out_gives_the_generated_fields(loan_world, rf):  # noqa: F811
    from jxc.loans import services

    w = loan_world
    loan = services.create_loan(
        services.LoanOut,
        user=w.owner,
        lines=[LineInput(sku=w.sku_a.pk, qty=Decimal(2))],
        warehouse=w.zc,
        date=dt.date(2026, 12, 1),
        customer=w.customer,
    )
    request = rf.get("/")
    request.user = w.owner
    data = SCHEMAS.to_out(loan, request)
    assert data["warehouse_id"] == w.zc.pk and data["warehouse_name"] == str(w.zc)
    assert data["customer_name"] == str(w.customer) and data["supplier_id"] is None
    assert data["supplier_name"] == "" and data["partner_name"] == str(w.customer)
    assert [x["qty"] for x in data["lines"]] == [Decimal(2)]
    assert data["lines"][0]["open_qty"] == Decimal(2)
    SCHEMAS.out.model_validate(data)
