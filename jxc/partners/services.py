"""Writes of partners: suppliers, customers, contacts (always audited)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.services import record_audit, save_audited, set_active
from jxc.core.text import pinyin_initials
from jxc.partners.models import Contact, Customer, Supplier

__all__ = ["set_active"]

# 账期 / 交货周期 beyond ten years are typing mistakes (and overflow an integer column).
MAX_DAYS = {"payment_terms_days": 3650, "lead_time_days": 3650}


@transaction.atomic
def _save_partner(partner, *, user, fields: dict[str, Any]):
    for k, v in fields.items():
        setattr(partner, k, v.strip() if isinstance(v, str) else v)
    if "name" in fields and not fields.get("mnemonic"):
        partner.mnemonic = pinyin_initials(partner.name)
    too_long = {
        name: [
            gettext("Ensure this value is less than or equal to %(limit_value)s.")
            % {"limit_value": top}
        ]
        for name, top in MAX_DAYS.items()
        if isinstance(getattr(partner, name, None), int) and getattr(partner, name) > top
    }
    if too_long:
        raise ValidationFailed(too_long)
    # A taken code is DuplicateCode (409), not a generic field error from full_clean.
    if type(partner).objects.filter(code=partner.code).exclude(pk=partner.pk).exists():
        raise DuplicateCode(field="code", value=partner.code)
    return save_audited(partner, user=user, unique_fields=("code",))


def create_supplier(*, user, **fields: Any) -> Supplier:
    return _save_partner(Supplier(), user=user, fields=fields)


def update_supplier(supplier: Supplier, *, user, **fields: Any) -> Supplier:
    return _save_partner(supplier, user=user, fields=fields)


def create_customer(*, user, **fields: Any) -> Customer:
    return _save_partner(Customer(), user=user, fields=fields)


def update_customer(customer: Customer, *, user, **fields: Any) -> Customer:
    return _save_partner(customer, user=user, fields=fields)


@transaction.atomic
def create_contact(*, user, partner: Supplier | Customer, **fields: Any) -> Contact:
    key = "supplier" if isinstance(partner, Supplier) else "customer"
    contact = save_audited(Contact(**{key: partner}, **fields), user=user)
    record_audit(
        user=user, obj=partner, action="update", changes={"contacts": [None, str(contact)]}
    )
    return contact
