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
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.actions import (
    act,
    ensure_perm,
    take_action,
    write_fields,
)
from jxc.core.documents.line_steps import step_date, take_line_step
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.errors import OneStepNotAllowed, ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import transfer_rules
from jxc.inventory.documents.choices import TransferDifference
from jxc.inventory.documents.drafts import draft_services
from jxc.inventory.documents.lifecycle import (
    available_lots,
    bin_errors,
    ensure_warehouses,
    issue_lines,
    reverse_stock,
)
from jxc.inventory.documents.models import Transfer, TransferLine
from jxc.inventory.documents.transfer_rules import ShippedSlice, TransferLineState
from jxc.inventory.ledger.buckets import record_in_transit_many
from jxc.inventory.models import StockMove, Warehouse

ZERO = Decimal(0)


def _check(user, header: Mapping, lines: Sequence[LineInput], facts) -> dict[str, list[str]]:
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


# 新建调拨单 (a draft: from / to warehouse, date, one step for the same site, memo) and
# 修改草稿; one step is refused after every input error (rolling the draft back)
create_transfer, update_transfer = draft_services(_check, model=Transfer, after=_ensure_one_step)


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
        post_lines = issue_lines(
            lines, available_lots(locked.from_warehouse_id, {x.sku_id for x in lines})
        )
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


def receive_transfer(
    t: Transfer,
    *,
    user,
    quantities: Mapping[int, Decimal] | None = None,
    date: dt.date | None = None,
    bins: Mapping[int, int | None] | None = None,
) -> Transfer:
    """调入: receive at the target what arrived — per line (id → base quantity), or
    everything still in transit when ``quantities`` is None, into the line's bin unless
    ``bins`` names another. Each unit comes in at the value it left with. When nothing is
    left in transit the transfer is complete."""
    to_bins = {int(k): v for k, v in (bins or {}).items()}

    def check(locked: Transfer, lines: dict, wanted: dict[int, Decimal]) -> dict:
        ensure_warehouses(user, locked.to_warehouse)
        chosen = [LineInput(sku=0, to_bin=b) for b in to_bins.values()]
        return {
            **transfer_rules.receipt_errors(line_states(locked), wanted),
            **bin_errors(chosen, locked.to_warehouse, attr="to_bin"),
        }

    def effect(locked: Transfer, lines: dict, wanted: dict[int, Decimal], day: dt.date) -> None:
        moves = transfer_rules.arrival_lines(
            warehouse=locked.to_warehouse_id,
            date=day,
            slices=_slices(locked, list(lines.values())),
            quantities=wanted,
            bins={**{k: x.to_bin_id for k, x in lines.items()}, **to_bins},
        )
        stock.record_moves(moves, source=locked.ref(), user=user)

    return take_line_step(
        t,
        action="receive",
        user=user,
        quantities=quantities,
        date=date,
        done="received_qty",
        check=check,
        effect=effect,
        early=_("A receipt cannot be dated before the transfer."),
    )


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
            day = step_date(locked, date, early=_("A receipt cannot be dated before the transfer."))
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


def reverse_transfer(t: Transfer, *, user, reason: str, date: dt.date | None = None) -> Transfer:
    """红冲: every move of the transfer reversed; what was still in transit leaves 调拨在途."""

    def clear_in_transit(locked: Transfer) -> None:
        per_sku: dict[int, Decimal] = defaultdict(Decimal)
        for x in locked.lines.all():
            per_sku[x.sku_id] -= x.open_qty
        _in_transit(locked.to_warehouse_id, per_sku)

    return reverse_stock(t, user=user, reason=reason, date=date, then=clear_in_transit)
