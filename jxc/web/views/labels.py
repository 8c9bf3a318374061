"""打印标签 screens: labels for SKUs chosen from a search (with how many of each), and for the
lines of a document whose type prints labels (a button on its page: 采购入库单, 其他入库单,
期初库存, 调拨单, 盘点单 — ``DocumentType.labels``). The PDF comes from ``jxc.imports.labels``
(the same as the API's).

URLs: /catalog/labels/ (search ``q`` or ``product``; POST prints) and
/catalog/labels/<doc_type>/<pk>/ (GET the form; ``?print=1`` answers the PDF)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Sku
from jxc.core.errors import DomainError, NotFound, ValidationFailed
from jxc.core.errors import PermissionDenied as DomainPermissionDenied
from jxc.core.printing.labels import SIZES
from jxc.imports import labels

LISTED = 50  # SKUs listed by one search


class LabelOptionsForm(forms.Form):
    size = forms.ChoiceField(
        label=gettext_lazy("Label size"),
        choices=[(k, s.title) for k, s in SIZES.items()],
        initial="40x30",
    )
    price = forms.ChoiceField(
        label=gettext_lazy("Price shown"),
        choices=list(labels.PRICES.items()),
        initial=labels.DEFAULT_PRICE,
    )
    qr = forms.BooleanField(label=gettext_lazy("Add a QR code"), required=False)


class ReceiptLabelsForm(LabelOptionsForm):
    per = forms.ChoiceField(
        label=gettext_lazy("How many labels"), choices=list(labels.PER.items()), initial="unit"
    )


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def _skus(request):
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    product = request.GET.get("product") or request.POST.get("product") or ""
    qs = Sku.objects.filter(is_active=True).select_related("product").order_by("code")
    if product.isdigit():
        return qs.filter(product_id=int(product))[:LISTED], q, product
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(mnemonic__icontains=q)
            | Q(barcodes__code=q)
        ).distinct()
        return qs[:LISTED], q, product
    return qs.none(), q, product


@login_required
def sku_labels(request):
    """打印标签: find SKUs, type how many labels of each, choose the size and the price."""
    if not request.user.has_jxc_perm(labels.PERMISSION):
        raise PermissionDenied
    skus, q, product = _skus(request)
    form = LabelOptionsForm(request.POST or None)
    errors: list[str] = []
    typed: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        items = []
        for key, value in request.POST.items():
            if key.startswith("qty_") and key[4:].isdigit() and value.strip():
                typed[int(key[4:])] = value
                try:
                    n = int(value.strip())
                except ValueError:
                    n = -1
                if n != 0:
                    items.append((int(key[4:]), n))
        if form.is_valid():
            try:
                data = labels.sku_labels_pdf(
                    items,
                    user=request.user,
                    size=form.cleaned_data["size"],
                    price=form.cleaned_data["price"],
                    qr=form.cleaned_data["qr"],
                )
            except ValidationFailed as exc:
                errors = _messages(exc, items)
            except DomainError as exc:
                errors = [str(exc)]
            else:
                return _pdf(data, "labels")
        status = 422
    return render(
        request,
        "web/labels/sku_labels.html",
        {
            "title": _("Print labels"),
            "form": form,
            "skus": [(s, typed.get(s.pk, "")) for s in skus],
            "q": q,
            "product": product,
            "errors": errors,
        },
        status=status,
    )


def _messages(exc: ValidationFailed, items: list[tuple[int, int]]) -> list[str]:
    """The service's errors by item, said with the SKU's code."""
    if not exc.errors:
        return [str(exc)]
    codes = dict(Sku.objects.filter(pk__in=[i for i, _n in items]).values_list("pk", "code"))
    out = []
    for key, messages in exc.errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(items):
            sku_id = items[int(parts[1])][0]
            out += [f"{codes.get(sku_id, sku_id)}: {m}" for m in messages]
        else:
            out += messages
    return out


@login_required
def receipt_labels(request, doc_type: str, pk: int):
    """标签 for a document's lines: per base unit or per line; ``?print=1`` gives the PDF."""
    from jxc.web.views.report_tables import document_url

    form = ReceiptLabelsForm(request.GET if "print" in request.GET else None)
    try:
        doc = labels.label_document(doc_type, pk, user=request.user)
    except NotFound:
        raise Http404 from None
    except DomainPermissionDenied:
        raise PermissionDenied from None
    errors: list[str] = []
    if form.is_bound and form.is_valid():
        try:
            data = labels.document_labels_pdf(doc_type, pk, user=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            errors = [m for ms in (exc.errors or {}).values() for m in ms] or [str(exc)]
        except DomainError as exc:
            errors = [str(exc)]
        else:
            return _pdf(data, f"labels-{doc.number}")
    counts = labels.label_counts(doc, per="unit")
    return render(
        request,
        "web/labels/receipt_labels.html",
        {
            "title": _("Labels of %(number)s") % {"number": doc.number},
            "doc": doc,
            "back": document_url(doc_type, doc.pk),
            "form": form,
            "errors": errors,
            "lines": len(counts),
            "units": sum(n for _s, n in counts),
        },
        status=422 if errors or (form.is_bound and form.errors) else 200,
    )


urlpatterns = [
    path("catalog/labels/", sku_labels, name="labels"),
    path("catalog/labels/<str:doc_type>/<int:pk>/", receipt_labels, name="receipt_labels"),
]
