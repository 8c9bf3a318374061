"""付款单 writes: pay a supplier from an account and settle it (核销) against what we owe —
the oldest due first, or the receipts chosen — all in one transaction; what is not settled
stays open as a prepayment (预付) that later receipts take up (jxc.finance.party_ledger)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jxc.core.documents.actions import assign_number, audit_saved, ensure_perm, take_action
from jxc.core.errors import ValidationFailed
from jxc.core.fields import size_error
from jxc.core.numbers import MONEY_PLACES
from jxc.finance import party_ledger
from jxc.finance.models import Account, OpenItem, SupplierPayment
from jxc.finance.rules import PartyLine


def _errors(*, supplier, account: Account, amount: Decimal, allocations) -> dict:
    errors: dict[str, list[str]] = {}
    if not supplier.is_active:
        errors["supplier"] = [_("The supplier is inactive.")]
    if not account.is_active:
        errors["account"] = [_("The account is inactive.")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("Enter an amount above zero.")]
    elif (problem := size_error(amount, MONEY_PLACES)) is not None:
        errors["amount"] = [problem]
    if allocations:
        total = sum((a for _i, a in allocations), Decimal(0))
        if any(a <= 0 for _i, a in allocations):
            errors["allocations"] = [_("Each settled amount is above zero.")]
        elif amount is not None and total > amount:
            errors["allocations"] = [
                _("%(total)s is settled, more than the payment of %(amount)s.")
                % {"total": total, "amount": amount}
            ]
    return errors


@transaction.atomic
def record_supplier_payment(
    *,
    user,
    supplier,
    account: Account,
    amount: Decimal,
    date: dt.date,
    memo: str = "",
    allocations: Sequence[tuple[int, Decimal]] | None = None,
) -> SupplierPayment:
    """付款: record ``amount`` paid to ``supplier`` from ``account`` on ``date`` and settle it:
    against the open items named in ``allocations`` ((open item id, amount) — receipts we owe
    for), else automatically, the oldest due first. Never more than the payment, never more
    than an item has open (``settlement_exceeds_open``); the rest is a prepayment."""
    ensure_perm(user, "supplier_payment", "create")
    raise_errors = _errors(
        supplier=supplier, account=account, amount=amount, allocations=allocations
    )
    if raise_errors:
        raise ValidationFailed(raise_errors)
    payment = SupplierPayment(
        supplier=supplier, account=account, amount=amount, date=date, memo=memo[:500]
    )
    payment.created_by = user
    assign_number(payment)
    payment.save()
    audit_saved(payment, user=user, creating=True, lines=None)

    def effect(locked: SupplierPayment) -> None:
        [entry] = party_ledger.record_party_entries(
            [
                PartyLine(
                    side="payable",
                    partner_id=supplier.pk,
                    amount=-amount,
                    date=date,
                    kind="payment",
                    memo=memo[:200],
                )
            ],
            source=locked.ref(),
            user=user,
        )
        if allocations:
            for item_id, part in allocations:
                if not OpenItem.objects.filter(pk=item_id, supplier=supplier).exists():
                    raise ValidationFailed({"allocations": [_("Select a valid choice.")]})
                party_ledger.record_settlement(
                    debit_id=item_id,
                    credit_id=entry.pk,
                    amount=part,
                    date=date,
                    user=user,
                    source=locked.ref(),
                )
        else:
            party_ledger.settle_oldest_first(entry.pk, date=date, user=user, source=locked.ref())

    return take_action(payment, action="post", user=user, effect=effect, check_permission=False)
