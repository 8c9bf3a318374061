"""销售退货单 writes: lines linked to posted delivery lines of the customer (their price, VAT,
discount; back at the cost they left with) or unlinked with a reason (priced for the customer,
back at the current cost); into the chosen warehouse, or a bin of it (次品). Posting puts the
goods back through the ledger's writer, adds to the delivery lines' returned quantities and
reduces the receivable through the party ledger's writer. 生成退货单 from a posted delivery:
a draft of what is still returnable of it (``return_delivery``). 换货 = a return and a new
delivery posted in one step."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.selectors import sku_facts
from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import act, raise_if, take_action, write_fields
from jxc.core.documents.lines import LineInput, left_in_unit
from jxc.core.documents.linked import LinkedCheck, LinkedSource, check_linked, merge_free
from jxc.core.documents.services import create_document, update_document
from jxc.finance import party_ledger
from jxc.finance.rules import PartyLine
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.lifecycle import bin_errors, ensure_warehouses
from jxc.inventory.ledger.types import StockLine
from jxc.inventory.models import SerialNumber, StockMove
from jxc.sales import deliveries, drafts, rules
from jxc.sales.errors import DeliveryNotPosted, NothingToReturn, OverReturn
from jxc.sales.models import SalesDelivery, SalesDeliveryLine, SalesReturn, SalesReturnLine

ZERO = Decimal(0)


def _take(x: LineInput, d: SalesDeliveryLine, factor: Decimal) -> LineInput:
    """A line against a delivery line takes its unit, VAT, discount, batch and its price per
    this line's unit."""
    return dataclasses.replace(
        x,
        unit=x.unit if x.unit is not None else d.unit_id,
        price=d.price if factor == d.factor else rules.unit_of(d.price * factor, d.factor),
        tax_rate=d.tax_rate,
        discount_rate=d.discount_rate,
        batch_number=x.batch_number or d.batch_number or _batch_of(d),
    )


DELIVERY_LINE = LinkedSource(
    line_model=SalesDeliveryLine,
    statuses=(DocumentStatus.POSTED,),
    partner="customer",
    warehouse=None,  # back into any warehouse
    open_qty=lambda d, _ctx: d.base_qty - d.returned_qty,
    missing=gettext_lazy("Select a line of a posted sales delivery."),
    mismatch=gettext_lazy("%(number)s is not a posted delivery to this customer."),
    other_sku=gettext_lazy("The SKU is not the one delivered on %(number)s."),
    too_much=gettext_lazy("At most %(left)s more of %(number)s line %(line)s can be returned."),
    over_error=OverReturn,
    take=_take,
)


def _checked(lines: Sequence[LineInput], header: Mapping[str, Any], found=None) -> LinkedCheck:
    check = check_linked(
        DELIVERY_LINE, lines, header, facts=sku_facts(x.sku for x in lines), found=found
    )
    # a linked line takes its delivery's price as it stands: 含税 or not as the delivery said
    includes = bool(header.get("prices_include_tax", True))
    for d in check.sources.values():
        if d.document.prices_include_tax != includes:
            check.errors["prices_include_tax"] = [
                _("Prices include VAT as on %(number)s: its price is taken as it stands.")
                % {"number": d.document.number}
            ]
            break
    if check.free:
        if not str(header.get("reason") or "").strip():
            check.errors.setdefault("reason", []).append(
                _("A return not linked to a delivery needs a reason.")
            )
        priced, free_errors, _below = drafts.priced_lines(
            [lines[i] for i in check.free], header, check_min=False
        )
        merge_free(check, priced, free_errors)
    check.errors.update(bin_errors(check.lines, header["warehouse"]))
    return check


def _batch_of(d: SalesDeliveryLine) -> str:
    """The batch a delivery line went out of (its first move's)."""
    m = (
        StockMove.objects.filter(
            source_kind=d.document.DOC_TYPE,
            source_id=d.document_id,
            source_line=d.pk,
            batch__isnull=False,
        )
        .select_related("batch")
        .order_by("id")
        .first()
    )
    return m.batch.number if m is not None and m.batch is not None else ""


def _errors(user, header, lines, found=None):
    errors = drafts.header_errors(user, header)
    check = _checked(lines, header, found)
    errors.update(check.errors)
    DELIVERY_LINE.raise_over(errors, check.over)
    return check.lines, errors


def _write_amounts(doc: SalesReturn) -> SalesReturn:
    return drafts.write_amounts(doc, SalesReturnLine, customer_level=doc.customer.price_level)


