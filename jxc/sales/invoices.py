"""销项发票 writes: record an invoice issued to a customer against its posted deliveries (and
returns, which lower it), and 作废.

An invoice is a record only. The receivable was made when the delivery was posted (the party
ledger's entry of the 销售出库单); invoicing it changes nothing a customer owes, so nothing
here calls the party ledger's writer. What an invoice covers is kept on each document
(``invoiced_amount``, never above its 价税合计: a database check behind the service's own),
so the 未开票出库单 list is one read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import audit_saved, ensure_perm, take_action
from jxc.core.documents.calendar import assign_number
from jxc.core.errors import ValidationFailed
from jxc.core.fields import size_error
from jxc.core.numbers import MONEY_PLACES, ZERO
from jxc.inventory.selectors import warehouses_for
from jxc.sales import rules
from jxc.sales.choices import InvoiceKind
from jxc.sales.errors import OverInvoiced
from jxc.sales.models import SalesDelivery, SalesInvoice, SalesInvoiceLink, SalesReturn


def _header_errors(*, invoice_number: str, kind: str, net_amount, tax_amount) -> dict:
    errors: dict[str, list[str]] = {}
    if not invoice_number:
        errors["invoice_number"] = [_("Enter the invoice number.")]
    elif len(invoice_number) > 40:
        errors["invoice_number"] = [
            _("Ensure this value has at most %(max_length)s characters.") % {"max_length": 40}
        ]
    elif (
        SalesInvoice.objects.filter(invoice_number=invoice_number)
        .exclude(status=DocumentStatus.VOID)
        .exists()
    ):
        errors["invoice_number"] = [
            _("Invoice %(number)s is recorded already.") % {"number": invoice_number}
        ]
    if kind not in InvoiceKind.values:
        errors["kind"] = [_("Select a valid choice.")]
    for name, value, above_zero in (
        ("net_amount", net_amount, True),
        ("tax_amount", tax_amount, False),
    ):
        if value is None or (value <= 0 if above_zero else value < 0):
            errors[name] = [
                _("Enter an amount above zero.") if above_zero else _("Enter zero or more.")
            ]
        elif (problem := size_error(value, MONEY_PLACES)) is not None:
            errors[name] = [problem]
    return errors


def _locked(model, ids: Sequence[int], *, user, customer) -> tuple[list, list[str]]:
    """The documents named, locked in primary-key order (two invoices at once queue here),
    and the problems: not found or out of the user's warehouses, not posted, another
    customer's."""
    problems: list[str] = []
    seen = model.objects.filter(pk__in=ids, warehouse__in=warehouses_for(user)).values_list(
        "pk", flat=True
    )
    missing = set(ids) - set(seen)
    if missing:
        problems.append(_("Select a valid choice."))
    rows = list(model.objects.select_for_update().filter(pk__in=set(ids) - missing).order_by("pk"))
    for doc in rows:
        if doc.status != DocumentStatus.POSTED:
            problems.append(_("%(number)s is not posted.") % {"number": doc.number})
        elif doc.customer_id != customer.pk:
            problems.append(
                _("%(number)s is not a document of %(customer)s.")
                % {"number": doc.number, "customer": customer}
            )
    return rows, problems


