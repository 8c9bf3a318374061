"""The line grid of every document form: the grid posts one list per column (``line_sku``,
``line_qty`` …, aligned by position); ``parse_lines`` turns them into ``LineInput`` values for
the service and keeps what was typed for showing the form again with each row's errors
(``lines.<i>.<field>`` from the service, split off by ``row_errors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.catalog.models import SkuUnit
from jxc.catalog.rules import mixed_quantity
from jxc.core import selectors as core_selectors
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.visibility import COST, field_marks
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.models import Bin

# Grid columns: name → (label, what the input holds). A document shows a subset.
GRID_COLUMNS: dict[str, Any] = {
    "qty": _("Quantity"),
    "unit": _("unit"),
    "price": _("Unit cost"),
    "value": _("value change"),
    "bin": _("Bin"),
    "to_bin": _("to bin"),
    "batch": _("Batch number"),
    "production": _("Production date"),
    "expiry": _("Expiry date"),
    "serials": _("serial numbers"),
    "tax_rate": _("Tax rate %"),
    "discount": _("Discount %"),
    "promised": _("Promised date"),
    "source": _("Order"),
    "rejected": pgettext_lazy("quantity", "Rejected"),
    "reject_reason": _("Reject reason"),
    "memo": _("memo"),
}
FIELD_OF = {  # service error field → grid column
    "sku": "sku",
    "qty": "qty",
    "unit": "unit",
    "price": "price",
    "value_change": "value",
    "bin": "bin",
    "to_bin": "to_bin",
    "batch_number": "batch",
    "production_date": "production",
    "expiry_date": "expiry",
    "serials": "serials",
    "tax_rate": "tax_rate",
    "discount_rate": "discount",
    "promised_date": "promised",
    "source_line": "source",
    "rejected_qty": "rejected",
    "reject_reason": "reject_reason",
}


def cost_columns(line_model) -> frozenset[str]:
    """Grid columns holding a field the line model marks as a cost figure (unit cost, value
    change): hidden from users without ``cost.view``."""
    return frozenset(
        column for field, column in FIELD_OF.items() if COST in field_marks(line_model, field)
    )


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass
class ParsedLines:
    lines: list[LineInput]
    rows: list[dict[str, Any]]  # what was typed, per row, for the form shown again
    errors: dict[str, list[str]]


def _decimal(raw: str) -> Decimal | None:
    """A number as typed: digits, a sign, a point (thousands commas dropped) — not "1e2",
    which Decimal would read as 100 where the user meant something else."""
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    if "e" in raw.lower():
        raise InvalidOperation(raw)
    value = Decimal(raw)
    if not value.is_finite():
        raise InvalidOperation(raw)
    return value


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _date(raw: str) -> dt.date | None:
    raw = (raw or "").strip()
    return dt.date.fromisoformat(raw) if raw else None


def parse_lines(data, columns: list[str]) -> ParsedLines:
    """The grid's rows (empty ones dropped) as service input, with format errors."""
    get = data.getlist
    skus = get("line_sku")
    n = len(skus)

    def col(name: str) -> list[str]:
        values = get(f"line_{name}")
        return values + [""] * (n - len(values))

    cols = {name: col(name) for name in GRID_COLUMNS}
    labels = col("sku_label")
    variants = col("sku_variant")
    sources = col("source_label")
    lines: list[LineInput] = []
    rows: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for i in range(n):
        raw = {name: cols[name][i] for name in GRID_COLUMNS}
        sku_id = _int(skus[i])
        if sku_id is None and not any(v.strip() for v in raw.values()):
            continue
        if raw["source"].strip() and not raw["qty"].strip() and not raw["rejected"].strip():
            # a line of its source (an order) left without a quantity: none of it this time
            continue
        index = len(rows)
        rows.append(
            {
                "sku": skus[i],
                "sku_label": labels[i],
                "variant": variants[i],
                "source_label": sources[i],
                **raw,
            }
        )
        values: dict[str, Any] = {}
        for name, convert in (
            ("qty", _decimal),
            ("price", _decimal),
            ("value", _decimal),
            ("production", _date),
            ("expiry", _date),
            ("tax_rate", _decimal),
            ("discount", _decimal),
            ("promised", _date),
            ("rejected", _decimal),
        ):
            try:
                values[name] = convert(raw[name]) if name in columns else None
            except (InvalidOperation, ValueError):
                message = (
                    _("Enter a valid date.")
                    if name in ("production", "expiry", "promised")
                    else _("Enter a number.")
                )
                errors.setdefault(f"lines.{index}.{name}", []).append(str(message))
        if sku_id is None:
            errors.setdefault(f"lines.{index}.sku", []).append(str(_("Select a valid SKU.")))
        lines.append(
            LineInput(
                sku=sku_id or 0,
                qty=values.get("qty") or Decimal(0),
                unit=_int(raw["unit"]) if "unit" in columns else None,
                price=values.get("price"),
                value_change=values.get("value"),
                bin=_int(raw["bin"]) if "bin" in columns else None,
                to_bin=_int(raw["to_bin"]) if "to_bin" in columns else None,
                batch_number=raw["batch"].strip() if "batch" in columns else "",
                production_date=values.get("production"),
                expiry_date=values.get("expiry"),
                serials=parse_serials(raw["serials"]) if "serials" in columns else (),
                memo=raw["memo"].strip()[:200] if "memo" in columns else "",
                tax_rate=values.get("tax_rate"),
                discount_rate=values.get("discount"),
                promised_date=values.get("promised"),
                source_line=_int(raw["source"]) if "source" in columns else None,
                rejected_qty=values.get("rejected"),
                reject_reason=raw["reject_reason"].strip()[:200]
                if "reject_reason" in columns
                else "",
            )
        )
    return ParsedLines(lines=lines, rows=rows, errors=errors)


