"""销项发票 screens: the list, the detail with the documents it covers and 作废, the form —
customer, date, 发票号码, kind, 金额, 税额 — with the customer's uninvoiced deliveries and returns
to tick; and the 未开票出库单 page per customer (销售 → 未开票出库单).

URLs: /sales/invoices/ (+ new/?customer=, <id>/, documents/?customer=, uninvoiced/).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core.errors import ValidationFailed
from jxc.partners.models import Customer
from jxc.sales import invoices, selectors
from jxc.sales.filters import SalesInvoiceFilterSet
from jxc.sales.models import SalesInvoice
from jxc.web.generic import Column, Screen, ServiceForm
from jxc.web.generic.forms import set_queryset
from jxc.web.generic.printing import document_pdf, document_print, register_printer
from jxc.web.generic.screen import Section

DOC = "doc_"  # POST fields doc_delivery_<id> / doc_return_<id> = ticked


class SalesInvoiceForm(ServiceForm):
    class Meta:
        model = SalesInvoice
        fields = [
            "customer",
            "date",
            "invoice_number",
            "kind",
            "net_amount",
            "tax_amount",
            "memo",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def ticked(post) -> tuple[list[int], list[int]]:
    """The deliveries and returns ticked on the form (doc_delivery_<id>, doc_return_<id>)."""
    out: dict[str, list[int]] = {"delivery": [], "return": []}
    for key in post:
        kind, _sep, pk = key.removeprefix(DOC).rpartition("_")
        if key.startswith(DOC) and kind in out and pk.isdigit():
            out[kind].append(int(pk))
    return out["delivery"], out["return"]


class SalesInvoiceScreen(Screen):
    model = SalesInvoice
    resource = "sales_invoice"
    name = "sales_invoice"
    path = "sales/invoices"
    form_template = "web/sales/invoice_form.html"
    detail_template = "web/generic/printed_detail.html"
    print_template = "web/inventory/document_print.html"
    filterset_class = SalesInvoiceFilterSet
    form_class = SalesInvoiceForm
    create_service = invoices.record_sales_invoice
    select_related = ("customer",)
    transition_services = {"void": invoices.void_sales_invoice}
    columns = [
        Column("number", link=True),
        Column("date"),
        Column("customer"),
        Column("invoice_number"),
        Column("kind"),
        Column("net_amount"),
        Column("tax_amount"),
        Column("total_amount"),
        Column("status"),
    ]
    detail_fields = [*(c.name for c in columns), "memo", "status_reason"]

    def get_queryset(self, request):
        return selectors.invoices_for(request.user)

    def get_form(self, request, *, obj=None, data=None):
        form = super().get_form(request, obj=obj, data=data)
        set_queryset(form, "customer", Customer.objects.filter(is_active=True))
        form.initial.setdefault("date", timezone.localdate())
        customer = request.GET.get("customer", "")
        if customer.isdigit():
            form.initial.setdefault("customer", int(customer))
        form.fields["tax_amount"].required = False
        return form

    def create(self, request, form):
        data = dict(form.cleaned_data)
        data["tax_amount"] = data.get("tax_amount") or 0
        ds, rs = ticked(request.POST)
        try:
            return invoices.record_sales_invoice(
                user=request.user, deliveries=ds, returns=rs, **data
            )
        except ValidationFailed as exc:
            moved = {("__all__" if k == "documents" else k): v for k, v in exc.errors.items()}
            error = type(exc)(moved)
            raise error from exc

    def detail_sections(self, request, obj) -> list[Section]:
        rows = obj.links.select_related("delivery", "sales_return").order_by("id")
        return [
            Section(
                title=_("Documents invoiced"),
                template="web/sales/_partials/invoice_links.html",
                context={"rows": rows},
                id="invoiced",
            )
        ]

    # --- print: the documents' mechanism (jxc.web.generic.printing), A4 or 241 × 140 三联,
    # with the 大写金额 of the 价税合计 and the documents it covers as the lines

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        return [
            (_("business date"), obj.date),
            (_("customer"), obj.customer),
            (_("invoice number"), obj.invoice_number),
            (_("kind"), obj.get_kind_display()),
            (_("amount excl. VAT"), f"{obj.net_amount:,.2f}"),
            (_("VAT"), f"{obj.tax_amount:,.2f}"),
        ]

    def line_table(self, obj, user) -> dict[str, Any]:
        """The deliveries it covers (and the returns it takes off), with the amount of each."""
        links = list(obj.links.select_related("delivery", "sales_return").order_by("id"))
        rows = [[x.document.number, x.document.date, f"{x.amount:,.2f}"] for x in links]
        return {
            "headers": [_("Document"), _("business date"), _("amount")],
            "rows": rows,
            "totals": [_("Total"), "", f"{obj.total_amount:,.2f}"] if rows else [],
        }

    def print_amount(self, obj, user) -> Decimal | None:
        return obj.total_amount

    def print_signatures(self, obj) -> list[tuple[Any, Any]]:
        return [(_("Made by"), obj.created_by or ""), (_("Receiver"), "")]

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        register_printer(self)
        return [
            path(f"{p}/<int:pk>/print/", document_print, {"screen": self}, name=f"{n}_print"),
            path(f"{p}/<int:pk>/pdf/", document_pdf, {"screen": self}, name=f"{n}_pdf"),
            path(f"{p}/documents/", documents_view, {"screen": self}, name=f"{n}_documents"),
            path(f"{p}/uninvoiced/", uninvoiced_view, {"screen": self}, name=f"{n}_uninvoiced"),
            *super().urls(),
        ]


@login_required
def documents_view(request, *, screen: SalesInvoiceScreen):
    """The customer's uninvoiced documents to tick (HTMX into the form)."""
    if not screen.can(request.user, "create"):
        raise PermissionDenied
    customer = request.GET.get("customer", "")
    rows = (
        selectors.uninvoiced_documents(request.user, customer_id=int(customer))
        if customer.isdigit()
        else []
    )
    return TemplateResponse(
        request,
        "web/sales/_partials/uninvoiced_pick.html",
        {"rows": rows, "chosen": customer.isdigit()},
    )


@login_required
def uninvoiced_view(request, *, screen: SalesInvoiceScreen):
    """未开票出库单: per customer, the posted deliveries (and returns) not invoiced in full."""
    if not screen.can(request.user, "view"):
        raise PermissionDenied
    customer = request.GET.get("customer", "")
    rows = selectors.uninvoiced_documents(
        request.user, customer_id=int(customer) if customer.isdigit() else None
    )
    return TemplateResponse(
        request,
        "web/sales/uninvoiced.html",
        {
            "screen": screen,
            "groups": selectors.uninvoiced_by_customer(rows),
            "may_create": screen.can(request.user, "create"),
            "customers": Customer.objects.filter(is_active=True).order_by("code"),
            "customer": int(customer) if customer.isdigit() else None,
        },
    )


INVOICES = SalesInvoiceScreen()
urlpatterns = INVOICES.urls()
