"""Pure rules of the loans: which returns are allowed, and the stock lines of lending and of
归还 (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.documents.lines import format_message, plain_number
from jxc.inventory.documents.rules import PostLine
from jxc.inventory.documents.transfer_rules import one_step_transfer_lines
from jxc.inventory.ledger.types import StockLine


def return_errors(
    open_qty: Mapping[int, Decimal], wanted: Mapping[int, Decimal]
) -> dict[str, list[str]]:
    """归还: something, on lines of this loan, above zero and no more than is still out."""
    if not wanted:
        return {"lines": [str(_("Enter what came back."))]}
    errors: dict[str, list[str]] = {}
    for line_id, qty in wanted.items():
        key = f"lines.{line_id}.qty"
        if line_id not in open_qty:
            errors[key] = [str(_("This line is not on the document."))]
        elif qty <= 0:
            errors[key] = [str(_("Enter a quantity above zero."))]
        elif qty > open_qty[line_id]:
            errors[key] = [
                format_message(
                    _("At most %(qty)s is still out."), qty=plain_number(open_qty[line_id])
                )
            ]
    return errors


def lending_lines(
    *, warehouse: int, lent_location: int, date: dt.date, lines: Sequence[PostLine]
) -> list[StockLine]:
    """借出: out of the warehouse into its lent-out location, at exactly the value that left
    (the goods stay ours and in our stock value)."""
    return one_step_transfer_lines(
        source=warehouse, target=lent_location, date=date, lines=lines, to_bins={}
    )


def return_lines(
    *,
    warehouse: int,
    lent_location: int,
    date: dt.date,
    lines: Sequence[PostLine],
    bins: Mapping[int, int | None],
) -> list[StockLine]:
    """归还 of lent goods: out of the lent-out location back into the warehouse (each line
    into its own bin), at the value they leave the lent-out location with."""
    return one_step_transfer_lines(
        source=lent_location, target=warehouse, date=date, lines=lines, to_bins=bins
    )
