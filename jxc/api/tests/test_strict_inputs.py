"""Strict request inputs (issue 11 §3, schemathesis ``negative_data_rejection``): a value of
another type than the OpenAPI document declares is a 422 on its field, never coerced —
booleans, integers, strings and dates in JSON bodies, booleans, integers and dates in query
strings — while what the document allows (decimals as JSON numbers or strings, ISO dates)
still goes through."""

import pytest

from jxc.api.common.strict import type_errors
from jxc.api.tests.conftest import call
from jxc.core.selectors import company
from jxc.inventory import services as inventory

pytestmark = pytest.mark.django_db


def refused_on(answer, field):
    status, body = answer
    assert status == 422, body
    assert body["code"] == "validation_failed" and field in body["params"]["errors"], body
    return body["params"]["errors"][field]


@pytest.mark.parametrize("sent", [0, 1, "true", "false", "yes", None])
def test_a_json_boolean_is_true_or_false(client_owner, sent):
    before = company().allow_negative_stock
    message = refused_on(
        call(client_owner, "patch", "/company", {"allow_negative_stock": sent}),
        "allow_negative_stock",
    )
    if sent is not None:
        assert message == ["请输入 true 或 false。"]
    assert company().allow_negative_stock == before
    status, body = call(client_owner, "patch", "/company", {"allow_negative_stock": True})
    assert status == 200 and body["allow_negative_stock"] is True


def test_json_integers_strings_and_dates_are_not_coerced(client_owner, owner):
    wh = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    units = call(client_owner, "post", "/units", {"name": "个"})[1]
    sku = call(
        client_owner,
        "post",
        "/products",
        {"code": "A1", "name": "可乐", "base_unit_id": units["id"], "units": []},
    )[1]["skus"][0]["id"]

    def receipt(**change):
        body = {
            "warehouse_id": wh.pk,
            "date": "2026-11-20",
            "reason": "gift",
            "memo": "",
            "lines": [{"sku_id": sku, "qty": "2", "unit_cost": 1.5}],
        }
        body.update(change)
        return call(client_owner, "post", "/other-receipts", body)

    refused_on(receipt(warehouse_id=str(wh.pk)), "warehouse_id")  # "5" for an integer
    refused_on(receipt(warehouse_id=float(wh.pk)), "warehouse_id")  # 5.0
    refused_on(receipt(warehouse_id=True), "warehouse_id")
    refused_on(receipt(memo=5), "memo")  # a number for a string
    refused_on(receipt(date="0"), "date")  # a timestamp for a date
    refused_on(receipt(date=20261120), "date")
    refused_on(receipt(lines=[{"sku_id": sku, "qty": True}]), "lines.0.qty")
    refused_on(receipt(lines=[{"sku_id": str(sku), "qty": "1"}]), "lines.0.sku_id")
    # decimals are documented as a number or a string: both go through
    status, doc = receipt(lines=[{"sku_id": sku, "qty": 2, "unit_cost": "1.25"}])
    assert status == 201 and doc["lines"][0]["cost_amount"] == "2.5"


def test_query_booleans_integers_and_dates_are_strict_text(client_owner):
    refused_on(call(client_owner, "get", "/stock/moves", {"start": "0"}), "start")
    refused_on(call(client_owner, "get", "/stock/moves", {"start": "20261120"}), "start")
    assert call(client_owner, "get", "/stock/moves", {"start": "2026-11-20"})[0] == 200
    refused_on(call(client_owner, "get", "/units", {"active": "1"}), "active")
    refused_on(call(client_owner, "get", "/units", {"active": "yes"}), "active")
    assert call(client_owner, "get", "/units", {"active": "true"})[0] == 200
    refused_on(call(client_owner, "get", "/units", {"page": "1.0"}), "page")
    assert call(client_owner, "get", "/units", {"page": "1"})[0] == 200


def test_the_checker_knows_optional_lists_and_nested_types():
    import datetime as dt
    from decimal import Decimal

    assert type_errors(dt.date | None, None, ("d",), text=False) == []
    assert type_errors(dt.date | None, "2026-01-02", ("d",), text=False) == []
    assert type_errors(list[int], [1, "2", 3], ("x",), text=False) == [(("x", 1), "int_type")]
    assert type_errors(dict[str, bool], {"a": 1}, ("m",), text=False) == [(("m", "a"), "bool_type")]
    assert type_errors(Decimal, 1.5, ("v",), text=False) == []
    assert type_errors(Decimal, False, ("v",), text=False) == [(("v",), "decimal_type")]
    assert type_errors(dt.datetime, "2026-01-02T03:04:05+08:00", ("t",), text=True) == []
    assert type_errors(dt.datetime, "0", ("t",), text=True) == [(("t",), "date_parsing")]


@pytest.mark.parametrize("body", ["null", "[]", '"x"', "1", "true"])
def test_a_body_that_is_not_an_object_is_refused_even_when_every_field_is_optional(
    client_owner, body
):
    """采购申请 from the alerts takes a body whose fields are all optional: anything but an
    object was once taken as "all defaults" and made requisitions."""
    from jxc.purchasing.models import PurchaseRequisition

    response = client_owner.post(
        "/api/v1/purchase-requisitions/from-alerts", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert not PurchaseRequisition.objects.exists()
