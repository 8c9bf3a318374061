"""收款单 and 付款单 screens (one class for both books): the list with filters
and export, the form — partner, account, money, discount, 抹零 — with the partner's open items
to settle by hand (left empty: the oldest due first), the detail with what was settled; a
partner's open items with 核销 later (automatic or chosen).

URLs: /finance/receipts/ and /finance/supplier-payments/ (+ new/, <id>/, open-items/?partner=,
settle/<partner>/).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from jxc.core.errors import DomainError, ValidationFailed
from jxc.finance import payments, rules, selectors, settling
from jxc.finance.filters import CustomerPaymentFilterSet, SupplierPaymentFilterSet
from jxc.finance.models import Account, CustomerPayment, SupplierPayment
from jxc.partners.models import Customer, Supplier
from jxc.web.generic import Column, Screen, ServiceForm
from jxc.web.generic.forms import set_queryset
from jxc.web.generic.printing import document_pdf, document_print, register_printer
from jxc.web.generic.screen import Section

ALLOC = "alloc_"  # POST fields alloc_<open item id> = amount settled by hand


def usable_accounts(user):
    """The active accounts this user may take money in or out of (Account.roles)."""
    qs = Account.objects.filter(is_active=True)
    if user.is_superuser:
        return qs
    roles = list(user.roles.values_list("pk", flat=True))
    return qs.filter(Q(roles__isnull=True) | Q(roles__in=roles)).distinct()


def posted_allocations(post) -> list[tuple[int, Decimal]]:
    """The amounts typed against open items (alloc_<id>), blanks and zeros left out."""
    out = []
    for key, value in post.items():
        if not key.startswith(ALLOC) or not value.strip():
            continue
        try:
            item, amount = int(key[len(ALLOC) :]), Decimal(value.strip().replace(",", ""))
        except (ValueError, InvalidOperation):
            raise ValidationFailed({"__all__": [_("Enter a number.")]}) from None
        if amount:
            out.append((item, amount))
    return out


class CustomerPaymentForm(ServiceForm):
    class Meta:
        model = CustomerPayment
        fields = ["customer", "account", "date", "amount", "discount", "write_off", "memo"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class PaymentScreen(Screen):
    """One book's 收款单 / 付款单: ``book`` names the side, the partner and the document."""

    book: payments.PaymentBook
    partner_model: Any
    form_template = "web/finance/payment_form.html"
    detail_template = "web/generic/printed_detail.html"
    signer: Any = ""  # who signs for the money on the print (收款人 / 交款人)
    form_hint: Any = ""  # above the open items on the form: this book's words (预收 / 预付)
    print_template = "web/inventory/document_print.html"
    columns = [
        Column("number", link=True),
        Column("date"),
        Column("account"),
        Column("amount"),
        Column("discount"),
        Column("write_off"),
        Column("status", kind="tag"),
        Column("memo"),
    ]
    # 红冲 (with a reason): the only step of a payment recorded and posted at once
    transition_services = {"reverse": payments.reverse_payment}

    def __init__(self):
        self.detail_fields = [  # type: ignore[misc]
            "number",
            "date",
            self.book.partner_field,
            "account",
            "amount",
            "discount",
            "write_off",
            "memo",
            "status_reason",
            Column("reversal_date", hide_empty=True),
            "created_by",
        ]
        super().__init__()
        self.select_related = (self.book.partner_field, "account")  # type: ignore[misc]

    def arrange_columns(self, columns: list[Column]) -> list[Column]:
        # the partner paid (or paying) after the number and the date
        return [*columns[:2], Column(self.book.partner_field), *columns[2:]]

    def get_form(self, request, *, obj=None, data=None):
        form = super().get_form(request, obj=obj, data=data)
        if obj is None:
            set_queryset(form, "account", usable_accounts(request.user))
            set_queryset(
                form, self.book.partner_field, self.partner_model.objects.filter(is_active=True)
            )
            form.initial.setdefault("date", timezone.localdate())
            for name in ("discount", "write_off"):
                form.fields[name].required = False
        return form

    def create(self, request, form):
        data = dict(form.cleaned_data)
        partner = data.pop(self.book.partner_field)
        for name in ("discount", "write_off"):
            data[name] = data.get(name) or Decimal(0)
        try:
            return payments.record_payment(
                self.book,
                user=request.user,
                partner=partner,
                allocations=posted_allocations(request.POST) or None,
                **data,
            )
        except ValidationFailed as exc:
            moved = {("__all__" if k == "allocations" else k): v for k, v in exc.errors.items()}
            raise ValidationFailed(moved) from exc

    def detail_sections(self, request, obj) -> list[Section]:
        settled = payments.settled_by(obj)
        prefetch_related_objects(settled, "credit__entry")  # what met each: _settled_with
        rows = [
            {
                "number": s.debit.entry.source_number,
                "kind": _entry_label(s.debit.entry),
                "document_date": s.debit.date,
                "settled_with": _settled_with(s, obj),
                "date": s.date,
                "amount": s.amount,
            }
            for s in settled
        ]
        return [
            Section(
                title=_("Settled"),
                template="web/finance/_partials/settled.html",
                context={"rows": rows, "unsettled": payments.unsettled(obj)},
                id="settled",
            )
        ]

    # --- print: the documents' mechanism (jxc.web.generic.printing), A4 or 241 × 140 三联,
    # with the 大写金额 of the amount and what was settled as the lines

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        facts: list[tuple[Any, Any]] = [
            (_("business date"), obj.date),
            (self.partner_model._meta.verbose_name, getattr(obj, self.book.partner_field)),
            (_("account"), obj.account),
            (_("amount"), f"{obj.amount:,.2f}"),
        ]
        if obj.discount:
            facts.append((_("discount"), f"{obj.discount:,.2f}"))
        if obj.write_off:
            facts.append((_("rounding off"), f"{obj.write_off:,.2f}"))
        return facts

    def line_table(self, obj, user) -> dict[str, Any]:
        """What the payment settled: one row per document, the advance left open last."""
        settled = payments.settled_by(obj)
        rows: list[list[Any]] = [
            [s.debit.entry.source_number, s.debit.date, f"{s.amount:,.2f}"] for s in settled
        ]
        left = payments.unsettled(obj)
        if left:
            rows.append([_("Advance left open"), "", f"{left:,.2f}"])
        total = sum((s.amount for s in settled), Decimal(0)) + left
        return {
            "headers": [_("Document"), _("business date"), _("amount")],
            "rows": rows,
            "totals": [_("Total"), "", f"{total:,.2f}"] if rows else [],
        }

    def print_amount(self, obj, user) -> Decimal | None:
        return obj.amount

    def print_signatures(self, obj) -> list[tuple[Any, Any]]:
        return [
            (_("Made by"), obj.created_by or ""),
            (pgettext("money", "Cashier"), ""),
            (self.signer, ""),
        ]

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        register_printer(self)
        return [
            path(f"{p}/open-items/", open_items_view, {"screen": self}, name=f"{n}_open_items"),
            path(f"{p}/settle/<int:partner>/", settle_view, {"screen": self}, name=f"{n}_settle"),
            path(f"{p}/<int:pk>/print/", document_print, {"screen": self}, name=f"{n}_print"),
            path(f"{p}/<int:pk>/pdf/", document_pdf, {"screen": self}, name=f"{n}_pdf"),
            *super().urls(),
        ]


