"""操作记录 (audit log) as a person reads it: field labels, names instead of codes, choice labels,
unit rows and stock limits as words, kept to the reader's warehouse scope, cost figures
masked without cost.view."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.models import AuditLog, Role
from jxc.inventory import services as inventory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def cola(owner, records):
    from decimal import Decimal

    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.inventory import services as inventory

    box = catalog.create_unit(user=owner, name="箱")
    product = catalog.create_product(
        user=owner,
        code="COLA",
        name="可乐",
        base_unit=records["unit"],
        units=[
            UnitSpec(unit_id=records["unit"].pk, prices={"purchase_price": Decimal("1.65")}),
            UnitSpec(unit_id=box.pk, factor=Decimal(24), prices={"retail_price": Decimal("62.4")}),
        ],
    )
    sku = product.skus.get()
    catalog.update_sku_units(
        sku,
        user=owner,
        units=[
            UnitSpec(unit_id=records["unit"].pk, prices={"purchase_price": Decimal("1.80")}),
            UnitSpec(unit_id=box.pk, factor=Decimal(24), prices={"retail_price": Decimal("60")}),
        ],
    )
    inventory.set_stock_limit(
        user=owner,
        sku=sku,
        warehouse=records["warehouse"],
        min_qty=Decimal(24),
        max_qty=Decimal(240),
    )
    return sku


def test_contact_change_on_a_supplier_is_labelled_in_chinese(client_owner, owner, records):
    """Before: the supplier's 操作记录 read ``contacts: — → 吴超``."""
    from jxc.partners import services as partners

    supplier = records["supplier"]
    partners.create_contact(user=owner, partner=supplier, name="吴超")
    body = _text(client_owner.get(reverse("web:supplier_detail", args=[supplier.pk])))
    assert "联系人: — → 吴超" in body
    assert "contacts:" not in body


def test_user_roles_and_warehouses_in_the_audit_are_names(client_owner, records):
    """Before: ``角色: ['keeper']`` and ``warehouses: — → ['ZC']`` on the user's page."""
    keeper = Role.objects.get(code="keeper")
    response = client_owner.post(
        reverse("web:user_create"),
        {
            "username": "keeper2",
            "password": "Strong-pass-2026",
            "first_name": "钱仓管",
            "phone": "",
            "roles": [keeper.pk],
            "warehouses": [records["warehouse"].pk],
        },
    )
    assert response.status_code == 302
    body = _text(client_owner.get(response["Location"]))
    assert "角色: 仓管" in body
    assert "仓库: 全部 → 总仓" in body
    assert "['" not in body and "warehouses:" not in body


def test_audit_log_list_shows_choice_labels_and_skips_empty_fields(client_owner, owner):
    """Before: the 操作日志 list read ``类型: alipay`` and ``开户银行:`` with nothing after it."""
    from jxc.finance import services as finance

    finance.create_account(user=owner, code="ZFB", name="支付宝收款", kind="alipay")
    body = client_owner.get(reverse("web:auditlog_list"), {"q": "支付宝"}).content.decode()
    # the phone layout stacks these lines (td.changes)
    cell = body[body.index('<td class=" changes"') :]
    cell = cell[: cell.index("</td>")]
    assert "支付宝" in cell and "alipay" not in cell
    assert "开户银行" not in cell  # empty on a new record: not listed


def test_company_settings_audit_uses_readable_values(client_owner, owner):
    from jxc.core.services import update_company

    update_company(user=owner, costing_method="fifo")
    body = _text(client_owner.get(reverse("web:company_settings")))
    assert "fifo" not in body.split("操作记录", 1)[1]


def test_audit_log_keeps_to_the_warehouse_scope(client_for, user_factory, owner, records):
    """Before: an auditor limited to 总仓 read the 门店's address and bins in 操作日志."""
    from jxc.inventory import services as inventory

    inventory.create_bin(user=owner, warehouse=records["store"], code="S-01", name="门店货架")
    Role.objects.create(code="auditor", name="审计", permissions=["audit.view"])
    auditor = user_factory(roles=["auditor"])
    inventory.set_user_warehouses(user=owner, target=auditor, warehouses=[records["warehouse"]])
    client = client_for(auditor)
    body = client.get(reverse("web:auditlog_list"), {"per_page": 100}).content.decode()
    assert "总仓" in body and "一号货架" in body
    assert "门店" not in body and "门店货架" not in body
    hidden = AuditLog.objects.get(object_type="inventory.warehouse", object_repr="门店")
    assert client.get(reverse("web:auditlog_detail", args=[hidden.pk])).status_code == 404
    assert "门店" in client_for(owner).get(reverse("web:auditlog_list")).content.decode()


def test_audit_log_shows_unit_rows_and_stock_limits_as_words(
    client_owner, client_for, sales_user, cola
):
    """Before: ``Stock_limit:ZC: 24、240`` and a SKU's unit rows as Python lists of dicts."""
    from jxc.core.models import Role

    body = _text(client_owner.get(reverse("web:auditlog_list"), {"q": "可乐"}))
    assert "库存上下限 WH01: 24 / 240" in body
    assert "计量单位: 箱, 换算率: 24, 零售价: 60" in body  # 0 = no price: left out
    assert "参考进价: 1.8" in body
    assert "{'" not in body and "stock_limit" not in body.lower()
    Role.objects.create(code="auditor", name="审计", permissions=["audit.view"])
    from jxc.core.accounts import update_user

    update_user(sales_user, user=None, roles=["auditor"])
    masked = _text(client_for(sales_user).get(reverse("web:auditlog_list"), {"q": "可乐"}))
    assert "零售价: 60" in masked
    assert "1.8" not in masked and "1.65" not in masked and "参考进价" not in masked


@pytest.fixture
def wj0001(owner):
    pcs = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    product = catalog.create_product(
        user=owner,
        code="WJ0001",
        name="中性笔",
        base_unit=pcs,
        attribute1="颜色",
        values1=["红", "蓝"],
        units=[UnitSpec(unit_id=pcs.pk, prices={"purchase_price": D("1.65")})],
    )
    sku = product.skus.order_by("code").first()
    catalog.update_sku_units(
        sku,
        user=owner,
        units=[
            UnitSpec(unit_id=pcs.pk, prices={"purchase_price": D("1.80")}),
            UnitSpec(unit_id=box.pk, factor=D(24), prices={"retail_price": D("60")}),
        ],
    )
    zc = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    inventory.set_stock_limit(user=owner, sku=sku, warehouse=zc, min_qty=D(24), max_qty=D(240))
    return product


def test_product_audit_reads_as_words(client_owner, wj0001):
    body = _text(client_owner.get(reverse("web:product_detail", args=[wj0001.pk])))
    assert "库存上下限 ZC: — → 24 / 240" in body
    assert "计量单位: 箱, 换算率: 24, 零售价: 60" in body
    assert "参考进价: 1.8" in body
    assert "WJ0001-01, WJ0001-02" in body  # the product's SKUs by code
    assert "[&#x27;" not in body and "{&#x27;" not in body and "stock_limit" not in body


def test_product_audit_masks_costs_without_cost_view(client_for, sales_user, wj0001):
    page = _text(client_for(sales_user).get(reverse("web:product_detail", args=[wj0001.pk])))
    body = page[page.index("操作记录 时间") :]  # the audit trail only, not the price table
    assert "库存上下限 ZC: — → 24 / 240" in body
    assert "零售价: 60" in body
    assert "1.8" not in body and "1.65" not in body and "参考进价" not in body
