"""API test helpers: JSON calls through Django's test client, a small catalog, token clients.

call(client, "post", "/api/v1/units", {"name": "个"}, key="k1")  -> (status, json)
bearer(plain)   -> Client that sends ``Authorization: Bearer <plain>`` and no session
"""

import json

import pytest
from django.test import Client

from jxc.catalog import services as catalog

API = "/api/v1"


def call(client, method, path, data=None, *, key=None, lang=None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    if lang is not None:
        headers["Accept-Language"] = lang
    kwargs = {"headers": headers}
    if data is not None:
        if method == "get":
            kwargs["data"] = data
        else:
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
    response = getattr(client, method)(API + path, **kwargs)
    body = json.loads(response.content) if response.content else None
    return response.status_code, body


def bearer(plain: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {plain}"})


@pytest.fixture
def units(owner):
    return {
        "ge": catalog.create_unit(user=owner, name="个"),
        "xiang": catalog.create_unit(user=owner, name="箱"),
        "jian": catalog.create_unit(user=owner, name="件"),
    }


@pytest.fixture
def coke(owner, units):
    """可口可乐: 个 (base, barcode) + 箱 of 24, with a reference purchase price."""
    from decimal import Decimal

    from jxc.catalog.rules import UnitSpec

    return catalog.create_product(
        user=owner,
        code="YL001",
        name="可口可乐 330ml",
        base_unit=units["ge"],
        units=[
            UnitSpec(
                unit_id=units["ge"].pk,
                barcode="6901234567892",
                prices={"purchase_price": Decimal("1.8"), "retail_price": Decimal("3")},
            ),
            UnitSpec(
                unit_id=units["xiang"].pk,
                factor=Decimal(24),
                prices={"purchase_price": Decimal("43.2"), "retail_price": Decimal("66")},
            ),
        ],
    )


@pytest.fixture
def client_sales(client_for, sales_user):
    return client_for(sales_user)
