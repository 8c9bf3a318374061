"""进项发票 writes: a draft naming the receipt lines of one supplier it bills (made from posted
receipts, and from returns as negative lines: 红字), its header checked (an active supplier,
the supplier's invoice number once), and registering it (过账). The invoice is a record: it
writes nothing to the stock ledger or the party ledger — the receipt made the payable
(docs/purchasing.md "进项发票"). Its lines feed the three-way match (``matching``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog.selectors import sku_facts
from jxc.core.choices import DocumentStatus
from jxc.core.documents import actions
from jxc.core.documents.actions import act, raise_if, write_fields
from jxc.core.documents.lines import LineInput
from jxc.core.documents.services import create_document, update_document
from jxc.core.fields import size_error
from jxc.core.numbers import MONEY_PLACES
from jxc.partners.models import Supplier
from jxc.purchasing.errors import DuplicateInvoiceNumber, InvoiceTotalDiffers
from jxc.purchasing.models import (
    PurchaseInvoice,
    PurchaseInvoiceLine,
    PurchaseReceipt,
    PurchaseReceiptLine,
    PurchaseReturn,
    PurchaseReturnLine,
)

ZERO = Decimal(0)
HEADER = ("supplier", "invoice_number", "amount", "tax_amount")


def _duplicate(header: Mapping[str, Any], *, pk: int | None) -> bool:
    supplier, number = header.get("supplier"), (header.get("invoice_number") or "").strip()
    return bool(
        supplier is not None
        and number
        and PurchaseInvoice.objects.filter(supplier=supplier, invoice_number=number)
        .exclude(status=DocumentStatus.VOID)
        .exclude(pk=pk or 0)
        .exists()
    )


def _header_errors(header: Mapping[str, Any], *, pk: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    supplier = header.get("supplier")
    # read again: the instance may come cached from a receipt loaded before it was deactivated
    if (
        supplier is not None
        and not Supplier.objects.filter(pk=supplier.pk, is_active=True).exists()
    ):
        errors["supplier"] = [_("The supplier is inactive.")]
    number = (header.get("invoice_number") or "").strip()
    if not number:
        errors["invoice_number"] = [_("Enter the invoice number.")]
    elif len(number) > 40:
        errors["invoice_number"] = [_("At most 40 characters.")]
    elif _duplicate(header, pk=pk):
        errors["invoice_number"] = [
            _("Invoice %(number)s of %(supplier)s is already recorded.")
            % {"number": number, "supplier": supplier}
        ]
    for name in ("amount", "tax_amount"):
        if (problem := size_error(header.get(name) or ZERO, MONEY_PLACES)) is not None:
            errors[name] = [problem]
    return errors


def _raise_header(errors: dict[str, list[str]], header: Mapping[str, Any], pk) -> None:
    """A number already recorded has its own code (the other problems come along)."""
    if errors and _duplicate(header, pk=pk):
        raise DuplicateInvoiceNumber(errors)


def _number_kept(write, header: Mapping[str, Any]):
    """``write()``, with the number taken by another user between our check and our write
    (both found it free) refused like one taken before: the partial unique constraint
    ``purchase_invoice_number_unique`` answers on the database, never a server error."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as exc:
        text = str(exc)
        if "purchase_invoice_number_unique" not in text and "invoice_number" not in text:
            raise
        raise DuplicateInvoiceNumber(
            {
                "invoice_number": [
                    _("Invoice %(number)s of %(supplier)s is already recorded.")
                    % {"number": header.get("invoice_number"), "supplier": header.get("supplier")}
                ]
            }
        ) from exc


Credits = Sequence[int | None]  # per line: the unlinked return line it credits, else None