@transaction.atomic
def record_sales_invoice(
    *,
    user,
    customer,
    date: dt.date,
    invoice_number: str,
    net_amount: Decimal,
    tax_amount: Decimal,
    deliveries: Sequence[int] = (),
    returns: Sequence[int] = (),
    kind: str = InvoiceKind.SPECIAL,
    memo: str = "",
) -> SalesInvoice:
    """登记销项发票: an invoice of 金额 + 税额 issued to ``customer``, covering its posted
    deliveries named (the oldest first, the last one in part) after the returns named (in
    full, negative). Never more than they have not invoiced yet (``over_invoiced``). A record
    only: the party ledger is not touched (the deliveries made the receivable)."""
    ensure_perm(user, "sales_invoice", "create")
    invoice_number = (invoice_number or "").strip()
    errors = _header_errors(
        invoice_number=invoice_number, kind=kind, net_amount=net_amount, tax_amount=tax_amount
    )
    delivery_ids, return_ids = list(deliveries), list(returns)
    if not delivery_ids:
        errors["documents"] = [_("Select at least one posted delivery of the customer.")]
    elif len(set(delivery_ids)) != len(delivery_ids) or len(set(return_ids)) != len(return_ids):
        errors["documents"] = [_("Each document is named once.")]
    if errors:
        raise ValidationFailed(errors)
    found_d, problems = _locked(SalesDelivery, delivery_ids, user=user, customer=customer)
    found_r, more = _locked(SalesReturn, return_ids, user=user, customer=customer)
    if problems or more:
        raise ValidationFailed({"documents": problems + more})
    docs = sorted(found_r, key=lambda d: (d.date, d.pk)) + sorted(
        found_d, key=lambda d: (d.date, d.pk)
    )
    opens = [
        (d.total_amount - d.invoiced_amount) * (-1 if isinstance(d, SalesReturn) else 1)
        for d in docs
    ]
    total = net_amount + tax_amount
    shares = rules.invoice_allocation(total, opens)
    if shares is None:
        raise OverInvoiced(
            {
                "net_amount": [
                    _(
                        "The invoice's total %(total)s is above what the chosen documents have "
                        "left to invoice: %(open)s."
                    )
                    % {"total": f"{total:,.2f}", "open": f"{sum(opens, ZERO):,.2f}"}
                ]
            }
        )
    expected = rules.invoice_tax(shares, [(d.tax_amount, d.total_amount) for d in docs])
    if abs(tax_amount - expected) > rules.INVOICE_TAX_TOLERANCE:
        raise ValidationFailed(
            {
                "tax_amount": [
                    _(
                        "The VAT %(tax)s does not match the chosen documents' VAT %(expected)s "
                        "(more than %(tolerance)s apart)."
                    )
                    % {
                        "tax": f"{tax_amount:,.2f}",
                        "expected": f"{expected:,.2f}",
                        "tolerance": rules.INVOICE_TAX_TOLERANCE,
                    }
                ]
            }
        )
    empty = [d.number for d, s in zip(docs, shares, strict=True) if not s]
    if empty:
        raise ValidationFailed(
            {
                "documents": [
                    _("Nothing of the invoice is left for %(numbers)s: leave them out.")
                    % {"numbers": ", ".join(empty)}
                ]
            }
        )
    invoice = SalesInvoice(
        customer=customer,
        date=date,
        invoice_number=invoice_number,
        kind=kind,
        net_amount=net_amount,
        tax_amount=tax_amount,
        total_amount=total,
        memo=(memo or "")[:500],
        created_by=user,
    )
    assign_number(invoice)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError as exc:
        # the number taken by another user between our check and this write (both found it
        # free): the partial unique constraint's refusal is the same error as the check's
        if "sales_invoice_number_once" not in str(exc) and "invoice_number" not in str(exc):
            raise
        raise ValidationFailed(
            {
                "invoice_number": [
                    _("Invoice %(number)s is recorded already.") % {"number": invoice_number}
                ]
            }
        ) from exc
    links = []
    for doc, share in zip(docs, shares, strict=True):
        is_return = isinstance(doc, SalesReturn)
        links.append(
            SalesInvoiceLink(
                invoice=invoice,
                delivery=None if is_return else doc,
                sales_return=doc if is_return else None,
                amount=share,
            )
        )
        type(doc).objects.filter(pk=doc.pk).update(
            invoiced_amount=F("invoiced_amount") + abs(share)
        )
    SalesInvoiceLink.objects.bulk_create(links)
    audit_saved(invoice, user=user, creating=True, lines=len(links))
    invoice = take_action(invoice, action="post", user=user, check_permission=False)
    if invoice.status != DocumentStatus.POSTED:  # an approval rule held it: nothing is kept
        raise ValidationFailed({"__all__": [_("An approval rule holds this invoice.")]})
    return invoice


@transaction.atomic
def void_sales_invoice(invoice: SalesInvoice, *, user, reason: str) -> SalesInvoice:
    """作废销项发票 (with the reason): what it covered of each document is open to invoice
    again."""

    def effect(locked: SalesInvoice) -> None:
        links = list(SalesInvoiceLink.objects.filter(invoice=locked).order_by("id"))
        for model, field in ((SalesDelivery, "delivery_id"), (SalesReturn, "sales_return_id")):
            mine = {getattr(x, field): abs(x.amount) for x in links if getattr(x, field)}
            list(model.objects.select_for_update().filter(pk__in=mine).order_by("pk"))
            for pk, amount in mine.items():
                model.objects.filter(pk=pk).update(invoiced_amount=F("invoiced_amount") - amount)

    return take_action(invoice, action="void", user=user, reason=reason, effect=effect)
