"""The left menu, defined once: modules and their screens, each behind a permission.

Partners, warehouses and accounts sit in the module that uses them (采购 / 销售 / 库存 /
财务); documents join those modules later. A later screen joins by adding one ``Item`` here.
A module with nothing the user may open is not shown. An item whose URL name is not registered
yet (a screen another issue builds) is left out instead of breaking every page; the test of
the menu lists which names may be missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    label: object
    url_name: str
    perm: str  # "<resource>.<action>"; "" = every signed-in user
    also: str = ""  # a second permission the item needs (cost.view for cost screens)


@dataclass(frozen=True)
class Module:
    code: str
    label: object
    icon: str  # a short glyph shown in the collapsed menu
    items: tuple[Item, ...]


MENU: tuple[Module, ...] = (
    Module(
        "purchasing",
        _("Purchasing"),
        "购",
        (
            Item(_("Suppliers"), "web:supplier_list", "supplier.view"),
            Item(_("Supplier price list"), "web:supplier_price_list", "purchase_price.view"),
            Item(
                _("Purchase requisitions"),
                "web:purchase_requisition_list",
                "purchase_requisition.view",
            ),
            Item(_("Purchase orders"), "web:purchase_order_list", "purchase_order.view"),
            Item(_("Purchase receipts"), "web:purchase_receipt_list", "purchase_receipt.view"),
            Item(_("Purchase returns"), "web:purchase_return_list", "purchase_return.view"),
            Item(_("Landed costs"), "web:landed_cost_list", "landed_cost.view"),
            Item(_("Supplier invoices"), "web:purchase_invoice_list", "purchase_invoice.view"),
            Item(_("Invoice mismatches"), "web:invoice_mismatches", "purchase_invoice.view"),
            Item(_("Supplier performance"), "web:supplier_performance", "supplier.view"),
        ),
    ),
    Module(
        "sales",
        _("Sales"),
        "销",
        (
            Item(_("Customers"), "web:customer_list", "customer.view"),
            Item(_("Quotations"), "web:quotation_list", "quotation.view"),
            Item(_("Sales orders"), "web:sales_order_list", "sales_order.view"),
            Item(_("Pick lists"), "web:sales_pick_list", "sales_pick.view"),
            Item(_("Sales deliveries"), "web:sales_delivery_list", "sales_delivery.view"),
            Item(_("Sales returns"), "web:sales_return_list", "sales_return.view"),
            Item(_("Sales invoices"), "web:sales_invoice_list", "sales_invoice.view"),
            Item(_("Uninvoiced deliveries"), "web:sales_invoice_uninvoiced", "sales_invoice.view"),
            Item(_("Counter"), "web:counter", "retail_sale.create"),
            Item(_("Daily summary"), "web:counter_day", "retail_sale.view"),
        ),
    ),
    Module(
        "inventory",
        _("Inventory"),
        "库",
        (
            Item(_("Warehouses"), "web:warehouse_list", "warehouse.view"),
            Item(_("Other receipts"), "web:other_receipt_list", "other_receipt.view"),
            Item(_("Other issues"), "web:other_issue_list", "other_issue.view"),
            Item(_("Transfers"), "web:transfer_list", "transfer.view"),
            Item(_("Stock counts"), "web:stock_count_list", "stock_count.view"),
            Item(_("Assembly and disassembly"), "web:assembly_list", "assembly.view"),
            Item(_("Loans out"), "web:loan_out_list", "loan_out.view"),
            Item(_("Loans in"), "web:loan_in_list", "loan_in.view"),
            Item(_("Kit definitions"), "web:kit_list", "assembly.view"),
            Item(_("Cost adjustments"), "web:cost_adjustment_list", "cost_adjustment.view"),
            Item(_("Opening stock"), "web:opening_stock_list", "opening_stock.view"),
            Item(_("Stock on hand"), "web:stock_balances", "stock.view"),
            Item(_("Stock ledger"), "web:stock_moves", "stock.view"),
            Item(_("Stock at a date"), "web:stock_at_date", "stock.view"),
            Item(_("Stock alerts"), "web:stock_alerts", "stock.view"),
            # a cost screen: only for those who see costs (a keeper has no use for it)
            Item(_("Re-costing jobs"), "web:recost_jobs", "stock.view", also="cost.view"),
        ),
    ),
    Module(
        "finance",
        _("Finance"),
        "财",
        (
            Item(_("Cash and bank accounts"), "web:account_list", "account.view"),
            Item(_("Customer receipts"), "web:customer_payment_list", "customer_payment.view"),
            Item(
                _("Receivables open items"),
                "web:customer_payment_open_items",
                "customer_payment.view",
            ),
            Item(_("Supplier payments"), "web:supplier_payment_list", "supplier_payment.view"),
            Item(_("Supplier statement"), "web:payables_statement", "payables.view"),
            Item(_("Payables aging"), "web:payables_aging", "payables.view"),
            Item(_("Customer statement"), "web:receivables_statement", "receivables.view"),
            Item(_("Receivables aging"), "web:receivables_aging", "receivables.view"),
        ),
    ),
    Module(
        "reports",
        _("Reports"),
        "报",
        (
            Item(_("Stock movement summary"), "web:movement_summary", "report.view"),
            Item(_("Period close"), "web:period_list", "period.view"),
        ),
    ),
    Module(
        "master",
        _("Master data"),
        "资",
        (
            Item(_("Products"), "web:product_list", "product.view"),
            Item(_("Print labels"), "web:labels", "product.view"),
            Item(_("Units"), "web:unit_list", "unit.view"),
            Item(_("Categories"), "web:category_list", "category.view"),
            Item(_("Brands"), "web:brand_list", "brand.view"),
        ),
    ),
    Module(
        "settings",
        _("Settings"),
        "设",
        (
            Item(_("Company settings"), "web:company_settings", "company.view"),
            Item(_("Imports"), "web:import_hub", "product.create"),
            Item(_("Go-live wizard"), "web:golive", "company.edit"),
            Item(_("Users"), "web:user_list", "user.view"),
            Item(_("Roles"), "web:role_list", "user.view"),
            Item(_("API tokens"), "web:apitoken_list", "apitoken.view"),
            Item(_("Approval rules"), "web:approval_rule_list", "approval.view"),
            Item(_("Alert rules"), "web:alert_rule_list", "approval.view"),
            Item(_("Webhooks and robots"), "web:notification_endpoint_list", "approval.view"),
            Item(_("Delivery log"), "web:deliveries", "approval.view"),
            Item(_("Audit log"), "web:auditlog_list", "audit.view"),
        ),
    ),
)

# Screens built by other issues; until their URL exists the item stays hidden.
PLANNED = frozenset({"web:product_list"})


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        if name in PLANNED:
            return None
        raise


def menu_for(user, path: str = "") -> list[dict]:
    """The modules and items this user may open, with the current one marked."""
    out: list[dict[str, Any]] = []
    best = ""
    for module in MENU:
        items = []
        for item in module.items:
            if any(p and not user.has_jxc_perm(p) for p in (item.perm, item.also)):
                continue
            url = _url(item.url_name)
            if url is None:
                continue
            items.append({"label": item.label, "url": url, "active": False})
            if path.startswith(url) and len(url) > len(best):
                best = url
        if items:
            out.append(
                {
                    "code": module.code,
                    "label": module.label,
                    "icon": module.icon,
                    "items": items,
                    "open": False,
                }
            )
    for entry in out:
        for item in entry["items"]:
            if best and item["url"] == best:
                item["active"] = entry["open"] = True
    return out
