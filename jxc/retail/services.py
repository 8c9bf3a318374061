"""门店零售 (counter sale): scanned goods and the money for them in one action — a 销售出库单
posted through sales' delivery service, and one 收款单 per payment method settled against it,
all in one transaction. A return the next day is a 销售退货单 against the sale's lines plus a
refund (退款) out of the account the cashier names.

A cashier holds ``retail_sale.*``, not ``sales_delivery.*`` or ``customer_payment.*``: the
counter's permission stands for the delivery and the receipts it makes (``_counter_grant``);
the account must still be one the cashier may use (Account.roles) and the store warehouse in
the cashier's scope.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog import selectors as catalog
from jxc.core.documents import actions
from jxc.core.documents.actions import ensure_perm
from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO
from jxc.finance import payments
from jxc.finance.choices import AccountKind
from jxc.finance.models import Account, OpenItem, PartyPayment
from jxc.partners.models import Customer
from jxc.sales import deliveries, returns
from jxc.sales.models import SalesDelivery, SalesReturn

WALK_IN_CODE = "WALK-IN"  # 散客: the customer of counter sales without a member
GRANTED = (
    *(
        f"{doc}.{action}"
        for doc in ("sales_delivery", "sales_return")
        for action in ("create", "submit", "approve", "post")
    ),
    "customer_payment.create",
)


@contextlib.contextmanager
def _counter_grant(user) -> Iterator[None]:
    """While a counter sale runs, the cashier's ``retail_sale`` permission stands for the
    sales and payment permissions of the documents it makes (nothing is stored)."""
    before = user.__dict__.get("_jxc_patterns")
    user._jxc_patterns = [*user.jxc_permission_patterns(), *GRANTED]
    try:
        yield
    finally:
        if before is None:
            user.__dict__.pop("_jxc_patterns", None)
        else:
            user._jxc_patterns = before


def walk_in_customer() -> Customer:
    """散客: made on the first counter sale."""
    customer, _created = Customer.objects.get_or_create(
        code=WALK_IN_CODE, defaults={"name": str(_("Walk-in customer"))}
    )
    return customer


@dataclass(frozen=True)
class Paid:
    account: Account
    amount: Decimal


@dataclass(frozen=True)
class CounterSale:
    delivery: SalesDelivery
    receipts: list[PartyPayment]
    total: Decimal
    tendered: Decimal
    change: Decimal


def _scan_lines(items: Sequence[tuple[str | int, Decimal]]) -> list[LineInput]:
    """(barcode or SKU code or SKU id, quantity) → one line per SKU and unit, quantities
    summed (a repeated scan adds up); unknown codes and quantities ≤ 0 refused."""
    codes = [c for c, _q in items if isinstance(c, str)]
    found = catalog.codes_found(codes)
    merged: dict[tuple[int, int | None], Decimal] = {}
    errors: list[str] = []
    for code, qty in items:
        key: tuple[int, int | None]
        if isinstance(code, int):
            key = (code, None)
        elif code.strip() in found:
            sku, unit = found[code.strip()]
            key = (sku.pk, unit)
        else:
            errors.append(_("Unknown code %(code)s.") % {"code": code})
            continue
        if qty is None or qty <= 0:
            errors.append(_("Enter a quantity above zero."))
            continue
        merged[key] = merged.get(key, ZERO) + qty
    if errors or not merged:
        raise ValidationFailed({"lines": errors or [_("Scan at least one item.")]})
    return [LineInput(sku=s, unit=u, qty=q) for (s, u), q in merged.items()]


def _post(doc, *, user, post) -> None:
    """提交 → 审核 → 过账 in one go (a counter sale waits for no one)."""
    actions.submit(doc, user=user)
    if (
        actions.approve(doc, user=user).status != "approved"
    ):  # an approval rule holds it: the sale cannot complete
        raise ValidationFailed({"__all__": [_("An approval rule holds this sale.")]})
    post(doc, user=user)


@transaction.atomic
def record_counter_sale(
    *,
    user,
    warehouse,
    items: Sequence[tuple[str | int, Decimal]],
    paid: Sequence[Paid],
    tendered_cash: Decimal | None = None,
    customer: Customer | None = None,
    date: dt.date | None = None,
) -> CounterSale:
    """收银: post the delivery of the scanned items and one receipt per payment method (split
    payments), each settled against the delivery, in one transaction. The payments must add
    up to the sale's total exactly (cash tendered above the cash payment gives change, which
    never enters the books). Refused, nothing written: no items, a quantity ≤ 0, an unknown
    code, payments not adding up, cash tendered with no cash payment (it would be change for
    money the 微信 paid), an account the cashier may not use, stock short. The receipts are
    marked ``at_counter``: the 日结 counts them, not the office's receipts."""
    ensure_perm(user, "retail_sale", "create")
    customer = customer or walk_in_customer()
    date = date or timezone.localdate()
    lines = _scan_lines(items)
    if not paid or any(p.amount is None or p.amount <= 0 for p in paid):
        raise ValidationFailed({"paid": [_("Enter each payment above zero.")]})
    cash_due = sum((p.amount for p in paid if p.account.kind == AccountKind.CASH), ZERO)
    if tendered_cash and not cash_due:
        raise ValidationFailed(
            {"tendered": [_("Cash was handed over, but nothing is paid in cash.")]}
        )
    # an account the cashier may not use is refused by the receipts' own check
    # (record_payments: account_not_permitted), which rolls the whole sale back
    with _counter_grant(user):
        delivery = deliveries.create_sales_delivery(
            user=user,
            lines=lines,
            customer=customer,
            warehouse=warehouse,
            date=date,
            prices_include_tax=True,
            memo=str(_("Counter sale")),
        )
        total = delivery.total_amount
        paid_total = sum((p.amount for p in paid), ZERO)
        if paid_total != total:
            raise ValidationFailed(
                {
                    "paid": [
                        _("The payments add up to %(paid)s; the sale is %(total)s.")
                        % {"paid": f"{paid_total:,.2f}", "total": f"{total:,.2f}"}
                    ]
                }
            )
        tendered = tendered_cash if tendered_cash is not None else cash_due
        if tendered < cash_due:
            raise ValidationFailed(
                {"tendered": [_("Less cash was handed over than the cash payment.")]}
            )
        # 提交 → 审核 → 过账 in one go (a counter sale waits for no one)
        if deliveries.submit_and_post_sales_delivery(delivery, user=user).status != "posted":
            raise ValidationFailed({"__all__": [_("An approval rule holds this sale.")]})
        item = OpenItem.objects.get(
            entry__source_kind=delivery.DOC_TYPE, entry__source_id=delivery.pk
        )
        # one 收款单 per method, written as one set (numbers, entries, settlements, audit)
        receipts = payments.record_customer_payments(
            user=user,
            customer=customer,
            date=date,
            memo=delivery.number,
            money=[
                payments.Money(
                    account=p.account, amount=p.amount, allocations=[(item.pk, p.amount)]
                )
                for p in paid
            ],
            savepoint=False,  # inside this sale's own atomic block: all or nothing
            at_counter=True,
        )
    return CounterSale(
        delivery=delivery,
        receipts=receipts,
        total=total,
        tendered=tendered,
        change=tendered - cash_due,
    )


