"""A step taken in parts against a posted document's open lines (归还 of a loan, 调入 of a
transfer): a quantity per line (or everything still open), a date, the type's effect (its
stock moves), each line's done quantity raised; when nothing is open any more the document
is closed (已完成). The line model has ``open_qty`` (what is still open) and the done field.

    take_line_step(loan, action="return", user=u, quantities={line.pk: D(2)}, date=None,
                   done="returned_qty", effect=record_return_moves,
                   early=_("A return cannot be dated before the loan."))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.actions import act, raise_if, take_action, write_fields
from jxc.core.documents.calendar import ensure_period_open
from jxc.core.documents.lines import format_message, plain_number
from jxc.core.documents.models import Document
from jxc.core.errors import ValidationFailed

D = TypeVar("D", bound=Document)


def open_line_errors(
    open_qty: Mapping[int, Decimal], wanted: Mapping[int, Decimal], *, nothing: Any
) -> dict[str, list[str]]:
    """Pure: something (else ``nothing`` is said), on lines of this document, above zero and
    no more than is still open."""
    if not wanted:
        return {"lines": [str(nothing)]}
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


def step_date(doc: Document, date: dt.date | None, *, early: Any) -> dt.date:
    """The step's date: the one given, else today — never before the document (``early`` is
    said then), in an open period."""
    day = date or max(timezone.localdate(), doc.date)
    if day < doc.date:
        raise ValidationFailed({"date": [str(early)]})
    ensure_period_open(day)
    return day


@transaction.atomic
def take_line_step(
    doc: D,
    *,
    action: str,
    user,
    quantities: Mapping[int, Decimal] | None,
    date: dt.date | None,
    done: str,
    effect: Callable[[D, dict[int, Any], dict[int, Decimal], dt.date], None],
    early: Any,
    check: Callable[[D, dict[int, Any], dict[int, Decimal]], dict[str, list[str]]] | None = None,
    nothing: Any = "",
) -> D:
    """``action`` on the locked document: ``quantities`` (line id → base quantity; None =
    every line's open quantity), refused by ``check(doc, lines, wanted)`` (default
    ``open_line_errors``), then ``effect(doc, lines, wanted, day)`` and the lines' ``done``
    raised; closed when nothing is open."""
    day = step_date(doc, date, early=early)

    def step(locked: D) -> None:
        lines = {x.pk: x for x in locked.lines.all()}  # type: ignore[attr-defined]
        wanted = (
            {k: x.open_qty for k, x in lines.items() if x.open_qty > 0}
            if quantities is None
            else {int(k): Decimal(v) for k, v in quantities.items() if Decimal(v) != 0}
        )
        if check is None:
            open_qty = {k: x.open_qty for k, x in lines.items()}
            raise_if(open_line_errors(open_qty, wanted, nothing=nothing))
        else:
            raise_if(check(locked, lines, wanted))
        effect(locked, lines, wanted, day)
        for k, q in wanted.items():
            setattr(lines[k], done, getattr(lines[k], done) + q)
        write_fields(type(lines[next(iter(wanted))]), [lines[k] for k in wanted], [done])

    doc = act(doc, action=action, user=user, effect=step)
    if all(x.open_qty == 0 for x in doc.lines.all()):  # type: ignore[attr-defined]
        doc = take_action(doc, action="close", user=user, check_permission=False)
    return doc
