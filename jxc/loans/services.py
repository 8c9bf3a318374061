"""借出单 / 借入单: drafts through the document platform, posting, 归还 in parts, 红冲.

借出 moves the goods out of the warehouse into its lent-out location (still ours, valued);
归还 brings them back. 借入 goods are the partner's: nothing reaches the stock ledger, the
loan's lines keep what is held and what went back (docs/adr/0003-loans.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import act
from jxc.core.documents.line_steps import take_line_step
from jxc.core.documents.lines import LineInput, SkuFacts
from jxc.core.errors import LoanPartlyReturned, SerialTrackedNotLendable, ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.drafts import draft_services
from jxc.inventory.documents.lifecycle import (
    available_lots,
    bin_errors,
    ensure_warehouses,
    issue_lines,
    reverse_stock,
)
from jxc.inventory.documents.rules import one_step_lines
from jxc.loans.models import Loan, LoanOut

L = TypeVar("L", bound=Loan)


def refuse_serial_tracked(skus: Sequence[int], facts: Mapping[int, SkuFacts]) -> None:
    """A loan records no serial numbers, so a serial-tracked SKU is refused with its own code
    (``serial_tracked_not_lendable``) rather than lent without them (docs/adr/0004)."""
    for i, sku in enumerate(skus):
        found = facts.get(sku)
        if found is not None and found.serial_tracked:
            raise SerialTrackedNotLendable(field=f"lines.{i}.sku", sku=found.label)


def _check(user, header: Mapping[str, Any], lines: Sequence[LineInput], facts) -> dict:
    """One customer or one supplier, one of our warehouses (not a lent-out location), due
    no earlier than the loan, the bins the warehouse's."""
    refuse_serial_tracked([x.sku for x in lines], facts)
    warehouse = header["warehouse"]
    errors: dict[str, list[str]] = {}
    if (header.get("customer") is None) == (header.get("supplier") is None):
        errors["customer"] = [str(_("Select a customer or a supplier."))]
    if warehouse.kind == WarehouseKind.LENT or not warehouse.is_active:
        errors["warehouse"] = [str(ValidationFailed.default_message)]
    due = header.get("due_date")
    if due is not None and due < header["date"]:
        errors["due_date"] = [str(_("The due date is before the business date."))]
    errors.update(bin_errors(lines, warehouse))
    return errors


# 新建借出单 / 借入单 (a draft: warehouse, date, customer or supplier, due date, memo) and 修改草稿
create_loan, update_loan = draft_services(_check)


@transaction.atomic
def post_loan(doc: L, *, user) -> L:
    """过账: 借出 takes the goods out of the warehouse into its lent-out location, at exactly
    the value that left (still ours and valued); 借入 records the goods held for the partner
    (nothing in our stock)."""

    def effect(locked: Loan) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(locked.lines.all())
        # a SKU may have become serial-tracked since the draft was saved
        refuse_serial_tracked([x.sku_id for x in lines], sku_facts(x.sku_id for x in lines))
        if isinstance(locked, LoanOut):
            pool = available_lots(locked.warehouse_id, {x.sku_id for x in lines})
            moves = one_step_lines(
                source=locked.warehouse_id,
                target=stock.lent_location(locked.warehouse).pk,
                date=locked.date,
                lines=issue_lines(lines, pool),
                to_bins={},
            )
            stock.record_moves(moves, source=locked.ref(), user=user)

    return act(doc, action="post", user=user, effect=effect)


def return_loan(
    doc: L, *, user, quantities: Mapping[int, Decimal] | None = None, date: dt.date | None = None
) -> L:
    """归还: what came back, per line (id → base quantity; None = everything still out). 借出:
    from the lent-out location back into the warehouse, each line into its own bin, at the
    value it left with. When nothing is out the loan is done."""

    def effect(locked: Loan, lines: dict, wanted: dict[int, Decimal], day: dt.date) -> None:
        ensure_warehouses(user, locked.warehouse)
        if isinstance(locked, LoanOut):
            place = stock.lent_location(locked.warehouse).pk
            pool = available_lots(place, {lines[k].sku_id for k in wanted})
            moves = one_step_lines(
                source=place,
                target=locked.warehouse_id,
                date=day,
                lines=issue_lines(list(lines.values()), pool, quantities=wanted),
                to_bins={k: lines[k].bin_id for k in wanted},
            )
            stock.record_moves(moves, source=locked.ref(), user=user)

    return take_line_step(
        doc,
        action="return",
        user=user,
        quantities=quantities,
        date=date,
        done="returned_qty",
        effect=effect,
        early=_("A return cannot be dated before the loan."),
        nothing=_("Enter what came back."),
    )


def _nothing_returned(locked: Loan) -> None:
    if any(x.returned_qty for x in locked.lines.all()):
        raise LoanPartlyReturned(number=locked.number)


def reverse_loan(doc: L, *, user, reason: str, date: dt.date | None = None) -> L:
    """红冲 a loan nothing has come back of: 借出 goods return to the warehouse exactly."""
    return reverse_stock(
        doc,
        user=user,
        reason=reason,
        date=date,
        check=_nothing_returned,
        moves=isinstance(doc, LoanOut),
    )
