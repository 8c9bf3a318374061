"""新增 / 编辑 / 停用 through the services: Chinese field errors, nothing saved on error,
duplicate codes on the code field, inline bins and contacts, 操作记录."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.models import SkuUnit
from jxc.catalog.rules import UnitSpec
from jxc.core.models import AuditLog
from jxc.inventory.models import Bin
from jxc.partners.models import Contact, Supplier

pytestmark = pytest.mark.django_db


def _supplier(**over):
    data = {
        "code": "S100",
        "name": "上海纸业",
        "mnemonic": "",
        "contact": "",
        "phone": "13900001111",
        "address": "",
        "tax_number": "",
        "bank_name": "",
        "bank_account": "",
        "payment_terms_days": "30",
        "lead_time_days": "3",
        "memo": "",
    }
    data.update(over)
    return data


def _field_block(body: str, name: str) -> str:
    """The HTML of one form field's block (label, input, errors)."""
    for chunk in body.split('<div class="field')[1:]:
        if f'name="{name}"' in chunk.split("</div>\n  </div>")[0] or f'name="{name}"' in chunk:
            return chunk
    raise AssertionError(f"no field {name}")


def test_create_goes_through_the_service_and_is_audited(client_owner, owner):
    response = client_owner.post(reverse("web:supplier_create"), _supplier())
    supplier = Supplier.objects.get(code="S100")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:supplier_detail", args=[supplier.pk])
    assert supplier.mnemonic == "shzy"  # the service filled in the 助记码
    assert AuditLog.objects.filter(
        object_type="partners.supplier", object_id=str(supplier.pk), action="create"
    ).exists()
    detail = client_owner.get(response["Location"]).content.decode()
    assert "已保存" in detail  # the toast
    assert "操作记录" in detail and "上海纸业" in detail