@transaction.atomic
def return_counter_sale(
    *,
    user,
    delivery: SalesDelivery,
    items: Sequence[tuple[int, Decimal]],
    refund_account: Account,
    warehouse=None,
    date: dt.date | None = None,
    reason: str = "",
) -> tuple[SalesReturn, PartyPayment]:
    """退货退款 at the counter: the delivery lines named in ``items`` ((line id, quantity)) come
    back (a 销售退货单 at the cost they left with) and their amount is paid back out of
    ``refund_account``; both in one transaction. The refund is marked ``at_counter`` (the
    日结 counts it)."""
    ensure_perm(user, "retail_sale", "create")
    date = date or timezone.localdate()
    by_id = {x.pk: x for x in delivery.lines.all()}
    if not items or any(i not in by_id or q is None or q <= 0 for i, q in items):
        raise ValidationFailed({"lines": [_("Enter a quantity above zero.")]})
    lines = [
        LineInput(sku=by_id[i].sku_id, qty=q, unit=by_id[i].unit_id, source_line=i)
        for i, q in items
    ]
    with _counter_grant(user):
        ret = returns.create_sales_return(
            user=user,
            lines=lines,
            customer=delivery.customer,
            warehouse=warehouse or delivery.warehouse,
            date=date,
            prices_include_tax=delivery.prices_include_tax,
            memo=reason or delivery.number,
        )
        _post(ret, user=user, post=returns.post_sales_return)
        credit = OpenItem.objects.get(entry__source_kind=ret.DOC_TYPE, entry__source_id=ret.pk)
        refund = payments.record_refund(
            payments.RECEIVABLE,
            user=user,
            partner=delivery.customer,
            account=refund_account,
            amount=-credit.open_amount,
            date=date,
            memo=ret.number,
            against=[credit.pk],
            at_counter=True,
        )
    return ret, refund
