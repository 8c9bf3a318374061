"""打印 for every document screen: the PDF rendered on the server (A4, or 241 × 140 mm 三联)
with the CJK font embedded and the 大写金额, and the HTML page it falls back to on a machine
without the font. One mechanism: the same header facts, line table (cost figures masked for
a user without ``cost.view``) and signatures feed both.

URLs (from ``DocumentScreen.urls``): ``<path>/<pk>/print/`` (the HTML page, with links to
the PDFs) and ``<path>/<pk>/pdf/?paper=a4|241x140``; the API asks the same printer through
``jxc.core.printing.registry`` (``GET /api/v1/documents/{type}/{id}/pdf``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.documents.header import header_model_fields
from jxc.core.printing import registry
from jxc.core.printing.fonts import cjk_font
from jxc.core.printing.money_words import amount_in_words
from jxc.core.printing.pdf import PAPERS, PdfUnavailable, Printable, render_pdf
from jxc.core.selectors import company
from jxc.core.visibility import COST, can_view_cost, field_marks

if TYPE_CHECKING:
    from jxc.web.generic.documents import DocumentScreen


class PrintedScreen(Protocol):
    """What a screen declares to print its records here (a document screen, or a 付款单 /
    收款单 screen): the facts of the header, the table of lines, the amount in words and the
    signatures; the views find the record through its queryset and permissions."""

    @property
    def model(self) -> Any: ...
    @property
    def verbose_name(self) -> Any: ...
    @property
    def print_template(self) -> str: ...

    def can(self, user, action: str) -> bool: ...
    def get_queryset(self, request) -> Any: ...
    def url(self, view: str, *args) -> str: ...
    def header_facts(self, obj) -> list[tuple[Any, Any]]: ...
    def line_table(self, obj, user) -> dict[str, Any]: ...
    def print_amount(self, obj, user) -> Decimal | None: ...
    def print_signatures(self, obj) -> list[tuple[Any, Any]]: ...


# 三联: the three copies of a continuous form, named down the right margin
COPIES = (
    gettext_lazy("Copy 1: stub"),
    gettext_lazy("Copy 2: partner"),
    gettext_lazy("Copy 3: accounts"),
)


def pdf_available() -> bool:
    """True when this machine can render the PDF print (it has a CJK TrueType font)."""
    return cjk_font() is not None


def printed_line() -> str:
    return _("Printed %(at)s") % {"at": date_format(timezone.localtime(), "Y-m-d H:i")}


def money_text(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def document_amount(screen: DocumentScreen, obj, user) -> Decimal | None:
    """The figure the 大写金额 line spells: the document's ``total_amount`` (价税合计) or
    ``amount`` (付款单), unless it is a cost figure the user may not see; else none."""
    for name in ("total_amount", "amount"):
        try:
            screen.model._meta.get_field(name)
        except Exception:
            continue
        if COST in field_marks(screen.model, name) and not can_view_cost(user):
            return None
        value = getattr(obj, name)
        return None if value is None else Decimal(value)
    return None


def print_table(screen: PrintedScreen, obj, user) -> dict[str, Any]:
    """The lines on the paper: the screen's ``print_line_table`` if it has one (a 送货单 leaves
    the cost out), else its detail's ``line_table``."""
    chosen = getattr(screen, "print_line_table", None) or screen.line_table
    return chosen(obj, user)


