"""库存单据 screens: 其他入库, 其他出库, 成本调整, 期初库存 (and the base every warehouse
document screen shares: list, detail with lines and workflow buttons, a draft's form with the
line grid, an A4 print view).

URLs (names ``web:<name>_list`` / ``_detail`` / ``_create`` / ``_edit`` / ``_print`` /
``_transition``): /inventory/other-receipts/, /inventory/other-issues/,
/inventory/cost-adjustments/, /inventory/opening-stock/ (+ import/).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy

from jxc.inventory.documents import services as docs
from jxc.inventory.documents.choices import REASONS_FOR_KIND, OtherReason
from jxc.inventory.documents.filters import StockDocumentFilterSet
from jxc.inventory.documents.models import (
    CostAdjustment,
    OpeningStock,
    OtherIssue,
    OtherReceipt,
)
from jxc.web.generic import Column
from jxc.web.generic.document_form import sku_units
from jxc.web.generic.documents import DocumentScreen

WORKFLOW_SERVICES: dict[str, Callable[..., Any]] = {
    "submit": docs.submit_document,
    "approve": docs.approve_document,
    "unapprove": docs.unapprove_document,
    "reject": docs.reject_document,
    "void": docs.void_document,
    "post": docs.post_document,
    "reverse": docs.reverse_document,
}


class WarehouseDocumentScreen(DocumentScreen):
    """A warehouse document: its workflow steps are the warehouse documents' services."""

    transition_services = WORKFLOW_SERVICES


# --- 其他入库 / 其他出库 / 成本调整 / 期初库存 ----------------------------------------------------

STOCK_DOC_COLUMNS = [
    Column("number", link=True),
    Column("date"),
    Column("warehouse", order_by="warehouse__code"),
    Column("status", kind="tag"),
    Column("memo", order_by=False),
    Column("created_by", order_by=False),
]


class StockDocumentScreen(WarehouseDocumentScreen):
    warehouse_scope = "warehouse"
    select_related = ("warehouse", "created_by")
    filterset_class = StockDocumentFilterSet
    detail_fields = [
        "number",
        "date",
        "warehouse",
        "reason",
        "memo",
        "status_reason",
        "created_by",
        "posted_at",
    ]

    update_service = docs.update_stock_document
    at_once_service = staticmethod(docs.post_stock_document_at_once)

    @staticmethod
    def create_service(model, **fields):
        return docs.create_stock_document(kind=model.TYPE.code, **fields)

    @staticmethod
    def create_and_post_service(model, **fields):
        return docs.create_and_post_stock_document(kind=model.TYPE.code, **fields)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.kind)

    def header_choices(self, user) -> dict[str, Any]:
        # 报损 only out, 报溢 only in: the reasons that fit the direction.
        labels = dict(OtherReason.choices)
        return {"reason": [(r, labels[r]) for r in REASONS_FOR_KIND.get(self.kind, ())]}


class OtherReceiptScreen(StockDocumentScreen):
    model = OtherReceipt
    kind = "other_receipt"
    path = "inventory/other-receipts"
    columns = [*STOCK_DOC_COLUMNS[:3], Column("reason"), *STOCK_DOC_COLUMNS[3:]]
    line_hint = gettext_lazy("An empty unit cost means the current cost of the SKU.")


class OtherIssueScreen(StockDocumentScreen):
    model = OtherIssue
    kind = "other_issue"
    path = "inventory/other-issues"
    columns = [*STOCK_DOC_COLUMNS[:3], Column("reason"), *STOCK_DOC_COLUMNS[3:]]
    line_hint = gettext_lazy(
        "Without a bin or batch the stock is taken earliest expiry first. Goods leave at cost."
    )


class CostAdjustmentScreen(StockDocumentScreen):
    model = CostAdjustment
    kind = "cost_adjustment"
    path = "inventory/cost-adjustments"
    columns = STOCK_DOC_COLUMNS
    line_hint = gettext_lazy(
        "Per line either the new unit cost (base unit) or the change of the stock value."
    )


class OpeningStockScreen(StockDocumentScreen):
    model = OpeningStock
    kind = "opening_stock"
    path = "inventory/opening-stock"
    columns = STOCK_DOC_COLUMNS
    list_template = "web/inventory/opening_stock_list.html"

    def urls(self) -> list[URLPattern]:
        from jxc.web.views.stock_opening import opening_import, opening_template

        return [
            path(
                f"{self.url_path}/import/",
                opening_import,
                {"screen": self},
                name="opening_stock_import",
            ),
            path(f"{self.url_path}/template/", opening_template, name="opening_stock_template"),
            *super().urls(),
        ]


SCREENS = [OtherReceiptScreen(), OtherIssueScreen(), CostAdjustmentScreen(), OpeningStockScreen()]
urlpatterns = [
    path("inventory/docs/sku-units/<int:pk>/", sku_units, name="stock_doc_sku_units"),
    *[u for s in SCREENS for u in s.urls()],
]
