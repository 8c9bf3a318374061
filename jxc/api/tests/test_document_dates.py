"""Document dates (issue 11 §3): a document dated 9999-12-31 posted. The API and the web
forms refuse a date more than the company's ``days_ahead`` after today (default 7) and a date
in a closed month, on create and on update, as a field error on ``date``."""

import datetime as dt

import pytest
from django.utils import timezone

from jxc.api.tests.conftest import call
from jxc.core import services as core
from jxc.core.periods import close_period
from jxc.inventory.documents.models import StockDocument
from jxc.inventory.documents.tests import conftest as doc_fixtures

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world


def _receipt(w, day):
    return {
        "warehouse_id": w.zc.pk,
        "date": str(day),
        "reason": "other",
        "lines": [{"sku_id": w.sku_a.pk, "qty": "1", "unit_cost": "2"}],
    }


def today():
    return timezone.localdate()


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), "in 8 days"])
def test_a_date_beyond_the_future_limit_is_422_on_date(client_for, stock_world, day):
    w = stock_world
    day = today() + dt.timedelta(days=8) if day == "in 8 days" else day
    status, body = call(client_for(w.owner), "post", "/other-receipts", _receipt(w, day))
    assert (status, body["code"]) == (422, "validation_failed"), body
    assert list(body["params"]["errors"]) == ["date"]
    assert not StockDocument.objects.exists()


def test_up_to_the_limit_is_fine_and_the_limit_is_a_company_setting(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    assert call(client, "post", "/other-receipts", _receipt(w, today() + dt.timedelta(7)))[0] == 201
    far = today() + dt.timedelta(days=30)
    assert call(client, "post", "/other-receipts", _receipt(w, far))[0] == 422
    status, company = call(client, "patch", "/company", {"days_ahead": 30})
    assert status == 200 and company["days_ahead"] == 30
    assert call(client, "post", "/other-receipts", _receipt(w, far))[0] == 201
    assert call(client, "patch", "/company", {"days_ahead": 10_000})[0] == 422


def test_updating_a_draft_to_a_far_date_is_refused(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    status, doc = call(client, "post", "/other-receipts", _receipt(w, today()))
    assert status == 201
    status, body = call(client, "patch", f"/other-receipts/{doc['id']}", {"date": "9999-12-31"})
    assert (status, list(body["params"]["errors"])) == (422, ["date"])
    assert StockDocument.objects.get().date == today()


def test_a_date_in_a_closed_month_is_refused_on_create_and_update(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    status, doc = call(client, "post", "/other-receipts", _receipt(w, today()))
    first = today().replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    close_period(year=last_month_end.year, month=last_month_end.month, user=w.owner)
    status, body = call(client, "post", "/other-receipts", _receipt(w, last_month_end))
    assert (status, list(body["params"]["errors"])) == (422, ["date"]), body
    status, body = call(
        client, "patch", f"/other-receipts/{doc['id']}", {"date": str(last_month_end)}
    )
    assert (status, list(body["params"]["errors"])) == (422, ["date"]), body


def test_days_ahead_is_in_the_company_settings(owner):
    assert core.update_company(user=owner, days_ahead=3).days_ahead == 3
