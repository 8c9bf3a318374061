"""Idempotency-Key on every creating POST: same key + same body → the same resource (same
status and body); same key + another body → 422 idempotency_conflict."""

import pytest

from jxc.api.tests.conftest import bearer, call
from jxc.api.urls import api
from jxc.catalog.models import Product, Sku
from jxc.core.models import ApiToken
from jxc.partners.models import Customer


def _operations():
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


@pytest.mark.django_db
def test_same_key_twice_creates_one_resource(client_owner, units):
    payload = {
        "code": "FZ001",
        "name": "T恤 圆领",
        "base_unit_id": units["jian"].pk,
        "attribute1": "颜色",
        "values1": ["红", "蓝"],
        "attribute2": "尺码",
        "values2": ["S", "M", "L"],
    }
    first = call(client_owner, "post", "/products", payload, key="order-42")
    again = call(client_owner, "post", "/products", payload, key="order-42")
    assert first[0] == again[0] == 201
    assert first[1] == again[1]
    assert Product.objects.count() == 1 and Sku.objects.count() == 6


@pytest.mark.django_db
def test_key_order_and_whitespace_do_not_make_another_request(client_owner):
    client_owner.post(
        "/api/v1/customers",
        '{"code": "C1", "name": "张三"}',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    response = client_owner.post(
        "/api/v1/customers",
        '{"name":"张三","code":"C1"}',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 201 and Customer.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_422(client_owner):
    assert (
        call(client_owner, "post", "/customers", {"code": "C1", "name": "张三"}, key="k")[0] == 201
    )
    status, body = call(client_owner, "post", "/customers", {"code": "C2", "name": "李四"}, key="k")
    assert (status, body["code"]) == (422, "idempotency_conflict")
    assert list(Customer.objects.values_list("code", flat=True)) == ["C1"]


@pytest.mark.django_db
def test_without_a_key_each_post_is_a_new_request(client_owner):
    assert call(client_owner, "post", "/brands", {"name": "晨光"})[0] == 201
    assert call(client_owner, "post", "/brands", {"name": "晨光"})[0] == 409


@pytest.mark.django_db
def test_a_failed_create_is_not_remembered(client_owner):
    status, _body = call(
        client_owner, "post", "/customers", {"code": "C1", "name": "x", "phone": "1"}, key="k"
    )
    assert status == 422
    status, body = call(client_owner, "post", "/customers", {"code": "C1", "name": "x"}, key="k")
    assert status == 201, body


@pytest.mark.django_db
def test_keys_are_per_user(client_owner, owner, user_factory, client_for):
    other = client_for(user_factory(roles=["owner"]))
    assert call(client_owner, "post", "/brands", {"name": "得力"}, key="k")[0] == 201
    # another user's same key is a new request (and here a duplicate)
    assert call(other, "post", "/brands", {"name": "得力"}, key="k")[0] == 409


@pytest.mark.django_db
def test_a_token_secret_is_not_replayed(client_owner):
    status, first = call(client_owner, "post", "/api-tokens", {"name": "ERP"}, key="t1")
    assert status == 201 and first["token"]
    status, again = call(client_owner, "post", "/api-tokens", {"name": "ERP"}, key="t1")
    assert status == 201 and again["token"] is None
    assert {k: v for k, v in again.items() if k != "token"} == {
        k: v for k, v in first.items() if k != "token"
    }
    assert ApiToken.objects.count() == 1
    assert call(bearer(first["token"]), "get", "/me")[0] == 200


@pytest.mark.django_db
def test_overlong_key_is_422(client_owner):
    status, body = call(client_owner, "post", "/brands", {"name": "晨光"}, key="k" * 201)
    assert status == 422 and "Idempotency-Key" in body["params"]["errors"]


def test_every_creating_post_is_idempotent():
    """Every POST answering 201 goes through ``creates`` (Idempotency-Key honoured)."""
    found = []
    for path, operation in _operations():
        if "POST" in operation.methods and 201 in operation.response_models:
            found.append(path)
            assert getattr(operation.view_func, "jxc_creates", False), path
    assert len(found) >= 14


def test_every_operation_checks_a_permission():
    for path, operation in _operations():
        perms = getattr(operation.view_func, "jxc_perms", None)
        assert perms is not None, f"{path} {operation.methods} declares no permission"
        for perm in perms:
            resource, _dot, action = perm.partition(".")
            assert resource and action, perm


def _race(client_factory, path, payload, *, key, threads=10):
    """``threads`` clients POST the same body with the same key at the same moment."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    start = threading.Barrier(threads)

    def one(_i):
        client = client_factory()
        try:
            start.wait()
            return call(client, "post", path, payload, key=key)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, range(threads)))


@pytest.mark.parametrize(
    ("path", "payload", "model"),
    [
        ("/brands", {"name": "晨光"}, "catalog.Brand"),
        ("/customers", {"code": "C1", "name": "张三"}, "partners.Customer"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_ten_racing_creates_with_one_key_give_one_stored_resource(
    owner, client_for, path, payload, model
):
    """10 concurrent POSTs with one Idempotency-Key: each answer is the one stored resource
    (201, same id, which exists) or 409 idempotency_in_progress; never a rolled-back id or
    a duplicate_code."""
    from django.apps import apps

    answers = _race(lambda: client_for(owner), path, payload, key="race-1")
    created = [body for status, body in answers if status == 201]
    others = {(status, body["code"]) for status, body in answers if status != 201}
    assert created, answers
    assert others <= {(409, "idempotency_in_progress")}, answers
    ids = {body["id"] for body in created}
    Model = apps.get_model(model)
    assert Model.objects.count() == 1
    assert ids == {Model.objects.get().pk}
    # once the first answer is stored, every retry gets it
    assert call(client_for(owner), "post", path, payload, key="race-1") == (201, created[0])
