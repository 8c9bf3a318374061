"""采购申请 screens (from its declaration: list, detail, the draft's grid, print), 生成采购申请
from the 低于安全库存 alert, and 生成采购订单 on an approved requisition (a supplier per line).
URLs: /purchasing/requisitions/ (+ from-alerts/, <id>/make-orders/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import DomainError
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.partners.models import Supplier
from jxc.purchasing import requisitions, selectors
from jxc.purchasing.filters import PurchaseRequisitionFilterSet
from jxc.purchasing.models import PurchaseRequisition
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.screen import Section
from jxc.web.generic.steps import Derive


class RequisitionScreen(DocumentScreen):
    model = PurchaseRequisition
    path = "purchasing/requisitions"
    filterset_class = PurchaseRequisitionFilterSet
    create_service = requisitions.create_requisition
    update_service = requisitions.update_requisition
    transition_services = {**PLAIN_ACTIONS, "close": requisitions.close_requisition}
    derives = (
        Derive(  # 生成采购订单: one draft order per supplier chosen for the lines
            "make-orders",
            "purchase_order.create",
            make=lambda request, req: requisitions.make_orders(
                req, user=request.user, suppliers=_chosen_suppliers(request.POST)
            ),
            then=lambda request, orders: _opens_orders(request, orders),
        ),
    )
    line_hint = gettext_lazy(
        "A requisition is typed here or made from the stock alert (below minimum: up to the "
        "maximum, less what is on order, rounded to the supplier's MOQ and pack). Approved, "
        "Make purchase orders turns its lines into one draft order per supplier."
    )

    def get_queryset(self, request):
        return selectors.requisitions_for(request.user)

    def header_choices(self, user) -> dict[str, Any]:
        return {"warehouse": stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)}

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "supplier", "order_line", "order_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        cols = list(super().line_columns(obj, user))
        memo = cols.pop()
        return [
            *cols,
            (_("supplier"), lambda x: str(x.supplier or ""), False),
            (
                _("Purchase order"),
                lambda x: x.order_line.document.number if x.order_line_id else "",
                False,
            ),
            memo,
        ]

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        open_lines = [x for x in self.lines_of(obj) if x.order_line_id is None]
        if (
            obj.status == "approved"
            and open_lines
            and request.user.has_jxc_perm("purchase_order.create")
        ):
            sections.append(
                Section(
                    title=gettext_lazy("Make purchase orders"),
                    template="web/purchasing/_partials/make_orders.html",
                    context={
                        "lines": open_lines,
                        "suppliers": Supplier.objects.filter(is_active=True).order_by("code"),
                        "url": self.url("make_orders", obj.pk),
                    },
                    id="make-orders",
                )
            )
        return sections

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        return [
            path(f"{p}/from-alerts/", from_alerts_view, {"screen": self}, name=f"{n}_from_alerts"),
            *super().urls(),
        ]


REQUISITIONS = RequisitionScreen()


@login_required
def from_alerts_view(request, *, screen: RequisitionScreen):
    """低于安全库存 → 采购申请: a draft per warehouse (or the one chosen on the alert page)."""
    if request.method != "POST" or not screen.can(request.user, "create"):
        raise PermissionDenied
    warehouse = None
    if request.POST.get("warehouse", "").isdigit():
        warehouse = get_object_or_404(
            stock_selectors.warehouses_for(request.user), pk=int(request.POST["warehouse"])
        )
    try:
        made = requisitions.requisitions_from_alerts(user=request.user, warehouse=warehouse)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:stock_alerts")
    if not made:
        messages.info(request, _("Nothing is below its minimum."))
        return redirect("web:stock_alerts")
    if len(made) == 1:
        return redirect(screen.url("detail", made[0].pk))
    messages.success(request, _("%(n)d requisitions made.") % {"n": len(made)})
    return redirect(screen.url("list"))


def _chosen_suppliers(data) -> dict[int, int]:
    """``supplier_<line id>`` = supplier id, as the 生成采购订单 form sent them."""
    return {
        int(k.removeprefix("supplier_")): int(v)
        for k, v in data.items()
        if k.startswith("supplier_") and k.removeprefix("supplier_").isdigit() and v.isdigit()
    }


def _opens_orders(request, orders) -> str:
    messages.success(
        request,
        _("Purchase orders made: %(numbers)s") % {"numbers": ", ".join(o.number for o in orders)},
    )
    return reverse("web:purchase_order_detail", args=[orders[0].pk])


urlpatterns = REQUISITIONS.urls()
