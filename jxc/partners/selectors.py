"""Reads of partners."""

from django.db.models import Q, QuerySet

from jxc.partners.models import Customer, Supplier


def _search(qs, q: str):
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(mnemonic__icontains=q)
            | Q(phone__icontains=q)
        )
    return qs


def search_suppliers(q: str = "") -> QuerySet[Supplier]:
    return _search(Supplier.objects.all(), q).order_by("code")


def search_customers(q: str = "", *, user=None) -> QuerySet[Customer]:
    return _search(Customer.objects.select_related("salesperson"), q).order_by("code")
