"""首页: the figures a shop owner looks at first, read from the database."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from jxc.catalog import selectors as catalog
from jxc.inventory import selectors as inventory
from jxc.partners import selectors as partners


def _url_or_blank(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@login_required
def home(request):
    user = request.user
    cards = []
    if user.has_jxc_perm("product.view"):
        cards.append(
            {
                "code": "skus",
                "label": _("SKUs"),
                "value": catalog.search_skus().count(),
                "note": _("in use"),
                "url": _url_or_blank("web:product_list"),
            }
        )
    if user.has_jxc_perm("warehouse.view"):
        cards.append(
            {
                "code": "warehouses",
                "label": _("Warehouses"),
                "value": inventory.warehouses_for(user, active_only=True).count(),
                "note": _("in your scope"),
                "url": reverse("web:warehouse_list"),
            }
        )
    if user.has_jxc_perm("supplier.view"):
        cards.append(
            {
                "code": "suppliers",
                "label": _("Suppliers"),
                "value": partners.search_suppliers().filter(is_active=True).count(),
                "note": _("in use"),
                "url": reverse("web:supplier_list"),
            }
        )
    if user.has_jxc_perm("customer.view"):
        cards.append(
            {
                "code": "customers",
                "label": _("Customers"),
                "value": partners.search_customers(user=user).filter(is_active=True).count(),
                "note": _("in use"),
                "url": reverse("web:customer_list"),
            }
        )
    shortcuts = [
        {"label": label, "url": reverse(name)}
        for perm, label, name in (
            ("supplier.create", _("New supplier"), "web:supplier_create"),
            ("customer.create", _("New customer"), "web:customer_create"),
            ("warehouse.create", _("New warehouse"), "web:warehouse_create"),
            ("account.create", _("New account"), "web:account_create"),
        )
        if user.has_jxc_perm(perm)
    ]
    return render(
        request,
        "web/home.html",
        {
            "cards": cards,
            "shortcuts": shortcuts,
            "alerts": stock_alert_cards(user),
            "owner": owner_panel(user),
        },
    )


def owner_panel(user) -> dict | None:
    """老板's figures: sales (with report.view or sales_order.create), gross profit and margin
    and the cost line only with cost.view, receivables / payables and cash with the finance
    permissions; the last 30 days as a chart (ECharts, served from static)."""
    from django.utils import timezone

    from jxc.core.visibility import can_view_cost
    from jxc.reports.dashboard import owner_figures

    # The company's sales are for those who report or sell: a cashier or a keeper views
    # deliveries (to refund, reprint, ship) without seeing what the whole company sold.
    sees_sales = user.has_jxc_perm("report.view") or user.has_jxc_perm("sales_order.create")
    sees_money = user.has_jxc_perm("customer_payment.view") or user.has_jxc_perm(
        "supplier_payment.view"
    )
    if not (sees_sales or sees_money):
        return None
    figures = owner_figures(timezone.localdate())
    cost = can_view_cost(user)
    chart = {
        "days": [d["date"].strftime("%m-%d") for d in figures["last30"]],
        "sales": [str(d["sales"]) for d in figures["last30"]],
        "profit": [str(d["profit"]) for d in figures["last30"]] if cost else [],
        "labels": {"sales": _("Sales"), "profit": _("Gross profit")},
    }
    return {
        "sales": sees_sales,
        "money": sees_money,
        "cost": cost,
        "today": figures["today"],
        "month": figures["month"],
        "receivable": figures["receivable"],
        "receivable_due": figures["receivable_due"],
        "payable": figures["payable"],
        "payable_due": figures["payable_due"],
        "accounts": figures["accounts"] if user.has_jxc_perm("account.view") else [],
        "chart": chart,
        "todo": _todo_count(user),
    }


def _todo_count(user) -> int:
    from jxc.approvals.selectors import todo_count

    return todo_count(user)


def stock_alert_cards(user) -> list[dict]:
    """库存预警 counts for the home page (users who may see stock)."""
    if not user.has_jxc_perm("stock.view"):
        return []
    from jxc.reports.selectors import alert_counts

    labels = {
        "below_min": _("Below minimum stock"),
        "above_max": _("Above maximum stock"),
        "expired": _("Expired"),
        "near_expiry": _("Expiring soon"),
        "no_movement": _("No movement"),
    }
    url = reverse("web:stock_alerts")
    return [
        {"code": code, "label": labels[code], "value": n, "url": f"{url}#{code}"}
        for code, n in alert_counts(user).items()
    ]
