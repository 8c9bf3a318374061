"""Suppliers, customers and contacts: happy paths and every guard."""

from decimal import Decimal

import pytest

from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.models import AuditLog
from jxc.partners import selectors, services
from jxc.partners.models import Contact, Customer, Supplier

pytestmark = pytest.mark.django_db

TAX = "91330106MA2H3K7X5Q"


def _audit(obj):
    return AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_create_supplier_fills_mnemonic_and_audits(md_owner):
    s = services.create_supplier(
        user=md_owner,
        code="GYS001",
        name="杭州可口可乐饮料有限公司",
        phone="13812345678",
        tax_number=TAX,
        payment_terms_days=30,
        lead_time_days=3,
    )
    assert s.pk and s.mnemonic == "hzkkklylyxgs"
    line = _audit(s).get()
    assert line.action == "create" and line.user == md_owner
    assert line.changes["code"] == [None, "GYS001"]
    assert list(selectors.search_suppliers("kkkl")) == [s]


def test_mnemonic_can_be_given(md_owner):
    s = services.create_supplier(user=md_owner, code="S2", name="晨光文具", mnemonic="cg")
    assert s.mnemonic == "cg"


def test_duplicate_supplier_code_saves_nothing(md_owner):
    services.create_supplier(user=md_owner, code="GYS001", name="甲")
    with pytest.raises(DuplicateCode) as exc:
        services.create_supplier(user=md_owner, code="GYS001", name="乙")
    assert exc.value.code == "duplicate_code"
    assert Supplier.objects.count() == 1 and not Supplier.objects.filter(name="乙").exists()


def test_duplicate_customer_code_on_update(md_owner):
    services.create_customer(user=md_owner, code="KH001", name="甲")
    b = services.create_customer(user=md_owner, code="KH002", name="乙")
    with pytest.raises(DuplicateCode):
        services.update_customer(b, user=md_owner, code="KH001")
    b.refresh_from_db()
    assert b.code == "KH002"


@pytest.mark.parametrize("phone", ["12345", "1381234567", "23812345678", "abc13812345678"])
def test_malformed_phone_is_a_field_error(md_owner, phone):
    with pytest.raises(ValidationFailed) as exc:
        services.create_customer(user=md_owner, code="KH001", name="甲", phone=phone)
    assert exc.value.code == "validation_failed"
    assert "phone" in exc.value.errors
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "phone", ["13812345678", "0571-87654321", "+86 13912345678", "400-123-4567"]
)
def test_valid_phones(md_owner, phone):
    assert services.create_customer(user=md_owner, code="KH001", name="甲", phone=phone).pk


@pytest.mark.parametrize(
    "tax", ["123", "91330106MA2H3K7X5", "91330106MA2H3K7X5QQ", "9133010OMA2H3K7X5Q"]
)
def test_malformed_tax_number_is_a_field_error(md_owner, tax):
    with pytest.raises(ValidationFailed) as exc:
        services.create_supplier(user=md_owner, code="GYS001", name="甲", tax_number=tax)
    assert "tax_number" in exc.value.errors
    assert not Supplier.objects.exists()


