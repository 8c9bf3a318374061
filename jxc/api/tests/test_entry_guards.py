"""Guards that used to arrive too late or not at all (issue 12 [Desk]): every document type
refuses, on save, a date too far ahead or in a closed month as an error on ``date``; prices,
costs and factors have at most the company's decimals; 10¹⁵ is "数值过大"; a 资金账户 opens
between 0 and the money bound; a database constraint's name never reaches a user."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import override

from jxc.api.tests.conftest import call
from jxc.catalog.rules import UnitSpec
from jxc.core.constraints import constraint_errors
from jxc.core.errors import ValidationFailed
from jxc.core.models import Company
from jxc.core.periods import close_period
from jxc.core.services import update_company
from jxc.finance.models import Account
from jxc.inventory.documents import services as docs
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)

pytestmark = pytest.mark.django_db
TOO_LARGE = "数值过大"


def today():
    return timezone.localdate()


def _line(w, **extra):
    return [{"sku_id": w.sku_a.pk, "qty": "1", **extra}]


# path, body for a date; the kit of 组装单 is set up by the test
BODIES = {
    "other-receipts": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "reason": "other",
        "lines": _line(w, unit_cost="2"),
    },
    "other-issues": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "reason": "sample",
        "lines": _line(w),
    },
    "cost-adjustments": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "lines": _line(w, unit_cost="3"),
    },
    "opening-stock": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "lines": _line(w, unit_cost="2"),
    },
    "transfers": lambda w, d: {
        "from_warehouse_id": w.zc.pk,
        "to_warehouse_id": w.md.pk,
        "date": d,
        "lines": _line(w),
    },
    "assemblies": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "kit_sku_id": w.sku_k.pk,
        "qty": "1",
    },
    "stock-counts": lambda w, d: {"warehouse_id": w.zc.pk, "date": d},
    "loans-out": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "customer_id": w.customer.pk,
        "lines": _line(w),
    },
    "loans-in": lambda w, d: {
        "warehouse_id": w.zc.pk,
        "date": d,
        "supplier_id": w.supplier.pk,
        "lines": _line(w),
    },
}


@pytest.fixture
def world(loan_world):  # noqa: F811
    w = loan_world
    docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_a.pk, D(2))])
    return w


def _date_error(status, body):
    assert status == 422, body
    assert list(body["params"]["errors"]) == ["date"], body
    return body["params"]["errors"]["date"][0]


@pytest.mark.parametrize("path", list(BODIES))
def test_every_document_type_refuses_a_far_date_on_create_and_update(client_for, world, path):
    w = world
    client = client_for(w.owner)
    far = str(today() + dt.timedelta(days=8))
    message = _date_error(*call(client, "post", f"/{path}", BODIES[path](w, "2099-01-01")))
    assert "7" in message
    _date_error(*call(client, "post", f"/{path}", BODIES[path](w, far)))
    status, doc = call(client, "post", f"/{path}", BODIES[path](w, str(today())))
    assert status == 201, doc
    _date_error(*call(client, "patch", f"/{path}/{doc['id']}", {"date": "2099-01-01"}))


@pytest.mark.parametrize("path", list(BODIES))
def test_every_document_type_refuses_a_closed_month_on_save(client_for, world, path):
    w = world
    client = client_for(w.owner)
    status, doc = call(client, "post", f"/{path}", BODIES[path](w, str(today())))
    assert status == 201, doc
    last = today().replace(day=1) - dt.timedelta(days=1)
    close_period(year=last.year, month=last.month, user=w.owner)
    message = _date_error(*call(client, "post", f"/{path}", BODIES[path](w, str(last))))
    assert "已结账" in message or "closed" in message
    _date_error(*call(client, "patch", f"/{path}/{doc['id']}", {"date": str(last)}))


def test_a_price_with_more_places_than_the_company_keeps_is_refused(client_for, world):
    w = world
    client = client_for(w.owner)
    body = BODIES["other-receipts"](w, str(today()))
    body["lines"] = _line(w, unit_cost="1.1234567")
    status, answer = call(client, "post", "/other-receipts", body)
    assert status == 422
    assert answer["params"]["errors"] == {"lines.0.price": ["最多 2 位小数。"]}
    update_company(user=w.owner, price_decimals=4)
    body["lines"] = _line(w, unit_cost="1.1235")
    assert call(client, "post", "/other-receipts", body)[0] == 201


def test_a_sku_unit_price_and_factor_have_at_most_the_company_decimals(client_for, world):
    w = world
    client = client_for(w.owner)
    path = f"/skus/{w.sku_a.pk}/units"
    units = [
        {"unit_id": w.pcs.pk, "factor": "1", "purchase_price": "2.345"},
        {"unit_id": w.box.pk, "factor": "12.005"},
    ]
    status, body = call(client, "put", path, {"units": units})
    assert status == 422, body
    assert body["params"]["errors"]["units.0.purchase_price"] == ["最多 2 位小数。"]
    assert body["params"]["errors"]["units.1.factor"] == ["最多 2 位小数。"]


@pytest.mark.parametrize("figure", ["1000000000000000", "1e15"])
def test_ten_to_the_fifteen_is_too_large_not_too_many_places(client_for, world, figure):
    w = world
    client = client_for(w.owner)
    body = BODIES["other-receipts"](w, str(today()))
    for line in (_line(w, unit_cost=figure), [{"sku_id": w.sku_a.pk, "qty": figure}]):
        body["lines"] = line
        status, answer = call(client, "post", "/other-receipts", body)
        assert (status, answer["code"]) == (422, "value_too_large"), answer
        (messages,) = answer["params"]["errors"].values()
        assert messages[0].startswith(TOO_LARGE), messages
    account = {"code": "BIG", "name": "大额", "opening_balance": figure}
    status, answer = call(client, "post", "/accounts", account)
    assert (status, answer["code"]) == (422, "value_too_large"), answer
    assert answer["params"]["errors"]["opening_balance"][0].startswith(TOO_LARGE)


def test_an_account_opening_balance_below_zero_is_refused(client_for, world):
    client = client_for(world.owner)
    status, answer = call(
        client, "post", "/accounts", {"code": "XJ", "name": "现金", "opening_balance": "-100"}
    )
    assert status == 422
    assert list(answer["params"]["errors"]) == ["opening_balance"]
    assert not Account.objects.exists()
    assert call(client, "post", "/accounts", {"code": "XJ", "name": "现金"})[0] == 201


def test_the_web_account_form_refuses_minus_100_and_ten_to_the_fifteen(client_for, world):
    client = client_for(world.owner)
    for figure in ("-100", "1000000000000000"):
        response = client.post(
            "/finance/accounts/new/",
            {
                "code": "XJ",
                "name": "现金",
                "kind": "cash",
                "opening_balance": figure,
                "opening_date": str(today()),
            },
        )
        assert response.status_code == 200
        assert "opening_balance" in response.context["form"].errors
    assert not Account.objects.exists()


def test_company_settings_out_of_range_name_the_field_not_the_constraint(client_for, world):
    client = client_for(world.owner)
    form = {
        "name": "好运来",
        "qty_decimals": "99",
        "price_decimals": "2",
        "costing_method": "moving_average",
        "cost_scope": "company",
        "days_ahead": "7",
        "purchase_prices_include_tax": "on",
        "default_tax_rate": "13",
        "over_receipt_tolerance": "0",
    }
    response = client.post("/settings/company/", form)
    text = response.content.decode()
    assert "company_qty_decimals_lte_6" not in text and "约束" not in text
    assert response.context["form"].errors["qty_decimals"] == ["不能大于 6。"]
    assert Company.objects.get().qty_decimals == 2
    with pytest.raises(ValidationFailed) as caught:
        update_company(user=world.owner, price_decimals=7)
    assert caught.value.errors == {"price_decimals": ["不能大于 6。"]}


def test_a_check_the_database_makes_is_a_field_error(world):
    """The last line of defence (a row written past the services) still names no constraint."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Company.objects.update(qty_decimals=99)
    with override("zh-hans"):
        errors = constraint_errors(caught.value)
    assert errors == {"qty_decimals": ["不能大于 6。"]}, (connection.vendor, errors)
    assert constraint_errors(Exception("something else")) is None


