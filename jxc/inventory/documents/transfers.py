"""调拨单: ship out of one warehouse into 调拨在途, receive at the other (partly, in several
receipts), close what never arrives (back to the source, or written off), 红冲; and the
one-step transfer between warehouses of the same site.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import (
    act,
    ensure_period_open,
    ensure_perm,
    raise_if,
    take_action,
    write_fields,
)
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.documents.lots import issue_lots
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import OneStepNotAllowed, ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import transfer_rules
from jxc.inventory.documents.choices import TransferDifference
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batches_by_number,
    bin_errors,
    ensure_warehouses,
    reversal_date,
)
from jxc.inventory.documents.models import Transfer, TransferLine
from jxc.inventory.documents.rules import PostLine
from jxc.inventory.documents.transfer_rules import ShippedSlice, TransferLineState
from jxc.inventory.ledger.buckets import record_in_transit_many
from jxc.inventory.models import StockMove, Warehouse

ZERO = Decimal(0)


def _errors(header: Mapping, lines: Sequence[LineInput]) -> dict[str, list[str]]:
    """What the platform does not check itself: two different warehouses, the target active,
    the bins of each side."""
    source: Warehouse = header["from_warehouse"]
    target: Warehouse = header["to_warehouse"]
    errors: dict[str, list[str]] = {}
    if source.pk == target.pk:
        errors["to_warehouse"] = [str(_("Choose two different warehouses."))]
    if not target.is_active:
        errors["to_warehouse"] = [str(_("This warehouse is not active."))]
    errors.update(bin_errors(lines, source))
    errors.update(bin_errors(lines, target, attr="to_bin"))
    return errors


def _ensure_one_step(header: Mapping) -> None:
    source, target = header["from_warehouse"], header["to_warehouse"]
    if header.get("one_step") and not (source.site and source.site == target.site):
        raise OneStepNotAllowed()


@transaction.atomic
def create_transfer(*, user, lines: Sequence[LineInput], **header) -> Transfer:
    """新建调拨单 (a draft): from / to warehouse, date, one step (same site), memo."""
    ensure_warehouses(user, header["from_warehouse"], header["to_warehouse"])
    header.setdefault("memo", "")
    t = create_document(
        Transfer,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors=_errors(header, lines),
    )
    _ensure_one_step(header)  # after every input error: rolls the draft back
    return t


@transaction.atomic
def update_transfer(
    t: Transfer, *, user, lines: Sequence[LineInput] | None = None, **header
) -> Transfer:
    """修改调拨单草稿: the header fields given and, when ``lines`` is given, all lines."""
    given = {k: v for k, v in header.items() if v is not None}
    names = ("from_warehouse", "to_warehouse", "date", "one_step")
    merged = {**{k: getattr(t, k) for k in names}, **given}
    ensure_warehouses(user, merged["from_warehouse"], merged["to_warehouse"])
    t = update_document(
        t,
        user=user,
        header=given,
        lines=lines,
        facts=sku_facts(x.sku for x in lines or []),
        errors=_errors(merged, lines if lines is not None else _inputs(t)),
    )
    _ensure_one_step(merged)
    return t


def _inputs(t: Transfer) -> list[LineInput]:
    return [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            bin=x.bin_id,
            to_bin=x.to_bin_id,
            batch_number=x.batch_number,
            serials=parse_serials(x.serials),
            memo=x.memo,
        )
        for x in t.lines.all()
    ]


def _post_lines(t: Transfer, lines: list[TransferLine]) -> list[PostLine]:
    known = batches_by_number((x.sku_id, x.batch_number) for x in lines)
    pool = available_lots(t.from_warehouse_id, {x.sku_id for x in lines})
    out = []
    errors: dict[str, list[str]] = {}
    for x in lines:
        batch_id = known.get((x.sku_id, x.batch_number.strip()))
        if x.batch_number.strip() and batch_id is None:
            errors[f"lines.{x.line_no - 1}.batch_number"] = [
                str(_("There is no such batch of this SKU."))
            ]
            continue
        lots = issue_lots(
            qty=x.base_qty,
            sku_id=x.sku_id,
            bin_id=x.bin_id,
            batch_id=batch_id,
            serials=parse_serials(x.serials),
            pool=pool,
        )
        out.append(
            PostLine(
                id=x.pk, sku=x.sku_id, qty=x.qty, base_qty=x.base_qty, unit=x.unit_id, lots=lots
            )
        )
    raise_if(errors)
    return out


def _in_transit(to_warehouse_id: int, per_sku: Mapping[int, Decimal]) -> None:
    """调拨在途 at the destination, all SKUs of the transfer in one pass."""
    record_in_transit_many((sku_id, to_warehouse_id, q) for sku_id, q in per_sku.items())


def _close(t: Transfer, *, user, reason: str = "", effect=None) -> Transfer:
    return take_action(
        t, action="close", user=user, reason=reason, effect=effect, check_permission=False
    )


@transaction.atomic
def post_transfer(t: Transfer, *, user) -> Transfer:
    """调出 (过账): out of the source into 调拨在途 of the target; a one-step transfer moves
    in at once and is complete."""

    def effect(locked: Transfer) -> None:
        ensure_warehouses(user, locked.from_warehouse, locked.to_warehouse)
        lines = list(locked.lines.all())
        post_lines = _post_lines(locked, lines)
        if locked.one_step:
            stock.record_moves(
                transfer_rules.one_step_transfer_lines(
                    source=locked.from_warehouse_id,
                    target=locked.to_warehouse_id,
                    date=locked.date,
                    lines=post_lines,
                    to_bins={x.pk: x.to_bin_id for x in lines},
                ),
                source=locked.ref(),
                user=user,
            )
            for x in lines:
                x.received_qty = x.base_qty
            write_fields(TransferLine, lines, ["received_qty"])
            return
        stock.record_moves(
            transfer_rules.transfer_out_lines(
                source=locked.from_warehouse_id, date=locked.date, lines=post_lines
            ),
            source=locked.ref(),
            user=user,
        )
        per_sku: dict[int, Decimal] = defaultdict(Decimal)
        for x in lines:
            per_sku[x.sku_id] += x.base_qty
        _in_transit(locked.to_warehouse_id, per_sku)

    t = act(t, action="post", user=user, effect=effect)
    if t.one_step:
        t = _close(t, user=user)
    return t


def _slices(t: Transfer, lines: list[TransferLine]) -> list[ShippedSlice]:
    """The posted out moves of the transfer with what has come back in from each."""
    outs = list(
        StockMove.objects.filter(
            source_kind=t.DOC_TYPE,
            source_id=t.pk,
            reason=MoveReason.TRANSFER_OUT,
            reverses__isnull=True,
        )
        .order_by("id")
        .values("id", "source_line", "sku_id", "qty", "batch_id")
    )
    back = dict(
        StockMove.objects.filter(origin_id__in=[o["id"] for o in outs], reverses__isnull=True)
        .values_list("origin_id")
        .annotate(q=Sum("qty"))
    )
    serials = {x.pk: parse_serials(x.serials) for x in lines if x.serials}
    per_line: dict[int, int] = defaultdict(int)
    for o in outs:
        per_line[int(o["source_line"] or 0)] += 1
    out = []
    for o in outs:
        line = int(o["source_line"] or 0)
        out.append(
            ShippedSlice(
                move=o["id"],
                line=line,
                sku=o["sku_id"],
                qty=-o["qty"],
                done=back.get(o["id"], ZERO),
                batch=o["batch_id"],
                serials=serials.get(line, ()) if per_line[line] == 1 else (),
            )
        )
    return out


def line_states(t: Transfer) -> list[TransferLineState]:
    """Per line: shipped, received, returned, written off, still open (the 调拨差异)."""
    return [
        TransferLineState(
            line=x.pk,
            label=f"{x.sku.code} {x.sku}",
            shipped=x.base_qty,
            received=x.received_qty,
            returned=x.returned_qty,
            lost=x.lost_qty,
        )
        for x in t.lines.select_related("sku").order_by("line_no", "id")
    ]


@transaction.atomic
def receive_transfer(
    t: Transfer,
    *,
    user,
    quantities: Mapping[int, Decimal] | None = None,
    date: dt.date | None = None,
    bins: Mapping[int, int | None] | None = None,
) -> Transfer:
    """调入: receive at the target what arrived — per line (id → base quantity), or
    everything still in transit when ``quantities`` is None. Each unit comes in at the value
    it left with. When nothing is left in transit the transfer is complete."""
    day = date or max(timezone.localdate(), t.date)
    if day < t.date:
        raise ValidationFailed({"date": [str(_("A receipt cannot be dated before the transfer."))]})
    ensure_period_open(day)

    def effect(locked: Transfer) -> None:
        ensure_warehouses(user, locked.to_warehouse)
        lines = list(locked.lines.all())
        by_id = {x.pk: x for x in lines}
        wanted = (
            {x.pk: x.open_qty for x in lines if x.open_qty > 0}
            if quantities is None
            else {int(k): Decimal(v) for k, v in quantities.items() if Decimal(v) != 0}
        )
        raise_if(transfer_rules.receipt_errors(line_states(locked), wanted))
        to_bins = {x.pk: x.to_bin_id for x in lines}
        if bins:
            raise_if(
                bin_errors(
                    [LineInput(sku=0, to_bin=b) for b in bins.values()],
                    locked.to_warehouse,
                    attr="to_bin",
                )
            )
            to_bins.update({int(k): v for k, v in bins.items()})
        moves = transfer_rules.arrival_lines(
            warehouse=locked.to_warehouse_id,
            date=day,
            slices=_slices(locked, lines),
            quantities=wanted,
            bins=to_bins,
        )
        stock.record_moves(moves, source=locked.ref(), user=user)
        for line_id, qty in wanted.items():
            by_id[line_id].received_qty += qty
        write_fields(TransferLine, [by_id[k] for k in wanted], ["received_qty"])

    t = act(t, action="receive", user=user, effect=effect)
    if all(x.open_qty == 0 for x in t.lines.all()):
        t = _close(t, user=user)
    return t


@transaction.atomic
def close_transfer(
    t: Transfer,
    *,
    user,
    difference: str = TransferDifference.RETURN,
    reason: str = "",
    date: dt.date | None = None,
) -> Transfer:
    """结案: what was shipped but never arrived goes back into the source at the value it left
    with (``return``), or stays out as a transit loss (``write_off``); 调拨在途 is cleared."""
    if difference not in TransferDifference.values:
        raise ValidationFailed({"difference": [str(ValidationFailed.default_message)]})
    ensure_perm(user, Transfer.RESOURCE, "close")

    def effect(locked: Transfer) -> None:
        lines = list(locked.lines.all())
        open_qty = {x.pk: x.open_qty for x in lines if x.open_qty > 0}
        if difference == TransferDifference.RETURN and open_qty:
            day = date or max(timezone.localdate(), locked.date)
            if day < locked.date:
                raise ValidationFailed(
                    {"date": [str(_("A receipt cannot be dated before the transfer."))]}
                )
            ensure_period_open(day)
            moves = transfer_rules.arrival_lines(
                warehouse=locked.from_warehouse_id,
                date=day,
                slices=_slices(locked, lines),
                quantities=open_qty,
                bins={x.pk: x.bin_id for x in lines},
                from_transit=False,
            )
            stock.record_moves(moves, source=locked.ref(), user=user)
        per_sku: dict[int, Decimal] = defaultdict(Decimal)
        for x in lines:
            q = open_qty.get(x.pk, ZERO)
            per_sku[x.sku_id] -= q
            if difference == TransferDifference.RETURN:
                x.returned_qty += q
            else:
                x.lost_qty += q
        _in_transit(locked.to_warehouse_id, per_sku)
        write_fields(TransferLine, lines, ["returned_qty", "lost_qty"])
        if open_qty:
            locked.difference = difference
            locked.save(update_fields=["difference"])

    return _close(t, user=user, reason=reason, effect=effect)


@transaction.atomic
def reverse_transfer(t: Transfer, *, user, reason: str, date: dt.date | None = None) -> Transfer:
    """红冲: every move of the transfer reversed; what was still in transit leaves 调拨在途."""

    def effect(locked: Transfer) -> None:
        day = reversal_date(locked, date)
        stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        per_sku: dict[int, Decimal] = defaultdict(Decimal)
        for x in locked.lines.all():
            per_sku[x.sku_id] -= x.open_qty
        _in_transit(locked.to_warehouse_id, per_sku)
        locked.reversal_date = day
        locked.save(update_fields=["reversal_date"])

    return act(t, action="reverse", user=user, reason=reason, effect=effect)


# The dispatcher's hooks (services.post_document / reverse_document).
post = post_transfer


def reverse(t: Transfer, *, user, reason: str, date: dt.date | None = None) -> Transfer:
    return reverse_transfer(t, user=user, reason=reason, date=date)
