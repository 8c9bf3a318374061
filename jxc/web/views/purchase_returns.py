"""采购退货单 screens (from its declaration: list, detail, the draft's grid, print) and 退货 on a
posted receipt (a draft of everything still returnable). URLs: /purchasing/returns/,
/purchasing/receipts/<id>/return/."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.purchasing import returns, reversals, selectors
from jxc.purchasing.filters import PurchaseReturnFilterSet
from jxc.purchasing.models import PurchaseReturn
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.line_figures import Summed, num
from jxc.web.generic.screen import Section
from jxc.web.generic.steps import Derive, opens


class PurchaseReturnScreen(DocumentScreen):
    model = PurchaseReturn
    path = "purchasing/returns"
    filterset_class = PurchaseReturnFilterSet
    create_service = returns.create_purchase_return
    update_service = returns.update_purchase_return
    transition_services = {
        **PLAIN_ACTIONS,
        "post": returns.post_purchase_return,
        "reverse": reversals.reverse_purchase_return,
    }
    grid_labels = {"source": gettext_lazy("Receipt"), "price": gettext_lazy("Price")}
    line_hint = gettext_lazy(
        "Returns are best made from a posted purchase receipt (Return on the receipt): the "
        "credit is the receipt's price. A line without a receipt needs a price and the "
        "return's reason. Posted, the goods leave stock at cost and the credit is taken off "
        "what we owe the supplier."
    )

    def get_queryset(self, request):
        return selectors.returns_for(request.user)

    def header_choices(self, user) -> dict[str, Any]:
        return {"warehouse": stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)}

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "bin", "source_line", "source_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        cols = [
            c for c in super().line_columns(obj, user) if c[0] not in (_("Unit cost"), _("Amount"))
        ]
        memo = cols.pop()
        return [
            (_("Receipt"), lambda x: x.source_label, False),
            *cols,
            (_("Price"), lambda x: num(x.price), True),
            (_("amount excl. VAT"), Summed(lambda x: x.net_amount, places=2), True),
            (_("VAT"), Summed(lambda x: x.tax_amount, places=2), True),
            (_("total incl. VAT"), Summed(lambda x: x.gross_amount, places=2), True),
            (_("stock cost"), Summed(lambda x: x.stock_cost, places=2), True),
            (_("price variance"), Summed(lambda x: x.price_variance, places=2), True),
            memo,
        ]


RETURNS = PurchaseReturnScreen()


def return_section(request, receipt, receipt_screen) -> Section | None:
    """退货 on a posted receipt with something still returnable."""
    if receipt.status != "posted" or not request.user.has_jxc_perm("purchase_return.create"):
        return None
    if not any(x.base_qty > x.returned_qty for x in receipt.lines.all()):
        return None
    return Section(
        title=gettext_lazy("Return to supplier"),
        template="web/purchasing/_partials/make_from.html",
        context={
            "url": receipt_screen.url("return", receipt.pk),
            "hint": _("A draft return of everything still returnable is made; edit it, then post."),
            "button": _("Make a purchase return"),
            "testid": "return-form",
            "reason": True,
        },
        id="return",
    )


# 退货 on a posted receipt: a draft of everything still returnable, opened for editing
FROM_RECEIPT = Derive(
    "return",
    "purchase_return.create",
    make=lambda request, receipt: returns.return_receipt(
        receipt, user=request.user, reason=request.POST.get("reason", "").strip()[:200]
    ),
    then=opens("purchase_return"),
)


urlpatterns = RETURNS.urls()
