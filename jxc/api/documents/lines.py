"""The lines of every document's API: ``LineIn`` (a line as entered), ``LineOut`` and the
conversions to the services' ``LineInput`` and from a stored line.

Cost figures (unit_cost, value, cost_amount) are absent for users without ``cost.view``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from jxc.core.documents.lines import LineInput, line_amount, parse_serials
from jxc.core.visibility import Cost


class LineIn(Schema):
    """One line as entered: quantity in ``unit_id`` (default the base unit); ``unit_cost`` per
    that unit (receipts, opening stock; the new cost for a cost adjustment); ``value`` the
    value change of a cost adjustment."""

    sku_id: int
    qty: Decimal = Decimal(0)
    unit_id: int | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    bin_id: int | None = None
    to_bin_id: int | None = None
    batch_number: str = Field("", max_length=60)
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: list[str] = []
    memo: str = Field("", max_length=200)


class LineOut(Schema):
    id: int
    line_no: int
    sku_id: int
    sku_code: str
    sku_name: str
    unit_id: int | None
    unit_name: str
    factor: Decimal
    qty: Decimal
    base_qty: Decimal
    unit_cost: Decimal | None = Cost(None)
    value: Decimal | None = Cost(None)
    cost_amount: Decimal | None = Cost(None)
    bin_id: int | None = None
    batch_number: str = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: list[str] = []
    memo: str = ""


def line_inputs(lines: list[LineIn]) -> list[LineInput]:
    """The lines as service input; a type's own line schema (a subclass of ``LineIn``) may add
    ``price`` (an order's price, instead of ``unit_cost``), ``tax_rate``, ``discount_rate``,
    ``promised_date``, and for a line made against an order line ``order_line_id``,
    ``rejected_qty`` and ``reject_reason``."""
    return [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            price=x.unit_cost if x.unit_cost is not None else getattr(x, "price", None),
            value_change=x.value,
            bin=x.bin_id,
            to_bin=x.to_bin_id,
            batch_number=x.batch_number,
            production_date=x.production_date,
            expiry_date=x.expiry_date,
            serials=parse_serials(x.serials),
            memo=x.memo,
            tax_rate=getattr(x, "tax_rate", None),
            discount_rate=getattr(x, "discount_rate", None),
            promised_date=getattr(x, "promised_date", None),
            source_line=getattr(x, "order_line_id", None),
            rejected_qty=getattr(x, "rejected_qty", None),
            reject_reason=getattr(x, "reject_reason", ""),
        )
        for x in lines
    ]


def line_out(x: Any) -> dict[str, Any]:
    """The common columns of any document line (select_related sku, unit)."""
    price = getattr(x, "price", None)
    return {
        "id": x.pk,
        "line_no": x.line_no,
        "sku_id": x.sku_id,
        "sku_code": x.sku.code,
        "sku_name": str(x.sku),
        "unit_id": x.unit_id,
        "unit_name": str(x.unit) if x.unit_id else "",
        "factor": x.factor,
        "qty": x.qty,
        "base_qty": x.base_qty,
        "unit_cost": price,
        "value": getattr(x, "value_change", None),
        "cost_amount": line_amount(x.qty, price),
        "bin_id": getattr(x, "bin_id", None),
        "batch_number": getattr(x, "batch_number", ""),
        "production_date": getattr(x, "production_date", None),
        "expiry_date": getattr(x, "expiry_date", None),
        "serials": list(parse_serials(getattr(x, "serials", ""))),
        "memo": x.memo,
    }
