"""调拨单 screens: list, draft form, detail with what was shipped, received and still in
transit, the 调入 form (partial receipts) and 结案 (what never arrived), print.

URLs: /inventory/transfers/ (+ new/, <pk>/, <pk>/edit/, <pk>/print/, <pk>/receive/, <pk>/close/)

Data scope (``TRANSIT.must_hold`` / ``allowed``): the form sends from one of the user's
warehouses to any of ours (调入货位 among the target's bins, or left for the receiver); the
sender's steps (提交 … 过账, 结案, 红冲) are offered to a holder of the source (one step: of
both), 调入 to a holder of the target.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.choices import TransferDifference
from jxc.inventory.documents.filters import TransferFilterSet
from jxc.inventory.documents.models import Transfer
from jxc.inventory.documents.transfers import TRANSIT
from jxc.web.generic.steps import DetailStep, StepForm
from jxc.web.views.stock_documents import WarehouseDocumentScreen


def _receive(t: Transfer, user, form: StepForm) -> Transfer:
    """调入: the quantities that arrived (base unit) and the bins they went to, per line."""
    return docs.receive_transfer(
        t,
        user=user,
        quantities=form.quantities(),
        bins=form.per_line("bin_", int) or None,
        date=form.date(),
    )


RECEIVE = DetailStep(
    action="receive",
    title=gettext_lazy("Receive"),
    template="web/inventory/_partials/transfer_receive.html",
    run=_receive,
    done=gettext_lazy("Received."),
    may=lambda user, t: "receive" in TRANSIT.allowed(user, t, ["receive"]),
    context=lambda screen, t: {
        "lines": [x for x in screen.lines_of(t) if x.open_qty > 0],
        "bins": t.to_warehouse.bins.filter(is_active=True).order_by("code"),
    },
)
# 结案: what is still in transit goes back to the source or is written off
CLOSE = DetailStep(
    action="close",
    title=gettext_lazy("Close with a difference"),
    template="web/inventory/_partials/transfer_close.html",
    run=lambda t, user, form: docs.close_transfer(
        t, user=user, difference=form.data.get("difference", ""), reason=form.data.get("reason", "")
    ),
    done=gettext_lazy("Closed."),
    may=lambda user, t: "close" in TRANSIT.allowed(user, t, ["close"]),
    context=lambda screen, t: {
        "choices": TransferDifference.choices,
        "open": sum((x.open_qty for x in t.lines.all()), Decimal(0)),
    },
)


class TransferScreen(WarehouseDocumentScreen):
    model = Transfer
    steps = (RECEIVE, CLOSE)
    path = "inventory/transfers"
    filterset_class = TransferFilterSet
    create_service = docs.create_transfer
    update_service = docs.update_transfer

    line_hint = gettext_lazy(
        "Goods leave at cost and arrive at the value they left with. Without a bin or batch the "
        "stock is taken earliest expiry first."
    )
    detail_fields = [
        "number",
        "date",
        "from_warehouse",
        "to_warehouse",
        "one_step",
        "difference",
        "memo",
        "status_reason",
        "created_by",
        "posted_at",
    ]

    def __init__(self):
        super().__init__()
        self.header_form.base_fields["one_step"].help_text = gettext_lazy(
            "Out and in at once (warehouses of the same site)."
        )

    def header_choices(self, user) -> dict[str, Any]:
        # sent to any warehouse of ours; its keeper receives it (from: the user's, the default)
        return {"to_warehouse": stock_selectors.receiving_warehouses()}

    def transitions_for(self, request, obj) -> list[Any]:
        """The sending side's steps, to a holder of the source (one step: of both)."""
        steps = super().transitions_for(request, obj)
        allowed = TRANSIT.allowed(request.user, obj, [t.action for t in steps])
        return [t for t in steps if t.action in allowed]

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "unit", "bin", "to_bin").order_by("line_no", "id")


SCREENS = [TransferScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
