"""Regressions found by driving the running app as each role (QA of the foundation).

Each test names what a user saw before the fix."""

import re

import pytest
from django.urls import reverse

from jxc.core.models import AuditLog, Role, User

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- 操作记录 reads as words, not as stored keys and codes ---------------------------------


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


# --- English: headings and column names start with a capital ------------------------------


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


# --- Chinese everywhere: Django's reworded short-password message -------------------------


def test_short_password_error_is_in_chinese(client_owner, owner):
    """Before: ``This password is too short. It must contain at least 8 characters.``"""
    response = client_owner.post(
        reverse("web:user_create"),
        {"username": "weak", "password": "x7#", "first_name": "", "phone": "", "roles": []},
    )
    body = response.content.decode()
    assert "This password is too short" not in body
    assert "密码太短" in body
    assert not User.objects.filter(username="weak").exists()
    assert not AuditLog.objects.filter(object_repr="weak").exists()


# --- users: phone checked, name labelled alike, scope changes audited once -----------------


def test_user_phone_is_checked_like_every_other_phone(client_owner, owner):
    """Before: a user saved with the phone ``abc``."""
    response = client_owner.post(
        reverse("web:user_create"),
        {
            "username": "xiaoli",
            "password": "Strong-pass-2026",
            "first_name": "小李",
            "phone": "abc",
            "all_warehouses": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请输入有效的电话号码" in body
    assert not User.objects.filter(username="xiaoli").exists()
    target = User.objects.get(username="boss")
    edit = client_owner.post(
        reverse("web:user_edit", args=[target.pk]),
        {"first_name": "老板", "phone": "12", "all_warehouses": "on"},
    )
    assert "请输入有效的电话号码" in edit.content.decode()
    target.refresh_from_db()
    assert target.phone == ""


def test_user_detail_says_full_name_like_the_list(client_owner, owner):
    """Before: the list said 姓名, the user's page 名字."""
    body = client_owner.get(reverse("web:user_detail", args=[owner.pk])).content.decode()
    assert "<dt>姓名</dt>" in body and "<dt>名字</dt>" not in body


def test_saving_a_user_unchanged_adds_no_warehouse_line(client_owner, user_factory):
    """Before: every save of the user form logged ``warehouses: — → *`` again."""
    target = user_factory(roles=["sales"], first_name="小王")
    form = {"first_name": "小王", "phone": "", "all_warehouses": "on"}
    form["roles"] = [Role.objects.get(code="sales").pk]
    before = AuditLog.objects.filter(object_type="core.user", object_id=str(target.pk)).count()
    client_owner.post(reverse("web:user_edit", args=[target.pk]), form)
    client_owner.post(reverse("web:user_edit", args=[target.pk]), form)
    after = AuditLog.objects.filter(object_type="core.user", object_id=str(target.pk)).count()
    assert after == before


# --- warehouse scope ------------------------------------------------------------------------


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


# --- sign-in throttling ---------------------------------------------------------------------


def test_locked_out_sign_in_is_the_sign_in_page_in_chinese(client, owner):
    """Before: after five wrong passwords the browser showed one bare line of text, with no
    way to switch the language or go back to the form."""
    from django.conf import settings

    url = reverse("web:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "boss", "password": "wrong"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录失败次数过多" in body
    assert 'name="password"' in body and 'name="language"' in body  # the page, not a line
    assert 'value="boss"' in body
    right = client.post(url, {"username": "boss", "password": "Jxc-test-2026!"})
    assert right.status_code == 429  # still throttled, even with the right password
    assert "_auth_user_id" not in client.session


# --- 公司设置: document types by name -------------------------------------------------------


def test_company_settings_name_each_document_type(client_owner, owner):
    """Before: the prefixes read ``assembly 的单号前缀``, ``cost_adjustment 的单号前缀`` …"""
    body = _text(client_owner.get(reverse("web:company_settings")))
    assert "调拨单号前缀" in body and "其他入库单号前缀" in body and "拆卸单号前缀" in body
    assert "cost_adjustment" not in body and "stock_count" not in body


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


# --- passwords: 修改密码 from the user menu, 重置密码 on a user's page -------------------------


def test_change_own_password_from_the_user_menu(client_for, user_factory):
    """Before: there was no way to change the printed demo password except the CLI."""
    seller = user_factory(roles=["sales"])
    client = client_for(seller)
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("web:password_change") in home and "修改密码" in home
    url = reverse("web:password_change")
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "Brand-new-2026",
            "new_password2": "Brand-new-2026",
        },
    )
    assert "原密码不正确" in wrong.content.decode()
    mismatch = client.post(
        url,
        {"old_password": "Jxc-test-2026!", "new_password1": "Brand-new-2026", "new_password2": "x"},
    )
    assert "两次输入的密码不一致" in mismatch.content.decode()
    weak = client.post(
        url, {"old_password": "Jxc-test-2026!", "new_password1": "123", "new_password2": "123"}
    )
    assert "密码太短" in weak.content.decode()
    seller.refresh_from_db()
    assert seller.check_password("Jxc-test-2026!")
    done = client.post(
        url,
        {
            "old_password": "Jxc-test-2026!",
            "new_password1": "Brand-new-2026",
            "new_password2": "Brand-new-2026",
        },
    )
    assert done.status_code == 302
    seller.refresh_from_db()
    assert seller.check_password("Brand-new-2026")
    assert client.get(reverse("web:home")).status_code == 200  # still signed in
    line = AuditLog.objects.filter(object_type="core.user", action="set_password").get()
    assert line.user == seller and "Brand" not in str(line.changes)


def test_owner_resets_a_users_password(client_owner, client_for, user_factory):
    seller = user_factory(roles=["sales"])
    detail = client_owner.get(reverse("web:user_detail", args=[seller.pk])).content.decode()
    assert 'data-testid="btn-reset-password"' in detail
    url = reverse("web:user_password", args=[seller.pk])
    response = client_owner.post(
        url, {"new_password1": "Reset-pass-2026", "new_password2": "Reset-pass-2026"}
    )
    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.check_password("Reset-pass-2026")
    # only with user.edit
    other = user_factory(roles=["sales"])
    assert client_for(seller).get(reverse("web:user_password", args=[other.pk])).status_code == 403
    assert "btn-reset-password" not in client_for(seller).get(reverse("web:home")).content.decode()


# --- editing keeps links to rows deactivated since -----------------------------------------


def _selected(html: str, name: str) -> list[str]:
    """The option values a browser would send for the select (or checkboxes) ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*checked', html)


def test_editing_a_warehouse_keeps_its_deactivated_keeper(
    client_owner, owner, user_factory, records
):
    """Before: after the keeper's account was deactivated, saving the warehouse (only its
    name changed) silently cleared 仓管员: the form no longer offered him."""
    from jxc.core.services import set_active
    from jxc.inventory import services as inventory

    keeper = user_factory(roles=["keeper"], first_name="赵仓管")
    wh = inventory.update_warehouse(records["warehouse"], user=owner, keeper=keeper)
    set_active(keeper, active=False, user=owner)
    url = reverse("web:warehouse_edit", args=[wh.pk])
    html = client_owner.get(url).content.decode()
    assert _selected(html, "keeper") == [str(keeper.pk)]
    client_owner.post(
        url, {"code": wh.code, "name": "总仓（新）", "kind": "warehouse", "keeper": keeper.pk}
    )
    wh.refresh_from_db()
    assert (wh.name, wh.keeper) == ("总仓（新）", keeper)
    new_form = client_owner.get(reverse("web:warehouse_create")).content.decode()
    assert f'value="{keeper.pk}"' not in new_form  # not offered for new warehouses


def test_editing_a_category_keeps_its_deactivated_parent(client_owner, owner, records):
    """Before: saving 饮料 after its parent 食品 was deactivated moved it to the top level."""
    from jxc.core.services import set_active

    food, drink = records["category"], records["subcategory"]
    set_active(food, active=False, user=owner)
    url = reverse("web:category_edit", args=[drink.pk])
    assert _selected(client_owner.get(url).content.decode(), "parent") == [str(food.pk)]
    client_owner.post(url, {"code": "DRINK", "name": "饮品", "parent": food.pk})
    drink.refresh_from_db()
    assert (drink.name, drink.parent) == ("饮品", food)


def test_editing_a_customer_keeps_its_deactivated_salesperson(
    client_owner, owner, user_factory, records
):
    from jxc.core.services import set_active
    from jxc.partners import services as partners

    seller = user_factory(roles=["sales"])
    customer = partners.update_customer(records["customer"], user=owner, salesperson=seller)
    set_active(seller, active=False, user=owner)
    url = reverse("web:customer_edit", args=[customer.pk])
    assert _selected(client_owner.get(url).content.decode(), "salesperson") == [str(seller.pk)]


def test_editing_a_user_keeps_a_deactivated_warehouse_in_scope(
    client_owner, owner, user_factory, records
):
    from jxc.core.services import set_active
    from jxc.inventory import services as inventory

    keeper = user_factory(roles=["keeper"])
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[records["store"]])
    set_active(records["store"], active=False, user=owner)
    html = client_owner.get(reverse("web:user_edit", args=[keeper.pk])).content.decode()
    assert _selected(html, "warehouses") == [str(records["store"].pk)]


# --- related rows can be corrected: contacts (修改 / 删除) and bins (修改) ----------------------


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


def test_a_manager_cannot_take_away_their_own_right_to_manage_users(client_for, user_factory):
    """Before: an owner (not the superuser) unticked 老板 on their own account and could then
    open no settings at all: nobody was left to give the role back."""
    manager = user_factory(roles=["owner"], first_name="店长")
    client = client_for(manager)
    url = reverse("web:user_edit", args=[manager.pk])
    sales = Role.objects.get(code="sales").pk
    response = client.post(
        url, {"first_name": "店长改名", "phone": "", "roles": [sales], "all_warehouses": "on"}
    )
    assert response.status_code == 200
    assert "不能取消自己管理用户的权限" in response.content.decode()
    manager.refresh_from_db()
    assert manager.first_name == "店长" and [r.code for r in manager.roles.all()] == ["owner"]
    # someone else may change it, and they may change their own roles while keeping the right
    other = user_factory(roles=["owner"])
    assert (
        client_for(other)
        .post(url, {"first_name": "店长", "phone": "", "roles": [sales], "all_warehouses": "on"})
        .status_code
        == 302
    )
    manager.refresh_from_db()
    assert [r.code for r in manager.roles.all()] == ["sales"]


def test_an_htmx_list_refresh_after_the_session_ended_goes_to_the_sign_in_page(client, db):
    """Before: typing in a list's search box after the session ended drew the whole sign-in
    page inside the list."""
    response = client.get(reverse("web:supplier_list"), {"q": "宁波"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("web:login") + "?next=")
    plain = client.get(reverse("web:supplier_list"))
    assert plain.status_code == 302  # a normal page load still redirects as before


# --- 操作日志: a SKU's unit rows and stock limits read as words, costs still masked -----------


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
    from jxc.core.services import update_user

    update_user(sales_user, user=None, roles=["auditor"])
    masked = _text(client_for(sales_user).get(reverse("web:auditlog_list"), {"q": "可乐"}))
    assert "零售价: 60" in masked
    assert "1.8" not in masked and "1.65" not in masked and "参考进价" not in masked
