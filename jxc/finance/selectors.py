"""Reads of finance master data."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Min, Q, QuerySet, Sum

from jxc.core.numbers import ZERO
from jxc.finance.models import Account


def search_accounts(q: str = "") -> QuerySet[Account]:
    qs = Account.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


# --- 往来账 reads: open items, statement, aging — one set for both books ------------------------

_PARTNER = {"payable": "supplier_id", "receivable": "customer_id"}
_CENT = Decimal("0.01")


def _cents(value) -> Decimal:
    """A database sum back to the 分 (SQLite adds decimals as REAL)."""
    return Decimal(value or 0).quantize(_CENT)


def open_items(side: str, partner_id: int):
    """What is still open with a partner, oldest due first: documents (a receipt we owe for,
    a delivery the customer owes; positive), payments not yet settled (预付 / 预收) and
    returns (negative)."""
    from jxc.finance.models import OpenItem

    return (
        OpenItem.objects.select_related("entry")
        .filter(side=side, is_open=True, **{_PARTNER[side]: partner_id})
        .order_by("due_date", "date", "entry_id")
    )


@dataclass(frozen=True)
class Statement:
    """对账单 of one partner for a period: the balance before it, each entry with the running
    balance, the balance at its end; the period's increases and decreases."""

    opening: Decimal
    rows: list
    closing: Decimal
    increase: Decimal
    decrease: Decimal


def party_statement(side: str, partner_id: int, *, date_from, date_to) -> Statement:
    """对账单: the balance before ``date_from`` (one SUM in the database), each entry (document,
    payment, discount, 抹零) of the period in date order with the running balance, its source
    kind, id and due date, and the balance at ``date_to``."""
    from jxc.finance import rules
    from jxc.finance.models import PartyLedgerEntry

    entries = PartyLedgerEntry.objects.filter(side=side, **{_PARTNER[side]: partner_id})
    opening = entries.filter(date__lt=date_from).aggregate(t=Sum("amount"))["t"] or ZERO
    rows = rules.statement_rows(
        opening,
        entries.filter(date__gte=date_from, date__lte=date_to)
        .order_by("date", "id")
        .values_list(
            "date", "source_number", "memo", "amount", "source_kind", "source_id", "due_date"
        ),
    )
    return Statement(
        opening=Decimal(opening),
        rows=rows,
        closing=rows[-1].balance if rows else Decimal(opening),
        increase=sum((r.increase for r in rows), ZERO),
        decrease=sum((r.decrease for r in rows), ZERO),
    )


def statement(side: str, partner_id: int, *, date_from, date_to):
    """对账单 for a period: (opening, rows, closing) — ``party_statement`` in short."""
    found = party_statement(side, partner_id, date_from=date_from, date_to=date_to)
    return found.opening, found.rows, found.closing


def aging(side: str, *, as_of, partner_id: int | None = None) -> dict[int, dict]:
    """账龄 on ``as_of``: per partner the open amounts by days past the due date (未到期,
    0–30, 31–60, 61–90, > 90) and the total."""
    from jxc.finance import rules
    from jxc.finance.models import OpenItem

    field = _PARTNER[side]
    qs = OpenItem.objects.filter(side=side, is_open=True, date__lte=as_of)
    if partner_id is not None:
        qs = qs.filter(**{field: partner_id})
    items: dict[int, list[rules.Open]] = {}
    for pk, partner, date, due, amount, settled in qs.values_list(
        "entry_id", field, "date", "due_date", "amount", "settled"
    ):
        items.setdefault(partner, []).append(rules.Open(pk, date, due, amount - settled))
    out = {}
    for partner, opens in items.items():
        buckets = rules.aging(opens, as_of)
        out[partner] = {"buckets": buckets, "total": sum(buckets.values(), rules.ZERO)}
    return out


def overdue_receivables(*, as_of, min_days: int = 0) -> list[dict]:
    """逾期应收: per customer what of its deliveries is past the due date by more than
    ``min_days`` on ``as_of`` (open amounts, credits not offset), the oldest due date."""
    from jxc.finance.models import OpenItem

    limit = as_of - dt.timedelta(days=min_days)
    rows = (
        OpenItem.objects.filter(side="receivable", is_open=True, amount__gt=0, due_date__lt=limit)
        .values("customer_id")
        .annotate(open=Sum(F("amount") - F("settled")), oldest=Min("due_date"))
        .order_by("customer_id")
    )
    return [{**r, "open": _cents(r["open"])} for r in rows]


def due_within(side: str, *, as_of, days: int = 0) -> Decimal:
    """What of the open documents of a book falls due by ``as_of`` + ``days`` (overdue
    included): 应收 / 应付 到期."""
    from jxc.finance.models import OpenItem

    total = OpenItem.objects.filter(
        side=side, is_open=True, amount__gt=0, due_date__lte=as_of + dt.timedelta(days=days)
    ).aggregate(v=Sum(F("amount") - F("settled")))["v"]
    return _cents(total)


def book_total(side: str) -> Decimal:
    """The whole book: Σ of the partners' balances (应收 / 应付 余额)."""
    from jxc.finance.models import PartyBalance

    return _cents(PartyBalance.objects.filter(side=side).aggregate(v=Sum("balance"))["v"])


def account_balances(*, as_of=None) -> list[dict]:
    """资金余额 per active account: opening balance + money received − money paid (posted
    收款单 and 付款单 up to ``as_of``)."""
    from jxc.finance.models import CustomerPayment, SupplierPayment

    def sums(model) -> dict[int, Decimal]:
        qs = model.objects.filter(status="posted")
        if as_of is not None:
            qs = qs.filter(date__lte=as_of)
        return dict(
            qs.values("account_id").annotate(v=Sum("amount")).values_list("account_id", "v")
        )

    ins, outs = sums(CustomerPayment), sums(SupplierPayment)
    return [
        {
            "id": a.pk,
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "balance": _cents(a.opening_balance + ins.get(a.pk, ZERO) - outs.get(a.pk, ZERO)),
        }
        for a in Account.objects.filter(is_active=True).order_by("code")
    ]


# The supplier side by its old names (付款单 screens and API).


def supplier_open_items(supplier_id: int):
    return open_items("payable", supplier_id)


def supplier_statement(supplier_id: int, *, date_from, date_to):
    return statement("payable", supplier_id, date_from=date_from, date_to=date_to)


def payables_aging(*, as_of, supplier_id: int | None = None) -> dict[int, dict]:
    return aging("payable", as_of=as_of, partner_id=supplier_id)
