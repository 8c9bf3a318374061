"""Goods on their way (在途), a platform piece for every document that moves stock from one of
our warehouses to another in two steps (调拨单 today; a store's 要货 / 配送 would be the next):
过账 ships out of the source into the destination's 在途 (or, declared so, moves in at once
and is complete); 调入 receives in parts, each unit at the value it left with; 结案 sends what
never arrived back to the source or writes it off as a transit loss, and clears 在途; 红冲
reverses every move and clears what was still in transit.

A type declares it once and takes its services:

    TRANSIT = InTransit(source="from_warehouse", target="to_warehouse", one_step="one_step",
                        early=_("A receipt cannot be dated before the transfer."))
    post_transfer, receive_transfer, close_transfer, reverse_transfer, line_states = (
        in_transit_services(TRANSIT))

Data scope: the sending side drafts, submits, approves, ships, settles (结案: what never
arrived goes back to the source) and 红冲s — the user must hold the source; the receiving
side's keeper receives (调入) — the target; a one-step move needs both, as the goods enter the
target at once (``InTransit.must_hold``; the draft's ``draft_services(must_hold=…)``).

The header has the two warehouse fields, the ``one_step`` flag (if declared), ``difference``
(how the rest was settled: ``TransferDifference``) and ``reversal_date``; each line ``bin``
(source), ``to_bin``, ``serials``, ``received_qty``, ``returned_qty``, ``lost_qty`` and
``open_qty`` (shipped less those three). The pure parts are in ``in_transit_rules``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Sum

from jxc.core.documents.actions import act, ensure_perm, take_action, write_fields
from jxc.core.documents.line_steps import step_date, take_line_step
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.documents.models import Document
from jxc.core.errors import ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import in_transit_rules as rules
from jxc.inventory.documents.choices import TransferDifference
from jxc.inventory.documents.lifecycle import (
    available_lots,
    bin_errors,
    ensure_warehouses,
    issue_lines,
    refuse_lent,
    reverse_stock,
    unheld,
)
from jxc.inventory.documents.rules import lots_out, one_step_lines
from jxc.inventory.ledger.buckets import record_in_transit_many
from jxc.inventory.models import StockMove, Warehouse

ZERO = Decimal(0)


@dataclass(frozen=True)
class InTransit:
    """How a type moves goods through 在途: its header's ``source`` and ``target`` warehouse
    fields, its ``one_step`` flag ("" when it never moves in one posting), the move reasons,
    and what a receipt dated before the document is told (``early``)."""

    early: Any
    source: str = "from_warehouse"
    target: str = "to_warehouse"
    one_step: str = ""
    out_reason: str = MoveReason.TRANSFER_OUT
    in_reason: str = MoveReason.TRANSFER_IN

    def must_hold(self, doc: Any) -> Sequence[Warehouse]:
        """The warehouses a user must hold for every step but 调入 of a document (or of a
        draft's header, a mapping): the source — the sending side makes, ships and settles
        it, the target may be any warehouse of ours — and, in one step, the target too."""

        def get(name: str) -> Any:
            return doc.get(name) if isinstance(doc, Mapping) else getattr(doc, name)

        source = get(self.source)
        if self.one_step and get(self.one_step):
            return (source, get(self.target))
        return (source,)

    def allowed(self, user, doc: Any, actions: Iterable[str]) -> set[str]:
        """Of ``actions``, those the user's warehouses let them take on ``doc`` (the buttons
        they see): 调入 (``receive``) needs the target, any other step ``must_hold``."""
        wanted = set(actions)
        out = set()
        if "receive" in wanted and not unheld(user, getattr(doc, self.target)):
            out.add("receive")
        others = wanted - {"receive"}
        if others and not unheld(user, *self.must_hold(doc)):
            out |= others
        return out


class InTransitServices(NamedTuple):
    post: Callable[..., Any]  # (doc, *, user)
    receive: Callable[..., Any]  # (doc, *, user, quantities=None, date=None, bins=None)
    close: Callable[..., Any]  # (doc, *, user, difference="return", reason="", date=None)
    reverse: Callable[..., Any]  # (doc, *, user, reason, date=None)
    line_states: Callable[[Any], list[rules.LineInTransit]]


def _in_transit(target_id: int, lines: Iterable[Any], qty: Callable[[Any], Decimal]) -> None:
    """在途 at the destination changed by ``qty`` of each line, all SKUs in one pass."""
    per_sku: dict[int, Decimal] = defaultdict(Decimal)
    for x in lines:
        per_sku[x.sku_id] += qty(x)
    record_in_transit_many((sku_id, target_id, q) for sku_id, q in per_sku.items())


def shipped_slices(doc: Document, lines: list[Any], *, reason: str) -> list[rules.ShippedSlice]:
    """The posted out moves of the document with what has come back in from each."""
    outs = list(
        StockMove.objects.filter(
            source_kind=doc.DOC_TYPE, source_id=doc.pk, reason=reason, reverses__isnull=True
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
            rules.ShippedSlice(
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


def in_transit_services(decl: InTransit) -> InTransitServices:
    """The 过账 / 调入 / 结案 / 红冲 services and the line states of a type declared ``decl``."""

    def one_step(doc: Document) -> bool:
        return bool(decl.one_step and getattr(doc, decl.one_step))

    def close(doc, *, user, reason: str = "", effect=None):
        return take_action(
            doc, action="close", user=user, reason=reason, effect=effect, check_permission=False
        )

    @transaction.atomic
    def post(doc, *, user):
        """过账 (调出), by a holder of the source (in one step of the target too): out of the
        source into 在途 of the target; in one step it moves in at once and is complete."""

        def effect(locked: Any) -> None:
            source, target = getattr(locked, decl.source), getattr(locked, decl.target)
            refuse_lent(source, target)
            ensure_warehouses(user, *decl.must_hold(locked))
            lines = list(locked.lines.all())
            post_lines = issue_lines(lines, available_lots(source.pk, {x.sku_id for x in lines}))
            if not one_step(locked):
                moves = lots_out(
                    warehouse=source.pk, date=locked.date, lines=post_lines, reason=decl.out_reason
                )
                stock.record_moves(moves, source=locked.ref(), user=user)
                _in_transit(target.pk, lines, lambda x: x.base_qty)
                return
            moves = one_step_lines(
                source=source.pk,
                target=target.pk,
                date=locked.date,
                lines=post_lines,
                to_bins={x.pk: x.to_bin_id for x in lines},
                out_reason=decl.out_reason,
                in_reason=decl.in_reason,
            )
            stock.record_moves(moves, source=locked.ref(), user=user)
            for x in lines:
                x.received_qty = x.base_qty
            write_fields(locked.lines.model, lines, ["received_qty"])

        doc = act(doc, action="post", user=user, effect=effect)
        return close(doc, user=user) if one_step(doc) else doc

    def line_states(doc) -> list[rules.LineInTransit]:
        """Per line: shipped, received, returned, written off, still open (the 调拨差异)."""
        return [
            rules.LineInTransit(
                line=x.pk,
                label=f"{x.sku.code} {x.sku}",
                shipped=x.base_qty,
                received=x.received_qty,
                returned=x.returned_qty,
                lost=x.lost_qty,
            )
            for x in doc.lines.select_related("sku").order_by("line_no", "id")
        ]

    def receive(
        doc,
        *,
        user,
        quantities: Mapping[int, Decimal] | None = None,
        date: dt.date | None = None,
        bins: Mapping[int, int | None] | None = None,
    ):
        """调入, by a holder of the target: receive there what arrived — per line (id → base
        quantity), or everything still in transit when ``quantities`` is None, into the
        line's bin unless ``bins`` names another. Each unit comes in at the value it left
        with. When nothing is left in transit the document is complete."""
        to_bins = {int(k): v for k, v in (bins or {}).items()}

        def check(locked: Any, lines: dict, wanted: dict[int, Decimal]) -> dict:
            target = getattr(locked, decl.target)
            ensure_warehouses(user, target)
            chosen = [LineInput(sku=0, to_bin=b) for b in to_bins.values()]
            return {
                **rules.receipt_errors(line_states(locked), wanted),
                **bin_errors(chosen, target, attr="to_bin"),
            }

        def effect(locked: Any, lines: dict, wanted: dict[int, Decimal], day: dt.date) -> None:
            moves = rules.arrival_lines(
                warehouse=getattr(locked, f"{decl.target}_id"),
                date=day,
                slices=shipped_slices(locked, list(lines.values()), reason=decl.out_reason),
                quantities=wanted,
                bins={**{k: x.to_bin_id for k, x in lines.items()}, **to_bins},
                reason=decl.in_reason,
            )
            stock.record_moves(moves, source=locked.ref(), user=user)

        return take_line_step(
            doc,
            action="receive",
            user=user,
            quantities=quantities,
            date=date,
            done="received_qty",
            check=check,
            effect=effect,
            early=decl.early,
        )

    @transaction.atomic
    def close_with_difference(
        doc,
        *,
        user,
        difference: str = TransferDifference.RETURN,
        reason: str = "",
        date: dt.date | None = None,
    ):
        """结案: what was shipped but never arrived goes back into the source at the value it
        left with (``return``), or stays out as a transit loss (``write_off``); 在途 is
        cleared. By a holder of the source, where what never arrived goes back."""
        if difference not in TransferDifference.values:
            raise ValidationFailed({"difference": [str(ValidationFailed.default_message)]})
        ensure_perm(user, type(doc).RESOURCE, "close")
        back = difference == TransferDifference.RETURN

        def effect(locked: Any) -> None:
            ensure_warehouses(user, *decl.must_hold(locked))  # the goods go back there
            lines = list(locked.lines.all())
            open_qty = {x.pk: x.open_qty for x in lines if x.open_qty > 0}
            if back and open_qty:
                day = step_date(locked, date, early=decl.early)
                moves = rules.arrival_lines(
                    warehouse=getattr(locked, f"{decl.source}_id"),
                    date=day,
                    slices=shipped_slices(locked, lines, reason=decl.out_reason),
                    quantities=open_qty,
                    bins={x.pk: x.bin_id for x in lines},
                    reason=decl.in_reason,
                    from_transit=False,
                )
                stock.record_moves(moves, source=locked.ref(), user=user)
            target_id = getattr(locked, f"{decl.target}_id")
            _in_transit(target_id, lines, lambda x: -open_qty.get(x.pk, ZERO))
            for x in lines:
                if back:
                    x.returned_qty += open_qty.get(x.pk, ZERO)
                else:
                    x.lost_qty += open_qty.get(x.pk, ZERO)
            write_fields(locked.lines.model, lines, ["returned_qty", "lost_qty"])
            if open_qty:
                locked.difference = difference
                locked.save(update_fields=["difference"])

        return close(doc, user=user, reason=reason, effect=effect)

    def reverse(doc, *, user, reason: str, date: dt.date | None = None):
        """红冲, by a holder of the source (in one step of the target too): every move of the
        document reversed; what was still in transit leaves 在途."""

        def clear_in_transit(locked: Any) -> None:
            target_id = getattr(locked, f"{decl.target}_id")
            _in_transit(target_id, locked.lines.all(), lambda x: -x.open_qty)

        return reverse_stock(
            doc,
            user=user,
            reason=reason,
            date=date,
            check=lambda locked: ensure_warehouses(user, *decl.must_hold(locked)),
            then=clear_in_transit,
        )

    return InTransitServices(post, receive, close_with_difference, reverse, line_states)
