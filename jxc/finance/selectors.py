"""Reads of finance master data."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

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


def entry_label(kind: str, source_kind: str = "", *, reversal: bool = False) -> str:
    """What a party entry is, on screen: the type of its document (采购入库单, 销售退货单,
    付款单 …, jxc.core.services.DOCUMENT_TYPE_LABELS); a discount or 抹零 given with a payment
    by its kind after the payment's type (付款单（折扣）); an opening balance as such; the
    counter-entry of a 红冲 (``reversal``) says so (付款单（红冲）)."""
    from jxc.core.services import DOCUMENT_TYPE_LABELS
    from jxc.finance.choices import EntryKind

    own = str(EntryKind(kind).label) if kind in EntryKind.values else kind
    document = DOCUMENT_TYPE_LABELS.get(source_kind)
    if kind == EntryKind.OPENING or document is None:
        label = own
    elif kind in (EntryKind.DISCOUNT, EntryKind.WRITE_OFF):
        label = _("%(document)s (%(kind)s)") % {"document": document, "kind": own}
    else:
        label = str(document)
    if reversal:
        return _("%(entry)s (reversal)") % {"entry": label}
    return label


@dataclass(frozen=True)
class Statement:
    """对账单 of one partner for a period: the balance before it, each entry with the running
    balance, the balance at its end; the period's increases and decreases."""

    opening: Decimal
    rows: list
    closing: Decimal
    increase: Decimal
    decrease: Decimal


def _cents_sql(expr: str) -> str:
    """An amount as whole 分 (an integer): exact sums on both databases (SQLite keeps
    decimals as REAL and would add them as floats)."""
    return f"CAST(ROUND(({expr}) * 100) AS BIGINT)"


def _from_cents(cents) -> Decimal:
    return Decimal(int(cents or 0)).scaleb(-2)