def _credit_error(x: LineInput, r: PurchaseReturnLine | None, supplier_id: int | None):
    """What is wrong with a line crediting the unlinked return line ``r``, or None."""
    if r is None or r.source_line_id is not None or r.document.status == DocumentStatus.VOID:
        return "source_line", _("Select a line of a purchase receipt.")
    if supplier_id is not None and r.document.supplier_id != supplier_id:
        return "source_line", _("%(number)s is a return to another supplier.") % {
            "number": r.document.number
        }
    if x.value_change is None or x.value_change >= 0:
        return "value_change", _("A return is credited: enter a negative amount.")
    return None


def _checked(
    lines: Sequence[LineInput], supplier_id: int | None, credits: Credits = ()
) -> tuple[list[LineInput], dict[str, list[str]]]:
    """Each line names a receipt line of the supplier (the receipt not voided) and an amount
    other than zero; a receipt line is billed once and credited once per invoice. The line
    takes the receipt line's SKU in the base unit. A line of ``credits`` credits an unlinked
    return line of the supplier instead (a negative amount; its SKU)."""
    found = {
        x.pk: x
        for x in PurchaseReceiptLine.objects.select_related("document").filter(
            pk__in={x.source_line for x in lines if x.source_line}
        )
    }
    returned = {
        x.pk: x
        for x in PurchaseReturnLine.objects.select_related("document").filter(
            pk__in={c for c in credits if c}
        )
    }
    out: list[LineInput] = []
    errors: dict[str, list[str]] = {}
    seen: set[tuple[int, bool]] = set()
    credited: set[int] = set()

    def add(i: int, name: str, text: str) -> None:
        errors.setdefault(f"lines.{i}.{name}", []).append(text)

    for i, x in enumerate(lines):
        credit = credits[i] if i < len(credits) else None
        if credit and not x.source_line:
            back = returned.get(credit)
            if credit in credited:
                add(i, "source_line", _("A return line is credited once per invoice."))
            credited.add(credit)
            if (problem := _credit_error(x, back, supplier_id)) is not None:
                add(i, *problem)
            elif (problem2 := size_error(x.value_change or ZERO, MONEY_PLACES)) is not None:
                add(i, "value_change", problem2)
            out.append(dataclasses.replace(x, sku=back.sku_id, unit=None) if back else x)
            continue
        r = found.get(x.source_line or 0)
        if r is None or r.document.status == DocumentStatus.VOID:
            add(i, "source_line", _("Select a line of a purchase receipt."))
            out.append(x)
            continue
        if supplier_id is not None and r.document.supplier_id != supplier_id:
            add(
                i,
                "source_line",
                _("%(number)s is a receipt of another supplier.") % {"number": r.document.number},
            )
        amount = x.value_change
        if amount is None or amount == 0:
            add(i, "value_change", _("Enter the invoiced amount (negative for goods returned)."))
        elif (problem := size_error(amount, MONEY_PLACES)) is not None:
            add(i, "value_change", problem)
        key = (r.pk, bool(amount is not None and amount < 0))
        if key in seen:
            add(
                i,
                "source_line",
                _("%(number)s line %(line)s appears twice.")
                % {"number": r.document.number, "line": r.line_no},
            )
        seen.add(key)
        out.append(dataclasses.replace(x, sku=r.sku_id, unit=None, source_line=r.pk))
    return out, errors


def _credits_kept(doc: PurchaseInvoice, lines: Sequence[LineInput]) -> list[int | None]:
    """The grid (and PATCH) send lines without their unlinked return line: a line without a
    receipt line keeps the return line of the draft's credit line of the same SKU, in order."""
    saved: dict[int, list[int]] = {}
    for sku, back in (
        doc.lines.filter(return_line__isnull=False)
        .order_by("line_no", "id")
        .values_list("sku_id", "return_line_id")
    ):
        saved.setdefault(sku, []).append(back)
    return [None if x.source_line or not saved.get(x.sku) else saved[x.sku].pop(0) for x in lines]