@transaction.atomic
def create_sales_return(
    model: type[SalesReturn] = SalesReturn, *, user, lines: Sequence[LineInput], **header: Any
) -> SalesReturn:
    """新建销售退货单 (a draft): customer, warehouse (and a bin per line, e.g. 次品), date,
    reason; lines linked to posted delivery lines (no more than is left to return:
    ``over_return``) or unlinked with the reason."""
    header.setdefault("memo", "")
    header.setdefault("reason", "")
    header.setdefault("prices_include_tax", True)
    lines, errors = _errors(user, header, lines)
    doc = create_document(
        model,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors=errors,
    )
    return _write_amounts(doc)


@transaction.atomic
def update_sales_return(
    doc: SalesReturn, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> SalesReturn:
    merged = {
        k: getattr(doc, k)
        for k in ("warehouse", "customer", "date", "prices_include_tax", "reason")
    }
    merged.update(header)
    if lines is not None:
        lines, errors = _errors(user, merged, lines)
    else:
        errors = drafts.header_errors(user, merged)
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines or []),
        errors=errors,
    )
    return _write_amounts(doc)


def returnable_lines(delivery: SalesDelivery) -> list[SalesDeliveryLine]:
    """The lines of a posted delivery with something left to return (delivered less what
    came back already)."""
    if delivery.status != DocumentStatus.POSTED:
        return []
    return [
        x
        for x in delivery.lines.select_related("document").order_by("line_no", "id")
        if x.base_qty > x.returned_qty
    ]


def _serials_out(d: SalesDeliveryLine) -> tuple[str, ...]:
    """The serial numbers that left with a delivery line and are not back in stock."""
    return tuple(
        SerialNumber.objects.filter(
            sku_id=d.sku_id,
            warehouse__isnull=True,
            moves__source_kind=d.document.DOC_TYPE,
            moves__source_id=d.document_id,
            moves__source_line=d.pk,
        )
        .order_by("number")
        .values_list("number", flat=True)
        .distinct()
    )


def _line_back(d: SalesDeliveryLine, fact) -> LineInput:
    """What is left to return of a delivery line: in the delivery's unit when it comes out
    whole, else in the base unit (with the serial numbers still out, for a serial SKU)."""
    left = d.base_qty - d.returned_qty
    qty, unit = left_in_unit(d, left, fact.base_unit_id)
    serials = _serials_out(d)[: int(left)] if fact.serial_tracked else ()
    return LineInput(sku=d.sku_id, qty=qty, unit=unit, source_line=d.pk, serials=serials)


@transaction.atomic
def return_delivery(delivery: SalesDelivery, *, user, date=None, reason: str = "") -> SalesReturn:
    """生成退货单 from a posted delivery: a draft for its customer and warehouse with one
    linked line per delivery line still returnable, the quantity what is left of it (lower
    it in the draft), at the delivery's price, VAT, discount and batch; posted, the goods
    come back at the cost they left with. A delivery not posted (``delivery_not_posted``) or
    with nothing left (``nothing_to_return``) makes nothing."""
    if delivery.status != DocumentStatus.POSTED:
        raise DeliveryNotPosted(number=delivery.number)
    lines = returnable_lines(delivery)
    if not lines:
        raise NothingToReturn(number=delivery.number)
    facts = sku_facts(x.sku_id for x in lines)
    return create_sales_return(
        user=user,
        customer=delivery.customer,
        warehouse=delivery.warehouse,
        date=date or max(timezone.localdate(), delivery.date),
        reason=reason,
        prices_include_tax=delivery.prices_include_tax,
        lines=[_line_back(x, facts[x.sku_id]) for x in lines],
    )


def _origins(d: SalesDeliveryLine) -> list[tuple[StockMove, Decimal]]:
    """The delivery line's moves with what each has left to come back (its quantity less
    what returns already brought back from it)."""
    moves = list(
        StockMove.objects.filter(
            source_kind=d.document.DOC_TYPE,
            source_id=d.document_id,
            source_line=d.pk,
            reverses__isnull=True,
        ).order_by("id")
    )
    back = dict(
        StockMove.objects.filter(origin__in=moves, reason=MoveReason.SALES_RETURN)
        .values("origin_id")
        .annotate(q=Sum("qty"))
        .values_list("origin_id", "q")
    )
    return [(m, -m.qty - (back.get(m.pk) or ZERO)) for m in moves]


def _stock_lines(locked: SalesReturn, lines, found) -> list[StockLine]:
    from jxc.inventory.documents.lifecycle import batches_by_number

    known = batches_by_number((x.sku_id, x.batch_number) for x in lines)
    out = []
    for x in lines:
        common = dict(
            sku=x.sku_id,
            warehouse=locked.warehouse_id,
            reason=MoveReason.SALES_RETURN,
            date=locked.date,
            bin=x.bin_id,
            entered_qty=x.qty,
            entered_unit=x.unit_id,
            source_line=x.pk,
            serials=tuple(s for s in x.serials.split() if s),
        )
        if x.source_line_id is None:
            batch = known.get((x.sku_id, x.batch_number.strip()))
            if x.batch_number.strip() and batch is None:
                batch = stock.ensure_batch(sku=x.sku_id, number=x.batch_number).pk
            out.append(StockLine(qty=x.base_qty, batch=batch, **common))
            continue
        want = x.base_qty
        for move, left in _origins(found[x.source_line_id]):
            take = min(want, left)
            if take <= 0:
                continue
            out.append(StockLine(qty=take, batch=move.batch_id, origin=move, **common))
            want -= take
            if want <= 0:
                break
        if want > 0:  # the checks above make this unreachable; the ledger refuses it anyway
            out.append(StockLine(qty=want, **common))
    return out


