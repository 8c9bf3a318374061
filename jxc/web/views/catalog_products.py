"""Catalog screens: the reusable SKU picker (HTMX search endpoint)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jxc.catalog import selectors

PICKER_LIMIT = 20


@login_required
def sku_search(request):
    """SKU picker: matching SKUs by code, name, 助记码 or barcode; an exact barcode comes first."""
    q = request.GET.get("q", "").strip()
    exact = selectors.sku_by_barcode(q) if q else None
    skus = list(selectors.search_skus(q)[:PICKER_LIMIT]) if q else []
    if exact is not None:
        skus = [exact] + [s for s in skus if s.pk != exact.pk]
    return render(
        request, "web/catalog/_partials/sku_results.html", {"q": q, "skus": skus, "exact": exact}
    )
