"""门店零售 reads: the 交班 / 日结 summary per cashier and payment method."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from jxc.core.numbers import ZERO
from jxc.finance.models import Account, CustomerPayment
from jxc.finance.selectors import held_on


def day_summary(day: dt.date, *, cashier_id: int | None = None) -> list[dict]:
    """日结: per cashier and payment method (the account's kind: 现金, 微信, 支付宝, 银行卡) the
    money taken on ``day`` (收款单 the cashier recorded), refunds paid back, the net, and how
    many receipts; refunds are 收款单 with a negative amount. Only the till's money: the
    receipts of counter sales and the counter's refunds (``at_counter``), not the 收款单 the
    finance office records for customers paying their bills. A 收款单 reversed (红冲) that
    day is not counted; one reversed later still is (the day's count stays what it was)."""
    qs = CustomerPayment.objects.filter(held_on(day), date=day, at_counter=True)
    if cashier_id is not None:
        qs = qs.filter(created_by_id=cashier_id)
    rows: dict[tuple, dict] = defaultdict(lambda: {"taken": ZERO, "refunded": ZERO, "count": 0})
    names: dict[int, str] = {}
    for user_id, username, first, kind, amount in qs.values_list(
        "created_by_id", "created_by__username", "created_by__first_name", "account__kind", "amount"
    ):
        names[user_id] = first or username
        row = rows[(user_id, kind)]
        if amount > 0:
            row["taken"] += amount
            row["count"] += 1
        else:
            row["refunded"] += -amount
    return [
        {
            "cashier_id": user_id,
            "cashier": names[user_id],
            "method": kind,
            "taken": row["taken"],
            "refunded": row["refunded"],
            "net": row["taken"] - row["refunded"],
            "count": row["count"],
        }
        for (user_id, kind), row in sorted(rows.items(), key=lambda kv: (names[kv[0][0]], kv[0][1]))
    ]


def totals(rows: list[dict]) -> dict[str, Decimal]:
    """The summary's column totals."""
    return {k: sum((r[k] for r in rows), ZERO) for k in ("taken", "refunded", "net")}


def scanned(code: str, *, customer) -> dict | None:
    """What a scanned barcode (or typed SKU code) is at the counter: the SKU, its unit and
    name, the unit's name (a 盒 of 12 and a piece are two lines the cashier must tell apart),
    and the price the sale will charge (price resolution for ``customer``, 含税)."""
    from jxc.catalog import selectors as catalog
    from jxc.catalog.models import Unit
    from jxc.core.documents.lines import LineInput
    from jxc.sales.drafts import priced_lines

    found = catalog.codes_found([code])
    if not found:
        return None
    sku, unit = next(iter(found.values()))
    [line], _errors, _below = priced_lines(
        [LineInput(sku=sku.pk, unit=unit, qty=Decimal(1))],
        {"customer": customer, "prices_include_tax": True},
        check_min=False,
    )
    base = sku.product.base_unit
    unit_name = (
        base.name
        if unit is None or unit == base.pk
        else Unit.objects.filter(pk=unit).values_list("name", flat=True).first() or ""
    )
    return {
        "key": f"{sku.pk}:{unit or ''}",
        "code": code.strip(),
        "sku": sku.pk,
        "unit": unit,
        "unit_name": unit_name,
        "name": str(sku),
        "price": line.price,
    }


def method_accounts(user) -> dict[str, Account]:
    """Payment method (the account kind: cash / wechat / alipay / bank) → the first active
    account of that kind this user may take money into (by code; Account.roles)."""
    qs = Account.objects.filter(is_active=True)
    if not user.is_superuser:
        roles = list(user.roles.values_list("pk", flat=True))
        qs = qs.filter(Q(roles__isnull=True) | Q(roles__in=roles)).distinct()
    out: dict[str, Account] = {}
    for account in qs.order_by("code"):
        out.setdefault(account.kind, account)
    return out
