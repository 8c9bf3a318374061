"""view_cost: cost figures leave the data for users without cost.view."""

import pytest
from django.contrib.auth.models import AnonymousUser

from jxc.core.visibility import COST_FIELDS, MASK, can_view_cost, is_cost_field, redact

ROW = {
    "code": "A001",
    "retail_price": "12.00",
    "purchase_price": "8.00",
    "lines": [
        {"sku": "A001", "qty": "2", "unit_cost": "8.00000000", "value": "16.00"},
        ({"profit": "8.00", "amount": "24.00"},),
    ],
    "totals": {"amount": "24.00", "cost_amount": "16.00", "gross_profit": "8.00"},
}


@pytest.mark.django_db
def test_users_with_cost_view_see_everything(owner):
    assert redact(ROW, owner) is ROW


@pytest.mark.django_db
def test_cost_fields_are_dropped_at_any_depth(sales_user):
    assert redact(ROW, sales_user) == {
        "code": "A001",
        "retail_price": "12.00",
        "lines": [{"sku": "A001", "qty": "2"}, [{"amount": "24.00"}]],
        "totals": {"amount": "24.00"},
    }
    assert ROW["purchase_price"] == "8.00"  # the input is not changed


def test_anonymous_or_missing_user_sees_no_cost():
    assert "purchase_price" not in redact(ROW, None)
    assert "purchase_price" not in redact(ROW, AnonymousUser())
    assert not can_view_cost(None)


def test_scalars_pass_through():
    assert redact("12.00", None) == "12.00"
    assert redact([1, 2], None) == [1, 2]


def test_cost_field_names():
    assert is_cost_field("purchase_price") and is_cost_field("unit_cost")
    assert not is_cost_field("retail_price")
    assert {"cost", "value", "profit", "margin"} <= COST_FIELDS
    assert MASK == "***"