def printable_of(screen: PrintedScreen, obj, user) -> Printable:
    """What the paper says for this document and this reader (a screen may add a title of its
    own, ``print_title``, and more of ``Printable``, ``print_extras``: a QR code …)."""
    table = print_table(screen, obj, user)
    amount = screen.print_amount(obj, user)
    totals = ["", *table["totals"]] if table["totals"] else []
    if totals and totals[1] in ("", None):
        totals[1] = _("Total")  # in the first wide column (the # column is too narrow)
    facts: list[tuple[Any, Any]] = []
    # a header field marked as a cost figure (an invoice's or a landed cost's amount) is left
    # off the paper of a reader without cost.view
    hidden = (
        set()
        if can_view_cost(user)
        else {
            str(f.verbose_name)
            for f in header_model_fields(screen.model)
            if COST in field_marks(screen.model, f.name)
        }
    )
    for label, value in screen.header_facts(obj):
        if str(label) in hidden:
            continue
        if all(str(label) != str(seen) for seen, _v in facts):
            facts.append((label, value))
    status = obj.status_label() if hasattr(obj, "status_label") else obj.get_status_display()
    data = Printable(
        title=str(getattr(screen, "print_title", None) or screen.verbose_name),
        company=company().name,
        number=f"{_('number')}: {obj.number}",
        status=str(status),
        facts=facts,
        headers=["#", *table["headers"]],
        rows=[[i, *row] for i, row in enumerate(table["rows"], start=1)],
        totals=totals,
        amount_label=_("Amount in words") if amount is not None else "",
        amount_words=(
            f"{amount_in_words(amount)}（¥{money_text(amount)}）" if amount is not None else ""
        ),
        memo_label=_("memo"),
        memo=obj.memo,
        signatures=screen.print_signatures(obj),
        printed=printed_line(),
        page_label=_("Page %(page)s of %(pages)s"),
        copies=COPIES,
    )
    extras = getattr(screen, "print_extras", None)
    for name, value in (extras(obj) if extras else {}).items():  # a QR code, boxes to sign …
        setattr(data, name, value)
    return data


def paper_of(request) -> str:
    paper = request.GET.get("paper", "a4")
    return paper if paper in PAPERS else "a4"


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def document_pdf_bytes(screen: PrintedScreen, obj, user, paper: str = "a4") -> bytes:
    return render_pdf(printable_of(screen, obj, user), paper=paper)


def _check(screen, request) -> None:
    if not screen.can(request.user, "view"):
        raise PermissionDenied


@login_required
def document_pdf(request, pk: int, *, screen: PrintedScreen):
    """打印 (PDF): the document on A4 or 241 × 140 三联 paper; without the font on this
    machine, the HTML print instead (with a word why)."""
    _check(screen, request)
    obj = get_object_or_404(screen.get_queryset(request), pk=pk)
    try:
        content = document_pdf_bytes(screen, obj, request.user, paper_of(request))
    except PdfUnavailable as exc:
        messages.warning(request, str(exc))
        return redirect(screen.url("print", obj.pk))
    return pdf_response(content, f"{obj.number}.pdf")


@login_required
def document_print(request, pk: int, *, screen: PrintedScreen):
    """打印 (page): a clean A4 page of the document that the browser prints — the fallback of
    the PDF, from the same facts and lines."""
    _check(screen, request)
    obj = get_object_or_404(screen.get_queryset(request), pk=pk)
    data = printable_of(screen, obj, request.user)
    return TemplateResponse(
        request,
        screen.print_template,
        {
            "screen": screen,
            "obj": obj,
            "company": company(),
            "title": data.title,
            "facts": data.facts,
            "status_label": data.status,
            "table": print_table(screen, obj, request.user),
            "amount_label": data.amount_label,
            "amount_words": data.amount_words,
            "signatures": data.signatures,
            "printed_at": timezone.localtime(),
            "pdf_available": pdf_available(),
        },
    )


def register_printer(screen: PrintedScreen) -> None:
    """Let the API print this document type (it cannot import the screens)."""

    def printer(request, pk: int, paper: str) -> bytes:
        if not screen.can(request.user, "view"):
            from jxc.core.errors import PermissionDenied as Denied

            raise Denied()
        obj = get_object_or_404(screen.get_queryset(request), pk=pk)
        return document_pdf_bytes(screen, obj, request.user, paper)

    registry.register(screen.model.DOC_TYPE, printer)


def signatures_of(obj) -> list[tuple[Any, Any]]:
    """制单 / 审核 with their names, 仓管 / 经手 and 收货 / 对方 to sign by hand."""
    return [
        (_("Made by"), obj.created_by or ""),
        (_("Approved by"), getattr(obj, "approved_by", None) or ""),
        (_("Keeper"), ""),
        (_("Receiver"), ""),
    ]
