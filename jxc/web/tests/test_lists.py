"""Lists: search, filters, sorting, pages with a total, the HTMX partial, Excel export."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.catalog import services as catalog
from jxc.partners import services as partners

pytestmark = pytest.mark.django_db


def _codes(body: str, prefix: str) -> list[str]:

    return re.findall(rf">({prefix}\d+)</a>", body)


@pytest.fixture
def suppliers(owner):
    made = [
        partners.create_supplier(user=owner, code=f"S{i:03d}", name=f"供应商{i}")
        for i in range(1, 26)
    ]
    partners.create_supplier(user=owner, code="K001", name="可口可乐装瓶厂")
    return made


def test_search_by_name_code_and_pinyin(client_owner, suppliers):
    url = reverse("web:supplier_list")
    body = client_owner.get(url, {"q": "可口"}).content.decode()
    assert "K001" in body and "S001" not in body
    body = client_owner.get(url, {"q": "kkkl"}).content.decode()  # 助记码
    assert "K001" in body and "S002" not in body


def test_sort_both_ways(client_owner, suppliers):
    url = reverse("web:supplier_list")
    asc = _codes(client_owner.get(url, {"ordering": "code"}).content.decode(), "[KS]")
    desc = _codes(client_owner.get(url, {"ordering": "-code"}).content.decode(), "[KS]")
    assert asc[0] == "K001" and desc[0] == "S025"
    body = client_owner.get(url, {"ordering": "-code"}).content.decode()
    assert 'class="sort desc"' in body


def test_unknown_sort_is_ignored(client_owner, suppliers):
    response = client_owner.get(reverse("web:supplier_list"), {"ordering": "password"})
    assert response.status_code == 200


def test_pages_with_total(client_owner, suppliers):
    url = reverse("web:supplier_list")
    first = client_owner.get(url).content.decode()
    assert "共 26 条" in first
    assert len(_codes(first, "[KS]")) == 20
    second = client_owner.get(url, {"page": 2}).content.decode()
    assert len(_codes(second, "[KS]")) == 6
    fifty = client_owner.get(url, {"per_page": 50}).content.decode()
    assert len(_codes(fifty, "[KS]")) == 26


def test_filter_inactive(client_owner, suppliers, owner):
    partners.set_active(suppliers[0], active=False, user=owner)
    body = client_owner.get(reverse("web:supplier_list"), {"active": "false"}).content.decode()
    assert _codes(body, "[KS]") == ["S001"]
    assert "停用" in body


def test_htmx_request_gets_only_the_table(client_owner, suppliers):
    url = reverse("web:supplier_list")
    response = client_owner.get(url, {"q": "供应商1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="list-table"' in body
    # the toolbar's export link and sort input follow the new query
    assert 'id="export-link"' in body and "hx-swap-oob" in body
    assert "q=%E4%BE%9B%E5%BA%94%E5%95%861" in body
    full = client_owner.get(url).content.decode()
    assert "<html" in full


def test_export_is_a_real_xlsx_of_the_filtered_list(client_owner, owner):
    partners.create_customer(
        user=owner, code="C001", name="杭州客户", credit_limit=Decimal("12345.67")
    )
    partners.create_customer(user=owner, code="C002", name="宁波客户")
    response = client_owner.get(reverse("web:customer_export"), {"q": "杭州"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编码", "名称", "客户分层")
    assert len(rows) == 2  # header + the one match
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["编码"] == "C001" and row["客户分层"] == "普通客户"
    assert row["信用额度"] == pytest.approx(12345.67)
    assert isinstance(row["信用额度"], float | int)  # a number cell, not text
    assert row["启用"] == "启用"


def test_export_keeps_the_sort(client_owner, owner):
    for name in ("个", "箱", "包"):
        catalog.create_unit(user=owner, name=name)
    response = client_owner.get(reverse("web:unit_export"), {"ordering": "-name"})
    names = [
        r[0]
        for r in load_workbook(BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == sorted(names, reverse=True)


def test_category_tree_is_indented(client_owner, records):
    body = client_owner.get(reverse("web:category_list")).content.decode()
    assert body.index("食品") < body.index("饮料")
    assert 'padding-left:1.5em">└ 饮料' in body
    assert 'padding-left:0em">食品' in body


def test_english_list_headings_are_capitalised(client_owner, records):
    """Before: the English customer list was titled ``customers`` with headers ``code name``."""
    client_owner.cookies["django_language"] = "en"
    body = client_owner.get(reverse("web:customer_list")).content.decode()
    assert "<h1>Customers</h1>" in body
    assert ">Credit limit</a>" in body and ">credit limit</a>" not in body
    detail = client_owner.get(
        reverse("web:customer_detail", args=[records["customer"].pk])
    ).content.decode()
    assert "<dt>Credit limit</dt>" in detail


def test_an_htmx_list_refresh_after_the_session_ended_goes_to_the_sign_in_page(client, db):
    """Before: typing in a list's search box after the session ended drew the whole sign-in
    page inside the list."""
    response = client.get(reverse("web:supplier_list"), {"q": "宁波"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("web:login") + "?next=")
    plain = client.get(reverse("web:supplier_list"))
    assert plain.status_code == 302  # a normal page load still redirects as before
