"""Reads of partners."""

from django.db.models import ForeignKey, Model, Q, QuerySet

from jxc.partners.models import Customer, Partner, Supplier


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


def party_links(model: type[Model]) -> list[str]:
    """A document's links to a customer or supplier (客户, 供应商; a loan has both)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, ForeignKey) and issubclass(f.related_model, Partner)
    ]


def document_search(model: type[Model], value: str) -> Q | None:
    """A document list's search box: the number or memo, or the customer's / supplier's
    name, code or 助记码 (None: nothing typed)."""
    value = (value or "").strip()
    if not value:
        return None
    found = Q(number__icontains=value) | Q(memo__icontains=value)
    for link in party_links(model):
        for part in ("name", "code", "mnemonic"):
            found |= Q(**{f"{link}__{part}__icontains": value})
    return found