def test_the_unit_spec_rule_takes_the_company_places():
    from jxc.catalog.rules import unit_errors

    specs = [UnitSpec(unit_id=1), UnitSpec(unit_id=2, factor=D("0.125"))]
    assert unit_errors(specs, base_unit_id=1) == {}
    assert unit_errors(specs, base_unit_id=1, factor_places=2) == {
        "units.1.factor": ["最多 2 位小数。"]
    }


def test_a_stock_error_speaks_in_the_sku_unit_without_padding(client_for, world):
    w = world
    client = client_for(w.owner)
    status, doc = call(client, "post", "/opening-stock", BODIES["opening-stock"](w, str(today())))
    body = BODIES["opening-stock"](w, str(today()))
    body["lines"] = _line(w, qty="104", unit_cost="2")
    _s, more = call(client, "post", "/opening-stock", body)
    for d in (doc, more):
        for action in ("submit", "approve", "post"):
            assert call(client, "post", f"/opening-stock/{d['id']}/{action}")[0] == 200
    issue = BODIES["other-issues"](w, str(today()))
    issue["lines"] = [{"sku_id": w.sku_a.pk, "qty": "99999"}]
    _s, out = call(client, "post", "/other-issues", issue)
    for action in ("submit", "approve"):
        call(client, "post", f"/other-issues/{out['id']}/{action}")
    status, answer = call(client, "post", f"/other-issues/{out['id']}/post")
    assert (status, answer["code"]) == (409, "insufficient_stock"), answer
    assert "现有 105 个，需要 99,999 个" in answer["message"], answer["message"]
    assert "105.000000" not in answer["message"]
