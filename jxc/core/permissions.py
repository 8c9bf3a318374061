"""Permissions are strings ``<resource>.<action>``; roles hold patterns of them.

Each app registers its resources; a role's pattern list (``"product.*"``, ``"*.view"``)
covers resources added later, so later issues only add rows. ``cost.view`` is the
view_cost permission: without it purchase prices, costs, stock value and profit are hidden.
"""

from fnmatch import fnmatchcase

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "view": _("View"),
    "create": _("Create"),
    "edit": _("Edit"),
    "submit": _("Submit"),
    "approve": _("Approve"),
    "unapprove": _("Unapprove"),
    "reject": _("Reject"),
    "post": _("Post"),
    "reverse": _("Reverse"),
    "void": _("Void"),
    "print": _("Print"),
    "export": _("Export"),
}

RESOURCES: dict[str, object] = {
    "cost": _("Costs and profit"),
    "user": _("Users and roles"),
    "company": _("Company settings"),
    "audit": _("Audit log"),
    "apitoken": _("API tokens"),
}

VIEW_COST = "cost.view"


def register_resource(code: str, label) -> None:
    RESOURCES[code] = label


def all_permissions() -> list[str]:
    return [f"{r}.{a}" for r in RESOURCES for a in ACTIONS]


def matches(patterns: list[str], perm: str) -> bool:
    return any(fnmatchcase(perm, p) for p in patterns)


# The built-in roles (DOMAIN.md §1). Patterns, so documents added later fall in place.
DEFAULT_ROLES: dict[str, tuple[object, list[str]]] = {
    "owner": (_("Owner / administrator"), ["*"]),
    "purchaser": (
        _("Purchaser"),
        [
            "cost.view",
            "supplier.*",
            "product.view",
            "product.create",
            "product.edit",
            "product.export",
            "unit.view",
            "category.view",
            "brand.view",
            "warehouse.view",
            "purchase*.*",
            "payables.view",  # 供应商对账单, 应付账龄
            "stock*.view",
            "report.view",
        ],
    ),
    "sales": (
        _("Salesperson"),
        [
            "customer.*",
            "product.view",
            "product.export",
            "unit.view",
            "category.view",
            "brand.view",
            "warehouse.view",
            "quotation.*",
            "sales*.*",  # 销售订单 … 销项发票 (sales_invoice)
            "receivables.view",  # 客户对账单, 应收账龄: chasing payment
            "stock*.view",
        ],
    ),
    "keeper": (
        _("Warehouse keeper"),
        [
            "product.view",
            "product.export",
            "unit.view",
            "category.view",
            "brand.view",
            "warehouse.*",
            "bin.*",
            "stock*.*",
            "transfer.*",
            "other*.*",
            "assembly.*",
            "loan*.*",
            "purchase_order.view",  # receives against orders; prices hidden (no cost.view)
            "purchase_receipt.*",
            "sales_order.view",  # picks and ships against orders; no prices needed
            "sales_pick.*",
            "sales_delivery.*",
            "sales_return.*",
            "customer.view",  # ships to customers: a delivery typed without an order names one
        ],
    ),
    "finance": (
        _("Finance"),
        [
            "cost.view",
            "account.*",
            "supplier.view",
            "customer.view",
            "supplier.export",
            "customer.export",
            "product.view",
            "product.export",
            "warehouse.view",
            "unit.view",
            "category.view",
            "brand.view",
            "*payment.*",
            "payables.*",
            "receivables.*",
            "purchase*.view",
            "purchase_invoice.*",  # 进项发票: finance records the supplier's invoices
            "invoice.*",
            "sales_invoice.*",  # 销项发票
            # the customer statement's deliveries and returns (jxc/sales/migrations/0009)
            "sales_delivery.view",
            "sales_return.view",
            "retail_sale.view",  # 交班日结 of every cashier
            "period.*",
            "report.*",
            "stock*.view",
            "audit.view",
        ],
    ),
    "cashier": (
        _("Cashier"),
        [
            "product.view",
            "customer.view",
            "customer.create",
            "retail*.*",
            "account.view",
            # finds a counter sale's lines to refund and reprints its 送货单
            "sales_delivery.view",
            "sales_delivery.print",
        ],
    ),
}
