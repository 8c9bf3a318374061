"""采购 screens: the supplier price list (master data) and 采购订单 (from its declaration, the
document platform: list with filters and export, detail with the lines and the user's buttons,
the draft's form with the line grid, print).

URLs: /purchasing/supplier-prices/, /purchasing/orders/ (+ <id>/receive/: 生成入库单),
/purchasing/receipts/.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from jxc.core import selectors as core_selectors
from jxc.core.documents import actions
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.visibility import can_view_cost
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.partners.models import Supplier
from jxc.purchasing import mail, receipts, selectors, services
from jxc.purchasing.filters import (
    PurchaseOrderFilterSet,
    PurchaseReceiptFilterSet,
    SupplierPriceFilterSet,
)
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt, SupplierPrice
from jxc.web.generic import Column, Screen, ServiceForm
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.forms import offer_active
from jxc.web.generic.line_figures import Summed, num
from jxc.web.generic.line_grid import units_of
from jxc.web.generic.printing import document_pdf_bytes
from jxc.web.generic.screen import Section
from jxc.web.generic.steps import Derive, opens
from jxc.web.views import landed_costs, purchase_invoices, purchase_returns


class SupplierPriceForm(ServiceForm):
    class Meta:
        model = SupplierPrice
        fields = [
            "supplier",
            "sku",
            "unit",
            "price",
            "includes_tax",
            "tax_rate",
            "moq",
            "pack_multiple",
            "lead_time_days",
            "valid_from",
            "valid_to",
            "memo",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_active(self, "supplier", Supplier.objects.all())


class SupplierPriceScreen(Screen):
    model = SupplierPrice
    resource = "purchase_price"
    name = "supplier_price"
    path = "purchasing/supplier-prices"
    columns = [
        Column("supplier", link=True),
        Column("sku"),
        Column("unit"),
        Column("price"),
        Column("includes_tax"),
        Column("tax_rate"),
        Column("moq"),
        Column("pack_multiple"),
        Column("lead_time_days"),
        Column("valid_from"),
        Column("valid_to"),
        Column("is_active"),
    ]
    select_related = ("supplier", "sku", "unit")
    filterset_class = SupplierPriceFilterSet
    form_class = SupplierPriceForm
    create_service = services.create_supplier_price
    update_service = services.update_supplier_price


class PurchaseOrderScreen(DocumentScreen):
    model = PurchaseOrder
    path = "purchasing/orders"
    filterset_class = PurchaseOrderFilterSet
    create_service = services.create_purchase_order
    update_service = services.update_purchase_order
    transition_services = {
        "submit": actions.submit,
        "approve": services.approve_purchase_order,
        "unapprove": services.unapprove_purchase_order,
        "reject": actions.reject,
        "void": actions.void,
        "close": services.close_purchase_order,
    }
    derives = (
        Derive(  # 生成入库单: a draft of what is still open, opened for editing
            "receive",
            "purchase_receipt.create",
            make=lambda request, order: receipts.receive_orders([order], user=request.user),
            then=opens("purchase_receipt"),
        ),
    )
    grid_labels = {"price": gettext_lazy("Price")}
    line_hint = gettext_lazy(
        "Empty prices come from the supplier's price list, else the last price paid. "
        "Approved, the quantities are on order in the warehouse."
    )

    total_in_list = True

    def header_choices(self, user) -> dict[str, Any]:
        return {"warehouse": stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)}

    def get_queryset(self, request):
        return selectors.orders_for(request.user)

    def form_initial(self, obj) -> dict[str, Any]:
        if obj is None:
            company = core_selectors.company()
            return {
                "date": timezone.localdate(),
                "prices_include_tax": company.purchase_prices_include_tax,
            }
        return super().form_initial(obj)

    def line_columns(self, obj, user):
        cols = [
            c for c in super().line_columns(obj, user) if c[0] not in (_("Unit cost"), _("Amount"))
        ]
        memo = cols.pop()
        return [
            *cols,
            (_("Price"), lambda x: num(x.price), True),
            (_("VAT rate %"), lambda x: num(x.tax_rate), False),
            (_("discount %"), lambda x: num(x.discount_rate), False),
            (_("amount excl. VAT"), Summed(lambda x: x.net_amount, places=2), True),
            (_("VAT"), Summed(lambda x: x.tax_amount, places=2), True),
            (_("total incl. VAT"), Summed(lambda x: x.gross_amount, places=2), True),
            (_("promised date"), lambda x: x.promised_date or "", False),
            (_("received"), Summed(lambda x: x.received_qty), False),
            memo,
        ]

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "unit").order_by("line_no", "id")

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        open_lines = [x for x in self.lines_of(obj) if x.open_qty > 0]
        if (
            obj.status == "approved"
            and open_lines
            and request.user.has_jxc_perm("purchase_receipt.create")
        ):
            sections.append(
                Section(
                    title=pgettext_lazy("purchase order", "Receive"),
                    template="web/purchasing/_partials/receive_order.html",
                    context={
                        "lines": open_lines,
                        "url": self.url("receive", obj.pk),
                        "scan_url": f"{RECEIPTS.url('create')}?order={obj.pk}",
                    },
                    id="receive",
                )
            )
        if obj.status in mail.SENDABLE and can_email(request.user):
            sections.append(
                Section(
                    title=gettext_lazy("Send to the supplier"),
                    template="web/purchasing/_partials/email_order.html",
                    context={"to": mail.supplier_email(obj), "url": self.url("email", obj.pk)},
                    id="email",
                )
            )
        return sections

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        return [
            path(f"{p}/<int:pk>/email/", email_view, {"screen": self}, name=f"{n}_email"),
            *super().urls(),
        ]

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        return [
            *super().header_facts(obj),
            (_("supplier"), obj.supplier),
            (_("prices include VAT"), _("Yes") if obj.prices_include_tax else _("No")),
        ]


class PurchaseReceiptScreen(DocumentScreen):
    model = PurchaseReceipt
    path = "purchasing/receipts"
    filterset_class = PurchaseReceiptFilterSet
    create_service = receipts.create_purchase_receipt
    update_service = receipts.update_purchase_receipt
    transition_services = {**PLAIN_ACTIONS, "post": receipts.post_purchase_receipt}
    derives = (
        purchase_returns.FROM_RECEIPT,
        landed_costs.FROM_RECEIPT,
        purchase_invoices.FROM_RECEIPT,
    )
    line_hint = gettext_lazy(
        "Receipts are made from an approved purchase order (Receive on the order). Quantity is "
        "what was accepted; rejected goods need a reason. Posted, the accepted goods go into "
        "stock at the order price excl. VAT and the amount becomes a payable."
    )

    total_in_list = True

    def get_queryset(self, request):
        return selectors.receipts_for(request.user)

    def new_document(self, request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """扫码收货: ``?order=<id>`` starts the receipt with the order's open lines and no
        quantities; each scan of a line's barcode adds one (lines left empty are not part of
        the receipt)."""
        initial, rows = super().new_document(request)
        order_id = request.GET.get("order", "")
        if not order_id.isdigit():
            return initial, rows
        order = get_object_or_404(
            selectors.orders_for(request.user).filter(status="approved"), pk=int(order_id)
        )
        lines = [
            x for x in order.lines.select_related("sku").order_by("line_no", "id") if x.open_qty > 0
        ]
        units = units_of(x.sku_id for x in lines)
        initial = {**initial, "supplier": order.supplier_id, "warehouse": order.warehouse_id}
        rows = [
            {
                "sku": str(x.sku_id),
                "sku_label": f"{x.sku.code} {x.sku.name}",
                "variant": x.sku.spec,
                "units": units.get(x.sku_id, []),
                "unit": str(x.unit_id),
                "source": str(x.pk),
                "source_label": f"{order.number} #{x.line_no}",
            }
            for x in lines
        ]
        return initial, rows

    def header_choices(self, user) -> dict[str, Any]:
        return {"warehouse": stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)}

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "bin", "source_line", "source_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        cols = list(super().line_columns(obj, user))
        memo = cols.pop()
        return [
            (_("Order"), lambda x: x.source_label, False),
            *cols,
            (pgettext("quantity", "Rejected"), Summed(lambda x: x.rejected_qty), False),
            (_("Reject reason"), lambda x: x.reject_reason, False),
            (_("Price"), lambda x: num(x.price), True),
            (_("amount excl. VAT"), Summed(lambda x: x.net_amount, places=2), True),
            (_("VAT"), Summed(lambda x: x.tax_amount, places=2), True),
            (_("total incl. VAT"), Summed(lambda x: x.gross_amount, places=2), True),
            memo,
        ]

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        return [*super().header_facts(obj), (_("supplier"), obj.supplier)]

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        more = [
            purchase_returns.return_section(request, obj, self),
            landed_costs.landed_cost_section(request, obj, self),
            purchase_invoices.invoice_section(request, obj, self),
        ]
        return [*sections, *(x for x in more if x is not None)]


def can_email(user) -> bool:
    """发送给供应商 needs the permission and sight of the prices (the PDF carries them)."""
    return user.has_jxc_perm("purchase_order.email") and can_view_cost(user)


@login_required
def email_view(request, pk: int, *, screen: PurchaseOrderScreen):
    """发送给供应商: the order's PDF by e-mail, recorded in its history."""
    if request.method != "POST" or not can_email(request.user):
        raise PermissionDenied
    order = get_object_or_404(screen.get_queryset(request), pk=pk)
    try:
        pdf = document_pdf_bytes(screen, order, request.user)
        mail.email_purchase_order(
            order,
            user=request.user,
            to=request.POST.get("to", ""),
            pdf=pdf,
            message=request.POST.get("message", ""),
        )
    except DomainError as exc:
        text = str(exc)
        if isinstance(exc, ValidationFailed) and exc.errors:
            text = " ".join(m for msgs in exc.errors.values() for m in msgs)
        messages.error(request, text)
    else:
        messages.success(request, _("Sent to %(to)s.") % {"to": request.POST.get("to", "")})
    return redirect(screen.url("detail", order.pk))


RECEIPTS = PurchaseReceiptScreen()
SCREENS = [SupplierPriceScreen(), PurchaseOrderScreen(), RECEIPTS]
urlpatterns = [u for s in SCREENS for u in s.urls()]


def _more() -> list[URLPattern]:
    """The other purchasing documents' screens (their own modules)."""
    from jxc.web.views import purchase_requisitions, supplier_reports

    return [
        *purchase_returns.urlpatterns,
        *landed_costs.urlpatterns,
        *purchase_requisitions.urlpatterns,
        *purchase_invoices.urlpatterns,
        *supplier_reports.urlpatterns,
    ]


urlpatterns += _more()
