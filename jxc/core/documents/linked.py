"""Lines made against another document's line (采购入库单 ← 采购订单, 销售退货单 ← 销售出库单),
declared once per type and checked by one function.

    ORDER_LINE = LinkedSource(
        line_model=SalesOrderLine, statuses=(DocumentStatus.APPROVED,),
        partner="customer", warehouse="warehouse",
        open_qty=lambda line, _ctx: line.base_qty - line.delivered_qty,
        missing=_("Select a line of an approved sales order."),
        mismatch=_("%(number)s is not an approved order of this customer from this warehouse."),
        other_sku=_("The SKU is not the one ordered on %(number)s."),
        too_much=_("At most %(left)s more of %(number)s line %(line)s can be delivered."),
        over_error=OverDelivery,
    )

``check_linked`` finds each linked line's source line, checks it names a source document of
an allowed status, of the header's partner (and warehouse), and the same SKU, and that the
lines together take no more than is still open on each source line (in the base unit).
What a linked line takes from its source (unit, price, VAT, batch …) is the type's ``take``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from jxc.core.documents.lines import LineInput, SkuFacts, plain_number
from jxc.core.errors import ValidationFailed

ZERO = Decimal(0)
Errors = dict[str, list[str]]


def _same(line: LineInput, _source: Any, _factor: Decimal) -> LineInput:
    return line


@dataclass(frozen=True)
class LinkedSource:
    """How lines of a document type link to the lines of their source documents."""

    line_model: type[models.Model]  # the source line (its ``document`` the source document)
    statuses: tuple[str, ...]  # the source document's statuses a line may link to
    partner: str  # header field the source document must share (customer / supplier)
    # what may still be taken from a source line, in its base unit; ``ctx`` is ``context()``
    open_qty: Callable[[Any, Any], Decimal]
    missing: Any  # no such source line (or none given where a link is required)
    mismatch: Any  # wrong status, partner or warehouse; %(number)s the source document
    other_sku: Any  # %(number)s
    too_much: Any  # %(left)s %(number)s %(line)s and the ``over_params``
    over_error: type[ValidationFailed]  # raised when a line takes more than is open
    warehouse: str | None = "warehouse"  # header field to share too (None: any warehouse)
    required: bool = False  # every line must link (a receipt against an order)
    related: tuple[str, ...] = ("document",)
    # what a linked line takes from its source line: (line, source line, its unit factor)
    take: Callable[[LineInput, Any, Decimal], LineInput] = _same
    over_params: Callable[[Any, Any], Mapping[str, Any]] = field(default=lambda _line, _ctx: {})
    context: Callable[[], Any] = field(default=lambda: None)  # read once per check

    def source_lines(self, ids: Iterable[int], *, lock: bool = False) -> dict[int, Any]:
        """The source lines of these ids (with their documents), by id."""
        qs = self.line_model._default_manager.select_related(*self.related).filter(pk__in=set(ids))
        if lock:
            qs = qs.select_for_update().order_by("pk")
        return {x.pk: x for x in qs}

    def raise_over(self, errors: Errors, over: Errors) -> None:
        """Every problem at once under the type's over-quantity code, when a line takes too
        much (a draft holds no quantity: posting checks again, locked)."""
        if over:
            raise self.over_error({**errors, **over})


@dataclass
class LinkedCheck:
    """The lines as they will be kept (linked ones with what they take from their source),
    the errors, the over-quantity errors apart, the indexes of the unlinked lines and the
    source line each linked line found (by index)."""

    lines: list[LineInput]
    errors: Errors
    over: Errors
    free: list[int]
    sources: dict[int, Any]


def check_linked(
    link: LinkedSource,
    lines: Sequence[LineInput],
    header: Mapping[str, Any],
    *,
    facts: Mapping[int, SkuFacts],
    found: Mapping[int, Any] | None = None,
) -> LinkedCheck:
    """Check the linked lines of a draft against their source lines (``found``: already read,
    e.g. locked at posting)."""
    if found is None:
        found = link.source_lines(x.source_line for x in lines if x.source_line)
    ctx = link.context()
    partner = header[link.partner].pk
    warehouse = header[link.warehouse].pk if link.warehouse else None
    result = LinkedCheck(lines=[], errors={}, over={}, free=[], sources={})
    taking: dict[int, Decimal] = defaultdict(Decimal)

    def add(where: Errors, i: int, name: str, text: str) -> None:
        where.setdefault(f"lines.{i}.{name}", []).append(text)

    for i, x in enumerate(lines):
        if not x.source_line and not link.required:
            result.free.append(i)
            result.lines.append(x)
            continue
        source = found.get(x.source_line or 0)
        if source is None:
            add(result.errors, i, "source_line", str(link.missing))
            result.lines.append(x)
            continue
        result.sources[i] = source
        doc = source.document
        if (
            doc.status not in link.statuses
            or getattr(doc, f"{link.partner}_id") != partner
            or (link.warehouse and getattr(doc, f"{link.warehouse}_id") != warehouse)
        ):
            add(result.errors, i, "source_line", str(link.mismatch) % {"number": doc.number})
        if source.sku_id != x.sku:
            add(result.errors, i, "sku", str(link.other_sku) % {"number": doc.number})
        unit = x.unit if x.unit is not None else source.unit_id
        fact = facts.get(x.sku)
        factor = fact.units.get(unit, Decimal(1)) if fact and unit is not None else Decimal(1)
        # the price comes from the source line (its own may have been found, to 10 places):
        # not one typed here, so not held to the typed-price decimals
        x = dataclasses.replace(link.take(x, source, factor), price_found=True)
        taking[source.pk] += (x.qty or ZERO) * factor
        left = link.open_qty(source, ctx)
        if taking[source.pk] > left:
            params = {
                "left": plain_number(max(left, ZERO)),
                "number": doc.number,
                "line": source.line_no,
                **link.over_params(source, ctx),
            }
            add(result.over, i, "qty", str(link.too_much) % params)
        result.lines.append(x)
    return result


def merge_free(
    check: LinkedCheck, priced: Sequence[LineInput], errors: Mapping[str, list[str]]
) -> None:
    """Put the unlinked lines back in their places once the type has checked them apart
    (``priced`` and ``errors`` numbered among the unlinked lines only)."""
    for j, (i, y) in enumerate(zip(check.free, priced, strict=True)):
        check.lines[i] = y
        prefix = f"lines.{j}."
        for key, msgs in errors.items():
            if key.startswith(prefix):
                check.errors.setdefault(f"lines.{i}." + key[len(prefix) :], []).extend(msgs)
