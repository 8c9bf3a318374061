"""对账单 and 账龄 for a book of the party ledger, generic over both sides: what we owe suppliers
(应付, here) and what customers owe us (应收, declared the same way by the customer side).

    PAYABLES = PartyBook(side="payable", code="payables", partner_model=Supplier,
                         resource="payables", statement_title=…, aging_title=…)
    urlpatterns = PAYABLES.urls()     # /finance/payables/statement/, /finance/payables/aging/

Each screen: a filter form, the table (each document and payment linked to its page), Excel
(Chinese headers, numbers as numbers) and PDF (the print mechanism of the documents).
Permissions: ``<resource>.view`` to read, ``<resource>.export`` for Excel and PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from jxc.core.printing.pdf import PdfUnavailable, Printable, render_pdf
from jxc.core.selectors import company
from jxc.finance import rules, selectors
from jxc.web.generic.printing import pdf_response, printed_line
from jxc.web.views.report_tables import Col, document_url, export_query, fmt, table, xlsx_response


@dataclass(frozen=True)
class PartyBook:
    side: str  # "payable" / "receivable"
    code: str  # URL part and URL names: finance/<code>/statement/, web:<code>_statement
    partner_model: Any  # Supplier / Customer
    resource: str  # permissions <resource>.view / .export
    statement_title: Any
    aging_title: Any
    partner_label: Any
    increase_label: Any  # what raises the balance (应付增加: receipts)
    decrease_label: Any  # what lowers it (付款, 退货)
    credit_label: Any  # the aging's 未核销贷项 column (预收 / 预付 and returns no document took)

    def urls(self) -> list[URLPattern]:
        return [
            path(
                f"finance/{self.code}/statement/",
                statement_view,
                {"book": self},
                name=f"{self.code}_statement",
            ),
            path(
                f"finance/{self.code}/aging/", aging_view, {"book": self}, name=f"{self.code}_aging"
            ),
        ]

    def statement_url(self, partner_id: int, date_from=None, date_to=None) -> str:
        query = f"?partner={partner_id}"
        if date_from and date_to:
            query += f"&date_from={date_from}&date_to={date_to}"
        return reverse(f"web:{self.code}_statement") + query


def _require(request, book: PartyBook, action: str) -> None:
    if not request.user.has_jxc_perm(f"{book.resource}.{action}"):
        raise PermissionDenied


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatementForm(forms.Form):
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label="",
    )
    date_from = forms.DateField(label=gettext_lazy("From"), widget=_date_input())
    date_to = forms.DateField(label=gettext_lazy("To"), widget=_date_input())

    def __init__(self, data, *, book: PartyBook, **kw):
        super().__init__(data, **kw)
        field = self.fields["partner"]
        field.queryset = book.partner_model.objects.order_by("code")  # type: ignore[attr-defined]
        field.label = book.partner_label

    def clean(self):
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            # the statement's own words: the shared msgid reads 失效/生效 (price lists)
            self.add_error("date_to", pgettext("date range", "The end is before the start."))
        return data


def _statement_cols(book: PartyBook) -> list[Col]:
    return [
        Col("date", gettext_lazy("Date"), kind="date"),
        Col("kind", gettext_lazy("Document type")),
        Col("number", gettext_lazy("Document number"), link="url"),
        Col("memo", gettext_lazy("Memo")),
        Col("due_date", gettext_lazy("Payment due date"), kind="date"),
        Col("increase", book.increase_label, kind="money"),
        Col("decrease", book.decrease_label, kind="money"),
        Col("balance", gettext_lazy("Balance"), kind="money"),
    ]


def statement_rows(book: PartyBook, found: selectors.Statement, date_from) -> list[dict]:
    """The statement as table rows: the opening balance, each entry, the closing balance."""
    rows: list[dict[str, Any]] = [
        {"date": date_from, "kind": _("Opening balance"), "balance": found.opening}
    ]
    for r in found.rows:
        rows.append(
            {
                "date": r.date,
                # the document's type; a payment's discount and 抹零 rows say which they are
                "kind": selectors.entry_label(r.entry_kind, r.kind, reversal=r.reversal),
                "number": r.number,
                "url": document_url(r.kind, r.source_id) if r.kind and r.source_id else "",
                "memo": r.memo,
                "due_date": r.due_date,
                "increase": r.increase or None,
                "decrease": r.decrease or None,
                "balance": r.balance,
            }
        )
    return rows


@login_required
def statement_view(request, *, book: PartyBook):
    """对账单: a partner's opening balance, each document and payment of the period with the
    running balance, the closing balance; Excel and PDF."""
    _require(request, book, "view")
    today = timezone.localdate()
    data = request.GET.copy() if "partner" in request.GET else None
    if data is not None:
        data.setdefault("date_from", today.replace(day=1).isoformat())
        data.setdefault("date_to", today.isoformat())
    form = StatementForm(
        data,
        book=book,
        initial={"date_from": today.replace(day=1), "date_to": today},
    )
    cols = _statement_cols(book)
    context: dict[str, Any] = {
        "title": book.statement_title,
        "form": form,
        "book": book,
        "export_query": export_query(request),
        "pdf_query": export_query(request).replace("export=xlsx", "export=pdf"),
        "can_export": request.user.has_jxc_perm(f"{book.resource}.export"),
    }
    if data is not None and form.is_valid():
        partner = form.cleaned_data["partner"]
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        found = selectors.party_statement(
            book.side, partner.pk, date_from=date_from, date_to=date_to
        )
        rows = statement_rows(book, found, date_from)
        totals = {
            "kind": _("Closing balance"),
            "date": date_to,
            "increase": found.increase,
            "decrease": found.decrease,
            "balance": found.closing,
        }
        title = f"{book.statement_title} {partner}"
        period = f"{date_from.isoformat()} ~ {date_to.isoformat()}"
        export = request.GET.get("export")
        if export in ("xlsx", "pdf"):
            _require(request, book, "export")
            if export == "xlsx":
                return xlsx_response(title, cols, rows, totals)
            return _pdf(
                request,
                title=str(book.statement_title),
                facts=[(book.partner_label, partner), (_("Period"), period)],
                cols=cols,
                rows=rows,
                totals=totals,
                filename=f"{book.code}-statement-{partner.code}-{date_to.isoformat()}.pdf",
            )
        context.update(
            partner=partner,
            period=period,
            statement=found,
            table=table(cols, rows, totals),
        )
    return TemplateResponse(request, "web/finance/party_statement.html", context)


class AgingForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), widget=_date_input(), required=False)


def _aging_cols(book: PartyBook) -> list[Col]:
    return [
        Col("code", gettext_lazy("Code")),
        Col("name", book.partner_label, link="url"),
        *(Col(b, rules.AGING_LABELS[b], kind="money") for b in rules.AGING_BUCKETS),
        Col(rules.AGING_CREDIT, book.credit_label, kind="money"),
        Col("total", gettext_lazy("Total open"), kind="money"),
    ]


def aging_rows(book: PartyBook, as_of: dt.date) -> tuple[list[dict], dict]:
    found = selectors.aging(book.side, as_of=as_of)
    partners = {
        p.pk: p for p in book.partner_model.objects.filter(pk__in=found).only("pk", "code", "name")
    }
    rows = []
    keys = (*rules.AGING_BUCKETS, rules.AGING_CREDIT, "total")
    totals: dict[str, Any] = {"code": _("Total"), **{k: Decimal(0) for k in keys}}
    for pk, a in sorted(found.items(), key=lambda kv: -kv[1]["total"]):
        partner = partners.get(pk)
        row: dict[str, Any] = {
            "code": partner.code if partner else pk,
            "name": str(partner) if partner else "",
            "url": book.statement_url(pk, as_of.replace(day=1), as_of),
            **a["buckets"],
            rules.AGING_CREDIT: a["credit"],
            "total": a["total"],
        }
        for k in keys:
            totals[k] += row[k]
        rows.append(row)
    return rows, totals


@login_required
def aging_view(request, *, book: PartyBook):
    """账龄: per partner what is open by days past the due date (未到期, 0–30, 31–60, 61–90,
    > 90), its credits netted oldest due first and what is left of them in their own column
    (selectors.aging), the biggest first; each partner links to its statement; Excel and PDF."""
    _require(request, book, "view")
    form = AgingForm(request.GET or None)
    as_of = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    cols = _aging_cols(book)
    rows, totals = aging_rows(book, as_of)
    export = request.GET.get("export")
    if export in ("xlsx", "pdf"):
        _require(request, book, "export")
        title = f"{book.aging_title} {as_of.isoformat()}"
        if export == "xlsx":
            return xlsx_response(title, cols, rows, totals)
        return _pdf(
            request,
            title=str(book.aging_title),
            facts=[(_("As of"), as_of.isoformat())],
            cols=cols,
            rows=rows,
            totals=totals,
            filename=f"{book.code}-aging-{as_of.isoformat()}.pdf",
            landscape=False,
        )
    return TemplateResponse(
        request,
        "web/finance/party_aging.html",
        {
            "title": book.aging_title,
            "form": form,
            "book": book,
            "as_of": as_of,
            "table": table(cols, rows, totals),
            "export_query": export_query(request),
            "pdf_query": export_query(request).replace("export=xlsx", "export=pdf"),
            "can_export": request.user.has_jxc_perm(f"{book.resource}.export"),
        },
    )


def _pdf(request, *, title, facts, cols, rows, totals, filename, landscape=False):
    data = Printable(
        title=title,
        company=company().name,
        facts=facts,
        headers=[str(c.label) for c in cols],
        rows=[[fmt(c, r.get(c.key)) for c in cols] for r in rows],
        totals=[fmt(c, totals.get(c.key)) for c in cols],
        printed=printed_line(),
        page_label=_("Page %(page)s of %(pages)s"),
        landscape=landscape,
    )
    try:
        content = render_pdf(data, paper="a4")
    except PdfUnavailable as exc:
        from django.contrib import messages
        from django.shortcuts import redirect

        messages.warning(request, str(exc))
        return redirect(request.path + "?" + export_query(request).replace("export=xlsx", ""))
    return pdf_response(content, filename, attachment=True)