class CustomerPaymentScreen(PaymentScreen):
    model = CustomerPayment
    resource = "customer_payment"
    name = "customer_payment"
    path = "finance/receipts"
    book = payments.RECEIVABLE
    partner_model = Customer
    signer = gettext_lazy("Paid in by")
    form_hint = gettext_lazy(
        "Type amounts against the documents to settle by hand (and against returns or earlier "
        "receipts to offset them); leave them empty to settle the oldest due first. What is not "
        "settled stays open as an advance."
    )
    filterset_class = CustomerPaymentFilterSet
    form_class = CustomerPaymentForm
    create_service = payments.record_customer_payment


class SupplierPaymentForm(ServiceForm):
    class Meta:
        model = SupplierPayment
        fields = ["supplier", "account", "date", "amount", "discount", "write_off", "memo"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SupplierPaymentScreen(PaymentScreen):
    """付款单: the same screen on the payable book (财务 → 付款单)."""

    model = SupplierPayment
    resource = "supplier_payment"
    name = "supplier_payment"
    path = "finance/supplier-payments"
    book = payments.PAYABLE
    partner_model = Supplier
    signer = gettext_lazy("Received by")
    form_hint = gettext_lazy(
        "Type amounts against the documents to settle by hand (and against returns or earlier "
        "payments to offset them); leave them empty to settle the oldest due first. What is not "
        "settled stays open as a prepayment."
    )
    filterset_class = SupplierPaymentFilterSet
    form_class = SupplierPaymentForm
    create_service = payments.record_supplier_payment


def _entry_label(entry) -> str:
    """采购入库单, 销售退货单, 付款单（折扣） …: what made a party entry."""
    return selectors.entry_label(
        entry.kind, entry.source_kind, reversal=entry.reverses_id is not None
    )


def _settled_with(settlement, payment) -> str:
    """What of a payment met a document: its money (付款单), its discount (付款单（折扣）), its
    抹零, or a return it offset by hand (采购退货单 CGTH…)."""
    entry = settlement.credit.entry
    label = _entry_label(entry)
    if (entry.source_kind, entry.source_id) != (payment.DOC_TYPE, payment.pk):
        label = f"{label} {entry.source_number}"
    return label


def _open_rows(screen: PaymentScreen, partner_id: int) -> list[dict]:
    items = list(selectors.open_items(screen.book.side, partner_id))
    ordered = rules.oldest_first(
        rules.Open(id=o.pk, date=o.date, due_date=o.due_date, open=o.open_amount) for o in items
    )
    by_id = {o.pk: o for o in items}
    return [
        {
            "id": o.id,
            "number": by_id[o.id].entry.source_number,
            "kind": _entry_label(by_id[o.id].entry),
            "date": o.date,
            "due_date": o.due_date,
            "amount": by_id[o.id].amount,
            "open": o.open,
            "credit": o.open < 0,
        }
        for o in ordered
    ]


@login_required
def open_items_view(request, *, screen: PaymentScreen):
    """The partner's open items (HTMX into the form, or a page with 核销 later)."""
    if not screen.can(request.user, "view"):
        raise PermissionDenied
    partner_id = request.GET.get("partner") or request.GET.get(screen.book.partner_field) or ""
    partner = (
        get_object_or_404(screen.partner_model.objects.all(), pk=int(partner_id))
        if partner_id.isdigit()
        else None
    )
    rows = _open_rows(screen, partner.pk) if partner else []
    context = {
        "screen": screen,
        "partner": partner,
        "rows": rows,
        "may_settle": screen.can(request.user, "create"),
        "settle_url": screen.url("settle", partner.pk) if partner else "",
        "today": timezone.localdate(),
    }
    if request.headers.get("HX-Request"):
        return TemplateResponse(request, "web/finance/_partials/open_items.html", context)
    context["partners"] = screen.partner_model.objects.filter(is_active=True).order_by("code")
    context["partner_label"] = screen.partner_model._meta.verbose_name
    return TemplateResponse(request, "web/finance/open_items.html", context)


@login_required
def settle_view(request, partner: int, *, screen: PaymentScreen):
    """核销 later: the amounts typed against documents met by those typed against credits
    (预收 / 预付, returns), in the order shown; none typed: everything, oldest first."""
    if request.method != "POST" or not screen.can(request.user, "create"):
        raise PermissionDenied
    get_object_or_404(screen.partner_model.objects.all(), pk=partner)
    back = f"{screen.url('open_items')}?partner={partner}"
    try:
        chosen = posted_allocations(request.POST)
        pairs = None
        if chosen:
            signs = {r["id"]: r["credit"] for r in _open_rows(screen, partner)}
            debits = [(i, a) for i, a in chosen if not signs.get(i, False)]
            credits = [(i, a) for i, a in chosen if signs.get(i, False)]
            if sum(a for _i, a in debits) != sum(a for _i, a in credits):
                raise ValidationFailed(
                    {"__all__": [_("What is settled against documents must equal what is used.")]}
                )
            pairs = rules.pair_settlements(debits, credits)
        done = settling.settle_open_items(
            screen.book,
            user=request.user,
            partner_id=partner,
            date=timezone.localdate(),
            pairs=pairs,
        )
    except DomainError as exc:
        messages.error(request, str(exc) if not isinstance(exc, ValidationFailed) else _flat(exc))
        return redirect(back)
    if done:
        total = sum((s.amount for s in done), Decimal(0))
        messages.success(request, _("%(total)s settled.") % {"total": f"{total:,.2f}"})
    else:
        messages.info(request, _("Nothing to settle."))
    return redirect(back)


def _flat(exc: ValidationFailed) -> str:
    return " ".join(m for msgs in exc.errors.values() for m in msgs) or str(exc)


CUSTOMER_PAYMENTS = CustomerPaymentScreen()
SUPPLIER_PAYMENTS = SupplierPaymentScreen()
SCREENS = [CUSTOMER_PAYMENTS, SUPPLIER_PAYMENTS]
urlpatterns = [u for s in SCREENS for u in s.urls()]
