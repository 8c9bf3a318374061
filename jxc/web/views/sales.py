"""销售 screens, from the declarations on the document platform: 销售报价单, 销售订单 (the form
shows 可用量 / 预计可用 per warehouse as lines are typed), 出库通知单 (scan to pick), 销售出库单
and 销售退货单 — list with filters and export, detail with the lines and the user's buttons,
the draft's form with the line grid, print.

URLs: /sales/quotations/, /sales/orders/ (+ <id>/deliver/, <id>/pick/), /sales/pick-lists/
(+ <id>/scan/, <id>/deliver/), /sales/deliveries/ (+ <id>/return/: 生成退货单), /sales/returns/.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jxc.core.documents import actions
from jxc.core.errors import DomainError
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.sales import deliveries, orders, picking, returns, selectors
from jxc.sales.filters import (
    PickListFilterSet,
    QuotationFilterSet,
    SalesDeliveryFilterSet,
    SalesOrderFilterSet,
    SalesReturnFilterSet,
)
from jxc.sales.models import (
    PickList,
    Quotation,
    SalesDelivery,
    SalesDeliveryLine,
    SalesOrder,
    SalesReturn,
)
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.line_figures import Summed, num
from jxc.web.generic.screen import Section
from jxc.web.generic.steps import Derive, opens


def _money_columns(extra_before_memo=()):
    return [
        (_("Price"), lambda x: num(x.price), False),
        (_("VAT rate %"), lambda x: num(x.tax_rate), False),
        (_("discount %"), lambda x: num(x.discount_rate), False),
        (_("amount excl. VAT"), Summed(lambda x: x.net_amount, places=2), False),
        (_("VAT"), Summed(lambda x: x.tax_amount, places=2), False),
        (_("total incl. VAT"), Summed(lambda x: x.gross_amount, places=2), False),
        *extra_before_memo,
    ]


class SalesScreen(DocumentScreen):
    """What the customer-facing sales documents share: the total in the list, the lines'
    money columns, the customer in the header facts, warehouses of ours."""

    grid_labels = {"price": gettext_lazy("Price")}
    extra_line_columns: tuple = ()

    total_in_list = True

    def header_choices(self, user) -> dict[str, Any]:
        return {"warehouse": stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)}

    def form_initial(self, obj) -> dict[str, Any]:
        if obj is None:
            return {"date": timezone.localdate(), "prices_include_tax": True}
        return super().form_initial(obj)

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "unit").order_by("line_no", "id")

    def line_columns(self, obj, user):
        cols = [
            c for c in super().line_columns(obj, user) if c[0] not in (_("Unit cost"), _("Amount"))
        ]
        memo = cols.pop()
        return [*cols, *_money_columns(self.extra_line_columns), memo]

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        return [
            *super().header_facts(obj),
            (_("customer"), obj.customer),
            (_("prices include VAT"), _("Yes") if obj.prices_include_tax else _("No")),
        ]


class QuotationScreen(SalesScreen):
    model = Quotation
    path = "sales/quotations"
    filterset_class = QuotationFilterSet
    create_service = orders.create_quotation
    update_service = orders.update_quotation
    transition_services = {
        **PLAIN_ACTIONS,
        "close": lambda doc, *, user, reason: actions.act(
            doc, action="close", user=user, reason=reason
        ),
    }
    derives = (  # 报价转订单: a draft order from the approved quotation, opened for editing
        Derive(
            "order",
            "sales_order.create",
            make=lambda request, q: orders.order_from_quotation(q, user=request.user),
            then=opens("sales_order"),
        ),
    )
    line_hint = gettext_lazy(
        "Empty prices come from the customer's price, else its price level, else the last "
        "price sold to it. Approved, the quotation can become an order."
    )

    def get_queryset(self, request):
        return selectors.quotations_for(request.user)

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        if obj.status == "approved" and request.user.has_jxc_perm("sales_order.create"):
            sections.append(
                Section(
                    title=_("Make an order"),
                    template="web/sales/_partials/make_from.html",
                    context={"url": self.url("order", obj.pk), "label": _("Make a sales order")},
                    id="make-order",
                )
            )
        return sections


class SalesOrderScreen(SalesScreen):
    model = SalesOrder
    path = "sales/orders"
    filterset_class = SalesOrderFilterSet
    create_service = orders.create_sales_order
    update_service = orders.update_sales_order
    form_template = "web/sales/order_form.html"
    transition_services = {
        **PLAIN_ACTIONS,
        "submit": orders.submit_sales_order,
        "approve": orders.approve_sales_order,
        "unapprove": orders.unapprove_sales_order,
        "close": orders.close_sales_order,
    }
    derives = (
        Derive(  # 生成出库单: a draft of what is still open
            "deliver",
            "sales_delivery.create",
            make=lambda request, o: deliveries.deliver_orders([o], user=request.user),
            then=opens("sales_delivery"),
        ),
        Derive(  # 生成出库通知单: by bin and batch, earliest expiry first
            "pick",
            "sales_pick.create",
            make=lambda request, o: picking.create_pick_list([o], user=request.user),
            then=opens("sales_pick", "detail"),
        ),
    )
    extra_line_columns = (
        (_("promised date"), lambda x: x.promised_date or "", False),
        (_("reserved"), Summed(lambda x: x.reserved_qty), False),
        (_("delivered"), Summed(lambda x: x.delivered_qty), False),
    )
    line_hint = gettext_lazy(
        "Empty prices come from the customer's price, else its price level, else the last "
        "price sold to it. Available and projected quantities are shown below as you type. "
        "Approved, the quantities are reserved."
    )

    def get_queryset(self, request):
        return selectors.orders_for(request.user)

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        facts = super().header_facts(obj)
        if obj.credit_exceeded:
            facts.append((_("over the credit limit"), _("Yes")))
        return facts

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        open_lines = [x for x in self.lines_of(obj) if x.open_qty > 0]
        if obj.status == "approved" and open_lines:
            buttons = []
            if request.user.has_jxc_perm("sales_pick.create"):
                buttons.append((self.url("pick", obj.pk), _("Make a pick list"), "btn-pick"))
            if request.user.has_jxc_perm("sales_delivery.create"):
                buttons.append(
                    (self.url("deliver", obj.pk), _("Make a sales delivery"), "btn-deliver")
                )
            if buttons:
                sections.append(
                    Section(
                        title=pgettext_lazy("sales order", "Deliver"),
                        template="web/sales/_partials/deliver_order.html",
                        context={"lines": open_lines, "buttons": buttons},
                        id="deliver",
                    )
                )
        return sections


class PickListScreen(DocumentScreen):
    model = PickList
    path = "sales/pick-lists"
    filterset_class = PickListFilterSet
    transition_services = {
        "approve": actions.approve,
        "unapprove": actions.unapprove,
        "void": actions.void,
        "complete": picking.confirm_pick_list,
    }
    derives = (
        Derive(  # 生成出库单: one per warehouse picked from
            "deliver",
            "sales_delivery.create",
            make=lambda request, p: picking.deliver_pick_list(p, user=request.user),
            then=lambda request, made: _opens_deliveries(request, made),
        ),
    )

    def get_queryset(self, request):
        return selectors.pick_lists_for(request.user)

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "unit", "bin", "source_line__document").order_by(
            "line_no", "id"
        )

    def line_columns(self, obj, user):
        cols = [
            c for c in super().line_columns(obj, user) if c[0] not in (_("Unit cost"), _("Amount"))
        ]
        memo = cols.pop()
        return [
            (
                _("Order"),
                lambda x: f"{x.source_line.document.number} #{x.source_line.line_no}",
                False,
            ),
            *cols,  # with the bin and batch of the declared line fields
            (_("Expiry date"), lambda x: x.expiry_date or "", False),
            (_("picked"), Summed(lambda x: x.picked_qty), False),
            (_("short"), Summed(lambda x: x.short_qty), False),
            memo,
        ]

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        if obj.status == "approved" and request.user.has_jxc_perm("sales_pick.complete"):
            sections.append(
                Section(
                    title=_("Scan to pick"),
                    template="web/sales/_partials/scan_pick.html",
                    context={"url": self.url("scan", obj.pk)},
                    id="scan",
                )
            )
        if (
            obj.status == "done"
            and not obj.deliveries.exists()
            and request.user.has_jxc_perm("sales_delivery.create")
        ):
            sections.append(
                Section(
                    title=pgettext_lazy("sales order", "Deliver"),
                    template="web/sales/_partials/make_from.html",
                    context={
                        "url": self.url("deliver", obj.pk),
                        "label": _("Make sales deliveries"),
                    },
                    id="deliver",
                )
            )
        return sections

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        return [
            path(f"{p}/<int:pk>/scan/", pick_scan_view, {"screen": self}, name=f"{n}_scan"),
            *super().urls(),
        ]


class SalesDeliveryScreen(SalesScreen):
    model = SalesDelivery
    path = "sales/deliveries"
    filterset_class = SalesDeliveryFilterSet
    create_service = deliveries.create_sales_delivery
    update_service = deliveries.update_sales_delivery
    transition_services = {**PLAIN_ACTIONS, "post": deliveries.post_sales_delivery}
    derives = (
        Derive(  # 生成退货单: a draft of what is still returnable, linked line by line
            "return",
            "sales_return.create",
            make=lambda request, d: returns.return_delivery(
                d, user=request.user, reason=request.POST.get("reason", "").strip()[:200]
            ),
            then=opens("sales_return"),
        ),
    )
    extra_line_columns = (
        (_("cost of goods sold"), Summed(lambda x: x.cost_amount, places=2), True),
        (_("Gross profit"), Summed(lambda x: x.gross_profit, places=2), True),
        (  # 已退货 (the loans' 已归还 is the same word in English)
            SalesDeliveryLine._meta.get_field("returned_qty").verbose_name,
            Summed(lambda x: x.returned_qty),
            False,
        ),
    )
    line_hint = gettext_lazy(
        "Deliveries are made from an approved sales order (Deliver on the order), or typed "
        "without one. Bin and batch may stay empty: posting takes the earliest expiry first. "
        "Posted, the goods leave at cost and the amount becomes a receivable."
    )

    def get_queryset(self, request):
        return selectors.deliveries_for(request.user)

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "bin", "source_line", "source_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        return [(_("Order"), lambda x: x.source_label, False), *super().line_columns(obj, user)]

    def detail_sections(self, request, obj) -> list[Section]:
        """退货 on a posted delivery: 生成退货单 while something is left to return, else
        the page says nothing is."""
        sections = super().detail_sections(request, obj)
        if obj.status == "posted" and request.user.has_jxc_perm("sales_return.create"):
            sections.append(
                Section(
                    title=pgettext_lazy("sales delivery", "Return"),
                    template="web/sales/_partials/return_delivery.html",
                    context={
                        "url": self.url("return", obj.pk),
                        "returnable": bool(returns.returnable_lines(obj)),
                    },
                    id="return",
                )
            )
        return sections

    # 送货单: the delivery's print goes with the goods to the customer — no cost or margin on
    # it (whoever prints), boxes for 送货人 / 收货人 / 日期, a QR code of the number.
    print_title = pgettext_lazy("print", "Delivery note")

    def print_line_table(self, obj, user):
        return self.line_table(obj, user, without_cost=True)

    def print_signatures(self, obj):
        return [
            (pgettext_lazy("delivery note", "Delivered by"), ""),
            (pgettext_lazy("delivery note", "Received by"), ""),
            (_("Date"), ""),
        ]

    def print_extras(self, obj):
        return {"qr": obj.number, "signature_boxes": True}


class SalesReturnScreen(SalesScreen):
    model = SalesReturn
    path = "sales/returns"
    filterset_class = SalesReturnFilterSet
    create_service = returns.create_sales_return
    update_service = returns.update_sales_return
    transition_services = {**PLAIN_ACTIONS, "post": returns.post_sales_return}
    grid_labels = {"price": gettext_lazy("Price"), "source": gettext_lazy("Delivery")}
    extra_line_columns = ((_("cost returned"), Summed(lambda x: x.cost_amount, places=2), True),)
    line_hint = gettext_lazy(
        "Returns are best made from a posted sales delivery (Make a sales return on the "
        "delivery): a line linked to a delivery line takes its price, VAT and discount and "
        "comes back at the cost it left with; unlinked, it needs a reason. Pick a bin (e.g. "
        "次品) for damaged goods. Posted, the receivable is reduced."
    )

    def get_queryset(self, request):
        return selectors.returns_for(request.user)

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "bin", "source_line", "source_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        return [(_("Delivery"), lambda x: x.source_label, False), *super().line_columns(obj, user)]


def _post_only(request, perm: str) -> None:
    if request.method != "POST" or not request.user.has_jxc_perm(perm):
        raise PermissionDenied


@login_required
def pick_scan_view(request, pk: int, *, screen: PickListScreen):
    """扫码拣货: one scan adds the barcode's unit quantity to its line."""
    _post_only(request, "sales_pick.complete")
    doc = get_object_or_404(screen.get_queryset(request), pk=pk)
    try:
        qty = Decimal(request.POST.get("qty") or "1")
    except InvalidOperation:
        qty = Decimal(0)
    try:
        if qty <= 0:
            raise DomainError(_("Enter a quantity above zero."))
        line = picking.scan_pick(
            doc,
            user=request.user,
            code=request.POST.get("code", ""),
            qty=qty,
            batch=request.POST.get("batch", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(sku)s: %(picked)s of %(qty)s picked")
            % {"sku": line.sku, "picked": num(line.picked_qty), "qty": num(line.base_qty)},
        )
    return redirect(screen.url("detail", doc.pk) + "#scan")


def _opens_deliveries(request, made) -> str:
    """A pick list delivered from more than one warehouse makes a delivery per warehouse."""
    if len(made) == 1:
        return DELIVERIES.url("edit", made[0].pk)
    messages.success(request, _("%(n)s sales deliveries made.") % {"n": len(made)})
    return DELIVERIES.url("list")


ORDERS = SalesOrderScreen()
PICKS = PickListScreen()
DELIVERIES = SalesDeliveryScreen()
SCREENS = [QuotationScreen(), ORDERS, PICKS, DELIVERIES, SalesReturnScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