def _write_links(doc: PurchaseInvoice, credits: Credits = ()) -> PurchaseInvoice:
    """Each line's order line (the receipt line's) or the unlinked return line it credits,
    and the invoice's total with VAT."""
    rows = list(doc.lines.select_related("source_line").order_by("line_no", "id"))
    for i, x in enumerate(rows):
        x.order_line_id = x.source_line.source_line_id if x.source_line else None
        x.return_line_id = None if x.source_line else (credits[i] if i < len(credits) else None)
    write_fields(PurchaseInvoiceLine, rows, ["order_line_id", "return_line_id"])
    doc.total_amount = doc.amount + doc.tax_amount
    doc.save(update_fields=["total_amount"])
    return doc


@transaction.atomic
def create_purchase_invoice(
    model: type[PurchaseInvoice] = PurchaseInvoice,
    *,
    user,
    lines: Sequence[LineInput],
    credits: Credits = (),
    **header: Any,
) -> PurchaseInvoice:
    """登记进项发票 (a draft): supplier, the supplier's invoice number, date, amount excl. VAT,
    VAT; lines naming the receipt lines billed, each with its invoiced base quantity and
    amount excl. VAT (negative: goods returned); ``credits``: per line, the unlinked return
    line it credits instead."""
    header.setdefault("memo", "")
    header["invoice_number"] = (header.get("invoice_number") or "").strip()
    errors = _header_errors(header, pk=None)
    supplier = header.get("supplier")
    lines, line_errors = _checked(lines, supplier.pk if supplier is not None else None, credits)
    _raise_header({**errors, **line_errors}, header, None)
    doc = _number_kept(
        lambda: create_document(
            model,
            user=user,
            header=header,
            lines=lines,
            facts=sku_facts(x.sku for x in lines),
            errors={**errors, **line_errors},
        ),
        header,
    )
    return _write_links(doc, credits)


@transaction.atomic
def update_purchase_invoice(
    doc: PurchaseInvoice,
    *,
    user,
    lines: Sequence[LineInput] | None = None,
    credits: Credits | None = None,
    **header: Any,
) -> PurchaseInvoice:
    """修改草稿 (``credits``: see ``create_purchase_invoice``; left out, the lines without a
    receipt line keep the draft's credits of their SKU)."""
    if "invoice_number" in header:
        header["invoice_number"] = (header["invoice_number"] or "").strip()
    merged = {k: getattr(doc, k) for k in HEADER}
    merged.update(header)
    errors = _header_errors(merged, pk=doc.pk)
    line_errors: dict[str, list[str]] = {}
    if lines is not None:
        credits = _credits_kept(doc, lines) if credits is None else list(credits)
        lines, line_errors = _checked(lines, merged["supplier"].pk, credits)
    else:
        saved, credits = _saved(doc)
        if "supplier" in header:
            line_errors = _checked(saved, merged["supplier"].pk, credits)[1]
    _raise_header({**errors, **line_errors}, merged, doc.pk)
    doc = _number_kept(
        lambda: update_document(
            doc,
            user=user,
            header=header,
            lines=lines,
            facts=sku_facts(x.sku for x in lines or []),
            errors={**errors, **line_errors},
        ),
        merged,
    )
    return _write_links(doc, credits)


def _saved(doc: PurchaseInvoice) -> tuple[list[LineInput], list[int | None]]:
    """The draft's lines as input, and the return line each credits (None: a receipt's)."""
    rows = list(doc.lines.order_by("line_no", "id"))
    lines = [
        LineInput(
            sku=x.sku_id, qty=x.qty, source_line=x.source_line_id, value_change=x.value_change,
            memo=x.memo,
        )
        for x in rows
    ]  # fmt: skip
    return lines, [x.return_line_id for x in rows]