def _as_date(value):
    """SQLite hands dates back as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def party_statement(side: str, partner_id: int, *, date_from, date_to) -> Statement:
    """对账单: the balance before ``date_from`` (one SUM in the database), each entry (document,
    payment, discount, 抹零) of the period in date order with the running balance, its source
    kind, id, due date and its own kind (``entry_kind``: a payment's discount and 抹零 rows
    carry its number too), and the balance at ``date_to``. Two statements on the partner's
    (partner, date, id) index, amounts in whole 分 (exact on both databases); no model rows."""
    from jxc.finance import rules
    from jxc.finance.models import PartyLedgerEntry

    table = connection.ops.quote_name(PartyLedgerEntry._meta.db_table)
    day, entry_col = connection.ops.quote_name("date"), connection.ops.quote_name("kind")
    partner = _PARTNER[side]
    cents = _cents_sql("amount")
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT SUM({cents}) FROM {table} WHERE {partner} = %s AND side = %s AND {day} < %s",
            [partner_id, side, date_from],
        )
        opening = _from_cents(cur.fetchone()[0])
        cur.execute(
            f"SELECT {day}, source_number, memo, {cents}, source_kind, source_id, due_date,"
            f" {entry_col}, reverses_id"
            f" FROM {table} WHERE {partner} = %s AND side = %s AND {day} >= %s AND {day} <= %s"
            f" ORDER BY {day}, id",
            [partner_id, side, date_from, date_to],
        )
        found = cur.fetchall()
    # the running balance in whole 分 (ints: exact and cheap), each figure once a Decimal
    zero = ZERO
    running = int(opening.scaleb(2))
    up = down = 0
    rows = []
    row = rules.StatementRow
    for date, number, memo, cents, kind, source_id, due, entry_kind, reverses in found:
        running += cents
        if cents > 0:
            up += cents
            increase, decrease = _from_cents(cents), zero
        else:
            down -= cents
            increase, decrease = zero, _from_cents(-cents)
        rows.append(
            row(
                date=_as_date(date),
                number=number,
                memo=memo,
                increase=increase,
                decrease=decrease,
                balance=_from_cents(running),
                kind=kind or "",
                source_id=source_id,
                due_date=_as_date(due),
                entry_kind=entry_kind,
                reversal=reverses is not None,
            )
        )
    return Statement(
        opening=opening,
        rows=rows,
        closing=rows[-1].balance if rows else opening,
        increase=_from_cents(up),
        decrease=_from_cents(down),
    )


def statement(side: str, partner_id: int, *, date_from, date_to):
    """对账单 for a period: (opening, rows, closing) — ``party_statement`` in short."""
    found = party_statement(side, partner_id, date_from=date_from, date_to=date_to)
    return found.opening, found.rows, found.closing


def aging(side: str, *, as_of, partner_id: int | None = None) -> dict[int, dict]:
    """账龄 on ``as_of``: per partner the open documents by days past the due date (未到期,
    0–30, 31–60, 61–90, > 90; an item without a due date is due on its date), its open credits
    (退货, 预收 / 预付, a discount not yet matched) netted against them the oldest due first and
    what is left of the credits (``credit``, ≤ 0: 未核销贷项), and the total (= what is open,
    the partner's balance on ``as_of``) — jxc.finance.rules.net_credits.

    What is open on ``as_of``: the items dated up to it, less the 核销 that had happened by
    then — a settlement dated later, or with an item dated later (a payment of next month
    settling this month's delivery), is given back to both its items. So the total is Σ of the
    entries dated up to ``as_of`` (the statement's balance that day), also for a past date.
    One grouped statement, the buckets as date bounds (jxc.finance.rules.aging_bucket), the
    credits as a sixth group, the later settlements as one grouped join."""
    from jxc.finance import rules
    from jxc.finance.models import OpenItem, PartyLedgerEntry, Settlement

    q = connection.ops.quote_name
    items, settlements = q(OpenItem._meta.db_table), q(Settlement._meta.db_table)
    partner = _PARTNER[side]
    day_col = q("date")
    due = f"COALESCE(o.due_date, o.{day_col})"
    day = dt.timedelta(days=1)
    # days past due d = as_of − due: not due (d < 0), 0–30, 31–60, 61–90, > 90; a credit: 5
    bounds = [as_of, as_of - 31 * day, as_of - 61 * day, as_of - 91 * day]
    bucket = (
        f"CASE WHEN o.amount < 0 THEN 5 WHEN {due} > %s THEN 0 WHEN {due} > %s THEN 1"
        f" WHEN {due} > %s THEN 2 WHEN {due} > %s THEN 3 ELSE 4 END"
    )
    # The settlements not yet made on as_of — dated later, or one of their items is — given
    # back to their items (+ to the debit, − to the credit). Read once each (CTEs): the
    # partner's entries dated later by its (partner, date) index, its settlements by their
    # partner index; the items: those open now (the partial index, ``is_open`` bare as its
    # condition: a bound TRUE would not match it) and those given back, each summed once.
    entries = q(PartyLedgerEntry._meta.db_table)
    mine = f" AND {partner} = %s" if partner_id is not None else ""
    who = [partner_id] if partner_id is not None else []
    open_then = _cents_sql("o.amount - o.settled + t.back")
    sql = (
        f"WITH later_items AS (SELECT id FROM {entries} WHERE side = %s{mine} AND {day_col} > %s),"
        f" late AS (SELECT debit_id, credit_id, amount FROM {settlements} WHERE side = %s{mine}"
        f" AND ({day_col} > %s OR debit_id IN (SELECT id FROM later_items)"
        f" OR credit_id IN (SELECT id FROM later_items))),"
        " t AS (SELECT item_id, SUM(back) AS back FROM (SELECT debit_id AS item_id, amount AS back"
        " FROM late UNION ALL SELECT credit_id, -amount FROM late UNION ALL SELECT entry_id, 0"
        f" FROM {items} WHERE side = %s{mine} AND is_open AND {day_col} <= %s) u GROUP BY item_id)"
        f" SELECT o.{partner}, {bucket}, SUM({open_then})"
        f" FROM t JOIN {items} o ON o.entry_id = t.item_id"
        f" WHERE o.{day_col} <= %s GROUP BY o.{partner}, 2"
    )
    params = [side, *who, as_of, side, *who, as_of, side, *who, as_of, *bounds, as_of]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    debits: dict[int, dict[str, Decimal]] = {}
    credits: dict[int, Decimal] = {}
    for pid, b, cents in found:
        value = _from_cents(cents)
        if int(b) == 5:
            credits[pid] = credits.get(pid, ZERO) + value
            debits.setdefault(pid, {})
        else:
            debits.setdefault(pid, {})[rules.AGING_BUCKETS[int(b)]] = value
    out: dict[int, dict] = {}
    for pid, owed in debits.items():
        credit = credits.get(pid, ZERO)
        buckets, left = rules.net_credits(owed, credit)
        out[pid] = {"buckets": buckets, "credit": left, "total": sum(owed.values(), credit)}
    return out


def overdue_receivables(*, as_of, min_days: int = 0) -> list[dict]:
    """逾期应收: per customer what of its deliveries is past the due date by more than
    ``min_days`` on ``as_of``, its open credits (returns, 预收) taken off the oldest due first
    as in the 账龄 (docs/finance.md "账龄 and credits"), and the oldest due date still open
    after them; a customer whose credits cover all is not listed. Two grouped reads: the
    overdue open amounts per (customer, due date), the open credits per customer."""
    from jxc.finance import rules
    from jxc.finance.models import OpenItem

    limit = as_of - dt.timedelta(days=min_days)
    open_items = OpenItem.objects.filter(side="receivable", is_open=True)
    rows = (
        open_items.filter(amount__gt=0, due_date__lt=limit)
        .values_list("customer_id", "due_date")
        .annotate(open=Sum(F("amount") - F("settled")))
        .order_by("customer_id", "due_date")
    )
    overdue: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for customer_id, due, amount in rows:
        overdue.setdefault(customer_id, []).append((due, _cents(amount)))
    credits = dict(
        open_items.filter(amount__lt=0, customer_id__in=list(overdue))
        .values_list("customer_id")
        .annotate(open=Sum(F("amount") - F("settled")))
        .order_by()
    )
    out = []
    for customer_id, items in overdue.items():
        amount, oldest = rules.overdue_after_credits(items, _cents(credits.get(customer_id)))
        if amount > 0:
            out.append({"customer_id": customer_id, "open": amount, "oldest": oldest})
    return out


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


def held_on(day: dt.date | None) -> Q:
    """The 付款单 / 收款单 whose money counts on ``day`` (None: now): posted, or reversed
    after that day."""
    if day is None:
        return Q(status="posted")
    return Q(status="posted") | Q(status="reversed", reversal_date__gt=day)


def account_balances(*, as_of=None) -> list[dict]:
    """资金余额 per active account: opening balance + money received − money paid (posted
    收款单 and 付款单 up to ``as_of``; a reversed one until the day of its 红冲)."""
    from jxc.finance.models import CustomerPayment, SupplierPayment

    def sums(model) -> dict[int, Decimal]:
        qs = model.objects.filter(held_on(as_of))
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
