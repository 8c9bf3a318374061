"""库存流水 → one move: its figures, source document, and the FIFO layers it consumed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from jxc.core.errors import NotFound
from jxc.core.visibility import can_view_cost
from jxc.reports.moves import move_detail
from jxc.web.generic.line_grid import in_units, units_of
from jxc.web.views.report_tables import document_url


@login_required
def stock_move_detail(request, pk: int):
    if not request.user.has_jxc_perm("stock.view"):
        raise PermissionDenied
    try:
        detail = move_detail(user=request.user, move_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    m = detail.move
    layers = [
        {
            "layer": layer,
            "url": document_url(layer.receipt_kind, layer.receipt_source_id)
            if layer.receipt_source_id
            else "",
        }
        for layer in detail.layers
    ]
    return render(
        request,
        "web/reports/stock_move.html",
        {
            "title": _("Stock move %(id)s") % {"id": m.pk},
            "m": m,
            "document_url": document_url(m.source_kind, m.source_id),
            "layers": layers,
            "in_units": in_units(m.qty, units_of([m.sku_id]).get(m.sku_id, [])),
            "show_cost": can_view_cost(request.user),
        },
    )


urlpatterns = [
    path("inventory/moves/<int:pk>/", stock_move_detail, name="stock_move_detail"),
]
