"""Auth gaps (issue 11 §3): changing one's password is throttled like a login; a warehouse's
stock policy needs the company-settings right; every POST/PATCH checks its permission
before it reads the body."""

import re

import pytest
from django.conf import settings
from django.test import Client

from jxc.api.tests.conftest import call
from jxc.api.urls import api
from jxc.inventory import services as inventory
from jxc.inventory.models import Warehouse
from tests.support import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


def test_wrong_old_passwords_lock_me_password_like_a_login(owner, client_for):
    client = client_for(owner)
    wrong = {"old_password": "not-it", "new_password": "Another-pass-2026"}
    answers = [call(client, "post", "/me/password", wrong) for _ in range(LIMIT + 3)]
    statuses = [status for status, _body in answers]
    assert statuses[: LIMIT - 1] == [422] * (LIMIT - 1)
    assert set(statuses[LIMIT:]) == {429}, statuses
    assert answers[-1][1]["code"] == "too_many_attempts"
    # locked: even the right old password is refused now, and the password did not change
    right = {"old_password": TEST_PASSWORD, "new_password": "Another-pass-2026"}
    assert call(client, "post", "/me/password", right)[0] == 429
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)
    # the login of that user is locked out the same way
    response = Client().post("/login/", {"username": owner.username, "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_the_right_old_password_still_works_below_the_limit(owner, client_for):
    client = client_for(owner)
    wrong = {"old_password": "not-it", "new_password": "Another-pass-2026"}
    for _ in range(LIMIT - 2):
        assert call(client, "post", "/me/password", wrong)[0] == 422
    right = {"old_password": TEST_PASSWORD, "new_password": "Another-pass-2026"}
    assert call(client, "post", "/me/password", right)[0] == 204


def test_web_password_form_is_throttled_too(owner, client_for):
    client = client_for(owner)
    data = {
        "old_password": "nope",
        "new_password1": "Xy-pass-2026!",
        "new_password2": "Xy-pass-2026!",
    }
    codes = [client.post("/account/password/", data).status_code for _ in range(LIMIT + 1)]
    assert codes[0] == 200 and codes[-1] == 429, codes


@pytest.fixture
def keeper(user_factory):
    return user_factory(roles=["keeper"])


def test_a_keeper_cannot_switch_off_the_negative_stock_guard(owner, keeper, client_for):
    wh = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    client = client_for(keeper)
    status, body = call(client, "patch", f"/warehouses/{wh.pk}", {"allow_negative": True})
    assert (status, body["code"]) == (403, "permission_denied")
    status, body = call(
        client, "post", "/warehouses", {"code": "X", "name": "新仓", "allow_negative": True}
    )
    assert (status, body["code"]) == (403, "permission_denied")
    # the keeper may still edit the rest, and send the policy unchanged
    status, body = call(
        client, "patch", f"/warehouses/{wh.pk}", {"name": "主仓", "allow_negative": False}
    )
    assert status == 200 and body["name"] == "主仓"
    wh.refresh_from_db()
    assert not wh.allow_negative
    # the owner (company.edit) may
    status, body = call(
        client_for(owner), "patch", f"/warehouses/{wh.pk}", {"allow_negative": True}
    )
    assert status == 200 and body["allow_negative"] is True


def test_the_web_warehouse_form_offers_the_policy_only_with_company_settings(
    owner, keeper, client_for
):
    wh = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    url = f"/inventory/warehouses/{wh.pk}/edit/"
    keeper_page = client_for(keeper).get(url)
    assert keeper_page.status_code == 200
    assert 'name="allow_negative"' not in keeper_page.content.decode()
    assert 'name="allow_negative"' in client_for(owner).get(url).content.decode()
    client_for(keeper).post(
        url, {"code": "ZC", "name": "总仓", "kind": "warehouse", "allow_negative": "on"}
    )
    assert not Warehouse.objects.get(pk=wh.pk).allow_negative


def _write_operations():
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                perms = getattr(operation.view_func, "jxc_perms", ())
                for method in operation.methods:
                    if method in ("POST", "PATCH", "PUT") and perms:
                        yield method, path, perms


def test_every_post_and_patch_checks_its_permission_before_the_body(user_factory, client_for):
    """A user without rights gets 403 permission_denied on every writing operation, whatever
    the body (empty, wrong types, or not JSON) — never a 422 about the body."""
    client = client_for(user_factory(roles=[]))
    operations = list(_write_operations())
    assert len(operations) >= 40
    for method, path, _perms in operations:
        url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
        for body in ("{}", '{"name": 12, "lines": "x"}', "not json"):
            response = client.generic(method, url, body, content_type="application/json")
            assert response.status_code == 403, (method, path, body, response.content[:200])
            assert response.json()["code"] == "permission_denied"
