"""Hidden figures by declaration: marks on model fields and schema fields, and the redaction
every edge runs by them (jxc.core.visibility)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from ninja import Schema

from jxc.core.visibility import (
    BOOK,
    COST,
    MASK,
    Cost,
    Marked,
    blank,
    can_view_cost,
    hidden_marks,
    mark,
    marks_of,
    redact,
    shows,
)


class LineOut(Schema):
    sku: str
    qty: Decimal
    unit_cost: Decimal | None = Cost(None)
    value: Decimal | None = Cost(None)


class TotalsOut(Schema):
    amount: Decimal
    cost_amount: Decimal = Cost()


class CountOut(Schema):
    counted: Decimal
    book_qty: Decimal | None = Marked(BOOK)
    loss_value: Decimal | None = Marked(COST, BOOK)


class DocOut(Schema):
    code: str
    retail_price: Decimal
    purchase_price: Decimal = Cost()
    lines: list[LineOut]
    totals: TotalsOut | None = None
    by_reason: dict[str, TotalsOut] = {}


DOC = {
    "code": "A001",
    "retail_price": "12.00",
    "purchase_price": "8.00",
    "lines": [{"sku": "A001", "qty": "2", "unit_cost": "8.00000000", "value": "16.00"}],
    "totals": {"amount": "24.00", "cost_amount": "16.00"},
    "by_reason": {"sale": {"amount": "24.00", "cost_amount": "16.00"}},
    "not_in_schema": {"value": "1"},
}


@pytest.mark.django_db
def test_users_with_cost_view_see_everything(owner):
    assert redact(DOC, owner, DocOut) is DOC


@pytest.mark.django_db
def test_marked_fields_are_dropped_at_any_depth_of_the_schema(sales_user):
    assert redact(DOC, sales_user, DocOut) == {
        "code": "A001",
        "retail_price": "12.00",
        "lines": [{"sku": "A001", "qty": "2"}],
        "totals": {"amount": "24.00"},
        "by_reason": {"sale": {"amount": "24.00"}},
        "not_in_schema": {"value": "1"},  # no schema says so: redaction is by mark, not name
    }
    assert DOC["purchase_price"] == "8.00"  # the input is not changed


@pytest.mark.django_db
def test_a_list_answer_and_a_missing_schema(sales_user):
    rows = [{"sku": "A", "qty": "1", "value": "3"}]
    assert redact(rows, sales_user, list[LineOut]) == [{"sku": "A", "qty": "1"}]
    assert redact(rows, sales_user, None) == rows


def test_anonymous_or_missing_user_sees_no_cost():
    assert "purchase_price" not in redact(DOC, None, DocOut)
    assert "purchase_price" not in redact(DOC, AnonymousUser(), DocOut)
    assert not can_view_cost(None)
    assert hidden_marks(None) == {COST}


@pytest.mark.django_db
def test_blind_marks_are_null_for_everyone_and_cost_is_dropped(owner, sales_user):
    data = {"counted": "5", "book_qty": "178", "loss_value": "-1276.58"}
    assert redact(data, owner, CountOut) == data
    assert redact(data, owner, CountOut, blind=True) == {
        "counted": "5",
        "book_qty": None,
        "loss_value": None,
    }
    assert redact(data, sales_user, CountOut) == {"counted": "5", "book_qty": "178"}
    assert blank(data, CountOut, BOOK) == {"counted": "5", "book_qty": None, "loss_value": None}


def test_marks_are_declared_on_schema_fields_and_in_the_openapi_schema():
    assert marks_of(DocOut.model_fields["purchase_price"]) == {COST}
    assert marks_of(DocOut.model_fields["retail_price"]) == set()
    assert DocOut.model_json_schema()["properties"]["purchase_price"]["x-hidden"] == ["cost"]
    assert CountOut.model_fields["loss_value"].json_schema_extra == {"x-hidden": ["book", "cost"]}


def test_unknown_marks_are_refused():
    with pytest.raises(ValueError):
        mark(object(), "secret")
    with pytest.raises(ValueError):
        Marked("secret")


@pytest.mark.django_db
def test_shows(owner, sales_user):
    assert shows({COST}, owner) and not shows({COST}, sales_user)
    assert shows(set(), sales_user)
    assert not shows({BOOK}, owner, blind=True)
    assert MASK == "***"