def lines_of(
    receipts: Sequence[PurchaseReceipt] = (), returns: Sequence[PurchaseReturn] = ()
) -> tuple[list[LineInput], list[int | None]]:
    """What a supplier bills for these documents: each receipt line's accepted base quantity
    and amount excl. VAT, each return line's as a negative amount — a linked one against its
    receipt line, an unlinked one (returned with a reason) as a credit of that return line.
    With the credits per line."""
    out = [
        LineInput(sku=x.sku_id, qty=x.base_qty, source_line=x.pk, value_change=x.net_amount)
        for r in receipts
        for x in r.lines.order_by("line_no", "id")
    ]
    credits: list[int | None] = [None] * len(out)
    for r in returns:
        for x in r.lines.order_by("line_no", "id"):
            out.append(
                LineInput(
                    sku=x.sku_id, qty=x.base_qty, source_line=x.source_line_id,
                    value_change=-x.net_amount,
                )
            )  # fmt: skip
            credits.append(None if x.source_line_id else x.pk)
    return out, credits


@transaction.atomic
def invoice_from(
    *,
    user,
    receipts: Sequence[PurchaseReceipt] = (),
    returns: Sequence[PurchaseReturn] = (),
    date=None,
    **header: Any,
) -> PurchaseInvoice:
    """登记发票 from documents: a draft billing every line of these receipts (and crediting
    these returns' linked lines); the supplier is theirs, the amount the sum of the lines,
    the VAT theirs — change them to what the paper says."""
    header.setdefault("supplier", (receipts[0] if receipts else returns[0]).supplier)
    dates = [d.date for d in (*receipts, *returns)]
    lines, credits = lines_of(receipts, returns)
    header.setdefault("amount", sum((x.value_change or ZERO for x in lines), ZERO))
    tax = sum((r.tax_amount for r in receipts), ZERO) - sum((r.tax_amount for r in returns), ZERO)
    header.setdefault("tax_amount", tax)
    return create_purchase_invoice(
        user=user,
        date=date or max(timezone.localdate(), *dates),
        lines=lines,
        credits=credits,
        **header,
    )


@transaction.atomic
def add_documents(
    doc: PurchaseInvoice,
    *,
    user,
    receipts: Sequence[PurchaseReceipt] = (),
    returns: Sequence[PurchaseReturn] = (),
) -> PurchaseInvoice:
    """Bill these receipts' (credit these returns') lines on a draft too."""
    have, credits = _saved(doc)
    known = {
        (x.source_line, c, (x.value_change or ZERO) < 0) for x, c in zip(have, credits, strict=True)
    }
    new, new_credits = lines_of(receipts, returns)
    more = [
        (x, c)
        for x, c in zip(new, new_credits, strict=True)
        if (x.source_line, c, (x.value_change or ZERO) < 0) not in known
    ]
    return update_purchase_invoice(
        doc,
        user=user,
        lines=[*have, *(x for x, _c in more)],
        credits=[*credits, *(c for _x, c in more)],
    )


def _ready(doc: PurchaseInvoice) -> None:
    """What an invoice needs before review and registering: its lines still bill receipts of
    its supplier, and its amount is the sum of its lines."""
    saved, credits = _saved(doc)
    raise_if(_checked(saved, doc.supplier_id, credits)[1])
    total = sum((x.value_change or ZERO for x in saved), ZERO)
    if total != doc.amount:
        raise InvoiceTotalDiffers(
            {
                "amount": [
                    _("The amount %(amount)s is not the sum of the lines, %(lines)s.")
                    % {"amount": doc.amount, "lines": total}
                ]
            }
        )


def submit_purchase_invoice(doc: PurchaseInvoice, *, user) -> PurchaseInvoice:
    """提交: lines of the supplier's receipts, the amount their sum."""
    return actions.submit(doc, user=user, check=_ready)


@transaction.atomic
def post_purchase_invoice(doc: PurchaseInvoice, *, user) -> PurchaseInvoice:
    """登记 (过账): the invoice counts in the three-way match from now on. Nothing is written to
    the stock or the party ledger: the receipts made the payable."""
    return act(doc, action="post", user=user, effect=_ready)