def row_errors(errors: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Split service errors into the grid's (``"<row>.<column>"``) and the header's."""
    grid: dict[str, list[str]] = {}
    header: dict[str, list[str]] = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3:
            grid.setdefault(f"{parts[1]}.{FIELD_OF.get(parts[2], parts[2])}", []).extend(messages)
        elif parts[0] == "lines":
            grid.setdefault("all", []).extend(messages)
        else:
            header.setdefault(key, []).extend(messages)
    return grid, header


def rows_of(lines, *, sku_units) -> list[dict[str, Any]]:
    """Saved lines as grid rows (for editing a draft, or the lines of a ``GridFormScreen``'s
    row: a kit's components)."""

    def text(v) -> str:
        if v is None:
            return ""
        if isinstance(v, Decimal):
            t = format(v.normalize(), "f")
            return t
        return str(v)

    out = []
    for x in lines:
        out.append(
            {
                "sku": str(x.sku_id),
                "sku_label": f"{x.sku.code} {x.sku.name}",
                "variant": x.sku.spec,
                "units": sku_units.get(x.sku_id, []),
                "qty": text(x.qty),
                "unit": text(getattr(x, "unit_id", None)),
                "price": text(getattr(x, "price", None)),
                "value": text(getattr(x, "value_change", None)),
                "bin": text(getattr(x, "bin_id", None)),
                "to_bin": text(getattr(x, "to_bin_id", None)),
                "batch": getattr(x, "batch_number", ""),
                "production": text(getattr(x, "production_date", None)),
                "expiry": text(getattr(x, "expiry_date", None)),
                "serials": getattr(x, "serials", ""),
                "tax_rate": text(getattr(x, "tax_rate", None)),
                "discount": text(getattr(x, "discount_rate", None)),
                "promised": text(getattr(x, "promised_date", None)),
                "source": text(getattr(x, "source_line_id", None)),
                "source_label": str(getattr(x, "source_label", "") or ""),
                "rejected": text(getattr(x, "rejected_qty", None)),
                "reject_reason": getattr(x, "reject_reason", ""),
                "memo": getattr(x, "memo", ""),
            }
        )
    return out


def units_of(sku_ids) -> dict[int, list[dict[str, Any]]]:
    """The units each SKU may be entered in (base first)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for su in (
        SkuUnit.objects.filter(sku_id__in=set(sku_ids))
        .select_related("unit")
        .order_by("sku_id", "-is_base", "factor")
    ):
        out.setdefault(su.sku_id, []).append(
            {"id": su.unit_id, "name": su.unit.name, "factor": format(su.factor.normalize(), "f")}
        )
    return out


def in_units(qty: Decimal | None, units: list[dict[str, Any]]) -> str:
    """3箱5瓶 for a base quantity of a SKU with several units (``units_of``); "" for a SKU
    with one unit (its base quantity says it all)."""
    if qty is None or len(units) < 2:
        return ""
    return mixed_quantity(qty, [(u["name"], Decimal(u["factor"])) for u in units])


def grid_texts() -> dict[str, str]:
    """What the grid's script says (translated here: the script has no catalog)."""
    return {
        "available": str(_("available")),
        "baseQty": str(_("quantity (base unit)")),
        "amount": str(_("Amount")),
        "noMatch": str(_("No matching SKU.")),
        "searching": str(_("Searching…")),
        "notFound": str(_("No SKU has the barcode or code %(code)s.")),
        "scanned": str(_("%(sku)s → %(qty)s")),
        "retrying": str(_("No answer from the server; the scans are kept and sent again.")),
    }


def grid_state(
    *, rows, columns, errors, user, labels=None, warehouses: Sequence[QuerySet] = ()
) -> dict[str, Any]:
    """The grid's starting state, read by the script from the page (``labels``: a type's own
    names of some columns, e.g. 单价 instead of 单位成本; ``warehouses``: those the header
    offers, whose bins the bin columns offer — default the user's)."""
    return {
        "rows": rows,
        "columns": columns,
        "labels": {k: str(v) for k, v in {**GRID_COLUMNS, **(labels or {})}.items()},
        "errors": errors,
        "bins": bins_by_warehouse(user, warehouses),
        "skusUrl": reverse("web:grid_skus"),
        "texts": grid_texts(),
        # a priced line without a rate is taxed at the company's (the 合计 row follows it)
        "taxRate": str(core_selectors.company().default_tax_rate),
    }


def bins_by_warehouse(user, warehouses: Sequence[QuerySet] = ()) -> dict[str, list[dict[str, Any]]]:
    """Warehouse id → its active bins, of the ``warehouses`` a form offers (default: the
    user's; a transfer's target may be any of ours)."""
    scope = Q()
    for qs in warehouses or [stock_selectors.warehouses_for(user)]:
        scope |= Q(warehouse__in=qs.values("pk"))
    out: dict[str, list[dict[str, Any]]] = {}
    for b in Bin.objects.filter(scope, is_active=True).order_by("code"):
        out.setdefault(str(b.warehouse_id), []).append({"id": b.pk, "code": b.code})
    return out
