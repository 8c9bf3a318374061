"""费用分摊单 screens (from its declaration: list, detail, the draft's grid, print), 费用分摊 on
a posted receipt (a draft spread over its lines), and adding another receipt's lines to a
draft. URLs: /purchasing/landed-costs/ (+ <id>/add-receipt/),
/purchasing/receipts/<id>/landed-cost/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.purchasing import landed_costs, reversals, selectors
from jxc.purchasing.filters import LandedCostFilterSet
from jxc.purchasing.models import LandedCost
from jxc.web.generic.add_by_number import AddsByNumber, ByNumber
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.line_figures import Summed, num
from jxc.web.generic.screen import Section
from jxc.web.generic.steps import Derive, opens


def _add_receipts(doc, *, user, receipts):
    return landed_costs.add_receipts(doc, receipts, user=user)


class LandedCostScreen(AddsByNumber, DocumentScreen):
    model = LandedCost
    path = "purchasing/landed-costs"
    filterset_class = LandedCostFilterSet
    create_service = landed_costs.create_landed_cost
    update_service = landed_costs.update_landed_cost
    transition_services = {
        **PLAIN_ACTIONS,
        "submit": landed_costs.submit_landed_cost,
        "post": landed_costs.post_landed_cost,
        "reverse": reversals.reverse_landed_cost,
    }
    grid_labels = {"source": gettext_lazy("Receipt")}
    line_hint = gettext_lazy(
        "A landed cost is made from a posted purchase receipt (Landed cost on the receipt); "
        "add other receipts by their number on the draft's page. The amount excl. VAT is spread "
        "over the lines by value, quantity or weight and raises their cost; goods already "
        "issued are re-costed. The amount with VAT is owed to the charge's supplier."
    )

    adds_by_number = ByNumber(
        slug="add-receipt",
        title=gettext_lazy("Add a receipt"),
        label=gettext_lazy("Receipt number"),
        placeholder="CGRK…",
        finders=(("receipts", selectors.receipts_for),),
        add=_add_receipts,
        not_found=gettext_lazy("No purchase receipt %(number)s."),
    )

    def get_queryset(self, request):
        return selectors.landed_costs_for(request.user)

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "source_line", "source_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        cols = list(super().line_columns(obj, user))
        memo = cols.pop()
        return [
            (_("Receipt"), lambda x: x.source_label, False),
            *cols,
            (_("weight (kg)"), lambda x: num(x.sku.weight), False),
            (_("allocated"), Summed(lambda x: x.share, places=2), True),
            memo,
        ]


LANDED = LandedCostScreen()


def landed_cost_section(request, receipt, receipt_screen) -> Section | None:
    """费用分摊 on a posted receipt."""
    if receipt.status != "posted" or not request.user.has_jxc_perm("landed_cost.create"):
        return None
    return Section(
        title=gettext_lazy("Landed cost"),
        template="web/purchasing/_partials/make_from.html",
        context={
            "url": receipt_screen.url("landed_cost", receipt.pk),
            "hint": _(
                "A draft landed cost spread over this receipt's lines is made; enter the "
                "charge's supplier, amount and allocation, then post."
            ),
            "button": _("Make a landed cost"),
            "testid": "landed-cost-form",
        },
        id="landed-cost",
    )


# 费用分摊 on a posted receipt: a draft spread over its lines, opened for editing
FROM_RECEIPT = Derive(
    "landed-cost",
    "landed_cost.create",
    make=lambda request, receipt: landed_costs.allocate_to_receipts([receipt], user=request.user),
    then=opens("landed_cost"),
)


urlpatterns = LANDED.urls()
