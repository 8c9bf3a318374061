"""门店零售 screens (in 销售): the counter — scan, quantities, payment methods with split
payments and change due, one action posts the sale — and the 交班 / 日结 summary.

URLs: /sales/counter/ (+ lookup/, sell/), /sales/counter/day/.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.idempotency import IDEMPOTENCY_KEY_MAX, run_idempotent
from jxc.finance.choices import AccountKind
from jxc.finance.models import Account
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.models import Warehouse
from jxc.retail import selectors, services
from jxc.web.views.finance_payments import usable_accounts

METHODS = (AccountKind.CASH, AccountKind.WECHAT, AccountKind.ALIPAY, AccountKind.BANK)


def _may_sell(user) -> None:
    if not user.has_jxc_perm("retail_sale.create"):
        raise PermissionDenied


def _methods(user) -> list[dict]:
    """One account per payment method: the first usable one of that kind (by code)."""
    out = []
    accounts = list(usable_accounts(user).order_by("code"))
    for kind in METHODS:
        account = next((a for a in accounts if a.kind == kind), None)
        if account is not None:
            out.append({"kind": kind, "label": str(kind.label), "account": account.pk})
    return out


@login_required
def counter_view(request):
    _may_sell(request.user)
    warehouses = stock_selectors.warehouses_for(request.user, active_only=True).exclude(
        kind=WarehouseKind.LENT
    )
    stores = [w for w in warehouses if w.kind == WarehouseKind.STORE] or list(warehouses)
    return render(
        request,
        "web/retail/counter.html",
        {"warehouses": stores, "methods": _methods(request.user), "texts": _texts()},
    )


def _texts() -> dict[str, str]:
    """What the counter's script says when no JSON answer came: the session ran out (the
    login page came back instead), an answer it cannot read, no answer at all."""
    return {
        "signIn": _("Your session has ended: sign in again (reload this page)."),
        "unreadable": _("The server's answer could not be read. Try again."),
        "offline": _("No answer from the server. Check the connection and try again."),
    }


@login_required
def lookup_view(request):
    _may_sell(request.user)
    code = (request.GET.get("code") or "").strip()
    found = selectors.scanned(code, customer=services.walk_in_customer()) if code else None
    if found is None:
        return JsonResponse(
            {"error": _("Unknown code %(code)s.") % {"code": code}, "code": "unknown_barcode"},
            status=404,
        )
    price = found["price"] or Decimal(0)
    shown = f"{price:.2f}" if price == price.quantize(Decimal("0.01")) else f"{price.normalize():f}"
    return JsonResponse({**found, "price": shown})


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationFailed({"__all__": [_("Enter a number.")]}) from None


@login_required
def sell_view(request):
    """One action: the delivery and the receipts (JSON in, JSON out; the cart stays on the
    page when refused). With an ``Idempotency-Key`` (the counter sends one per cart) a repeat
    of the same POST — a second press, a retry after a lost answer — gets the first sale's
    answer and sells nothing more (``run_idempotent``, as the API's POSTs)."""
    _may_sell(request.user)
    if request.method != "POST":
        raise PermissionDenied
    key = (request.headers.get("Idempotency-Key") or "").strip()[:IDEMPOTENCY_KEY_MAX]
    try:
        if key:
            status, answer = run_idempotent(
                user=request.user,
                key=key,
                path=request.path,
                body=request.body,
                create=lambda: (201, _sell(request)),
            )
        else:
            status, answer = 201, _sell(request)
    except DomainError as exc:
        message = (
            " ".join(m for msgs in exc.errors.values() for m in msgs)
            if isinstance(exc, ValidationFailed) and exc.errors
            else str(exc)
        )
        return JsonResponse({"error": message, "code": exc.code}, status=exc.http_status)
    except (KeyError, ValueError, TypeError, json.JSONDecodeError, Warehouse.DoesNotExist):
        return JsonResponse(
            {"error": _("Please correct the errors below."), "code": "validation_failed"},
            status=422,
        )
    return JsonResponse(answer, status=status)


def _sell(request) -> dict[str, str]:
    """The sale of the POSTed cart; its answer for the page (what a repeat gets back too)."""
    data = json.loads(request.body or b"{}")
    warehouse = stock_selectors.warehouses_for(request.user).get(pk=int(data["warehouse"]))
    accounts = {a.pk: a for a in Account.objects.filter(is_active=True)}
    paid = [
        services.Paid(accounts[int(p["account"])], _decimal(p["amount"]))
        for p in data.get("paid", [])
        if _decimal(p.get("amount")) != 0 and int(p["account"]) in accounts
    ]
    tendered = data.get("tendered")
    sale = services.record_counter_sale(
        user=request.user,
        warehouse=warehouse,
        items=[(str(x["code"]), _decimal(x["qty"])) for x in data.get("items", [])],
        paid=paid,
        tendered_cash=_decimal(tendered) if tendered not in (None, "") else None,
    )
    return {
        "number": sale.delivery.number,
        "total": f"{sale.total:.2f}",
        "change": f"{sale.change:.2f}",
    }


@login_required
def day_view(request):
    """交班 / 日结: per cashier and payment method; a cashier sees their own."""
    user = request.user
    if not (user.has_jxc_perm("retail_sale.view") or user.has_jxc_perm("customer_payment.view")):
        raise PermissionDenied
    day = parse_date(request.GET.get("date") or "") or timezone.localdate()
    own = not user.has_jxc_perm("customer_payment.view")
    rows = selectors.day_summary(day, cashier_id=user.pk if own else None)
    labels = dict(AccountKind.choices)
    for r in rows:
        r["method_label"] = labels.get(r["method"], r["method"])
    return render(
        request,
        "web/retail/day.html",
        {"day": day, "rows": rows, "totals": selectors.totals(rows)},
    )


urlpatterns = [
    path("sales/counter/", counter_view, name="counter"),
    path("sales/counter/lookup/", lookup_view, name="counter_lookup"),
    path("sales/counter/sell/", sell_view, name="counter_sell"),
    path("sales/counter/day/", day_view, name="counter_day"),
]
