"""Writes of partners: suppliers, customers, contacts (always audited)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jxc.core.errors import DuplicateCode, PermissionDenied, ValidationFailed
from jxc.core.services import record_audit, save_audited, set_active
from jxc.core.text import pinyin_initials
from jxc.partners.models import Contact, Customer, Supplier

__all__ = ["set_active"]

# 账期 / 交货周期 beyond ten years are typing mistakes (and overflow an integer column).
MAX_DAYS = {"payment_terms_days": 3650, "lead_time_days": 3650}


# A customer's credit terms are the manager's: the credit limit (0 = none) and whether it may
# order beyond stock. Changing them on an existing customer needs ``credit.edit``; the rest of
# the customer is ``customer.edit`` (a salesperson keeps their customers' details up to date).
# A new customer may be given its terms by whoever creates it: a customer starts without a
# limit (0), so a limit typed at creation takes nothing away that the default would not.
CREDIT_FIELDS = ("credit_limit", "allow_backorder")
CREDIT_EDIT = "credit.edit"


def may_change_credit(user) -> bool:
    return user is None or user.has_jxc_perm(CREDIT_EDIT)


def _ensure_credit_terms(partner, user, fields: dict[str, Any]) -> None:
    if not isinstance(partner, Customer) or partner.pk is None or may_change_credit(user):
        return
    if any(k in fields and fields[k] != getattr(partner, k) for k in CREDIT_FIELDS):
        raise PermissionDenied(perm=CREDIT_EDIT)


@transaction.atomic
def _save_partner(partner, *, user, fields: dict[str, Any]):
    _ensure_credit_terms(partner, user, fields)
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


def _contact_summary(contact: Contact) -> str:
    """How a contact reads in its partner's 操作记录: 吴超 业务经理 13812345678."""
    return " ".join(v for v in (contact.name, contact.position, contact.phone, contact.email) if v)


def _partner_of(contact: Contact) -> Supplier | Customer:
    return contact.supplier if contact.supplier_id else contact.customer  # type: ignore[return-value]


@transaction.atomic
def create_contact(*, user, partner: Supplier | Customer, **fields: Any) -> Contact:
    key = "supplier" if isinstance(partner, Supplier) else "customer"
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    contact = save_audited(Contact(**{key: partner}, **fields), user=user)
    record_audit(
        user=user,
        obj=partner,
        action="update",
        changes={"contacts": [None, _contact_summary(contact)]},
    )
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, user, **fields: Any) -> Contact:
    """修改联系人 (a wrong phone number, a new position); shown in the partner's 操作记录."""
    before = _contact_summary(contact)
    for k, v in fields.items():
        setattr(contact, k, v.strip() if isinstance(v, str) else v)
    save_audited(contact, user=user)
    after = _contact_summary(contact)
    if after != before:
        record_audit(
            user=user,
            obj=_partner_of(contact),
            action="update",
            changes={"contacts": [before, after]},
        )
    return contact


@transaction.atomic
def remove_contact(contact: Contact, *, user) -> None:
    """删除联系人: a contact is a note on the partner, referenced by no document, so it goes;
    the partner's 操作记录 keeps who it was."""
    record_audit(
        user=user,
        obj=_partner_of(contact),
        action="update",
        changes={"contacts": [_contact_summary(contact), None]},
    )
    contact.delete()