def test_bad_input_shows_chinese_errors_and_saves_nothing(client_owner):
    response = client_owner.post(
        reverse("web:supplier_create"),
        _supplier(phone="12345", tax_number="abc", payment_terms_days="-1"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "请输入有效的电话号码" in body
    assert "统一社会信用代码" in body
    assert 'data-field="phone"' in body and 'data-field="tax_number"' in body
    assert not Supplier.objects.exists()
    assert not AuditLog.objects.filter(object_type="partners.supplier").exists()


def test_missing_required_field(client_owner):
    response = client_owner.post(reverse("web:supplier_create"), _supplier(name=""))
    assert "此项为必填项" in response.content.decode()
    assert not Supplier.objects.exists()


def test_duplicate_code_is_reported_on_the_code_field(client_owner, records):
    response = client_owner.post(reverse("web:supplier_create"), _supplier(code="S001"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "“S001”已被使用" in body
    block = _field_block(body, "code")
    assert "has-error" in block and "“S001”已被使用" in block
    assert "has-error" not in _field_block(body, "name")
    assert Supplier.objects.count() == 1


def test_duplicate_unit_name(client_owner, records):
    response = client_owner.post(reverse("web:unit_create"), {"name": "个"})
    assert "“个”已被使用" in response.content.decode()


def test_edit_changes_and_audits(client_owner, records):
    supplier = records["supplier"]
    url = reverse("web:supplier_edit", args=[supplier.pk])
    response = client_owner.post(url, _supplier(code="S001", name="宁波文具总厂"))
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.name == "宁波文具总厂"
    entry = AuditLog.objects.filter(
        object_type="partners.supplier", object_id=str(supplier.pk), action="update"
    ).get()
    assert entry.changes["name"] == ["宁波文具厂", "宁波文具总厂"]
    detail = client_owner.get(reverse("web:supplier_detail", args=[supplier.pk])).content.decode()
    assert "宁波文具厂 → <b>宁波文具总厂</b>" in detail


def test_deactivate_and_activate_never_delete(client_owner, records):
    unit = records["unit"]
    url = reverse("web:unit_active", args=[unit.pk])
    response = client_owner.post(url, {"active": "0"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.is_active is False
    body = client_owner.get(reverse("web:unit_detail", args=[unit.pk])).content.decode()
    assert "已停用" in body  # toast and audit line
    assert "启用" in body  # the button to turn it back on
    client_owner.post(url, {"active": "1"})
    unit.refresh_from_db()
    assert unit.is_active is True
    actions = list(
        AuditLog.objects.filter(object_id=str(unit.pk), object_type="catalog.unit")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "deactivate", "activate"]


def test_active_toggle_needs_post(client_owner, records):
    url = reverse("web:unit_active", args=[records["unit"].pk])
    assert client_owner.get(url).status_code == 405


def test_category_cannot_move_under_itself(client_owner, records):
    food = records["category"]
    url = reverse("web:category_edit", args=[food.pk])
    response = client_owner.post(
        url, {"code": "FOOD", "name": "食品", "parent": records["subcategory"].pk}
    )
    # the form offers no such parent, so the choice is refused before the service runs
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


def test_add_bin_inline_and_duplicate_code(client_owner, records):
    wh = records["warehouse"]
    url = reverse("web:warehouse_bins_add", args=[wh.pk])
    response = client_owner.post(url, {"code": "B-02", "name": "二号货架"})
    assert response.status_code == 302
    assert Bin.objects.filter(warehouse=wh, code="B-02").exists()
    response = client_owner.post(url, {"code": "A-01", "name": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "“A-01”已被使用" in body and 'data-testid="inline-bins-form"' in body
    assert Bin.objects.filter(warehouse=wh).count() == 2


def test_deactivate_a_bin_inline(client_owner, records):
    wh, bin_ = records["warehouse"], records["bin"]
    url = reverse("web:warehouse_bins_active", args=[wh.pk, bin_.pk])
    assert client_owner.post(url, {"active": "0"}).status_code == 302
    bin_.refresh_from_db()
    assert bin_.is_active is False


def test_add_contact_to_customer(client_owner, records):
    customer = records["customer"]
    url = reverse("web:customer_contacts_add", args=[customer.pk])
    response = client_owner.post(
        url, {"name": "王会计", "position": "财务", "phone": "0571-88886666", "email": ""}
    )
    assert response.status_code == 302
    assert Contact.objects.filter(customer=customer, name="王会计").exists()
    response = client_owner.post(
        url, {"name": "坏电话", "phone": "123", "position": "", "email": ""}
    )
    assert "请输入有效的电话号码" in response.content.decode()
    assert not Contact.objects.filter(name="坏电话").exists()


def test_account_create_with_decimal_balance(client_owner):
    from decimal import Decimal

    from jxc.finance.models import Account

    response = client_owner.post(
        reverse("web:account_create"),
        {
            "code": "WX",
            "name": "微信",
            "kind": "wechat",
            "bank_name": "",
            "account_number": "",
            "opening_balance": "1234.56",
            "opening_date": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert Account.objects.get(code="WX").opening_balance == Decimal("1234.56")


def test_warehouse_create_and_keeper(client_owner, owner):
    from jxc.inventory.models import Warehouse

    response = client_owner.post(
        reverse("web:warehouse_create"),
        {
            "code": "WH09",
            "name": "北仓",
            "kind": "warehouse",
            "address": "",
            "phone": "",
            "keeper": owner.pk,
        },
    )
    assert response.status_code == 302
    assert Warehouse.objects.get(code="WH09").keeper == owner


def _text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_supplier_form_refuses_absurd_payment_terms(client_owner, owner):
    """Before: 账期 9999999999 天 was saved from the form."""
    from jxc.partners.models import Supplier

    response = client_owner.post(
        reverse("web:supplier_create"),
        {"code": "S9", "name": "x", "payment_terms_days": "9999999999", "lead_time_days": "0"},
    )
    assert response.status_code == 200
    assert "不能大于 3650" in response.content.decode()
    assert not Supplier.objects.filter(code="S9").exists()


def test_a_contacts_typo_can_be_corrected_and_the_contact_removed(client_owner, records):
    """Before: a contact could only be added; a wrong phone number stayed for ever."""
    from jxc.partners.models import Contact

    customer, contact = records["customer"], records["contact"]
    detail_url = reverse("web:customer_detail", args=[customer.pk])
    page = client_owner.get(detail_url).content.decode()
    edit_url = reverse("web:customer_contacts_edit", args=[customer.pk, contact.pk])
    assert edit_url in page and 'data-testid="inline-remove"' in page
    bad = client_owner.post(edit_url, {"name": "李经理", "phone": "12"})
    assert "请输入有效的电话号码" in bad.content.decode()
    contact.refresh_from_db()
    assert contact.phone == ""
    client_owner.post(edit_url, {"name": "李经理", "position": "采购经理", "phone": "13812345678"})
    contact.refresh_from_db()
    assert (contact.position, contact.phone) == ("采购经理", "13812345678")
    history = _text(client_owner.get(detail_url))
    assert "联系人: 李经理 → 李经理 采购经理 13812345678" in history
    client_owner.post(reverse("web:customer_contacts_remove", args=[customer.pk, contact.pk]))
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert "联系人: 李经理 采购经理 13812345678 → —" in _text(client_owner.get(detail_url))


def test_contacts_of_one_partner_cannot_be_edited_through_another(client_owner, owner, records):
    other = records["supplier"]
    url = reverse("web:supplier_contacts_edit", args=[other.pk, records["contact"].pk])
    assert client_owner.get(url).status_code == 404


def test_contacts_need_the_partners_edit_permission(client_for, records, user_factory):
    cashier = user_factory(roles=["cashier"])  # customer.view and .create, not .edit
    customer, contact = records["customer"], records["contact"]
    client = client_for(cashier)
    page = client.get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
    assert "inline-edit" not in page and "inline-remove" not in page
    url = reverse("web:customer_contacts_remove", args=[customer.pk, contact.pk])
    assert client.post(url).status_code == 403


def test_a_bins_name_can_be_corrected(client_owner, records):
    wh, bin_ = records["warehouse"], records["bin"]
    url = reverse("web:warehouse_bins_edit", args=[wh.pk, bin_.pk])
    assert client_owner.get(url).status_code == 200
    client_owner.post(url, {"code": "A-01", "name": "一号货架（冷藏）"})
    bin_.refresh_from_db()
    assert bin_.name == "一号货架（冷藏）"


def test_a_huge_price_on_the_units_page_is_called_too_large(client_owner, owner):
    pcs = catalog.create_unit(user=owner, name="个")
    product = catalog.create_product(
        user=owner,
        code="WJ0001",
        name="中性笔",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("2")})],
    )
    sku = product.skus.get()
    response = client_owner.post(
        reverse("web:sku_units", args=[sku.pk]),
        {"unit-0-unit": pcs.pk, "unit-0-retail_price": "1e400"},
    )
    assert response.status_code == 422
    errors = response.context["row_errors"]
    assert any("数值过大" in e for e in errors), errors
    assert not any("位小数" in e for e in errors)
    assert SkuUnit.objects.get(sku=sku).retail_price == D("2")
