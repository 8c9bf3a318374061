"""老板's home page figures, read from the books: sales and gross profit (posted deliveries
less posted returns, excl. VAT, at the cost booked), receivables and payables due, cash by
account, and the last 30 days day by day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from jxc.core.numbers import ZERO
from jxc.finance import selectors as finance
from jxc.sales.models import SalesDelivery, SalesReturn


def _by_day(model, date_from: dt.date, date_to: dt.date) -> dict[dt.date, tuple[Decimal, Decimal]]:
    rows = (
        model.objects.filter(status="posted", date__gte=date_from, date__lte=date_to)
        .values("date")
        .annotate(net=Sum("net_amount"), cost=Sum("cost_amount"))
    )
    cent = Decimal("0.01")  # SQLite sums decimals as REAL: back to the 分
    return {
        r["date"]: ((r["net"] or ZERO).quantize(cent), (r["cost"] or ZERO).quantize(cent))
        for r in rows
    }


def sales_by_day(date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Each day from ``date_from`` to ``date_to``: sales excl. VAT, cost of goods sold and
    gross profit (returns taken off at the cost they came back with)."""
    out_ = _by_day(SalesDelivery, date_from, date_to)
    back = _by_day(SalesReturn, date_from, date_to)
    days = []
    day = date_from
    while day <= date_to:
        sold, cost = out_.get(day, (ZERO, ZERO))
        r_sold, r_cost = back.get(day, (ZERO, ZERO))
        sales, cogs = sold - r_sold, cost - r_cost
        days.append({"date": day, "sales": sales, "cost": cogs, "profit": sales - cogs})
        day += dt.timedelta(days=1)
    return days


def period_figures(days: list[dict]) -> dict:
    """Sales, cost, gross profit and margin (%, None without sales) of some days."""
    sales = sum((d["sales"] for d in days), ZERO)
    cost = sum((d["cost"] for d in days), ZERO)
    profit = sales - cost
    margin = (profit * 100 / sales).quantize(Decimal("0.1")) if sales else None
    return {"sales": sales, "cost": cost, "profit": profit, "margin": margin}


def owner_figures(today: dt.date) -> dict:
    """What the home page shows: today, this month, the last 30 days, money owed and due."""
    month_start = today.replace(day=1)
    since = min(month_start, today - dt.timedelta(days=29))
    days = sales_by_day(since, today)
    by_date = defaultdict(list)
    for d in days:
        by_date[d["date"]].append(d)
    return {
        "today": period_figures([d for d in days if d["date"] == today]),
        "month": period_figures([d for d in days if d["date"] >= month_start]),
        "last30": [d for d in days if d["date"] > today - dt.timedelta(days=30)],
        "receivable": finance.book_total("receivable"),
        "receivable_due": finance.due_within("receivable", as_of=today),
        "payable": finance.book_total("payable"),
        "payable_due": finance.due_within("payable", as_of=today, days=7),
        "accounts": finance.account_balances(as_of=today),
    }
