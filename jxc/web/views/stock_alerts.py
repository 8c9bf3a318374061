"""库存预警 page: below the minimum, above the maximum, near expiry, no movement for N days —
each list with its count (the home page shows the counts too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.inventory.models import Warehouse
from jxc.inventory.selectors import warehouses_for
from jxc.reports import selectors
from jxc.web.generic.forms import set_queryset
from jxc.web.views.report_tables import Col, table, visible
from jxc.web.views.stock_reports import SKU_COLS, require, sku_row


class AlertForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), label=gettext_lazy("Warehouse"), required=False
    )
    near_expiry_days = forms.IntegerField(
        label=gettext_lazy("Expiring within (days)"), min_value=0, max_value=3650, required=False
    )
    no_movement_days = forms.IntegerField(
        label=gettext_lazy("No movement for (days)"), min_value=1, max_value=3650, required=False
    )

    def __init__(self, data, *, user, **kw):
        super().__init__(data, **kw)
        set_queryset(self, "warehouse", warehouses_for(user).order_by("code"))


# --- 库存预警 --------------------------------------------------------------------------------

ALERT_LIMIT = 200


@login_required
def stock_alerts(request):
    """库存预警: the four lists, each with its count."""
    require(request, "stock.view")
    form = AlertForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    wh = data.get("warehouse")
    expiry_days = data.get("near_expiry_days") or selectors.NEAR_EXPIRY_DAYS
    idle_days = data.get("no_movement_days") or selectors.NO_MOVEMENT_DAYS
    user = request.user
    wh_col = Col("warehouse", gettext_lazy("Warehouse"))
    on_hand = Col("on_hand", gettext_lazy("On hand"), "qty")
    today = timezone.localdate()

    def base(x) -> dict[str, Any]:
        return {**sku_row(x.sku), "warehouse": x.warehouse.name}

    sections = []
    qs = selectors.below_min(user=user, warehouse=wh)
    sections.append(
        {
            "code": "below_min",
            "title": _("Below minimum stock"),
            "count": qs.count(),
            "table": table(
                [
                    *SKU_COLS,
                    wh_col,
                    on_hand,
                    Col("min_qty", gettext_lazy("Minimum stock"), "qty"),
                    Col("shortage", gettext_lazy("Short by"), "qty"),
                ],
                [
                    {**base(x), "on_hand": x.on_hand, "min_qty": x.min_qty, "shortage": x.shortage}
                    for x in qs[:ALERT_LIMIT]
                ],
            ),
        }
    )
    qs = selectors.above_max(user=user, warehouse=wh)
    sections.append(
        {
            "code": "above_max",
            "title": _("Above maximum stock"),
            "count": qs.count(),
            "table": table(
                [
                    *SKU_COLS,
                    wh_col,
                    on_hand,
                    Col("max_qty", gettext_lazy("Maximum stock"), "qty"),
                    Col("excess", gettext_lazy("Over by"), "qty"),
                ],
                [
                    {**base(x), "on_hand": x.on_hand, "max_qty": x.max_qty, "excess": x.excess}
                    for x in qs[:ALERT_LIMIT]
                ],
            ),
        }
    )

    def lot_rows(lots, days: Col, sign: int) -> dict[str, Any]:
        return table(
            [
                *SKU_COLS,
                wh_col,
                Col("batch", gettext_lazy("Batch")),
                Col("bin", gettext_lazy("Bin")),
                Col("qty", gettext_lazy("Quantity"), "qty"),
                Col("expiry_date", gettext_lazy("Expiry date"), "date"),
                days,
            ],
            [
                {
                    **base(x),
                    "batch": batch.number,
                    "bin": x.bin.code if x.bin else "",
                    "qty": x.qty,
                    "expiry_date": batch.expiry_date,
                    "days": sign * (batch.expiry_date - today).days if batch.expiry_date else None,
                }
                for x in lots[:ALERT_LIMIT]
                if (batch := x.batch) is not None
            ],
        )

    # Expired batches are their own list, not 临期 with a negative number of days left.
    lots = selectors.expired_lots(user=user, warehouse=wh)
    sections.append(
        {
            "code": "expired",
            "title": _("Expired"),
            "count": lots.count(),
            "table": lot_rows(lots, Col("days", gettext_lazy("Days past expiry")), -1),
        }
    )
    lots = selectors.near_expiry_lots(user=user, days=expiry_days, warehouse=wh)
    sections.append(
        {
            "code": "near_expiry",
            "title": _("Expiring within %(days)d days") % {"days": expiry_days},
            "count": lots.count(),
            "table": lot_rows(lots, Col("days", gettext_lazy("Days left")), 1),
        }
    )
    idle = selectors.no_movement(user=user, days=idle_days, warehouse=wh)
    sections.append(
        {
            "code": "no_movement",
            "title": _("No movement for %(days)d days") % {"days": idle_days},
            "count": idle.count(),
            "table": table(
                visible(
                    [
                        *SKU_COLS,
                        wh_col,
                        on_hand,
                        Col("value", gettext_lazy("Stock value"), "money", cost=True),
                        Col("last_move", gettext_lazy("Last movement"), "date"),
                    ],
                    user,
                ),
                [
                    {**base(x), "on_hand": x.on_hand, "value": x.value, "last_move": x.last_move}
                    for x in idle[:ALERT_LIMIT]
                ],
            ),
        }
    )
    return render(
        request,
        "web/reports/stock_alerts.html",
        {
            "title": _("Stock alerts"),
            "form": form,
            "sections": sections,
            "limit": ALERT_LIMIT,
            "can_requisition": user.has_jxc_perm("purchase_requisition.create"),
        },
    )


urlpatterns = [path("inventory/alerts/", stock_alerts, name="stock_alerts")]
