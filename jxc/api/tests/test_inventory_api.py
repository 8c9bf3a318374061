"""Warehouses, bins and stock limits through the API, within the user's warehouse scope."""

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory import services as inventory


@pytest.fixture
def warehouses(owner):
    main = inventory.create_warehouse(user=owner, code="W01", name="总仓")
    store = inventory.create_warehouse(user=owner, code="W02", name="南京路门店", kind="store")
    inventory.create_bin(user=owner, warehouse=main, code="A-01")
    inventory.create_bin(user=owner, warehouse=store, code="S-01")
    return main, store


@pytest.fixture
def store_keeper(user_factory, owner, warehouses):
    keeper = user_factory(roles=["keeper"])
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[warehouses[1]])
    return keeper


@pytest.mark.django_db
def test_create_and_edit_a_warehouse(client_owner, owner):
    payload = {"code": "W09", "name": "北仓", "phone": "021-12345678", "keeper_id": owner.pk}
    status, body = call(client_owner, "post", "/warehouses", payload)
    assert status == 201 and body["keeper_id"] == owner.pk and body["kind"] == "warehouse"
    status, body = call(
        client_owner, "patch", f"/warehouses/{body['id']}", {"allow_negative": True}
    )
    assert status == 200 and body["allow_negative"] is True
    status, body = call(client_owner, "post", "/warehouses", {**payload, "name": "重复"})
    assert (status, body["code"]) == (409, "duplicate_code")
    status, body = call(
        client_owner, "post", "/warehouses", {"code": "W10", "name": "x", "phone": "abc"}
    )
    assert status == 422 and "phone" in body["params"]["errors"]


@pytest.mark.django_db
def test_scoped_user_sees_only_their_warehouses(client_for, store_keeper, warehouses):
    main, store = warehouses
    client = client_for(store_keeper)
    _s, page = call(client, "get", "/warehouses")
    assert [w["code"] for w in page["items"]] == ["W02"]
    assert call(client, "get", f"/warehouses/{main.pk}")[0] == 404
    assert call(client, "patch", f"/warehouses/{main.pk}", {"name": "x"})[0] == 404
    assert call(client, "post", f"/warehouses/{main.pk}/deactivate")[0] == 404
    _s, page = call(client, "get", "/bins")
    assert [b["code"] for b in page["items"]] == ["S-01"]
    status, body = call(client, "get", "/bins", {"warehouse": main.pk})
    assert status == 422 and "warehouse" in body["params"]["errors"]
    status, body = call(client, "post", "/bins", {"warehouse_id": main.pk, "code": "X"})
    assert status == 422 and "warehouse_id" in body["params"]["errors"]
    status, body = call(client, "post", "/bins", {"warehouse_id": store.pk, "code": "S-02"})
    assert status == 201 and body["warehouse_id"] == store.pk
    assert call(client, "get", "/me")[1]["warehouse_ids"] == [store.pk]


@pytest.mark.django_db
def test_owner_sees_every_warehouse(client_owner, warehouses):
    _s, page = call(client_owner, "get", "/warehouses", {"ordering": "-code"})
    assert [w["code"] for w in page["items"]] == ["W02", "W01"]
    _s, page = call(client_owner, "get", "/warehouses", {"kind": "store"})
    assert [w["code"] for w in page["items"]] == ["W02"]


@pytest.mark.django_db
def test_bin_code_unique_per_warehouse(client_owner, warehouses):
    main, store = warehouses
    status, body = call(client_owner, "post", "/bins", {"warehouse_id": main.pk, "code": "A-01"})
    assert (status, body["code"]) == (409, "duplicate_code")
    assert call(client_owner, "post", "/bins", {"warehouse_id": store.pk, "code": "A-01"})[0] == 201


@pytest.mark.django_db
def test_stock_limits(client_owner, coke, warehouses, client_for, store_keeper):
    main, _store = warehouses
    sku = coke.skus.get()
    path = f"/skus/{sku.pk}/stock-limits/{main.pk}"
    status, body = call(client_owner, "put", path, {"min_qty": "10", "max_qty": "100"})
    assert status == 200 and body == [{"warehouse_id": main.pk, "min_qty": "10", "max_qty": "100"}]
    status, body = call(client_owner, "put", path, {"min_qty": "10", "max_qty": "5"})
    assert status == 422 and "min_qty" in body["params"]["errors"]
    status, body = call(client_owner, "put", path, {"min_qty": None, "max_qty": None})
    assert (status, body) == (200, [])
    # a keeper without product.edit
    status, body = call(client_for(store_keeper), "put", path, {"min_qty": "1"})
    assert (status, body["code"]) == (403, "permission_denied")


@pytest.mark.django_db
def test_absurd_stock_limits_are_field_errors_and_leave_the_sku_readable(client_owner, coke):
    """Before: max 123456789012345678901 was stored on SQLite; from then on the SKU's stock
    limits and its product page answered 500."""
    from jxc.inventory import services as inventory

    sku = coke.skus.get()
    wh = inventory.create_warehouse(user=None, code="W1", name="总仓")
    for value in ("123456789012345678901", "1e400"):
        status, body = call(
            client_owner,
            "put",
            f"/skus/{sku.pk}/stock-limits/{wh.pk}",
            {"min_qty": "1", "max_qty": value},
        )
        assert (status, list(body["params"]["errors"])) == (422, ["max_qty"])
    assert call(client_owner, "get", f"/skus/{sku.pk}/stock-limits") == (200, [])
