"""进项发票 screens (from its declaration: list, detail, the draft's grid, print), 登记发票 on a
posted receipt (a draft billing its lines), adding a receipt's (or a return's, credited) lines
to a draft by number, and the invoice's own three-way match on its page.
URLs: /purchasing/invoices/ (+ <id>/add-document/), /purchasing/receipts/<id>/invoice/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.visibility import can_view_cost
from jxc.purchasing import invoices, matching, selectors
from jxc.purchasing.filters import PurchaseInvoiceFilterSet
from jxc.purchasing.models import PurchaseInvoice
from jxc.web.generic.add_by_number import AddsByNumber, ByNumber
from jxc.web.generic.documents import PLAIN_ACTIONS, DocumentScreen
from jxc.web.generic.line_figures import Summed
from jxc.web.generic.screen import Section
from jxc.web.generic.steps import Derive, opens
from jxc.web.views.report_tables import table, visible


def _add_documents(doc, *, user, receipts, returns):
    return invoices.add_documents(doc, user=user, receipts=receipts, returns=returns)


class PurchaseInvoiceScreen(AddsByNumber, DocumentScreen):
    model = PurchaseInvoice
    path = "purchasing/invoices"
    filterset_class = PurchaseInvoiceFilterSet
    create_service = invoices.create_purchase_invoice
    update_service = invoices.update_purchase_invoice
    transition_services = {
        **PLAIN_ACTIONS,
        "submit": invoices.submit_purchase_invoice,
        "post": invoices.post_purchase_invoice,
    }
    grid_labels = {
        "source": gettext_lazy("Receipt"),
        "value": gettext_lazy("invoiced amount excl. VAT"),
    }
    line_hint = gettext_lazy(
        "An invoice is recorded from a posted purchase receipt (Record invoice on the receipt); "
        "add other receipts, or returns (credited as negative amounts), by their number on the "
        "draft's page. Quantity is the invoiced quantity in the base unit. Registered (posted), "
        "it is matched against the order and the receipts; it does not change what is owed."
    )

    adds_by_number = ByNumber(
        slug="add-document",
        title=gettext_lazy("Add a receipt or return"),
        label=gettext_lazy("Receipt or return number"),
        placeholder="CGRK… / CGTH…",
        finders=(("receipts", selectors.receipts_for), ("returns", selectors.returns_for)),
        add=_add_documents,
        not_found=gettext_lazy("No purchase receipt or return %(number)s."),
    )

    def get_queryset(self, request):
        return matching.invoices_for(request.user)

    def lines_of(self, obj):
        return obj.lines.select_related(
            "sku", "unit", "source_line__document", "return_line__document"
        ).order_by("line_no", "id")

    def line_columns(self, obj, user):
        cols = list(super().line_columns(obj, user))
        memo = cols.pop()
        cols.pop()  # the generic "value change": ours is the invoiced amount
        return [
            (_("Receipt"), lambda x: x.source_label, False),
            *cols,
            (_("invoiced amount excl. VAT"), Summed(lambda x: x.value_change, places=2), True),
            memo,
        ]

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        if obj.status == "posted":
            from jxc.web.views.supplier_reports import match_cols, match_rows

            rows = matching.invoice_match(invoice=obj.pk, mismatches_only=False)
            sections.append(
                Section(
                    title=gettext_lazy("Three-way match"),
                    template="web/purchasing/_partials/match_table.html",
                    context={
                        "table": table(visible(match_cols(), request.user), match_rows(rows)),
                        "cost": can_view_cost(request.user),
                    },
                    id="match",
                )
            )
        return sections


INVOICES = PurchaseInvoiceScreen()


def invoice_section(request, receipt, receipt_screen) -> Section | None:
    """登记发票 on a posted receipt."""
    if receipt.status != "posted" or not request.user.has_jxc_perm("purchase_invoice.create"):
        return None
    return Section(
        title=gettext_lazy("Record invoice"),
        template="web/purchasing/_partials/invoice_from.html",
        context={"url": receipt_screen.url("invoice", receipt.pk)},
        id="invoice",
    )


# 登记发票 on a posted receipt: a draft invoice of it, opened for editing
FROM_RECEIPT = Derive(
    "invoice",
    "purchase_invoice.create",
    make=lambda request, receipt: invoices.invoice_from(
        user=request.user,
        receipts=[receipt],
        invoice_number=request.POST.get("invoice_number", ""),
    ),
    then=opens("purchase_invoice"),
)


urlpatterns = INVOICES.urls()