def test_negative_credit_limit_is_refused(md_owner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_customer(user=md_owner, code="KH001", name="甲", credit_limit=Decimal("-1"))
    assert "credit_limit" in exc.value.errors
    assert not Customer.objects.exists()


def test_customer_with_tier_price_level_and_salesperson(md_owner):
    c = services.create_customer(
        user=md_owner,
        code="KH001",
        name="联华超市",
        tier="key",
        price_level="wholesale",
        credit_limit=Decimal("50000.00"),
        payment_terms_days=30,
        salesperson=md_owner,
    )
    c.refresh_from_db()
    assert (c.tier, c.price_level, c.credit_limit) == ("key", "wholesale", Decimal("50000.00"))
    assert c.salesperson == md_owner and c.mnemonic == "lhcs"


def test_update_audits_from_to(md_owner):
    c = services.create_customer(user=md_owner, code="KH001", name="甲", credit_limit=Decimal(100))
    services.update_customer(c, user=md_owner, credit_limit=Decimal("2000.00"), name="联华")
    line = _audit(c).filter(action="update").get()
    assert [Decimal(v) for v in line.changes["credit_limit"]] == [Decimal(100), Decimal(2000)]
    assert line.changes["name"] == ["甲", "联华"]
    c.refresh_from_db()
    assert c.mnemonic == "lh"


def test_update_without_change_writes_no_audit(md_owner):
    c = services.create_customer(user=md_owner, code="KH001", name="甲")
    services.update_customer(c, user=md_owner, name="甲")
    assert not _audit(c).filter(action="update").exists()


def test_set_active_keeps_the_row_and_audits(md_owner):
    s = services.create_supplier(user=md_owner, code="GYS001", name="甲")
    services.set_active(s, active=False, user=md_owner, reason="不再合作")
    s.refresh_from_db()
    assert s.is_active is False and Supplier.objects.filter(pk=s.pk).exists()
    line = _audit(s).get(action="deactivate")
    assert line.changes == {"is_active": [True, False]} and line.reason == "不再合作"
    services.set_active(s, active=False, user=md_owner)  # no change, no line
    assert _audit(s).filter(action="deactivate").count() == 1
    services.set_active(s, active=True, user=md_owner)
    assert _audit(s).filter(action="activate").count() == 1


def test_create_contact_for_supplier_and_customer(md_owner):
    s = services.create_supplier(user=md_owner, code="GYS001", name="甲")
    c = services.create_customer(user=md_owner, code="KH001", name="乙")
    k1 = services.create_contact(user=md_owner, partner=s, name="李经理", phone="13912345678")
    k2 = services.create_contact(user=md_owner, partner=c, name="王采购", position="采购")
    assert k1.supplier == s and k1.customer is None
    assert k2.customer == c and k2.supplier is None
    assert _audit(s).filter(action="update", changes__contacts__isnull=False).exists()


def test_contact_with_bad_phone_saves_nothing(md_owner):
    s = services.create_supplier(user=md_owner, code="GYS001", name="甲")
    with pytest.raises(ValidationFailed) as exc:
        services.create_contact(user=md_owner, partner=s, name="李", phone="123")
    assert "phone" in exc.value.errors
    assert not Contact.objects.exists()
    assert not _audit(s).filter(action="update").exists()


def test_search_customers_by_code_name_pinyin_phone(md_owner):
    c = services.create_customer(
        user=md_owner, code="KH001", name="好邻居便利店", phone="13812345678"
    )
    services.create_customer(user=md_owner, code="KH002", name="联华超市")
    for q in ["KH001", "好邻居", "hljbld", "1381234"]:
        assert list(selectors.search_customers(q)) == [c]


@pytest.mark.parametrize("field", ["payment_terms_days", "lead_time_days"])
def test_absurd_day_counts_are_refused(md_owner, field):
    """QA: 账期 9999999999 天 was saved (and would overflow an integer column on PostgreSQL)."""
    with pytest.raises(ValidationFailed) as exc:
        services.create_supplier(user=md_owner, code="S9", name="x", **{field: 9_999_999_999})
    assert list(exc.value.errors) == [field]
    assert not Supplier.objects.filter(code="S9").exists()
    s = services.create_supplier(user=md_owner, code="S9", name="x", **{field: 3650})
    assert getattr(s, field) == 3650
    with pytest.raises(ValidationFailed):
        services.update_supplier(s, user=md_owner, **{field: 3651})
    s.refresh_from_db()
    assert getattr(s, field) == 3650


def test_credit_terms_are_changed_by_a_manager_only(md_owner, user_factory):
    """A salesperson edits their customer's details but not its credit limit (0 = none) or
    back orders: ``credit.edit`` (the owner's). The form side: jxc/web/tests/
    test_customer_form.py."""
    from jxc.core.errors import PermissionDenied

    customer = services.create_customer(
        user=md_owner, code="KH9", name="客户九", credit_limit=Decimal("5000")
    )
    sales = user_factory(roles=["sales"])
    for change in ({"credit_limit": Decimal("999999")}, {"credit_limit": Decimal(0)},
                   {"allow_backorder": True}):  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.update_customer(customer, user=sales, **change)
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("5000") and not customer.allow_backorder
    services.update_customer(customer, user=sales, phone="13900000000", credit_limit=Decimal(5000))
    services.update_customer(customer, user=md_owner, credit_limit=Decimal("8000"))
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("8000")
