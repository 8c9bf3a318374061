"""Requests that used to answer 500 answer a documented 4xx with the usual error body
(issue 11 §3): a body over the upload limit, a page number near 2^63, NUL characters in any
string (body, filters), ids beyond 64 bits, multipart without a boundary, bin id 0."""

import json

import pytest
from django.conf import settings

from jxc.api.tests.conftest import API, call
from jxc.catalog.models import Brand
from jxc.inventory.documents.tests import conftest as doc_fixtures

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world
BIG = 2**63


def test_a_body_over_the_limit_is_413(client_owner):
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client_owner.post(f"{API}/brands", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


@pytest.mark.parametrize("page", [BIG - 1, BIG, 2**62, 10**30])
def test_a_page_near_2_63_is_422_not_500(client_owner, page):
    status, body = call(client_owner, "get", "/brands", {"page": page})
    assert (status, body["code"]) == (422, "validation_failed")
    assert "page" in body["params"]["errors"]


def test_the_last_reachable_page_answers_an_empty_list(client_owner):
    status, body = call(client_owner, "get", "/brands", {"page": 1_000_000, "page_size": 200})
    assert status == 200 and body["items"] == []


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/brands", {"name": "晨\x00光"}, "name"),
        ("/customers", {"code": "C1", "name": "张三", "memo": "a\x00b"}, "memo"),
        ("/customers", {"code": "C\x00", "name": "张三"}, "code"),
    ],
)
def test_nul_in_a_body_string_is_422(client_owner, path, payload, field):
    status, body = call(client_owner, "post", path, payload)
    assert (status, body["code"]) == (422, "validation_failed"), body
    assert field in body["params"]["errors"]
    assert not Brand.objects.exists()


def test_nul_in_a_filter_is_422(client_owner):
    status, body = call(client_owner, "get", "/brands", {"search": "晨\x00"})
    assert (status, body["code"]) == (422, "validation_failed")
    assert "search" in body["params"]["errors"]


def test_nul_in_a_scanned_code_is_422(client_for, stock_world):
    client = client_for(stock_world.owner)
    _status, count = call(
        client, "post", "/stock-counts", {"warehouse_id": stock_world.zc.pk, "date": "2026-11-20"}
    )
    assert _status == 201
    status, body = call(
        client, "post", f"/stock-counts/{count['id']}/scan", {"code": "6900000000011\x00"}
    )
    assert (status, body["code"]) == (422, "validation_failed")


@pytest.mark.parametrize("pk", [BIG, BIG + 1, 10**30])
def test_an_id_beyond_64_bits_is_4xx(client_owner, pk):
    status, body = call(client_owner, "get", f"/brands/{pk}")
    assert status in (404, 422) and body["code"] in ("not_found", "validation_failed")
    status, body = call(client_owner, "patch", f"/brands/{pk}", {"name": "x"})
    assert status in (404, 422), body


def test_an_id_beyond_64_bits_in_a_body_is_422(client_owner):
    status, body = call(
        client_owner, "post", "/products", {"code": "P", "name": "x", "base_unit_id": BIG}
    )
    assert (status, body["code"]) == (422, "validation_failed"), body


def test_multipart_without_a_boundary_is_400(client_for, stock_world):
    client = client_for(stock_world.owner)
    _status, count = call(
        client, "post", "/stock-counts", {"warehouse_id": stock_world.zc.pk, "date": "2026-11-20"}
    )
    response = client.generic(
        "POST",
        f"{API}/stock-counts/{count['id']}/import",
        b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--\r\n",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_a_scan_into_bin_0_is_422(client_for, stock_world):
    client = client_for(stock_world.owner)
    _status, count = call(
        client, "post", "/stock-counts", {"warehouse_id": stock_world.zc.pk, "date": "2026-11-20"}
    )
    status, body = call(
        client, "post", f"/stock-counts/{count['id']}/scan", {"code": "6900000000011", "bin_id": 0}
    )
    assert (status, body["code"]) == (422, "validation_failed"), body
    assert "bin" in body["params"]["errors"] or "bin_id" in body["params"]["errors"]
