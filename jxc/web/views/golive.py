"""开账向导: company and costing settings → warehouses → products → customers and suppliers →
opening stock → opening receivables / payables → accounts → 开账 (locks the opening date) and
the opening balance sheet. Each step links to its screen or import and says how far it is."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Product
from jxc.core.errors import DomainError
from jxc.core.selectors import company
from jxc.finance.models import Account, PartyLedgerEntry
from jxc.imports import golive
from jxc.inventory.documents.models import StockDocument
from jxc.inventory.models import Warehouse
from jxc.partners.models import Customer, Supplier
from jxc.purchasing.models import SupplierPrice
from jxc.web.generic.line_grid import date_input


class OpenBooksForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("opening date"), widget=date_input())


def _import(kind: str) -> str:
    return reverse("web:import_upload", kwargs={"kind": kind})


def _steps() -> list[dict]:
    c = company()
    return [
        {
            "key": "company",
            "title": _("Company and costing settings"),
            "url": reverse("web:company_settings"),
            "status": f"{c.name} · {c.get_costing_method_display()}",
            "done": True,
        },
        {
            "key": "warehouses",
            "title": _("Warehouses"),
            "url": reverse("web:warehouse_list"),
            "status": Warehouse.objects.count(),
            "done": Warehouse.objects.exists(),
        },
        {
            "key": "products",
            "title": _("Products"),
            "url": _import("products"),
            "status": Product.objects.count(),
            "done": Product.objects.exists(),
        },
        {
            "key": "customers",
            "title": _("Customers"),
            "url": _import("customers"),
            "status": Customer.objects.count(),
            "done": Customer.objects.exists(),
        },
        {
            "key": "suppliers",
            "title": _("Suppliers"),
            "url": _import("suppliers"),
            "status": Supplier.objects.count(),
            "done": Supplier.objects.exists(),
        },
        {
            # 供应商价目表: the prices the old system knew, so that the first orders are priced
            "key": "supplier-prices",
            "title": _("Supplier price list"),
            "url": _import("supplier-prices"),
            "status": SupplierPrice.objects.count(),
            "done": SupplierPrice.objects.exists(),
        },
        {
            "key": "opening-stock",
            "title": _("Opening stock"),
            "url": _import("opening-stock"),
            "status": StockDocument.objects.filter(kind="opening_stock").count(),
            "done": StockDocument.objects.filter(kind="opening_stock").exists(),
        },
        {
            "key": "opening-balances",
            "title": _("Opening receivables and payables"),
            "url": _import("opening-balances"),
            "status": PartyLedgerEntry.objects.filter(kind="opening").count(),
            "done": PartyLedgerEntry.objects.filter(kind="opening").exists(),
        },
        {
            "key": "accounts",
            "title": _("Cash and bank accounts"),
            "url": _import("accounts"),
            "status": Account.objects.count(),
            "done": Account.objects.exists(),
        },
    ]


@login_required
def wizard(request):
    """开账向导 and, once open, the opening balance sheet."""
    if not request.user.has_jxc_perm("company.view"):
        raise PermissionDenied
    form = OpenBooksForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            golive.open_books(user=request.user, date=form.cleaned_data["date"])
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The books are open."))
            return redirect("web:golive")
    return render(
        request,
        "web/imports/golive.html",
        {
            "title": _("Go-live wizard"),
            "steps": _steps(),
            "company": company(),
            "form": form,
            "sheet": golive.opening_balance_sheet(),
        },
        status=422 if form.errors else 200,
    )


urlpatterns = [path("go-live/", wizard, name="golive")]