@transaction.atomic
def post_sales_return(doc: SalesReturn, *, user) -> SalesReturn:
    """销售退货过账: the goods back into stock at the cost they left with (unlinked: the current
    cost), the delivery lines' returned quantities, and the receivable reduced."""

    def effect(locked: SalesReturn) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(SalesReturnLine.objects.filter(document=locked).order_by("line_no", "id"))
        found = {
            x.pk: x
            for x in SalesDeliveryLine.objects.select_for_update()
            .select_related("document")
            .filter(pk__in={x.source_line_id for x in lines if x.source_line_id})
            .order_by("pk")
        }
        header = {
            "customer": locked.customer,
            "warehouse": locked.warehouse,
            "prices_include_tax": locked.prices_include_tax,
            "reason": locked.reason,
        }
        _l, problems = _errors(
            user,
            header,
            [
                LineInput(
                    sku=x.sku_id,
                    qty=x.qty,
                    unit=x.unit_id,
                    price=x.price,
                    source_line=x.source_line_id,
                    bin=x.bin_id,
                    batch_number=x.batch_number,
                )
                for x in lines
            ],
            found,
        )
        raise_if(problems)
        moves = stock.record_moves(
            _stock_lines(locked, lines, found), source=locked.ref(), user=user
        )
        cost: dict[int, Decimal] = defaultdict(Decimal)
        for m in moves:
            cost[m.source_line] += m.value
        for x in lines:
            x.cost_amount = cost[x.pk]
            x.unit_cost = rules.unit_of(x.cost_amount, x.base_qty)
            if x.source_line_id:
                SalesDeliveryLine.objects.filter(pk=x.source_line_id).update(
                    returned_qty=F("returned_qty") + x.base_qty
                )
        write_fields(SalesReturnLine, lines, ["cost_amount", "unit_cost"])
        if locked.total_amount:
            party_ledger.record_party_entries(
                [
                    PartyLine(
                        side="receivable",
                        partner_id=locked.customer_id,
                        amount=-locked.total_amount,
                        date=locked.date,
                    )
                ],
                source=locked.ref(),
                user=user,
            )
        total = sum(cost.values(), ZERO)
        SalesReturn.objects.filter(pk=locked.pk).update(cost_amount=total)
        doc.cost_amount = total

    return act(doc, action="post", user=user, effect=effect)


def post_now(doc, *, user, post):
    """提交 → 审核 → 过账 of a draft in one go (a counter sale, an exchange)."""
    for action in ("submit", "approve"):
        doc = take_action(doc, action=action, user=user)
        if (
            doc.status
            != {"submit": DocumentStatus.SUBMITTED, "approve": DocumentStatus.APPROVED}[action]
        ):
            return doc  # held by an approval step
    return post(doc, user=user)


@transaction.atomic
def exchange_sales_return(
    *,
    user,
    customer,
    warehouse,
    date,
    return_lines: Sequence[LineInput],
    new_lines: Sequence[LineInput],
    reason: str = "",
    prices_include_tax: bool = True,
    memo: str = "",
) -> tuple[SalesReturn, SalesDelivery]:
    """换货: the goods coming back (a return) and the goods going out instead (a new delivery),
    both posted in one step and linked; the receivable changes by the difference."""
    ret = create_sales_return(
        user=user,
        customer=customer,
        warehouse=warehouse,
        date=date,
        reason=reason,
        prices_include_tax=prices_include_tax,
        memo=memo,
        lines=return_lines,
    )
    ret = post_now(ret, user=user, post=post_sales_return)
    delivery = deliveries.create_sales_delivery(
        user=user,
        customer=customer,
        warehouse=warehouse,
        date=date,
        prices_include_tax=prices_include_tax,
        memo=memo or ret.number,
        lines=new_lines,
    )
    delivery = post_now(delivery, user=user, post=deliveries.post_sales_delivery)
    SalesReturn.objects.filter(pk=ret.pk).update(exchange=delivery)
    ret.exchange = delivery
    return ret, delivery


def delivery_of(line_id: int) -> SalesDelivery | None:
    line = SalesDeliveryLine.objects.filter(pk=line_id).select_related("document").first()
    return line.document if line else None
