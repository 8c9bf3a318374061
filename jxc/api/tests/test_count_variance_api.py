"""过账 of a 盘点单 through the API: variances beyond the company's limits need
``{"confirm": true}`` (409 large_variance_unconfirmed without it); the limits are settings."""

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.documents.tests.conftest import stock_world  # noqa: F401
from jxc.inventory.documents.tests.test_count_variance_limits import _counted

pytestmark = pytest.mark.django_db


def test_the_api_asks_for_confirm_on_post(client_for, stock_world):  # noqa: F811
    w = stock_world
    count = _counted(w, "4040")
    client = client_for(w.owner)
    status, body = call(client, "post", f"/stock-counts/{count.pk}/post")
    assert (status, body["code"]) == (409, "large_variance_unconfirmed"), body
    status, body = call(client, "post", f"/stock-counts/{count.pk}/post", {"confirm": True})
    assert (status, body["status"]) == (200, "posted"), body
    status, company = call(client, "get", "/company")
    assert (company["count_variance_value"], company["count_variance_percent"]) == ("1000", 100)
