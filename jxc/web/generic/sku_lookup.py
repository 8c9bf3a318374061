"""What the line grid asks the server while a person types or scans (JSON, read only):

    GET /docs/grid/skus/?q=txyl&warehouse=3         the picker's matches
    GET /docs/grid/skus/?code=690…&code=…&warehouse=3   scanned codes, answered together

Each SKU comes with its variant (红 / S), its units, the unit to enter it in (a 箱 barcode's
箱, else the base unit) and its available quantity in the document's warehouse, in base units
and in mixed units (3箱5瓶). A warehouse outside the user's scope gets no quantities.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path

from jxc.catalog import selectors as catalog
from jxc.catalog.models import Sku
from jxc.catalog.rules import mixed_quantity
from jxc.inventory import selectors as stock
from jxc.web.generic.columns import plain_decimal
from jxc.web.generic.line_grid import units_of

PICKER_LIMIT = 20
CODES_LIMIT = 200  # scans answered in one request


def _warehouse(request):
    raw = request.GET.get("warehouse", "")
    if not raw.isdigit():
        return None
    return stock.warehouses_for(request.user).filter(pk=int(raw)).first()


def _described(skus: list[tuple[Sku, int | None, bool]], warehouse) -> list[dict[str, Any]]:
    """(SKU, unit id to enter it in or None for the base unit, exact) → the grid's view."""
    ids = [sku.pk for sku, _unit, _exact in skus]
    units = units_of(ids)
    available = stock.available_by_sku(sku_ids=ids, warehouse=warehouse) if warehouse else {}
    out = []
    for sku, unit_id, exact in skus:
        its_units = units.get(sku.pk, [])
        qty = available.get(sku.pk, Decimal(0)) if warehouse else None
        out.append(
            {
                "id": sku.pk,
                "code": sku.code,
                "name": sku.name,
                "variant": sku.spec,
                "label": f"{sku.code} {sku.name}",
                "base_unit": sku.product.base_unit.name,
                "tracking": sku.product.tracking,
                "unit": str(unit_id or (its_units[0]["id"] if its_units else "")),
                "units": its_units,
                "available": None if qty is None else plain_decimal(qty, grouping=False),
                "available_text": None
                if qty is None
                else mixed_quantity(qty, [(u["name"], Decimal(u["factor"])) for u in its_units]),
                "exact": exact,
            }
        )
    return out


@login_required
def grid_skus(request):
    """The picker's matches for ``q`` (an exact barcode or SKU code first), or the SKUs of
    scanned ``code`` values."""
    warehouse = _warehouse(request)
    codes = request.GET.getlist("code")[:CODES_LIMIT]
    if codes:
        found = catalog.codes_found(codes)
        hits = [
            (code, *found[code.strip()]) for code in dict.fromkeys(codes) if code.strip() in found
        ]
        described = _described([(sku, unit, True) for _code, sku, unit in hits], warehouse)
        return JsonResponse(
            {"found": {code: d for (code, *_rest), d in zip(hits, described, strict=True)}}
        )
    q = request.GET.get("q", "").strip()
    if not q:
        return JsonResponse({"q": q, "matches": []})
    exact = catalog.codes_found([q]).get(q)
    skus = list(catalog.search_skus(q)[:PICKER_LIMIT])
    rows: list[tuple[Sku, int | None, bool]] = [(s, None, False) for s in skus]
    if exact is not None:
        rows = [(exact[0], exact[1], True)] + [r for r in rows if r[0].pk != exact[0].pk]
    return JsonResponse({"q": q, "matches": _described(rows, warehouse)})


urlpatterns = [path("docs/grid/skus/", grid_skus, name="grid_skus")]
