"""Reads of finance master data."""

from django.db.models import Q, QuerySet

from jxc.finance.models import Account


def search_accounts(q: str = "") -> QuerySet[Account]:
    qs = Account.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")
