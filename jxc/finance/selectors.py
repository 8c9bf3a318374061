"""Reads of finance master data."""

from django.db.models import Q, QuerySet

from jxc.finance.models import Account


def search_accounts(q: str = "") -> QuerySet[Account]:
    qs = Account.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


# --- 往来账 reads: open items, statement, aging ------------------------------------------------


def supplier_open_items(supplier_id: int):
    """What is still open with a supplier, oldest due first: receipts we owe for (positive),
    payments not yet settled (预付, negative)."""
    from jxc.finance.models import OpenItem

    return (
        OpenItem.objects.select_related("entry")
        .filter(supplier_id=supplier_id, is_open=True)
        .order_by("due_date", "date", "entry_id")
    )


def supplier_statement(supplier_id: int, *, date_from, date_to):
    """供应商对账单 for a period: the balance before ``date_from``, each entry (document or
    payment) in the period with the running balance, the balance at the end."""
    from jxc.core.numbers import ZERO
    from jxc.finance import rules
    from jxc.finance.models import PartyLedgerEntry

    entries = PartyLedgerEntry.objects.filter(supplier_id=supplier_id)
    opening = sum(entries.filter(date__lt=date_from).values_list("amount", flat=True), ZERO)
    rows = rules.statement_rows(
        opening,
        entries.filter(date__gte=date_from, date__lte=date_to)
        .order_by("date", "id")
        .values_list("date", "source_number", "memo", "amount"),
    )
    closing = rows[-1].balance if rows else opening
    return opening, rows, closing


def payables_aging(*, as_of, supplier_id: int | None = None) -> dict[int, dict]:
    """应付账龄 on ``as_of``: per supplier the open amounts by days past the due date
    (未到期, 0–30, 31–60, 61–90, > 90) and the total."""
    from jxc.finance import rules
    from jxc.finance.models import OpenItem

    qs = OpenItem.objects.filter(side="payable", is_open=True, date__lte=as_of)
    if supplier_id is not None:
        qs = qs.filter(supplier_id=supplier_id)
    items: dict[int, list[rules.Open]] = {}
    for pk, sup, date, due, amount, settled in qs.values_list(
        "entry_id", "supplier_id", "date", "due_date", "amount", "settled"
    ):
        items.setdefault(sup, []).append(rules.Open(pk, date, due, amount - settled))
    out = {}
    for sup, opens in items.items():
        buckets = rules.aging(opens, as_of)
        out[sup] = {"buckets": buckets, "total": sum(buckets.values(), rules.ZERO)}
    return out
