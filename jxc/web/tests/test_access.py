"""Who may see what: permissions per resource and action (403), warehouse data scope in the
queryset (other warehouses neither listed nor reachable), cost figures masked (*** in HTML,
left out of exports) for users without cost.view."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.models import AuditLog
from jxc.inventory import services as inventory
from jxc.partners.models import Supplier

pytestmark = pytest.mark.django_db


def test_role_without_view_gets_403(client_for, sales_user, records):
    client = client_for(sales_user)
    for url in (
        reverse("web:supplier_list"),
        reverse("web:supplier_detail", args=[records["supplier"].pk]),
        reverse("web:supplier_export"),
        reverse("web:account_list"),
        reverse("web:user_list"),
        reverse("web:company_settings"),
        reverse("web:auditlog_list"),
    ):
        assert client.get(url).status_code == 403, url


def test_403_page_is_chinese_inside_the_shell(client_for, sales_user):
    response = client_for(sales_user).get(reverse("web:supplier_list"))
    body = response.content.decode()
    assert "您没有权限打开此页面" in body and "退出登录" in body


def test_view_only_role_cannot_create_edit_or_deactivate(client_for, user_factory, records):
    keeper = user_factory(roles=["keeper"])  # unit.view only, no unit.create/edit
    client = client_for(keeper)
    unit = records["unit"]
    assert client.get(reverse("web:unit_list")).status_code == 200
    assert "+ 新增" not in client.get(reverse("web:unit_list")).content.decode()
    assert client.get(reverse("web:unit_create")).status_code == 403
    assert client.post(reverse("web:unit_create"), {"name": "盒"}).status_code == 403
    assert client.post(reverse("web:unit_edit", args=[unit.pk]), {"name": "X"}).status_code == 403
    assert (
        client.post(reverse("web:unit_active", args=[unit.pk]), {"active": "0"}).status_code == 403
    )
    unit.refresh_from_db()
    assert unit.name == "个" and unit.is_active


def test_export_needs_export_permission(client_for, user_factory, records):
    keeper = user_factory(roles=["keeper"])  # warehouse.* but unit.view only
    client = client_for(keeper)
    assert client.get(reverse("web:unit_export")).status_code == 403
    assert client.get(reverse("web:warehouse_export")).status_code == 200
    assert 'data-testid="btn-export"' not in client.get(reverse("web:unit_list")).content.decode()


def test_sales_may_create_customers_but_not_suppliers(client_for, sales_user):
    client = client_for(sales_user)
    assert client.get(reverse("web:customer_create")).status_code == 200
    response = client.post(reverse("web:supplier_create"), {"code": "S9", "name": "X"})
    assert response.status_code == 403
    assert not Supplier.objects.exists()


def test_inline_add_needs_its_own_permission(client_for, user_factory, records):
    finance = user_factory(roles=["finance"])  # warehouse.view, no bin.create
    client = client_for(finance)
    wh = records["warehouse"]
    body = client.get(reverse("web:warehouse_detail", args=[wh.pk])).content.decode()
    assert 'data-testid="inline-bins-form"' not in body
    url = reverse("web:warehouse_bins_add", args=[wh.pk])
    assert client.post(url, {"code": "Z-9"}).status_code == 403


def test_warehouse_scope_hides_other_warehouses(client_for, user_factory, owner, records):
    keeper = user_factory(roles=["keeper"])
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[records["store"]])
    client = client_for(keeper)
    body = client.get(reverse("web:warehouse_list")).content.decode()
    assert "门店" in body and "总仓" not in body
    assert "共 1 条" in body
    main = records["warehouse"]
    assert client.get(reverse("web:warehouse_detail", args=[main.pk])).status_code == 404
    assert client.get(reverse("web:warehouse_edit", args=[main.pk])).status_code == 404
    bins = reverse("web:warehouse_bins_add", args=[main.pk])
    assert client.post(bins, {"code": "X-1", "name": ""}).status_code == 404
    export = client.get(reverse("web:warehouse_export"))
    names = [
        r[1]
        for r in load_workbook(BytesIO(export.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == ["门店"]
    home = client.get(reverse("web:home")).content.decode()
    assert 'data-testid="stat-warehouses"' in home


@pytest.fixture
def priced_sku(owner):
    pcs = catalog.create_unit(user=owner, name="个")
    prices = {"purchase_price": Decimal("1.65"), "retail_price": Decimal("3.50")}
    catalog.create_product(
        user=owner,
        code="COLA",
        name="可口可乐 330ml",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices=prices)],
    )


@pytest.mark.urls("jxc.web.tests.cost_urls")
def test_cost_columns_masked_for_sales(client_for, owner, sales_user, priced_sku):
    url = reverse("web:test_skuunit_list")
    sales_body = client_for(sales_user).get(url).content.decode()
    owner_body = client_for(owner).get(url).content.decode()
    assert "***" in sales_body and "1.65" not in sales_body
    assert "3.50" in sales_body  # a retail price is not a cost
    assert "1.65" in owner_body and "***" not in owner_body


@pytest.mark.urls("jxc.web.tests.cost_urls")
def test_cost_columns_left_out_of_exports_for_sales(client_for, owner, sales_user, priced_sku):
    url = reverse("web:test_skuunit_export")
    sales_rows = list(
        load_workbook(BytesIO(client_for(sales_user).get(url).content)).active.iter_rows(
            values_only=True
        )
    )
    owner_rows = list(
        load_workbook(BytesIO(client_for(owner).get(url).content)).active.iter_rows(
            values_only=True
        )
    )
    assert "参考进价" not in sales_rows[0] and "零售价" in sales_rows[0]
    assert "参考进价" in owner_rows[0]
    owner_row = dict(zip(owner_rows[0], owner_rows[1], strict=True))
    assert owner_row["参考进价"] == pytest.approx(1.65)


@pytest.mark.urls("jxc.web.tests.cost_urls")
def test_cost_changes_masked_in_the_audit_trail(client_for, owner, sales_user, priced_sku):
    from jxc.catalog.models import Sku, SkuUnit

    sku = Sku.objects.get(code="COLA")
    unit = sku.units.get()
    catalog.update_sku_units(
        sku,
        user=owner,
        units=[UnitSpec(unit_id=unit.unit_id, prices={"purchase_price": Decimal("1.80")})],
    )
    entry = AuditLog.objects.filter(object_type="catalog.sku").latest("id")
    assert "1.8" in str(entry.changes["units"])  # the log itself keeps everything
    from jxc.web.generic.audit import audit_entry_rows

    shown_to_sales = str(audit_entry_rows([entry], sales_user))
    shown_to_owner = str(audit_entry_rows([entry], owner))
    assert "1.8" not in shown_to_sales and "1.65" not in shown_to_sales
    assert "1.8" in shown_to_owner
    assert SkuUnit.objects.filter(sku=sku).exists()
    # and on the audit log screen
    client = client_for(owner)
    body = client.get(reverse("web:auditlog_detail", args=[entry.pk])).content.decode()
    assert "1.8" in body


def test_cost_fields_are_not_offered_in_forms_for_sales(sales_user):
    from django import forms as dj_forms

    from jxc.core.visibility import COST, mark
    from jxc.web.generic import drop_cost_fields

    class F(dj_forms.Form):
        purchase_price = mark(dj_forms.DecimalField(), COST)
        retail_price = dj_forms.DecimalField()

    form = F()
    drop_cost_fields(form, sales_user)
    assert list(form.fields) == ["retail_price"]


@pytest.fixture
def scoped_keeper(user_factory, owner, records):
    from jxc.inventory import services as inventory

    keeper = user_factory(roles=["keeper"], first_name="钱仓管")
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[records["warehouse"]])
    return keeper


def test_a_scoped_keeper_sees_the_warehouse_they_create(client_for, scoped_keeper, records):
    """Before: saving 新增仓库 led a keeper limited to 总仓 to “页面不存在” (404)."""
    client = client_for(scoped_keeper)
    response = client.post(
        reverse("web:warehouse_create"), {"code": "QA01", "name": "QA 仓", "kind": "warehouse"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "QA 仓" in page.content.decode()
    listing = client.get(reverse("web:warehouse_list")).content.decode()
    assert "QA 仓" in listing and "ST01" not in listing
    scoped_keeper.refresh_from_db()
    assert sorted(scoped_keeper.scoped_warehouses.values_list("code", flat=True)) == [
        "QA01",
        "WH01",
    ]
