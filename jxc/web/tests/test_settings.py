"""设置: company settings, users (roles, warehouse scope, active), roles, API tokens, audit log."""

import re

import pytest
from django.urls import reverse

from jxc.core.accounts import user_for_token
from jxc.core.models import ApiToken, AuditLog, Role, User
from jxc.core.selectors import company

pytestmark = pytest.mark.django_db


def _company_form(**over):
    data = {
        "name": "杭州好运来",
        "tax_number": "",
        "qty_decimals": "2",
        "price_decimals": "2",
        "costing_method": "moving_average",
        "cost_scope": "company",
        "days_ahead": "7",
        "purchase_prices_include_tax": "on",
        "default_tax_rate": "13",
        "over_receipt_tolerance": "0",
    }
    data.update(over)
    return data


def test_company_settings_saved_through_the_service(client_owner):
    response = client_owner.post(reverse("web:company_settings"), _company_form())
    assert response.status_code == 302
    assert company().name == "杭州好运来"
    assert AuditLog.objects.filter(object_type="core.company", action="update").exists()
    body = client_owner.get(reverse("web:company_settings")).content.decode()
    assert "杭州好运来" in body and "操作记录" in body


def test_company_settings_refuse_bad_decimals(client_owner):
    before = company().qty_decimals
    response = client_owner.post(reverse("web:company_settings"), _company_form(qty_decimals="9"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="form-errors"' in body or 'class="error"' in body
    assert company().qty_decimals == before


def test_company_settings_read_only_without_edit(client_for, user_factory):
    from jxc.core.accounts import update_user

    viewer = user_factory(roles=[])
    role = Role.objects.create(code="viewer", name="只读", permissions=["company.view"])
    update_user(viewer, user=None, roles=[role.code])
    client = client_for(viewer)
    body = client.get(reverse("web:company_settings")).content.decode()
    assert "disabled" in body and 'data-testid="btn-save"' not in body
    assert client.post(reverse("web:company_settings"), _company_form()).status_code == 403


def _user_form(**over):
    data = {
        "username": "xiaoli",
        "password": "Strong-pass-2026",
        "first_name": "小李",
        "phone": "13700001111",
        "roles": [Role.objects.get(code="sales").pk],
    }
    data.update(over)
    return data


def test_create_user_with_roles_and_warehouse_scope(client_owner, records):
    store = records["store"]
    response = client_owner.post(
        reverse("web:user_create"), _user_form(warehouses=[store.pk])
    )  # "all warehouses" unticked
    assert response.status_code == 302
    user = User.objects.get(username="xiaoli")
    assert user.check_password("Strong-pass-2026")
    assert [r.code for r in user.roles.all()] == ["sales"]
    assert user.phone == "13700001111"
    assert user.all_warehouses is False
    assert list(user.scoped_warehouses.all()) == [store]
    detail = client_owner.get(response["Location"]).content.decode()
    assert "销售" in detail and "门店" in detail


def test_create_user_weak_password_saves_nothing(client_owner, owner):
    response = client_owner.post(reverse("web:user_create"), _user_form(password="123"))
    assert response.status_code == 200
    assert 'data-field="password"' in response.content.decode()
    assert not User.objects.filter(username="xiaoli").exists()


def test_duplicate_username_on_its_field(client_owner, owner):
    response = client_owner.post(reverse("web:user_create"), _user_form(username="boss"))
    body = response.content.decode()
    assert "“boss”已被使用" in body and 'data-field="username"' in body


def test_edit_user_roles_and_all_warehouses(client_owner, user_factory, records):
    target = user_factory(roles=["sales"])
    keeper = Role.objects.get(code="keeper")
    response = client_owner.post(
        reverse("web:user_edit", args=[target.pk]),
        {"first_name": "赵仓管", "phone": "", "roles": [keeper.pk], "all_warehouses": "on"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.first_name == "赵仓管"
    assert [r.code for r in target.roles.all()] == ["keeper"]
    assert target.all_warehouses is True


def test_deactivate_user_but_not_yourself(client_owner, owner, user_factory):
    target = user_factory(roles=["sales"])
    client_owner.post(reverse("web:user_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert target.is_active is False
    response = client_owner.post(
        reverse("web:user_active", args=[owner.pk]), {"active": "0"}, follow=True
    )
    owner.refresh_from_db()
    assert owner.is_active is True
    assert "不能停用自己的账号" in response.content.decode()


def test_roles_show_their_permission_grid(client_owner):
    sales = Role.objects.get(code="sales")
    body = client_owner.get(reverse("web:role_detail", args=[sales.pk])).content.decode()
    assert 'data-testid="permission-grid"' in body
    assert "客户" in body and "customer.*" not in body  # a matrix in words, not patterns
    listing = client_owner.get(reverse("web:role_list")).content.decode()
    assert "老板" in listing or "管理员" in listing
    assert "客户（全部）" in listing and "sales*.*" not in listing


def test_api_token_shown_once_then_revoked(client_owner, owner):
    url = reverse("web:apitoken_list")
    response = client_owner.post(url, {"name": "对账脚本"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=owner)
    start = body.index('data-testid="token-value">') + len('data-testid="token-value">')
    plain = body[start : body.index("<", start)]
    assert plain.startswith("jxc_") and plain.startswith(token.prefix)
    assert user_for_token(plain) == owner
    again = client_owner.get(url).content.decode()
    assert plain not in again and token.prefix in again  # never shown again
    client_owner.post(reverse("web:apitoken_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert user_for_token(plain) is None


def test_api_token_needs_a_name(client_owner, owner):
    response = client_owner.post(reverse("web:apitoken_list"), {"name": ""})
    assert "此项为必填项" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_tokens_are_personal(client_for, owner, user_factory):
    other = user_factory(roles=["owner"])
    from jxc.core.accounts import create_api_token

    token, _plain = create_api_token(user=owner, name="老板的")
    client = client_for(other)
    assert "老板的" not in client.get(reverse("web:apitoken_list")).content.decode()
    client.post(reverse("web:apitoken_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_audit_log_lists_search_and_detail(client_owner, records):
    url = reverse("web:auditlog_list")
    body = client_owner.get(url).content.decode()
    assert "宁波文具厂" in body and "供应商" in body
    found = client_owner.get(url, {"q": "宁波"}).content.decode()
    assert "宁波文具厂" in found and "杭州客户" not in found
    entry = AuditLog.objects.filter(object_type="partners.supplier").first()
    detail = client_owner.get(reverse("web:auditlog_detail", args=[entry.pk])).content.decode()
    assert "宁波文具厂" in detail
    assert client_owner.get(reverse("web:auditlog_export")).status_code == 200


def _text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


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


def test_company_settings_name_each_document_type(client_owner, owner):
    """Before: the prefixes read ``assembly 的单号前缀``, ``cost_adjustment 的单号前缀`` …"""
    body = _text(client_owner.get(reverse("web:company_settings")))
    assert "调拨单号前缀" in body and "其他入库单号前缀" in body and "拆卸单号前缀" in body
    assert "cost_adjustment" not in body and "stock_count" not in body


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
