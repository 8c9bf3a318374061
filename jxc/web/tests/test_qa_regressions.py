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
    assert "仓库: — → 总仓" in body
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
